"""The coded-article cache: what invalidates an entry, what does not, and that it never changes
results (issue #8). Codebook edits are covered in test_determinism.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

ARTICLES = [
    ("c1", "Russian warplanes bombed rebel positions near Aleppo on Monday, monitors said."),
    ("c2", "The French foreign minister met his German counterpart in Berlin on Tuesday."),
    ("c3", "Police arrested 30 protesters in Cairo after clashes outside the parliament."),
    ("c4", "Iran accused the United States of violating the nuclear agreement."),
    ("c5", "The United Nations appealed for humanitarian aid for refugees in South Sudan."),
]
NEW = ("c6", "Turkey threatened to impose sanctions on Iraq over the referendum.")


def write_jsonl(path, items):
    path.write_text("".join(json.dumps({"id": i, "text": t, "published": "2016-05-04"}) + "\n" for i, t in items))


def run_code(src, out, *extra):
    env = {**os.environ, "POLEMOS_ROOT": str(ROOT)}
    res = subprocess.run([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out), *map(str, extra)],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert res.returncode == 0, res.stderr
    return res


def test_adding_articles_codes_only_the_new_ones_and_changes_nothing(tmp_path):
    cache = tmp_path / "cache"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    write_jsonl(first, ARTICLES)
    write_jsonl(second, ARTICLES + [NEW])
    cold = run_code(first, tmp_path / "a.parquet", "--cache-dir", cache)
    assert "coded 5 articles, 0 from the cache" in cold.stderr
    grown = run_code(second, tmp_path / "b.parquet", "--cache-dir", cache)
    assert "coded 1 articles, 5 from the cache" in grown.stderr
    run_code(second, tmp_path / "fresh.parquet", "--no-cache")
    assert (tmp_path / "b.parquet").read_bytes() == (tmp_path / "fresh.parquet").read_bytes()
    # Deleting the cache is safe: everything is coded again, to the same bytes.
    import shutil

    shutil.rmtree(cache)
    again = run_code(second, tmp_path / "c.parquet", "--cache-dir", cache)
    assert "coded 6 articles, 0 from the cache" in again.stderr
    assert (tmp_path / "c.parquet").read_bytes() == (tmp_path / "fresh.parquet").read_bytes()


@pytest.fixture()
def cache_and_article(tmp_path, books):
    from pipeline.cache import CodedCache
    from pipeline.code import CodeSettings
    from pipeline.ingest import Article

    art = Article.from_text("k1", ARTICLES[0][1], dt.date(2016, 5, 2), input="first.jsonl")
    cache = CodedCache(tmp_path / "cache", books, CodeSettings())
    cache.put(art, [{"event_id": "e1"}])
    return cache, art


def test_what_the_events_depend_on_invalidates_an_entry(cache_and_article, books, monkeypatch):
    from pipeline.cache import CodedCache
    from pipeline.code import CodeSettings

    cache, art = cache_and_article
    assert cache.get(art) == [{"event_id": "e1"}]
    assert cache.get(dataclasses.replace(art, text=art.text + " More text.")) is None
    assert cache.get(dataclasses.replace(art, published=dt.date(2016, 5, 3))) is None  # dates resolve against it
    assert cache.get(dataclasses.replace(art, source="other-agency")) is None
    for changed in (CodeSettings(model="another_model"), CodeSettings(max_sentence_tokens=50)):
        assert CodedCache(cache.folder, books, changed).get(art) is None
    monkeypatch.setattr("pipeline.cache.coder_source_hash", lambda: "edited-coder")
    assert CodedCache(cache.folder, books, CodeSettings()).get(art) is None


def test_what_cannot_change_events_keeps_an_entry(cache_and_article, books):
    from pipeline.cache import CodedCache
    from pipeline.code import CodeSettings

    cache, art = cache_and_article
    # Where the article was read from, and how many processes parse it, do not change its events.
    assert cache.get(dataclasses.replace(art, input="elsewhere.csv", record="elsewhere.csv:7")) is not None
    assert CodedCache(cache.folder, books, CodeSettings(n_process=4, batch_size=8)).get(art) is not None


def test_a_damaged_entry_is_a_miss_not_an_error(cache_and_article):
    cache, art = cache_and_article
    path = cache._path(cache.key(art))
    path.write_bytes(b"\x80\x04 not a pickle")
    assert cache.get(art) is None
    cache.put(art, [{"event_id": "e2"}])
    assert cache.get(art) == [{"event_id": "e2"}]


def test_derived_indexes_read_back_from_the_user_cache_give_the_same_events(tmp_path):
    """First run with an empty POLEMOS_CACHE validates the codebooks and builds the phrase and
    token-rule tables; the second reads them back. Their outputs must be the same bytes."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, ARTICLES + [NEW])
    user_cache = tmp_path / "user-cache"
    from pipeline.places import gazetteer_cache_path

    gazetteer = gazetteer_cache_path()
    outputs = []
    for run in ("cold", "warm"):
        env = {**os.environ, "POLEMOS_ROOT": str(ROOT), "POLEMOS_CACHE": str(user_cache)}
        if gazetteer.is_file():
            env["POLEMOS_GAZETTEER"] = str(gazetteer)  # building it again would only cost time
        out = tmp_path / f"{run}.parquet"
        res = subprocess.run([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out), "--no-cache"],
                             capture_output=True, text=True, cwd=ROOT, env=env)
        assert res.returncode == 0, res.stderr
        outputs.append(out.read_bytes())
    assert list(user_cache.glob("codebooks-*.pkl")) and list(user_cache.glob("token-rules-*.npz"))
    assert outputs[0] == outputs[1]


