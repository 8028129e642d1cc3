"""Comparing releases of two git revisions (through DVC) and packing one for a data repository."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipeline.errors import PolemosError

EVENTS_PATH = "data/interim/events.parquet"
EVENT_KEY = ("article_id", "sentence_index", "verb_start", "source_code", "target_code")


def events_at(rev: str, repo: Path, path: str = EVENTS_PATH) -> list[dict[str, Any]]:
    """The event table of a git revision, read from the DVC cache (or remote) with dvc.api."""
    import dvc.api

    try:
        with dvc.api.open(path, repo=str(repo), rev=rev, mode="rb") as fh:
            data = fh.read()
    except Exception as exc:  # dvc raises many kinds: missing rev, path not tracked, cache missing
        raise PolemosError(f"cannot read {path} at revision {rev}: {type(exc).__name__}: {exc}") from None
    cols = ["event_id", *EVENT_KEY, "cameo_code", "cameo_root", "source_country"]
    return pq.read_table(io.BytesIO(data), columns=cols).to_pylist()


def diff_events(a: list[dict], b: list[dict]) -> dict[str, Any]:
    """Added, removed and changed events: 'changed' = same article, sentence, verb and actors,
    different code."""
    by_key_a = {tuple(e[k] for k in EVENT_KEY): e for e in a}
    by_key_b = {tuple(e[k] for k in EVENT_KEY): e for e in b}
    ids_a, ids_b = {e["event_id"] for e in a}, {e["event_id"] for e in b}
    changed = [(by_key_a[k], by_key_b[k]) for k in by_key_a.keys() & by_key_b.keys()
               if by_key_a[k]["cameo_code"] != by_key_b[k]["cameo_code"]]
    changed_ids_a = {x["event_id"] for x, _ in changed}
    changed_ids_b = {y["event_id"] for _, y in changed}
    added = [e for e in b if e["event_id"] not in ids_a and e["event_id"] not in changed_ids_b]
    removed = [e for e in a if e["event_id"] not in ids_b and e["event_id"] not in changed_ids_a]

    def by(events, field):
        return dict(sorted(Counter(e[field] or "---" for e in events).items()))

    return {
        "events_a": len(a), "events_b": len(b),
        "added": len(added), "removed": len(removed), "changed": len(changed),
        "added_by_root": by(added, "cameo_root"), "removed_by_root": by(removed, "cameo_root"),
        "changed_by_root": dict(sorted(Counter(f"{x['cameo_root']}->{y['cameo_root']}" for x, y in changed).items())),
        "added_by_country": by(added, "source_country"), "removed_by_country": by(removed, "source_country"),
        "changed_events": [{"event_id_a": x["event_id"], "event_id_b": y["event_id"], "code_a": x["cameo_code"],
                            "code_b": y["cameo_code"]} for x, y in sorted(changed, key=lambda p: p[0]["event_id"])],
    }


def changed_codebook_files(rev_a: str, rev_b: str, repo: Path) -> list[str]:
    res = subprocess.run(["git", "diff", "--name-only", rev_a, rev_b, "--", "codebooks/"], cwd=repo,
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise PolemosError(f"git diff {rev_a} {rev_b} failed: {res.stderr.strip().splitlines()[-1] if res.stderr.strip() else res.returncode}")
    return [line for line in res.stdout.splitlines() if line]


def format_diff(rev_a: str, rev_b: str, d: dict[str, Any], files: list[str]) -> str:
    lines = [f"release diff {rev_a} -> {rev_b}: {d['events_a']} -> {d['events_b']} events; "
             f"{d['added']} added, {d['removed']} removed, {d['changed']} changed"]
    lines.append("codebook files changed: " + (", ".join(files) if files else "none"))
    for title, key in (("added by root", "added_by_root"), ("removed by root", "removed_by_root"),
                       ("changed (root a->b)", "changed_by_root"), ("added by source country", "added_by_country"),
                       ("removed by source country", "removed_by_country")):
        if d[key]:
            lines.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in d[key].items()))
    return "\n".join(lines)


def citation_cff(params: dict[str, Any], books_version: str) -> str:
    return (
        "cff-version: 1.2.0\n"
        "message: If you use this dataset, please cite it as below.\n"
        "type: dataset\n"
        f"title: \"{params.get('title', params['name'])}\"\n"
        f"version: \"{params['version']}\"\n"
        "authors:\n  - name: \"Polemos contributors\"\n"
        "license: CC-BY-4.0\n"
        "keywords: [event data, CAMEO, conflict, political science]\n"
        f"abstract: \"CAMEO-coded event data produced by Polemos (codebooks {books_version}).\"\n"
    )


FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def pack(release: Path, out: Path, params: dict[str, Any], books_version: str) -> int:
    """One zip for Dataverse/Zenodo: data, datapackage.json, codebook, report, checksums, CITATION.cff.
    Entries are sorted and time-stamped 1980-01-01, so the same release packs to the same bytes."""
    from pipeline.io import atomic_path

    if not (release / "datapackage.json").is_file():
        raise PolemosError(f"{release}: not a release folder (no datapackage.json); run `dvc repro` first")
    root = f"{params['name']}-{params['version']}"
    files = sorted(p for p in release.rglob("*") if p.is_file())
    with atomic_path(out) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            def add(name: str, data: bytes) -> None:
                info = zipfile.ZipInfo(f"{root}/{name}", date_time=FIXED_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)

            for p in files:
                add(p.relative_to(release).as_posix(), p.read_bytes())
            add("CITATION.cff", citation_cff(params, books_version).encode())
            add("README.txt", (f"{root}\n\nCAMEO event data produced by Polemos. Start with report.html; the data "
                               "dictionary is DATA_DICTIONARY.md; checksums are in SHA256SUMS; datapackage.json "
                               "describes every table (Frictionless Data Package).\n").encode())
    return len(files) + 2


def diff_json(d: dict[str, Any]) -> str:
    return json.dumps(d, indent=2, sort_keys=True) + "\n"
