import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT

CORPUS = [
    {"id": "a1", "published": "2016-05-02", "source": "Wire A",
     "text": "Kenyan police arrested 30 opposition protesters in Nairobi on Monday. Russia condemned the arrests."},
    {"id": "a2", "published": "2016-06-10", "source": "Wire B",
     "text": "Syrian government warplanes bombed rebel positions in Aleppo on Friday. Turkey criticized the Syrian government."},
    {"id": "a3", "published": "2016-06-11", "source": "Wire A",
     "text": "Kenyan police arrested 30 opposition protesters in Nairobi on Monday. The arrests drew criticism."},
    # No date anywhere: its events go to events/undated/undated.parquet.
    {"id": "a4", "source": "Wire C", "text": "Iran accused Saudi Arabia of attacking its embassy in Yemen."},
    # Three months after a2: July and August have no events (the report shows them empty).
    {"id": "a5", "published": "2016-09-14", "source": "Wire B",
     "text": "France and Germany signed an agreement on energy cooperation in Berlin on Wednesday."},
]
# Two small gold sets (format A) over the same texts, so `evaluate --pred` scores the coded events.
GOLD = {
    "gold": [{"id": "a1", "text": CORPUS[0]["text"], "published": "2016-05-02", "level": "root", "relevant": True,
              "events": [{"source": "KENCOP", "code": None, "root": "17", "target": "KENOPP"}]},
             {"id": "a2", "text": CORPUS[1]["text"], "published": "2016-06-10", "level": "root", "relevant": True,
              "events": [{"source": "SYRGOV", "code": None, "root": "19", "target": "SYRREB"}]}],
    "voa_realnews": [{"id": "a5", "text": CORPUS[4]["text"], "published": "2016-09-14", "level": "root",
                      "relevant": True, "events": [{"source": "FRA", "code": None, "root": "05", "target": "DEU"}]},
                     {"id": "a3", "text": CORPUS[2]["text"], "published": "2016-06-11", "level": "root",
                      "relevant": True, "events": [{"source": "KENCOP", "code": None, "root": "17", "target": "KENOPP"}]},
                     {"id": "a4", "text": CORPUS[3]["text"], "published": None, "level": "root", "relevant": True,
                      "events": [{"source": "IRN", "code": None, "root": "11", "target": "SAU"}]}],
}


def run(args, cwd=ROOT, umask=0o022, env=None):
    """Run the CLI with a known umask (the modes of what it writes depend on it)."""
    res = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd,
                         preexec_fn=lambda: os.umask(umask), env=env)
    assert res.returncode == 0, res.stderr
    return res


def build(events, out, metrics, env=None, extra=()):
    args = ["release", "build", str(events), "--out", str(out), *extra]
    for m in metrics:
        args += ["--metrics", str(m)]
    return run(args, env=env)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rel")
    src = tmp / "in.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in CORPUS) + "\n")
    events = tmp / "events.parquet"
    run(["code", str(src), "--out", str(events), "--no-cache"])
    metrics = []
    for name, records in GOLD.items():
        gold = tmp / f"{name}.jsonl"
        gold.write_text("".join(json.dumps(r) + "\n" for r in records))
        metrics.append(tmp / "metrics" / f"{name}.json")
        run(["evaluate", "--gold", str(gold), "--pred", str(events), "--json", str(metrics[-1])])
    out = tmp / "release"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    build(events, out, metrics, env=env)
    return events, out


def metrics_of(out):
    """The evaluate JSON files the module's release was built with."""
    return [out.parent / "metrics" / f"{name}.json" for name in GOLD]


def test_release_layout_and_checksums_of_every_file(release):
    _, out = release
    for name in ("events_daily.parquet", "dyad_month.parquet", "datapackage.json", "SHA256SUMS", "CHANGES.md",
                 "DATA_DICTIONARY.md", "CITATION.cff", "README.txt", "report.html", "evaluation.json",
                 "codebook/cameo_codes.csv", "codebook/actor_codes.csv"):
        assert (out / name).is_file(), name
    parts = sorted(p.relative_to(out).as_posix() for p in (out / "events").rglob("*.parquet"))
    assert parts == ["events/2016/2016-05.parquet", "events/2016/2016-06.parquet", "events/2016/2016-09.parquet",
                     "events/undated/undated.parquet"]
    listed = {}
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    every = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == every  # CITATION.cff, README.txt, report.html ... all of them
    for name, digest in listed.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


