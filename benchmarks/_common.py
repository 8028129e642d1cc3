"""Shared helpers for the benchmarks: corpus loading and timed subprocess runs."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's pipeline/, installed or not
SAMPLE = ROOT / "data" / "raw" / "sample"


def corpus_texts(path: Path) -> list[str]:
    """Article bodies as the coder sees them (after ingest)."""
    from pipeline.ingest import IngestSettings, ingest

    arts, _, _ = ingest([path], IngestSettings())
    return [a.text for a in arts]


def word_count(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) and standard output of a child process (and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if res.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(cmd)}\n{res.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before), res.stdout


def median(xs):
    return statistics.median(xs)


def write_jsonl(rows, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")


def add_repeat_option(parser) -> None:
    parser.add_argument("--repeat", type=int, default=1,
                        help="Use the corpus N times (copies marked so ingest does not dedupe them): "
                             "fixed start-up costs weigh less on a bigger corpus, as in production.")


def repeated(texts: list[str], times: int) -> list[str]:
    """The texts `times` over; each copy ends with a distinct line, so none is a duplicate."""
    return [t if k == 0 else f"{t}\n\nCopy {k}." for k in range(times) for t in texts]
