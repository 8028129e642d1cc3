"""Memory: peak RSS of `polemos code` on a corpus and on the same corpus repeated 10 times
(distinct ids), in one session. The coder streams in bounded batches, so the ratio stays near 1.

    python benchmarks/memory.py [CORPUS] [--n-process 2] [--times 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import repeated, ROOT, SAMPLE, corpus_texts, word_count, write_jsonl  # noqa: E402

# Runs the command and samples its process tree (the coder and its forked workers) every 50 ms:
# prints the largest single process's peak (kernel ru_maxrss) and the peak of their summed PSS
# (proportional set size: pages the forked workers share with the parent are counted once).
MEASURE = """
import resource, subprocess, sys, time
import psutil
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
tree_peak = 0
parent = psutil.Process(proc.pid)
while proc.poll() is None:
    try:
        procs = [parent, *parent.children(recursive=True)]
        tree_peak = max(tree_peak, sum(getattr(p.memory_full_info(), 'pss', 0) or p.memory_info().rss for p in procs))
    except psutil.Error:
        pass
    time.sleep(0.1)
if proc.returncode: sys.exit(proc.stderr.read())
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, tree_peak)
"""


def peak_rss_mib(cmd) -> tuple[float, float]:
    """(largest single process, whole process tree) peak RSS in MiB."""
    import subprocess

    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(out.stderr)
    single, tree = (int(x) / 2**20 for x in out.stdout.split())
    return single, tree


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", nargs="?", type=Path, default=SAMPLE)
    ap.add_argument("--n-process", type=int, default=2)
    ap.add_argument("--times", type=int, default=10)
    args = ap.parse_args()
    texts = corpus_texts(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp) / "one.jsonl", Path(tmp) / "many.jsonl"
        write_jsonl([{"id": f"a{i}", "text": t} for i, t in enumerate(texts)], one)
        # Copies get a distinct last line: identical texts would be deduplicated by ingest.
        write_jsonl([{"id": f"r{i}", "text": t} for i, t in enumerate(repeated(texts, args.times))], many)
        cmd = [sys.executable, "-m", "pipeline", "code", "--no-cache", "--workers", str(args.n_process), "--out"]
        a = peak_rss_mib([*cmd, str(Path(tmp) / "e1.parquet"), str(one)])
        b = peak_rss_mib([*cmd, str(Path(tmp) / "e10.parquet"), str(many)])
    print(f"corpus {args.corpus}: {len(texts)} articles, {word_count(texts)} words; n_process={args.n_process}")
    print(f"peak RSS 1x : {a[0]:8.0f} MiB largest process, {a[1]:8.0f} MiB all processes (summed PSS)")
    print(f"peak RSS {args.times}x: {b[0]:8.0f} MiB largest process, {b[1]:8.0f} MiB all processes")
    print(f"ratio {args.times}x/1x: {b[0] / a[0]:.3f} largest process, {b[1] / a[1]:.3f} all processes")


if __name__ == "__main__":
    main()
