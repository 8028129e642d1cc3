"""Content-addressed cache of coded articles.

Key: the article's content and metadata, the coder version, the codebook version (which holds
the codebook hash) and the coding settings that change results. Deleting the cache is always
safe; a hit returns exactly the rows a fresh run would produce.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from pathlib import Path

from pipeline import CODER_VERSION

# --------------------------------------------------------------------------- checked cache files
# Every file Polemos keeps in a cache (compiled codebooks, token rules, the gazetteer index, actor
# phrases, coded articles) is framed: a magic string, the payload's length and a checksum. A
# truncated, overwritten or foreign file fails the check on read, is removed with a one-line
# warning and rebuilt; it never fails a run. Files are written to a unique temporary name and
# renamed into place, so runs sharing a cache never see each other's half-written files.

CACHE_MAGIC = b"POLEMOS-CACHE-1\n"
_HEADER = len(CACHE_MAGIC) + 8 + 16


def _digest(payload) -> bytes:
    return hashlib.blake2b(payload, digest_size=16).digest()


def frame(payload: bytes) -> bytes:
    return CACHE_MAGIC + len(payload).to_bytes(8, "little") + _digest(payload) + payload


def unframe(data: bytes) -> bytes:
    """The payload of a framed cache file; ValueError saying what is wrong otherwise."""
    if not data.startswith(CACHE_MAGIC):
        raise ValueError("not a Polemos cache file")
    size = int.from_bytes(data[len(CACHE_MAGIC):len(CACHE_MAGIC) + 8], "little")
    payload = memoryview(data)[_HEADER:]
    if len(payload) != size:
        raise ValueError(f"truncated ({len(payload)} of {size} bytes)" if len(payload) < size else "wrong size")
    if _digest(payload) != data[len(CACHE_MAGIC) + 8:_HEADER]:
        raise ValueError("checksum mismatch")
    return bytes(payload)


def warn_damaged(path, why) -> None:
    print(f"polemos: warning: {path}: damaged cache file ({why}); rebuilding it", file=sys.stderr, flush=True)


def read_cache(path, decode=None):
    """The payload of a cache file (or `decode(payload)`); None when absent. A damaged file, or
    one `decode` cannot read, is removed with a warning, and None returned: the caller rebuilds."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        warn_damaged(path, exc.strerror or exc)
        return None
    try:
        payload = unframe(data)
        return decode(payload) if decode is not None else payload
    except Exception as exc:  # any failure to read a cache entry means: build it again
        warn_damaged(path, exc)
        try:
            os.unlink(path)
        except OSError:
            pass
        return None


def write_cache(path, payload: bytes) -> bool:
    """Write a framed cache file atomically; False when the cache cannot be written (a cache
    that cannot be written only costs time)."""
    from pipeline.errors import PolemosError
    from pipeline.io import atomic_path

    try:
        with atomic_path(Path(path)) as tmp:
            tmp.write_bytes(frame(payload))
        return True
    except (OSError, PolemosError):
        return False



CODER_MODULES = ("code.py", "coder.py", "actors.py", "dates.py", "places.py", "nlp.py", "ingest.py")


def coder_source_hash() -> str:
    """Hash of the modules that decide what is coded: an edited coder never reuses old rows."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for name in CODER_MODULES:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:16]


class CodedCache:
    def __init__(self, folder: Path, books, settings):
        self.folder = Path(folder)
        self.salt = json.dumps({"coder": CODER_VERSION, "source": coder_source_hash(), "codebooks": books.version,
                                "model": settings.model, "max_sentence_tokens": settings.max_sentence_tokens},
                               sort_keys=True)

    def key(self, art) -> str:
        # Where the article was read from does not change its events; everything else may.
        fields = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in art.as_row().items()
                  if k not in ("input", "record")}
        payload = json.dumps(fields, sort_keys=True, ensure_ascii=False) + self.salt
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pkl"

    def get(self, art):
        return read_cache(self._path(self.key(art)), pickle.loads)

    def get_many(self, arts) -> dict:
        return {a.article_id: self.get(a) for a in arts}

    def put(self, art, rows) -> None:
        write_cache(self._path(self.key(art)), pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
