"""Compile once: the first `--workers N` run after a codebook edit against a warm run.

A copy of codebooks/ is edited (a comment line appended to a pattern file, an actor file or a
gazetteer source file: the codebook hash changes, the events do not), then `polemos code` runs
once (first run after the edit) and again (warm). Prints both times, medians of --runs edits,
and the ratio first/warm (target <= 1.5). The two outputs of each edit are checked identical.

    python benchmarks/compile_once.py [CORPUS] [--runs 3] [--workers 2] [--edit patterns|actors|countries]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, SAMPLE, median, timed  # noqa: E402

EDITED = {"patterns": "cameo/patterns/19.csv", "actors": "actors/agents.csv", "countries": "actors/countries.csv"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", nargs="?", type=Path, default=SAMPLE)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--edit", choices=sorted(EDITED), default="patterns")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        books = tmp / "codebooks"
        shutil.copytree(ROOT / "codebooks", books)
        os.environ.update(POLEMOS_CODEBOOKS=str(books), POLEMOS_ROOT=str(ROOT),
                          POLEMOS_CACHE=os.environ.get("POLEMOS_CACHE") or str(tmp / "cache"))
        cmd = [sys.executable, "-m", "pipeline", "code", str(args.corpus), "--no-cache", "--quiet",
               "--workers", str(args.workers), "--out"]
        timed(cmd + [str(tmp / "warm-up.parquet")])  # caches filled once, as on any used machine
        first, warm = [], []
        for i in range(args.runs):
            with open(books / EDITED[args.edit], "a", encoding="utf-8") as fh:
                fh.write(f"# benchmark edit {os.getpid()}-{i}\n")
            t1, _, _ = timed(cmd + [str(tmp / "first.parquet")])
            t2, _, _ = timed(cmd + [str(tmp / "warm.parquet")])
            if (tmp / "first.parquet").read_bytes() != (tmp / "warm.parquet").read_bytes():
                sys.exit("outputs of the first and the warm run differ")
            first.append(t1)
            warm.append(t2)
            print(f"edit {i + 1} ({EDITED[args.edit]}): first run {t1:.2f} s, warm run {t2:.2f} s", flush=True)
    f, w = median(first), median(warm)
    print(f"median first run after an edit {f:.2f} s, warm run {w:.2f} s, ratio {f / w:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
