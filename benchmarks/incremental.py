"""Incremental runs: a full run with an empty cache, then a run after appending 5% new articles
(the cache codes only those), then the same input again (nothing new). Prints the times and the
ratio incremental/full, medians of --runs.

    python benchmarks/incremental.py [CORPUS] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_repeat_option, repeated, SAMPLE, corpus_texts, median, timed, write_jsonl  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", nargs="?", type=Path, default=SAMPLE)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--n-process", type=int, default=2)
    add_repeat_option(ap)
    args = ap.parse_args()
    base_texts = corpus_texts(args.corpus)
    texts = repeated(base_texts, args.repeat)
    n_new = max(1, len(texts) // 20)
    base, extra = texts[:-n_new], texts[-n_new:]
    full_t, inc_t, none_t = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        first, second = tmp / "first.jsonl", tmp / "second.jsonl"
        write_jsonl([{"id": f"a{i}", "text": t} for i, t in enumerate(base)], first)
        write_jsonl([{"id": f"a{i}", "text": t} for i, t in enumerate(base + extra)], second)
        for _ in range(args.runs):
            cache = tmp / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            cmd = [sys.executable, "-m", "pipeline", "code", "--cache-dir", str(cache), "--workers", str(args.n_process), "--out"]
            full_t.append(timed([*cmd, str(tmp / "e1.parquet"), str(first)])[0])
            inc_t.append(timed([*cmd, str(tmp / "e2.parquet"), str(second)])[0])
            none_t.append(timed([*cmd, str(tmp / "e3.parquet"), str(second)])[0])
    f, i = median(full_t), median(inc_t)
    print(f"corpus {args.corpus} x{args.repeat}: {len(base)} articles, then +{n_new} new ({n_new / len(base):.1%}); "
          f"n_process={args.n_process}")
    print(f"full run        : {f:.2f} s (runs {', '.join(f'{x:.2f}' for x in full_t)})")
    print(f"incremental run : {i:.2f} s (runs {', '.join(f'{x:.2f}' for x in inc_t)})")
    print(f"nothing new     : {median(none_t):.2f} s (the fixed cost of a run: start, read, look up, write)")
    print(f"ratio incremental/full: {i / f:.3f}")


if __name__ == "__main__":
    main()
