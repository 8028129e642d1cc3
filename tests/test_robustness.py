"""The bad-input matrix: every case ends coded or rejected with a named reason, never a crash."""

import json
import os
import subprocess
import sys
import time

import pytest

from pipeline import errors
from pipeline.ingest import IngestSettings, ingest
from tests.conftest import ROOT

TEXT = ("Nigerian troops killed twelve Boko Haram insurgents in Borno state on Tuesday, the army said. "
        "The governor of Borno condemned the attack on a market in Maiduguri.")


def run(paths, **kw):
    arts, rejects, counts = ingest(paths, IngestSettings(**kw))
    assert counts.read == len(arts) + len(rejects)
    return arts, rejects


def test_nul_bytes_inside_text_are_dropped_and_coded(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Title\n\n" + TEXT.encode().replace(b"troops", b"tro\x00ops"))
    arts, rejects = run([tmp_path])
    assert rejects == [] and "troops" in arts[0].text


def test_mixed_encodings_in_one_folder(tmp_path):
    (tmp_path / "latin1.txt").write_bytes(("Título\n\n" + TEXT + " Café.").encode("latin-1"))
    (tmp_path / "cp1252.txt").write_bytes(("Title\n\n" + TEXT.replace("army", "army’s") + " ok").encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes(("Title\n\n" + TEXT + " utf16").encode("utf-16"))
    arts, rejects = run([tmp_path])
    assert rejects == [] and len(arts) == 3
    assert any("Café" in a.text for a in arts) and any("army’s" in a.text for a in arts)


def test_csv_extra_and_missing_columns_and_quoted_newlines(tmp_path):
    (tmp_path / "a.csv").write_text(
        'id,title,text\n'
        'c1,T,"' + TEXT.replace(". ", ".\n") + '",surplus\n'
        'c2,Only a title\n'
        'c3,T,"Kenyan police fired tear gas at opposition protesters in Kisumu, officials said on Monday."\n')
    arts, rejects = run([tmp_path / "a.csv"])
    assert [a.article_id for a in arts] == ["c1", "c3"]
    assert len(rejects) == 1 and rejects[0].reason == errors.REJECT_MALFORMED and "'text' is missing" in rejects[0].detail
    assert rejects[0].record == "line 4"


def test_html_soup_keeps_only_article_text(tmp_path):
    page = ("<html><head><style>.x{color:red}</style><script>alert('Russian warplanes attack');</script></head><body>"
            "<nav><ul><li><a href='/world'>World</a></li><li><a href='/sport'>Sport</a></li></ul></nav>"
            f"<div class='content'><p>{TEXT}</p></div>"
            "<div class='share'>Share this: Facebook Twitter</div>"
            "<div id='comments'><h3>Leave a Reply</h3><form><textarea></textarea></form></div></body></html>")
    (tmp_path / "a.html").write_text(page)
    arts, _ = run([tmp_path])
    assert arts[0].text == TEXT


def test_50_mb_article_is_refused_by_the_size_limit(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "w") as fh:
        fh.write("Title\n\n")
        chunk = TEXT + " "
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    (tmp_path / "big.jsonl").write_text(json.dumps({"id": "b", "text": TEXT * 40000}) + "\n")
    arts, rejects = run([tmp_path], max_article_bytes=1_000_000)
    assert arts == [] and sorted(r.reason for r in rejects) == [errors.REJECT_TOO_LARGE] * 2


def test_future_and_impossible_dates(tmp_path):
    lines = [json.dumps({"id": "f", "text": TEXT, "published": "2099-01-01"}),
             json.dumps({"id": "i", "text": TEXT + " Again.", "published": "2016-02-30"})]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    arts, rejects = run([tmp_path])
    by_id = {a.article_id: a for a in arts}
    assert str(by_id["f"].published) == "2099-01-01" and by_id["f"].published_from == "metadata"
    assert by_id["i"].published is None and by_id["i"].published_from == "none"  # coded, date unknown


def test_symlink_loops_broken_links_and_fifos_do_not_hang(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "ok.txt").write_text("Title\n\n" + TEXT)
    (d / "loop").symlink_to(d)  # a directory loop: not followed
    (d / "broken.txt").symlink_to(tmp_path / "missing.txt")
    os.mkfifo(d / "pipe.txt")
    arts, rejects = run([d])
    assert len(arts) == 1
    assert sorted(r.reason for r in rejects) == [errors.REJECT_UNREADABLE] * 2


def test_long_unpunctuated_sentence_is_coded_in_bounded_time(tmp_path):
    base = TEXT.replace(".", "").replace(",", "").split()
    words = " ".join((base * (20000 // len(base) + 1))[:20000])
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "long", "published": "2016-05-02", "text": words}) + "\n")
    start = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(tmp_path / "e.parquet"), "--no-cache"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith("read 1, accepted 1, rejected 0")
    assert time.monotonic() - start < 240


def test_unreadable_input_path_is_a_usage_error(tmp_path):
    res = subprocess.run([sys.executable, "-m", "pipeline", "code", str(tmp_path / "absent"), "--out", str(tmp_path / "e.parquet")],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGINT"])
def test_killed_run_leaves_previous_output_and_rerun_is_identical(tmp_path, sig):
    import signal

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{i}", "published": "2016-05-02",
                                       "text": TEXT.replace("twelve", str(i))}) + "\n" for i in range(400)))
    out = tmp_path / "events.parquet"
    cmd = [sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out), "--no-cache"]
    first = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    good = out.read_bytes()
    out.write_bytes(good)  # the "previous release"
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(6)
    proc.send_signal(getattr(signal, sig))
    proc.wait(timeout=60)
    assert out.read_bytes() == good
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")] or sig == "SIGKILL"
    again = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0 and out.read_bytes() == good


