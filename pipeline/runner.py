"""Orchestration shared by the CLI commands: ingest and code with progress and accounting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.ingest import Article, IngestCounts, IngestSettings, Reject, iter_ingest
from pipeline.io import write_parquet
from pipeline.schema import ARTICLE_SCHEMA, REJECT_SCHEMA


QUIET = False  # --quiet: no bar and no progress lines (the final summary is still printed)


def progress_interval() -> float:
    """Seconds between progress lines when stderr is not a terminal (POLEMOS_PROGRESS_INTERVAL)."""
    import os

    try:
        return max(float(os.environ.get("POLEMOS_PROGRESS_INTERVAL", "10")), 0.0)
    except ValueError:
        return 10.0


class _Tally:
    """What a progress display shows: work done (of a total, if known), events, rejects, rate."""

    def __init__(self, description: str, total: int | None, unit: str):
        import time

        self.description, self.total, self.unit = description, total, unit
        self.done = self.events = self.rejects = 0
        self.start = time.monotonic()
        self.first: tuple[float, int] | None = None  # (when, how many) at the first advance

    def add(self, n: int, events: int, rejects: int) -> None:
        import time

        if self.first is None:
            self.first = (time.monotonic(), n)
        self.done += n
        self.events += events
        self.rejects += rejects

    def fraction(self) -> float | None:
        return min(self.done / self.total, 1.0) if self.total else None

    def line(self) -> str:
        import time

        now = time.monotonic()
        elapsed = max(now - self.start, 1e-9)
        # The rate counts from the first item done: loading the model is not part of it.
        first_at, first_done = self.first or (self.start, 0)
        rate = (self.done - first_done) / max(now - first_at, 1e-9) if self.done > first_done else 0.0
        of = f"/{self.total}" if self.total else ""
        parts = [f"{self.description}: {self.done}{of} {self.unit}"]
        if self.events:
            parts.append(f"{self.events} events")
        if self.rejects:
            parts.append(f"{self.rejects} rejects")
        parts.append(f"{rate:.1f} {self.unit}/s")
        if self.total and rate > 0 and self.done < self.total:
            left = int((self.total - self.done) / rate)
            parts.append(f"ETA {left // 3600}:{left // 60 % 60:02d}:{left % 60:02d}")
        parts.append(f"elapsed {elapsed:.0f} s")
        return ", ".join(parts)


@contextmanager
def progress(description: str, total: int | None = None, unit: str = "articles"):
    """Progress on stderr: a rich bar with a total and an ETA on a terminal; otherwise (CI,
    nohup, a cluster job's log) one plain line at most every progress_interval() seconds.
    `--quiet` silences both. Yields `advance(n=1, events=0, rejects=0)`."""
    import sys
    import time

    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from pipeline import io as pio

    tally = _Tally(description, total, unit)
    console = Console(stderr=True)
    previous_fraction, pio.progress_fraction = pio.progress_fraction, tally.fraction
    try:
        if QUIET or not console.is_terminal:
            interval, last = progress_interval(), [time.monotonic()]

            def advance(n=1, events=0, rejects=0):
                tally.add(n, events, rejects)
                now = time.monotonic()
                if not QUIET and now - last[0] >= interval:
                    last[0] = now
                    print(tally.line(), file=sys.stderr, flush=True)

            yield advance
            return
        columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task(description, total=total, detail="")

            def advance(n=1, events=0, rejects=0):
                tally.add(n, events, rejects)
                detail = f"{tally.events} events" + (f", {tally.rejects} rejects" if tally.rejects else "")
                bar.update(task, advance=n, detail=detail if (tally.events or tally.rejects) else "")

            yield advance
            bar.update(task, total=tally.done)  # the count up front is an estimate: end at 100 %
    finally:
        pio.progress_fraction = previous_fraction


def count_records(inputs) -> int | None:
    """How many records the inputs hold, counted cheaply before the run (so progress has a total
    and an ETA): rows in an articles.parquet's metadata, non-blank lines of JSONL, rows of CSV,
    one per .txt/.html file. An estimate (a CSV cell may hold a newline); None when unknown."""
    import gzip

    from pipeline.ingest import CSV_SUFFIXES, JSONL_SUFFIXES, _inner_suffix, discover

    total = 0
    try:
        for path, problem in discover([Path(p) for p in inputs]):
            if problem is None and is_articles_parquet(path):
                total += pq.ParquetFile(path).metadata.num_rows
                continue
            suffix = _inner_suffix(path)
            if problem is not None or suffix not in JSONL_SUFFIXES | CSV_SUFFIXES:
                total += 1
                continue
            opener = gzip.open if path.suffix.lower() == ".gz" else open
            with opener(path, "rb") as fh:
                lines = sum(1 for line in fh if line.strip())
            total += max(lines - 1, 0) if suffix in CSV_SUFFIXES else lines
    except Exception:  # noqa: BLE001 - counting is a nicety; the run reports the real problem
        return None
    return total


def rows_to_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pydict({f.name: [r.get(f.name) for r in rows] for f in schema}, schema=schema)


def write_rejects(rejects: list[Reject], target: Path) -> None:
    write_parquet(rows_to_table([r.as_row() for r in rejects], REJECT_SCHEMA), target)


def write_articles(articles: list[Article], target: Path) -> None:
    write_parquet(rows_to_table([a.as_row() for a in articles], ARTICLE_SCHEMA), target)


def read_articles(path: Path) -> Iterator[Article]:
    """Articles from an articles.parquet written by the ingest stage (streamed by batch)."""
    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=1000):
        for row in batch.to_pylist():
            yield Article(**{k: row.get(k) for k in Article.__dataclass_fields__})


def is_articles_parquet(path: Path) -> bool:
    if path.suffix != ".parquet" or not path.is_file():
        return False
    try:
        names = set(pq.read_schema(path).names)
    except (pa.ArrowInvalid, OSError):
        return False
    return {"article_id", "text", "content_hash"} <= names


def collect_inputs(inputs: list[Path], settings: IngestSettings, counts: IngestCounts,
                   rejects: list[Reject]) -> Iterator[Article]:
    """Articles of the inputs (raw files, or articles.parquet from the ingest stage); rejects are
    appended to `rejects` as they are met."""
    raw = [p for p in inputs if not is_articles_parquet(p)]
    for p in inputs:
        if is_articles_parquet(p):
            for art in read_articles(p):
                counts.read += 1
                counts.accepted += 1
                yield art
    if raw:
        for out in iter_ingest(raw, settings, counts):
            if isinstance(out, Reject):
                rejects.append(out)
            else:
                yield out


# --------------------------------------------------------------------------- coding


def _with_corpus_date(articles, fallback):
    import dataclasses

    for art in articles:
        if art.published is None and fallback is not None:
            art = dataclasses.replace(art, published=fallback, published_from="corpus")
        yield art


def run_code(inputs, out: Path, rejects_path: Path, books, settings, ingest_settings, *,
             corpus_date_fallback: bool = False, scheduler: str | None = None,
             cache_dir: Path | None = None) -> IngestCounts:
    """Ingest + code + write: the engine behind `polemos code`. Returns the accounting."""
    from pipeline.cache import CodedCache
    from pipeline.code import EventWriter

    for p in inputs:
        if not Path(p).exists():
            from pipeline.errors import InputError

            raise InputError(f"{p}: no such file or directory")
    from pipeline.io import check_output
    from pipeline.paths import check_cache_dir, user_cache_dir

    check_output(out)  # a folder, a read-only disk, no permission: say so now, not after the run
    check_output(rejects_path)
    user_cache_dir()
    if cache_dir is not None:
        check_cache_dir(Path(cache_dir), "--cache-dir / code.cache_dir", "pass another --cache-dir, or --no-cache")
    fallback = None
    if corpus_date_fallback:
        dates = [a.published for a in collect_inputs(inputs, ingest_settings, IngestCounts(), []) if a.published]
        fallback = max(dates) if dates else None
    counts = IngestCounts()
    refused: list[Reject] = []
    articles = _with_corpus_date(collect_inputs(inputs, ingest_settings, counts, refused), fallback)
    cache = CodedCache(cache_dir, books, settings) if cache_dir else None
    total = None if QUIET else count_records(inputs)
    with progress("code", total=total) as advance, EventWriter(out) as writer:
        if scheduler:
            from pipeline.distributed import code_on_dask

            batches = code_on_dask(articles, scheduler, books, settings, cache, counts)
        else:
            batches = _code_local(articles, books, settings, cache, counts)
        seen_rejects = 0
        for rows in batches:
            writer.write(rows)
            new_rejects, seen_rejects = len(refused) - seen_rejects, len(refused)
            advance(1 + new_rejects, events=len(rows), rejects=new_rejects)
        if len(refused) > seen_rejects:
            advance(len(refused) - seen_rejects, rejects=len(refused) - seen_rejects)
    write_rejects(refused, rejects_path)
    return counts


def _code_local(articles, books, settings, cache, counts):
    """Rows per article; cached articles are not parsed again. With n_process > 1 the articles are
    parsed and coded in worker processes (spaCy's own n_process would ship every parsed Doc back
    to this process and code it here, on a core the parsers need)."""
    from pipeline.code import ArticleCoder, code_articles
    from pipeline.distributed import code_with_processes, ordered_rows

    if settings.n_process > 1:
        yield from code_with_processes(articles, books, settings, settings.n_process, cache, counts)
        return
    coder = None

    def code_now(batch):
        nonlocal coder
        if coder is None:
            coder = ArticleCoder(books, settings)
        return _Done(list(code_articles(batch, coder)))

    # One process: big partitions keep nlp.pipe's batches full.
    yield from ordered_rows(articles, code_now, window=0, cache=cache, counts=counts, max_chars=250_000, max_articles=512)


class _Done:
    """A finished 'future' for in-process coding."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value
