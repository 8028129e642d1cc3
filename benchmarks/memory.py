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
from _common import ROOT, SAMPLE, corpus_texts, word_count, write_jsonl  # noqa: E402

MEASURE = """
import resource, subprocess, sys
res = subprocess.run(sys.argv[1:], capture_output=True, text=True)
if res.returncode: sys.exit(res.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_mib(cmd) -> float:
    import subprocess

    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(out.stderr)
    return int(out.stdout.strip()) / 1024


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
        write_jsonl([{"id": f"r{k}-{i}", "text": t} for k in range(args.times) for i, t in enumerate(texts)], many)
        cmd = [sys.executable, "-m", "pipeline", "code", "--no-cache", "--workers", str(args.n_process), "--out"]
        a = peak_rss_mib([*cmd, str(Path(tmp) / "e1.parquet"), str(one)])
        b = peak_rss_mib([*cmd, str(Path(tmp) / "e10.parquet"), str(many)])
    print(f"corpus {args.corpus}: {len(texts)} articles, {word_count(texts)} words; n_process={args.n_process}")
    print(f"peak RSS 1x : {a:8.0f} MiB (largest single process)")
    print(f"peak RSS {args.times}x: {b:8.0f} MiB")
    print(f"ratio {args.times}x/1x: {b / a:.3f}")


if __name__ == "__main__":
    main()
