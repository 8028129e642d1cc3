import json
import subprocess
import sys

import pandas as pd
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
]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rel")
    src = tmp / "in.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in CORPUS) + "\n")
    events = tmp / "events.parquet"
    run = subprocess.run([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(events), "--no-cache"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    out = tmp / "release"
    run = subprocess.run([sys.executable, "-m", "pipeline", "release", "build", str(events), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return events, out


def test_release_layout_and_checksums(release):
    import hashlib

    _, out = release
    for name in ("events_daily.parquet", "dyad_month.parquet", "datapackage.json", "SHA256SUMS",
                 "CHANGES.md", "DATA_DICTIONARY.md", "codebook/cameo_codes.csv", "codebook/actor_codes.csv"):
        assert (out / name).is_file(), name
    parts = sorted(p.relative_to(out).as_posix() for p in (out / "events").rglob("*.parquet"))
    assert parts and all(p.startswith("events/year=") and "/month=" in p for p in parts)
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


def test_events_read_back_identically_with_every_reader(release):
    import duckdb
    import fastparquet
    import polars as pl

    events, out = release
    n = pq.read_table(events).num_rows
    pdf = pd.read_parquet(out / "events")
    assert len(pdf) == n
    assert pdf["cameo_code"].astype(str).str.len().min() >= 3  # leading zeros kept: strings
    assert duckdb.sql(f"select count(*) from read_parquet('{out}/events/**/*.parquet', hive_partitioning=true)").fetchall()[0][0] == n
    assert pl.read_parquet(f"{out}/events/**/*.parquet").height == n
    total = sum(len(fastparquet.ParquetFile(str(p)).to_pandas()) for p in (out / "events").rglob("*.parquet"))
    assert total == n
    one = pq.read_table(next((out / "events").rglob("*.parquet")))
    assert str(one.schema.field("event_date").type) == "date32[day]"
    assert one.schema.field("cameo_code").metadata[b"description"].startswith(b"CAMEO")


def test_daily_table_links_to_events(release):
    _, out = release
    daily = pd.read_parquet(out / "events_daily.parquet")
    events = pd.read_parquet(out / "events")
    assert set(daily["first_event_id"]) <= set(events["event_id"])
    assert daily["num_mentions"].sum() == events["event_date"].notna().sum()


def test_datapackage_is_valid_frictionless(release):
    from frictionless import Package, validate

    _, out = release
    pkg = json.loads((out / "datapackage.json").read_text())
    assert pkg["version"] and pkg["created"] and any("codebooks" in s["title"] for s in pkg["sources"])
    descriptor_report = Package.validate_descriptor(pkg)
    assert descriptor_report.valid, descriptor_report.flatten(["type", "note"])
    # The CSV code tables are validated row by row against their declared schemas.
    tables = {**pkg, "resources": [r for r in pkg["resources"] if r["format"] == "csv"]}
    report = validate(tables, basepath=str(out))
    assert report.valid, report.flatten(["type", "note"])
    events = next(r for r in pkg["resources"] if r["name"] == "events")
    assert {f["name"] for f in events["schema"]["fields"]} >= {"event_id", "cameo_code", "goldstein"}
    assert all(f.get("description") for f in events["schema"]["fields"])


def test_pack_is_one_reproducible_archive(release, tmp_path):
    import zipfile

    _, out = release
    zips = []
    for name in ("a.zip", "b.zip"):
        res = subprocess.run([sys.executable, "-m", "pipeline", "release", "pack", "--release", str(out), "--out", str(tmp_path / name)],
                             capture_output=True, text=True, cwd=ROOT)
        assert res.returncode == 0, res.stderr
        zips.append((tmp_path / name).read_bytes())
    assert zips[0] == zips[1]
    names = zipfile.ZipFile(tmp_path / "a.zip").namelist()
    root = names[0].split("/")[0]
    for required in ("CITATION.cff", "datapackage.json", "SHA256SUMS", "report.html", "codebook/cameo_codes.csv"):
        assert f"{root}/{required}" in names
    assert any(n.startswith(f"{root}/events/year=") for n in names)


def test_rebuild_lists_changes_against_an_explicit_previous_release(release, tmp_path):
    # Default: the previous SemVer tag (tests/test_release_diff.py); --previous names any release.
    events, out = release
    table = pq.read_table(events)
    assert table.num_rows >= 2
    fewer = tmp_path / "events.parquet"
    pq.write_table(table.slice(1), fewer)
    res = subprocess.run([sys.executable, "-m", "pipeline", "release", "build", str(fewer), "--out", str(out),
                          "--previous", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    changes = (out / "CHANGES.md").read_text()
    assert "0 added, 1 removed, 0 changed" in changes
    dropped_root = table.column("cameo_root")[0].as_py()
    assert f"| {dropped_root} | 0 | 1 | 0 |" in changes
    assert json.loads((out / "changes.json").read_text())["removed_event_ids"] == [table.column("event_id")[0].as_py()]
    # restore the module's release for the other tests
    res = subprocess.run([sys.executable, "-m", "pipeline", "release", "build", str(events), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0 and "1 added, 0 removed" not in (out / "CHANGES.md").read_text()
