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


@contextmanager
def progress(description: str, total: int | None = None):
    """A rich progress bar on stderr (plain when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=not console.is_terminal, disable=not console.is_terminal) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


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
    with progress("code") as advance, EventWriter(out) as writer:
        if scheduler:
            from pipeline.distributed import code_on_dask

            batches = code_on_dask(articles, scheduler, books, settings, cache, counts)
        else:
            batches = _code_local(articles, books, settings, cache, counts)
        for rows in batches:
            writer.write(rows)
            advance()
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
