"""Every project directory, derived from the project root (no path literals elsewhere)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


# Codebooks shipped inside the package (copied there when a wheel is built: setup.py), so an
# installed `polemos` runs in any folder; a clone's own codebooks/ (edited, versioned) win.
PACKAGED_CODEBOOKS = PACKAGE_DIR / "_codebooks"


def _clone_here() -> Path | None:
    """`POLEMOS_ROOT`, else the clone the current folder is in (it holds params.yaml and codebooks/)."""
    env = os.environ.get("POLEMOS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "params.yaml").is_file() and (candidate / "codebooks").is_dir():
            return candidate
    return None


def project_root() -> Path:
    """The checkout that holds `params.yaml`; `POLEMOS_ROOT` overrides (tests, installed use)."""
    clone = _clone_here()
    if clone is not None:
        return clone
    here = Path.cwd().resolve()
    source_checkout = PACKAGE_DIR.parent
    if (source_checkout / "codebooks").is_dir():
        return source_checkout
    return here


def codebooks_dir() -> Path:
    env = os.environ.get("POLEMOS_CODEBOOKS")
    if env:
        return Path(env).resolve()
    clone = _clone_here()
    if clone is None and PACKAGED_CODEBOOKS.is_dir():
        return PACKAGED_CODEBOOKS
    return project_root() / "codebooks"


def coded_cache_dir(configured: str | os.PathLike | None) -> Path:
    """The coded-article cache: `code.cache_dir` (relative to the project root, not to the
    current folder), else `coded/` in the user cache folder."""
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else project_root() / path
    return user_cache_dir() / "coded"


def params_file() -> Path:
    return project_root() / "params.yaml"


def user_cache_dir() -> Path:
    """Derived, rebuildable indexes (gazetteer, phrase tables, loaded codebooks, coded articles):
    `POLEMOS_CACHE`, else the platform's user cache folder (~/.cache/polemos on Linux), never
    the current folder. Deleting it only costs start-up time. A path that cannot hold a cache
    is a CacheUnusableError (its own exit code), not a failure deep inside a run."""
    env = os.environ.get("POLEMOS_CACHE")
    if env:
        path, origin = Path(env), "POLEMOS_CACHE"
    else:
        import platformdirs

        path, origin = Path(platformdirs.user_cache_dir("polemos", appauthor=False)), "the user cache folder"
    _check_cache_dir(str(path), origin)
    return path


@lru_cache(maxsize=8)
def _check_cache_dir(path: str, origin: str) -> None:
    check_cache_dir(Path(path), origin, "set POLEMOS_CACHE to a writable folder")


def check_cache_dir(path: Path, origin: str, fix: str) -> bool:
    """Create the cache folder if needed. Raises CacheUnusableError when the path cannot be a
    folder; warns (once) and returns False when it is a folder this user cannot write to
    (entries are still read; nothing new is kept)."""
    import sys

    from pipeline.errors import CacheUnusableError

    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise CacheUnusableError(f"cache folder {path} ({origin}) is a file, not a folder: {fix}") from None
    except OSError as exc:
        raise CacheUnusableError(f"cache folder {path} ({origin}) cannot be created ({exc.strerror}): {fix}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        print(f"polemos: warning: cache folder {path} ({origin}) is not writable: nothing new will be cached ({fix})",
              file=sys.stderr)
        return False
    _remove_stale_temporaries(path)
    return True


def _remove_stale_temporaries(path: Path, age: float = 3600) -> None:
    """Temporary files a killed process left in the cache (a live run renames its own within
    seconds, so an hour-old one is nobody's)."""
    import time

    cutoff = time.time() - age
    try:
        for tmp in path.glob(".*.tmp"):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()
    except OSError:
        pass  # another run removed it first, or the folder is not ours to tidy
