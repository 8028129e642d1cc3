"""SIGINT and SIGTERM end the whole run: every process it started, within 5 s, leaving the
earlier output byte-identical and nothing else in the output folder (issue 16, item 1)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

psutil = pytest.importorskip("psutil")

TEXT = ("Nigerian troops killed {n} Boko Haram insurgents in Borno state on Tuesday, the army said. "
        "The governor of Borno condemned the attack on a market in Maiduguri. "
        "Kenyan police arrested {n} opposition protesters in Nairobi on Monday.")
PREVIOUS = b"the earlier output: not to be touched\n"


def _corpus(path, n=4000):
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"a{i}", "published": "2016-05-02", "text": TEXT.format(n=i + 2)}) + "\n")


def _descendants(proc):
    try:
        return psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        return []


def _alive(procs):
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.Error:
            pass
    return out


@pytest.mark.parametrize("engine", ["--workers 2", "--scheduler local:2"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, "ctrl-c"])
def test_a_signal_ends_the_whole_run_and_leaves_the_earlier_output(tmp_path, engine, sig):
    """SIGTERM and SIGINT to the main process (a scheduler's stop, `kill -INT`), and Ctrl-C at a
    terminal: SIGINT to the whole process group, workers included."""
    src = tmp_path / "in" / "corpus.jsonl"
    src.parent.mkdir()
    _corpus(src)
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "events.parquet"
    out.write_bytes(PREVIOUS)
    env = {**os.environ, "POLEMOS_ROOT": str(ROOT)}
    cmd = [sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out), "--no-cache", *engine.split()]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        # Wait until the workers are up and coding (the cluster's processes, or the pool's).
        deadline = time.monotonic() + 120
        seen = {}
        while time.monotonic() < deadline and proc.poll() is None:
            for p in _descendants(proc):
                seen[p.pid] = p
            if len(seen) >= 2:
                break
            time.sleep(0.2)
        time.sleep(4)
        for p in _descendants(proc):
            seen[p.pid] = p
        assert proc.poll() is None, "the run ended before it could be interrupted: make the corpus bigger"
        assert len(seen) >= 2
        sent = time.monotonic()
        if sig == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(sig)
        _stdout, stderr = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert took < 5, f"took {took:.1f} s to stop"
    assert proc.returncode == {signal.SIGINT: 130, "ctrl-c": 130, signal.SIGTERM: 143}[sig], stderr
    time.sleep(0.5)
    assert not _alive(seen.values()), "a process of the run survived"
    assert out.read_bytes() == PREVIOUS
    assert sorted(p.name for p in outdir.iterdir()) == ["events.parquet"]
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert lines[-1] == f"polemos: interrupted: nothing written; {out} unchanged", stderr
    assert "Traceback" not in stderr, stderr


def test_a_signal_during_release_build_leaves_the_previous_release(tmp_path):
    """release build swaps the release folder with two renames that a signal cannot split."""
    from pipeline import io, signals

    target = tmp_path / "release"
    target.mkdir()
    (target / "a.txt").write_text("old")
    caught = None
    signals.install()
    try:
        with io.atomic_dir(target) as tmp:
            (tmp / "a.txt").write_text("new")
            os.kill(os.getpid(), signal.SIGTERM)
            pytest.fail("the signal should have stopped the build")
    except signals.Interrupted as exc:
        caught = exc
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signals.reset()
    assert caught is not None and caught.exit_code == 143
    assert (target / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_a_dvc_stage_stops_cleanly_when_dvc_is_terminated(tmp_path):
    """dvc ignores Ctrl-C while a stage runs (the stage gets it) but a SIGTERM kills dvc alone:
    the stage (DVC_STAGE is set) then gets SIGTERM too and stops the usual way."""
    src = tmp_path / "corpus.jsonl"
    _corpus(src)
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "events.parquet"
    out.write_bytes(PREVIOUS)
    pid_file = tmp_path / "child.pid"
    # A stand-in for dvc: starts the stage command and waits for it.
    parent = (f"import subprocess, sys, time\n"
              f"p = subprocess.Popen([sys.executable, '-m', 'pipeline', 'code', {str(src)!r}, '--out', {str(out)!r}, "
              f"'--no-cache'], cwd={str(ROOT)!r})\n"
              f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
              f"p.wait()\n")
    env = {**os.environ, "POLEMOS_ROOT": str(ROOT), "DVC_STAGE": "code"}
    dvc = subprocess.Popen([sys.executable, "-c", parent], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        stage = psutil.Process(int(pid_file.read_text()))
        time.sleep(6)
        assert stage.is_running() and stage.status() != psutil.STATUS_ZOMBIE, "the stage ended too soon"
        dvc.send_signal(signal.SIGTERM)  # kills the stand-in at once (no handler)
        dvc.wait(timeout=10)
        gone, alive = psutil.wait_procs([stage], timeout=5)
        assert not alive, "the stage survived its parent"
    finally:
        if dvc.poll() is None:
            dvc.kill()
    assert "polemos: interrupted: nothing written" in dvc.stderr.read()
    assert out.read_bytes() == PREVIOUS
    assert sorted(p.name for p in outdir.iterdir()) == ["events.parquet"]
