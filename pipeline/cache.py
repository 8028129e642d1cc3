"""Content-addressed cache of coded articles.

Key: the article's content and metadata, the coder version, the codebook version (which holds
the codebook hash) and the coding settings that change results. Deleting the cache is always
safe; a hit returns exactly the rows a fresh run would produce.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

from pipeline import CODER_VERSION


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
        path = self._path(self.key(art))
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError):
            return None

    def get_many(self, arts) -> dict:
        return {a.article_id: self.get(a) for a in arts}

    def put(self, art, rows) -> None:
        from pipeline.io import atomic_path

        path = self._path(self.key(art))
        try:
            with atomic_path(path) as tmp:
                with open(tmp, "wb") as fh:
                    pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass  # a cache that cannot be written only costs time