# --------------------------------------------------------------------------- conditions a user can fix (issue 16)


def _jsonl(path, n=3):
    path.write_text("".join(json.dumps({"id": f"a{i}", "published": "2016-05-02", "text": TEXT}) + "\n" for i in range(n)))
    return path


def _cli(args, capsys):
    from pipeline.cli import main

    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
        raise SystemExit(0)
    err = capsys.readouterr().err
    return exc.value.code, err


def _one_line(err):
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err and ".tmp" not in err, err
    return lines[0]


def test_full_disk_names_the_output_and_the_space_needed(tmp_path, capsys, monkeypatch):
    import errno

    import pyarrow.parquet as pq

    def full_disk(table, where, **kw):
        with open(where, "wb") as fh:
            fh.write(b"x" * 150_000)  # what fitted before the disk filled
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(pq, "write_table", full_disk)
    out = tmp_path / "out" / "articles.parquet"
    code, err = _cli(["ingest", _jsonl(tmp_path / "in.jsonl"), "--out", out], capsys)
    line = _one_line(err)
    assert code == 6
    assert str(out) in line and "no space left" in line and "roughly 150.0 KB" in line and "free" in line
    assert list((tmp_path / "out").iterdir()) == []  # the partial temporary file is gone


@pytest.mark.parametrize("errno_name, exit_code, words", [("EACCES", 4, "permission denied"),
                                                           ("EROFS", 5, "read-only"),
                                                           ("ENOSPC", 6, "no space left")])
def test_permission_read_only_and_full_disk_at_creation_each_have_a_message_and_code(tmp_path, capsys, monkeypatch,
                                                                                    errno_name, exit_code, words):
    import errno
    import tempfile

    def refuse(*a, **kw):
        err = getattr(errno, errno_name)
        raise OSError(err, os.strerror(err), kw.get("dir"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    out = tmp_path / "articles.parquet"
    code, err = _cli(["ingest", _jsonl(tmp_path / "in.jsonl"), "--out", out], capsys)
    line = _one_line(err)
    assert code == exit_code and str(out) in line and words in line, line


def test_output_path_that_is_a_folder_or_under_a_file(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl")
    folder = tmp_path / "events.parquet"
    folder.mkdir()
    code, err = _cli(["ingest", src, "--out", folder], capsys)
    assert code == 3 and "is a folder" in _one_line(err) and str(folder) in err
    assert list(folder.iterdir()) == []
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    code, err = _cli(["ingest", src, "--out", a_file / "articles.parquet"], capsys)
    assert code == 3 and "is a file, not a folder" in _one_line(err)


def test_a_missing_parent_folder_is_created(tmp_path, capsys):
    out = tmp_path / "new" / "deeper" / "articles.parquet"
    code, err = _cli(["ingest", _jsonl(tmp_path / "in.jsonl"), "--out", out], capsys)
    assert code == 0 and out.is_file(), err


def test_code_refuses_an_unusable_output_before_coding(tmp_path):
    folder = tmp_path / "events.parquet"
    folder.mkdir()
    res = subprocess.run([sys.executable, "-m", "pipeline", "code", str(_jsonl(tmp_path / "in.jsonl")), "--out", str(folder),
                          "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 3 and "is a folder" in _one_line(res.stderr)


@pytest.mark.parametrize("where", ["POLEMOS_CACHE", "--cache-dir"])
def test_a_cache_on_a_broken_path_is_its_own_error(tmp_path, where):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {**os.environ, "POLEMOS_ROOT": str(ROOT)}
    args = [sys.executable, "-m", "pipeline", "code", str(_jsonl(tmp_path / "in.jsonl")), "--out", str(tmp_path / "e.parquet")]
    if where == "POLEMOS_CACHE":
        env["POLEMOS_CACHE"] = str(blocker / "cache")
        args.append("--no-cache")
    else:
        args += ["--cache-dir", str(blocker)]
    res = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    line = _one_line(res.stderr)
    assert res.returncode == 7 and "cache folder" in line and str(blocker) in line, res.stderr
    assert not (tmp_path / "e.parquet").exists()


def test_a_real_bug_is_an_internal_error_that_says_where_to_report_it(capsys, monkeypatch):
    import pipeline.cli as cli

    monkeypatch.setattr(cli, "_params", lambda: 1 / 0)
    code, err = _cli(["ingest", "x.jsonl", "--out", "y.parquet"], capsys)
    line = _one_line(err)
    assert code == 1 and line.startswith("polemos: internal error: ZeroDivisionError") and "report" in line


def test_full_disk_while_code_writes_events_leaves_no_temporary_file(tmp_path, capsys, monkeypatch):
    """The event writer streams row groups into a temporary file; a full disk at the last one
    still removes it, and the message names the output, not the temporary file."""
    import errno

    import pyarrow.parquet as pq

    def full_disk(self, table, *a, **kw):
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full_disk)
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "events.parquet"
    out.write_bytes(b"previous")
    code, err = _cli(["code", _jsonl(tmp_path / "in.jsonl"), "--out", out, "--no-cache", "--quiet"], capsys)
    line = _one_line(err)
    assert code == 6 and str(out) in line and "no space left" in line
    assert out.read_bytes() == b"previous" and sorted(p.name for p in outdir.iterdir()) == ["events.parquet"]
