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
