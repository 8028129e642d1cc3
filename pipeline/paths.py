"""Every project directory, derived from the project root (no path literals elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The checkout that holds `params.yaml`; `POLEMOS_ROOT` overrides (tests, installed use)."""
    env = os.environ.get("POLEMOS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "params.yaml").is_file() and (candidate / "codebooks").is_dir():
            return candidate
    source_checkout = PACKAGE_DIR.parent
    if (source_checkout / "codebooks").is_dir():
        return source_checkout
    return here


def codebooks_dir() -> Path:
    env = os.environ.get("POLEMOS_CODEBOOKS")
    if env:
        return Path(env).resolve()
    return project_root() / "codebooks"


def params_file() -> Path:
    return project_root() / "params.yaml"


def user_cache_dir() -> Path:
    """Derived, rebuildable indexes (gazetteer, phrase tables, loaded codebooks): `POLEMOS_CACHE`
    or ~/.cache/polemos. Deleting it only costs start-up time."""
    base = os.environ.get("POLEMOS_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "polemos")
    return Path(base)