def test_undated_events_are_in_their_own_file(release):
    events, out = release
    table = pq.read_table(events)
    undated = pq.read_table(out / "events" / "undated" / "undated.parquet")
    assert undated.num_rows == table.column("event_date").null_count > 0
    assert undated.column("month").null_count == undated.num_rows
    assert set(undated.column("article_id").to_pylist()) == {"a4"}
    for part in (out / "events" / "2016").glob("*.parquet"):
        t = pq.read_table(part)
        months = set(t.column("month").to_pylist())
        assert len(months) == 1 and months.pop().strftime("%Y-%m") == part.stem
        assert t.column("event_date").null_count == 0


def _kind(t: pa.DataType) -> str:
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_date32(t):
        return "date"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "number"
    if pa.types.is_boolean(t):
        return "boolean"
    return str(t)


POLARS_KINDS = {"String": "string", "Date": "date", "Float64": "number", "Int8": "integer", "Int32": "integer",
                "Int64": "integer", "Boolean": "boolean"}
DUCKDB_KINDS = {"VARCHAR": "string", "DATE": "date", "DOUBLE": "number", "TINYINT": "integer", "INTEGER": "integer",
                "BIGINT": "integer", "BOOLEAN": "boolean"}


def test_events_load_with_the_same_rows_and_types_in_every_reader(release):
    import datetime as dt

    import duckdb
    import fastparquet
    import polars as pl
    import pyarrow.dataset as ds

    from pipeline.schema import RELEASE_EVENT_FIELDS

    events, out = release
    n = pq.read_table(events).num_rows
    expected = {f.name: _kind(f.type) for f in RELEASE_EVENT_FIELDS}
    folder = str(out / "events")
    glob = f"{folder}/**/*.parquet"

    arrow = ds.dataset(folder, format="parquet").to_table()
    assert arrow.num_rows == n
    assert {f.name: _kind(f.type) for f in arrow.schema} == expected

    pdf = pd.read_parquet(folder)
    assert len(pdf) == n and list(pdf.columns) == list(expected)
    for name, kind in expected.items():
        col = pdf[name]
        if kind == "string":
            assert pd.api.types.is_string_dtype(col) and not isinstance(col.dtype, pd.CategoricalDtype), name
        elif kind == "date":
            assert all(isinstance(v, dt.date) for v in col.dropna()), name
        elif kind == "integer":  # a nullable integer column with nulls comes back as float64
            assert pd.api.types.is_integer_dtype(col) or (pd.api.types.is_float_dtype(col) and col.isna().any()), name
        elif kind == "boolean":
            assert pd.api.types.is_bool_dtype(col), name
        else:
            assert pd.api.types.is_float_dtype(col), name
    assert pdf["cameo_code"].str.len().min() >= 3  # leading zeros kept

    pldf = pl.read_parquet(glob)
    assert pldf.height == n
    assert {k: POLARS_KINDS.get(str(v), str(v)) for k, v in pldf.schema.items()} == expected

    for sql in (f"SELECT * FROM read_parquet('{glob}')", f"SELECT * FROM read_parquet('{glob}', hive_partitioning = true)"):
        rel = duckdb.sql(sql)
        assert dict(zip(rel.columns, (DUCKDB_KINDS.get(str(t), str(t)) for t in rel.types))) == expected
        assert duckdb.sql(f"SELECT count(*) FROM ({sql})").fetchall() == [(n,)]

    total = sum(len(fastparquet.ParquetFile(str(p)).to_pandas()) for p in (out / "events").rglob("*.parquet"))
    assert total == n
    one = pq.read_table(next((out / "events").rglob("*.parquet")))
    assert one.schema.field("cameo_code").metadata[b"description"].startswith(b"CAMEO")
    # the derived tables: month is a date there too
    assert duckdb.sql(f"SELECT * FROM read_parquet('{out}/dyad_month.parquet')").types[0] == "DATE"


def _readme_blocks(lang: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Loading the data", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{lang}\n(.*?)```", section, flags=re.S)


