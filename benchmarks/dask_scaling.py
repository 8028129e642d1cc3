"""Dask: the same corpus coded on a LocalCluster with 1 worker and with 2 workers (1 thread
each, on 127.0.0.1); prints words/s and the speed-up, median of --runs, and checks that both
outputs are byte-identical to a local run.

    python benchmarks/dask_scaling.py [CORPUS] [--runs 3] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_repeat_option, repeated, SAMPLE, corpus_texts, median, timed, word_count, write_jsonl  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", nargs="?", type=Path, default=SAMPLE)
    ap.add_argument("--runs", type=int, default=3)
    add_repeat_option(ap)
    args = ap.parse_args()
    base = corpus_texts(args.corpus)
    texts = repeated(base, args.repeat)
    words = word_count(texts)
    times: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "in.jsonl"
        write_jsonl([{"id": f"a{i}", "text": t} for i, t in enumerate(texts)], src)
        local = tmp / "local.parquet"
        timed([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(local), "--no-cache"])
        for _ in range(args.runs):
            for n in (1, 2):
                out = tmp / f"dask{n}.parquet"
                times[n].append(timed([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out),
                                       "--no-cache", "--scheduler", f"local:{n}"])[0])
                if out.read_bytes() != local.read_bytes():
                    sys.exit(f"Dask output with {n} worker(s) differs from the local run")
    one, two = median(times[1]), median(times[2])
    print(f"corpus {args.corpus} x{args.repeat}: {len(texts)} articles, {words} words")
    print(f"1 worker : {words / one:8.0f} words/s (median {one:.2f} s)")
    print(f"2 workers: {words / two:8.0f} words/s (median {two:.2f} s)")
    print(f"speed-up 2/1: {one / two:.3f}; outputs identical to the local run: yes")


if __name__ == "__main__":
    main()
