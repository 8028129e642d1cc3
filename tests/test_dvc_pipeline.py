"""Smoke test: `dvc repro` end to end on a tiny corpus in a throwaway copy of the project."""

import json
import shutil
import subprocess

import pytest

from tests.conftest import ROOT


def sh(cmd, cwd):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("POLEMOS_")}
    res = subprocess.run(cmd, cwd=cwd, shell=True, capture_output=True, text=True, env=env)
    assert res.returncode == 0, f"{cmd}\n{res.stdout}\n{res.stderr}"
    return res.stdout + res.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    if shutil.which("dvc") is None or shutil.which("git") is None:
        pytest.fail("dvc and git must be installed (pip install -e .)")
    dst = tmp_path_factory.mktemp("proj") / "p"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for rel in files:
        src = ROOT / rel
        if not src.is_file() or rel.startswith("data/"):
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst / rel)
    corpus = dst / "data" / "raw" / "tiny"
    corpus.mkdir(parents=True)
    (corpus / "a.jsonl").write_text("\n".join(json.dumps(a) for a in [
        {"id": "t1", "published": "2016-05-02", "text": "Kenyan police arrested 30 opposition protesters in Nairobi on Monday."},
        {"id": "t2", "published": "2016-05-03", "text": "France condemned the Syrian government's air strikes on Aleppo."},
        {"id": "t3", "text": "Le gouvernement français a annoncé lundi de nouvelles mesures contre la corruption dans le pays."},
    ]) + "\n")
    params = (dst / "params.yaml").read_text().replace("inputs: data/raw/sample", "inputs: data/raw/tiny")
    (dst / "params.yaml").write_text(params)
    (dst / "tests" / "fixtures").mkdir(parents=True, exist_ok=True)
    gold = [json.loads(line) for line in (ROOT / "tests" / "fixtures" / "gold.jsonl").read_text().splitlines()[:6]]
    (dst / "tests" / "fixtures" / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold))
    # The real-news gold set lives in data/ (not copied): a stand-in of 4 records.
    (dst / "data" / "gold").mkdir(parents=True, exist_ok=True)
    (dst / "data" / "gold" / "voa_realnews.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold[:4]))
    sh("git init -q && git add -A && git -c user.email=t@t -c user.name=t commit -qm init", dst)
    return dst


def test_repro_builds_everything_and_is_idempotent(project):
    sh("dvc repro", project)
    assert (project / "data" / "interim" / "events.parquet").is_file()
    assert (project / "data" / "release" / "datapackage.json").is_file()
    metrics = json.loads((project / "metrics" / "gold.json").read_text())
    assert metrics["records"] == 6
    assert json.loads((project / "metrics" / "voa_realnews.json").read_text())["records"] == 4
    evaluation = json.loads((project / "data" / "release" / "evaluation.json").read_text())
    assert {k: v["records"] for k, v in evaluation.items()} == {"gold": 6, "voa_realnews": 4}
    second = sh("dvc repro", project)
    assert "Running stage" not in second
    shown = sh("dvc metrics show", project)
    assert "gold.json" in shown


def test_codebook_change_reruns_code_not_ingest(project):
    sh("dvc repro", project)
    discards = project / "codebooks" / "discards.csv"
    discards.write_text(discards.read_text() + "bake sale,charity event,\n")
    out = sh("dvc repro", project)
    assert "Running stage 'code'" in out
    assert "Running stage 'ingest'" not in out


def test_release_diff_reports_exactly_the_events_a_codebook_line_changes(project):
    import pyarrow.parquet as pq

    sh("dvc repro", project)
    sh("git add -A && git -c user.email=t@t -c user.name=t commit -qm v1 && git tag v1", project)
    before = {r["event_id"]: r for r in pq.read_table(project / "data/interim/events.parquet").to_pylist()}
    # Drop the line of one pattern that fired, so exactly its events change.
    fired = next(iter(before.values()))["pattern_id"].split(">")[-1]
    path = next(p for p in (project / "codebooks/cameo/patterns").glob("*.csv") if f"\n{fired}," in p.read_text())
    path.write_text("".join(line for line in path.read_text().splitlines(keepends=True) if not line.startswith(fired + ",")))
    sh("dvc repro", project)
    sh("git add -A && git -c user.email=t@t -c user.name=t commit -qm v2 && git tag v2", project)
    after = {r["event_id"]: r for r in pq.read_table(project / "data/interim/events.parquet").to_pylist()}
    out = sh("polemos release diff v1 v2 --json diff.json", project)
    d = json.loads((project / "diff.json").read_text())
    assert d["codebook_files_changed"] == [path.relative_to(project).as_posix()]
    assert d["events_a"] == len(before) and d["events_b"] == len(after)
    gone = set(before) - set(after)
    new = set(after) - set(before)
    assert d["removed"] + d["changed"] == len(gone) and d["added"] + d["changed"] == len(new)
    assert len(gone) >= 1 and all(fired in before[e]["pattern_id"] for e in gone)
    assert "codebook files changed" in out


def test_killed_dvc_repro_leaves_outputs_intact_and_rerun_matches(project):
    import hashlib
    import os
    import signal
    import time

    import pyarrow.parquet as pq

    sh("dvc repro", project)
    events = project / "data/interim/events.parquet"
    good = events.read_bytes()
    # Force the code stage to run again, then kill dvc repro while it works.
    discards = project / "codebooks" / "discards.csv"
    discards.write_text(discards.read_text() + "garden party,social event,\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLEMOS_")}
    proc = subprocess.Popen("exec dvc repro", shell=True, cwd=project, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    after_kill = events.read_bytes()
    pq.read_table(events)  # a complete Parquet file, old or new, never a half-written one
    release = project / "data/release"
    for line in (release / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest
    lock = project / ".dvc" / "tmp" / "rwlock"
    if lock.exists():
        lock.unlink()  # a SIGKILLed dvc leaves its lock behind; DVC's message says to remove it
    sh("dvc repro", project)
    resumed = events.read_bytes()
    assert after_kill in (good, resumed)
    sh("dvc repro -f -s code", project)  # an uninterrupted run of the same stage
    assert events.read_bytes() == resumed
