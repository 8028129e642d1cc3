"""The project's gold files are well-formed: what `polemos evaluate` reads is what was coded."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from pipeline.evaluate import load_gold
from tests.conftest import ROOT, shared_file

GOLD_FILES = [ROOT / "tests/fixtures/gold.jsonl", ROOT / "data/gold/voa_realnews.jsonl"]


def _codes() -> set[str]:
    with open(ROOT / "codebooks/cameo/codes.csv", encoding="utf-8") as fh:
        return {row["code"] for row in csv.DictReader(fh)}


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_gold_records_are_consistent(path):
    codes = _codes()
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert r["relevant"] == bool(r["events"]), r["id"]
        for ev in r["events"]:
            assert ev["code"] in codes and ev["root"] == ev["code"][:2], (r["id"], ev)
            for key in ("source_text", "target_text", "location_text"):
                if ev.get(key):
                    assert ev[key] in r["text"], (r["id"], key, ev[key])
    assert len(load_gold(path)) == len(records)  # the evaluator reads every record


def test_voa_set_is_the_fixed_seed_draw():
    sample = (ROOT / "data/gold/voa_sample.jsonl").read_text(encoding="utf-8").splitlines()
    gold = [json.loads(line) for line in (ROOT / "data/gold/voa_realnews.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [json.loads(s)["text"] for s in sample] == [g["text"] for g in gold]
    assert len(gold) >= 250 and len({g["id"].rsplit("-", 1)[0] for g in gold}) >= 40


def test_voa_draw_reproduces_from_the_corpus():
    corpus = shared_file("corpora", "voa_stories.jsonl")
    out = subprocess.run([sys.executable, str(ROOT / "data/gold/select_voa_sentences.py"), str(corpus)],
                         capture_output=True, text=True, check=True).stdout
    assert out == (ROOT / "data/gold/voa_sample.jsonl").read_text(encoding="utf-8")
