"""Dask: the same corpus coded by a cluster of 1 worker and of 2 workers (1 thread each, on
127.0.0.1). Prints words/s and the speed-up 2/1 two ways, medians of --runs:

- on a running cluster (how a cluster is used: `polemos code --scheduler tcp://HOST:PORT`): the
  first run, in which each worker loads the model, and the runs after it;
- end to end with `--scheduler local:N`, which also starts and stops the cluster.

Every output is checked byte for byte against a local run.

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
    from dask.distributed import LocalCluster

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", nargs="?", type=Path, default=SAMPLE)
    ap.add_argument("--runs", type=int, default=3)
    add_repeat_option(ap)
    args = ap.parse_args()
    texts = repeated(corpus_texts(args.corpus), args.repeat)
    words = word_count(texts)
    first: dict[int, float] = {}
    running: dict[int, list[float]] = {1: [], 2: []}
    end_to_end: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "in.jsonl"
        write_jsonl([{"id": f"a{i}", "text": t} for i, t in enumerate(texts)], src)
        local = tmp / "local.parquet"
        timed([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(local), "--no-cache"])

        def run(n: int, scheduler: str) -> float:
            out = tmp / f"dask{n}.parquet"
            secs = timed([sys.executable, "-m", "pipeline", "code", str(src), "--out", str(out), "--no-cache",
                          "--scheduler", scheduler])[0]
            if out.read_bytes() != local.read_bytes():
                sys.exit(f"Dask output with {n} worker(s) differs from the local run")
            return secs

        for n in (1, 2):
            with LocalCluster(n_workers=n, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                              processes=True) as cluster:
                first[n] = run(n, cluster.scheduler_address)
                running[n] = [run(n, cluster.scheduler_address) for _ in range(args.runs)]
        for _ in range(args.runs):
            for n in (1, 2):
                end_to_end[n].append(run(n, f"local:{n}"))

    def line(label: str, secs: float) -> str:
        return f"  {label:<9}: {words / secs:8.0f} words/s ({secs:.2f} s)"

    print(f"corpus {args.corpus} x{args.repeat}: {len(texts)} articles, {words} words")
    print("running cluster, first run (each worker loads the model):")
    print(line("1 worker", first[1]))
    print(line("2 workers", first[2]))
    print(f"  speed-up 2/1: {first[1] / first[2]:.3f}")
    one, two = median(running[1]), median(running[2])
    print(f"running cluster, later runs (median of {args.runs}):")
    print(line("1 worker", one))
    print(line("2 workers", two))
    print(f"  speed-up 2/1: {one / two:.3f}")
    one_e, two_e = median(end_to_end[1]), median(end_to_end[2])
    print(f"end to end with --scheduler local:N, starting and stopping the cluster (median of {args.runs}):")
    print(line("1 worker", one_e))
    print(line("2 workers", two_e))
    print(f"  speed-up 2/1: {one_e / two_e:.3f}")
    print("outputs identical to the local run: yes (every run)")


if __name__ == "__main__":
    main()