def test_readme_load_lines_run_as_written(release, tmp_path, monkeypatch):
    """Every Python block of the README's loading section, run as written from a folder whose
    data/release is the built release; each gives the same rows."""
    events, out = release
    n = pq.read_table(events).num_rows
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "release").symlink_to(out)
    monkeypatch.chdir(tmp_path)
    blocks = _readme_blocks("python")
    assert len(blocks) >= 4
    counts = {}
    for block in blocks:
        ns: dict = {}
        exec(compile(block, "README.md", "exec"), ns)
        ev = ns["events"]
        mod = type(ev).__module__.split(".")[0]
        counts[mod] = ev.shape[0] if hasattr(ev, "shape") else ev.num_rows
    assert set(counts) >= {"pandas", "pyarrow", "polars", "duckdb"}
    assert set(counts.values()) == {n}


def test_readme_r_lines_run_as_written(release, tmp_path):
    """The R lines (arrow::open_dataset and nanoparquet per file) when R is installed."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed here; the Python readers are tested above")
    events, out = release
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "release").symlink_to(out)
    script = "\n".join(_readme_blocks("r")) + '\ncat(nrow(events), nrow(events_np), "\\n")\n'
    res = subprocess.run(["Rscript", "-e", script], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    n = pq.read_table(events).num_rows
    assert res.stdout.split() == [str(n), str(n)]


def test_two_builds_are_byte_identical(release, tmp_path):
    events, first = release
    second = tmp_path / "again"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    build(events, second, metrics_of(first), env=env)

    def sums(folder):
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in folder.rglob("*") if p.is_file()}

    a, b = sums(first), sums(second)
    assert a.keys() == b.keys() and len(a) > 15
    assert [k for k in a if a[k] != b[k]] == []
    # No clock: the date is the data's latest publication date, or SOURCE_DATE_EPOCH when set.
    assert json.loads((first / "datapackage.json").read_text())["created"] == "2016-09-14T00:00:00Z"
    third = tmp_path / "dated"
    build(events, third, metrics_of(first), env={**env, "SOURCE_DATE_EPOCH": "1767225600"})
    assert json.loads((third / "datapackage.json").read_text())["created"] == "2026-01-01T00:00:00Z"


def test_frictionless_validate_checks_every_row_of_every_part(release):
    from frictionless import Package, validate

    events, out = release
    pkg = json.loads((out / "datapackage.json").read_text())
    assert pkg["version"] and pkg["created"] and any("codebooks" in s["title"] for s in pkg["sources"])
    descriptor_report = Package.validate_descriptor(pkg)
    assert descriptor_report.valid, descriptor_report.flatten(["type", "note"])
    parts = sorted(p.relative_to(out).as_posix() for p in (out / "events").rglob("*.parquet"))
    event_resources = [r for r in pkg["resources"] if r["name"].startswith("events-")]
    assert sorted(r["path"] for r in event_resources) == parts
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    rows = {t.name: t.stats["rows"] for t in report.tasks}
    assert sum(rows[r["name"]] for r in event_resources) == pq.read_table(events).num_rows
    assert rows["events_daily"] == pq.read_table(out / "events_daily.parquet").num_rows
    assert rows["cameo_codes"] == len(pd.read_csv(out / "codebook" / "cameo_codes.csv"))
    # the command users type
    res = subprocess.run(["frictionless", "validate", "--json", "datapackage.json"], cwd=out, capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    cli = json.loads(res.stdout)
    assert cli["valid"] and sum(t["stats"]["rows"] for t in cli["tasks"] if t["name"].startswith("events-")) \
        == pq.read_table(events).num_rows
    schema = json.loads((out / "events.schema.json").read_text())
    assert {f["name"] for f in schema["fields"]} >= {"event_id", "cameo_code", "goldstein", "plover_event_type", "month"}
    assert all(f.get("description") for f in schema["fields"])


def test_outputs_have_normal_permissions(release):
    events, out = release
    assert stat.S_IMODE(events.stat().st_mode) == 0o644  # polemos code --out under umask 022
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    for p in out.rglob("*"):
        assert stat.S_IMODE(p.stat().st_mode) == (0o755 if p.is_dir() else 0o644), p


def test_atomic_writes_honour_the_umask(tmp_path):
    from pipeline.io import atomic_dir, write_text

    old = os.umask(0o027)
    try:
        write_text(tmp_path / "f.txt", "x")
        with atomic_dir(tmp_path / "d") as tmp:
            (tmp / "inner.txt").write_text("y")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "d" / "inner.txt").stat().st_mode) == 0o640


def test_plover_columns_match_the_release_codebook(release):
    _, out = release
    events = pd.read_parquet(out / "events")
    codes = pd.read_csv(out / "codebook" / "cameo_codes.csv", dtype=str, keep_default_na=False)
    table = {r.code: (r.plover_event_type or None, r.plover_mode or None) for r in codes.itertuples()}
    assert events["plover_event_type"].notna().any()
    for r in events.itertuples():
        none = lambda v: None if pd.isna(v) else v  # noqa: E731
        assert (none(r.plover_event_type), none(r.plover_mode)) == table[r.cameo_code]
    dictionary = (out / "DATA_DICTIONARY.md").read_text()
    assert "| plover_event_type |" in dictionary and "| plover_mode |" in dictionary and "| month |" in dictionary


def test_evaluation_carries_every_gold_set_with_its_record_count(release):
    _, out = release
    ev = json.loads((out / "evaluation.json").read_text())
    assert list(ev) == ["gold", "voa_realnews"]
    assert ev["gold"]["records"] == len(GOLD["gold"]) and ev["voa_realnews"]["records"] == len(GOLD["voa_realnews"])
    assert ev["voa_realnews"]["label"].startswith("VOA real-news")


def test_daily_and_dyad_tables(release):
    _, out = release
    daily = pd.read_parquet(out / "events_daily.parquet")
    events = pd.read_parquet(out / "events")
    assert set(daily["first_event_id"]) <= set(events["event_id"])
    assert daily["num_mentions"].sum() == events["event_date"].notna().sum()
    dyad = pq.read_table(out / "dyad_month.parquet")
    assert dyad.schema.field("month").type == pa.date32()
    assert pc_sum(dyad, "events") == events["event_date"].notna().sum()
    monthly = pd.read_csv(out / "events_per_month.csv")
    assert list(monthly["month"]) == ["2016-05-01", "2016-06-01", "2016-07-01", "2016-08-01", "2016-09-01"]
    assert list(monthly["events"][2:4]) == [0, 0]


def pc_sum(table, column):
    import pyarrow.compute as pc

    return pc.sum(table.column(column)).as_py()


def test_pack_is_one_reproducible_archive(release, tmp_path):
    import zipfile

    _, out = release
    zips = []
    for name in ("a.zip", "b.zip"):
        run(["release", "pack", "--release", str(out), "--out", str(tmp_path / name)])
        zips.append((tmp_path / name).read_bytes())
    assert zips[0] == zips[1]
    names = zipfile.ZipFile(tmp_path / "a.zip").namelist()
    root = names[0].split("/")[0]
    for required in ("CITATION.cff", "datapackage.json", "SHA256SUMS", "report.html", "codebook/cameo_codes.csv"):
        assert f"{root}/{required}" in names
    assert any(n.startswith(f"{root}/events/2016/") for n in names)
    assert f"{root}/events/undated/undated.parquet" in names


def test_rebuild_lists_changes_against_an_explicit_previous_release(release, tmp_path):
    # Default: the previous SemVer tag (tests/test_release_diff.py); --previous names any release.
    events, out = release
    table = pq.read_table(events)
    assert table.num_rows >= 2
    fewer = tmp_path / "events.parquet"
    pq.write_table(table.slice(1), fewer)
    build(fewer, out, metrics_of(out), extra=["--previous", str(out)])
    changes = (out / "CHANGES.md").read_text()
    assert "0 added, 1 removed, 0 changed" in changes
    dropped_root = table.column("cameo_root")[0].as_py()
    assert f"| {dropped_root} | 0 | 1 | 0 |" in changes
    assert json.loads((out / "changes.json").read_text())["removed_event_ids"] == [table.column("event_id")[0].as_py()]
    # restore the module's release for the other tests
    build(events, out, metrics_of(out))
    assert "1 added, 0 removed" not in (out / "CHANGES.md").read_text()