# --------------------------------------------------------------------------- self-healing (issue 16)

KINDS = {"codebooks-*.pkl": "compiled codebooks", "token-rules-*.npz": "token rules",
         "gazetteer-*.bin": "gazetteer index", "actor-phrases-*.bin": "actor phrases",
         "coded/*/*.pkl": "coded articles"}


def _cache_files(user_cache):
    return {kind: sorted(user_cache.glob(kind)) for kind in KINDS}


def test_cache_frame_detects_truncation_overwrite_and_foreign_files(tmp_path, capsys):
    from pipeline.cache import frame, read_cache, write_cache

    path = tmp_path / "c" / "entry.bin"
    assert write_cache(path, b"payload" * 100)
    assert read_cache(path) == b"payload" * 100
    damaged = {"truncated": frame(b"payload" * 100)[:-7], "overwritten": b"\x00" * 300,
               "foreign": b"PK\x03\x04 a zip someone else put here", "flipped": frame(b"payload" * 99 + b"PAYLOAD")}
    damaged["flipped"] = damaged["flipped"][:-1] + b"x"
    for name, data in damaged.items():
        path.write_bytes(data)
        assert read_cache(path) is None, name
        assert not path.exists(), name  # removed, so the next run rebuilds it
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "damaged cache file" in err and str(path) in err
    assert [p.name for p in path.parent.iterdir()] == []  # no temporary files left


@pytest.mark.parametrize("damage", ["truncate", "overwrite"])
def test_every_damaged_cache_file_is_rebuilt_and_the_output_is_identical(tmp_path, damage):
    """Two runs share an empty cache at the same time (neither corrupts it); then every kind of
    cache file is truncated or overwritten, and the next run warns, rebuilds and gives the same bytes."""
    from pipeline.cache import unframe
    from pipeline.places import gazetteer_cache_path

    src = tmp_path / "in.jsonl"
    write_jsonl(src, ARTICLES + [NEW])
    user_cache = tmp_path / "user-cache"
    user_cache.mkdir()
    built = gazetteer_cache_path()
    if built.is_file():  # building it again would only cost time; it is damaged below anyway
        (user_cache / built.name).write_bytes(built.read_bytes())
    env = {**os.environ, "POLEMOS_ROOT": str(ROOT), "POLEMOS_CACHE": str(user_cache)}
    env.pop("POLEMOS_GAZETTEER", None)

    def start(out):
        return subprocess.Popen([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out),
                                 "--cache-dir", str(user_cache / "coded")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)

    runs = [start(tmp_path / f"first{i}.parquet") for i in range(2)]
    for p in runs:
        _out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    reference = (tmp_path / "first0.parquet").read_bytes()
    assert (tmp_path / "first1.parquet").read_bytes() == reference
    files = _cache_files(user_cache)
    for kind, paths in files.items():
        assert paths, f"no {KINDS[kind]} cache file was written"
        for p in paths:
            unframe(p.read_bytes())  # both runs wrote, neither left a broken file
    assert not list(user_cache.rglob("*.tmp"))

    for paths in files.values():
        for p in paths:
            data = p.read_bytes()
            p.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"\x80\x04not a cache file" * 10)
    out = tmp_path / "again.parquet"
    res = subprocess.run([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out),
                          "--cache-dir", str(user_cache / "coded")], capture_output=True, text=True, cwd=ROOT, env=env)
    assert res.returncode == 0, res.stderr
    assert out.read_bytes() == reference
    warned = [ln for ln in res.stderr.splitlines() if "damaged cache file" in ln]
    for kind, paths in files.items():
        for p in paths:
            assert any(str(p) in ln for ln in warned), f"no warning for the damaged {KINDS[kind]} file"
    for kind in ("codebooks-*.pkl", "gazetteer-*.bin", "actor-phrases-*.bin", "coded/*/*.pkl"):
        for p in _cache_files(user_cache)[kind]:
            unframe(p.read_bytes())  # rebuilt


def test_temporary_files_a_killed_run_left_in_the_cache_are_removed(tmp_path, monkeypatch):
    import time

    from pipeline import paths

    cache = tmp_path / "cache"
    cache.mkdir()
    old, fresh = cache / ".gazetteer-x.bin.abc.tmp", cache / ".gazetteer-x.bin.def.tmp"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    monkeypatch.setenv("POLEMOS_CACHE", str(cache))
    assert paths.user_cache_dir() == cache
    assert not old.exists() and fresh.exists()
