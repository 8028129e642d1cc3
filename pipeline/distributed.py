"""Parallel coding: worker processes on this machine, or a Dask distributed cluster.

Either way a worker parses *and* codes whole articles, so only articles go out and event rows
come back (a spaCy Doc never crosses a process boundary). Articles travel in small partitions,
so workers stay evenly loaded, through a bounded window of pending partitions, so memory does not
grow with the corpus; results are yielded in input order, so outputs equal a one-process run.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from pipeline.errors import PolemosError

# A partition closes at this many characters of text or articles, whichever comes first: small
# enough that the last partitions do not leave a worker idle, large enough that the parser gets
# full batches and per-task overhead stays negligible.
PARTITION_CHARS = 24_000
PARTITION_ARTICLES = 32


def partitions(articles: Iterable, max_chars: int = PARTITION_CHARS, max_articles: int = PARTITION_ARTICLES):
    batch, size = [], 0
    for art in articles:
        batch.append(art)
        size += len(art.text)
        if size >= max_chars or len(batch) >= max_articles:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def ordered_rows(articles: Iterable, submit: Callable, window: int, cache=None, counts=None,
                 max_chars: int = PARTITION_CHARS, max_articles: int = PARTITION_ARTICLES) -> Iterator[list]:
    """Rows per article, in input order. `submit(list_of_articles)` returns a future whose
    `.result()` is their rows; cache hits are answered here and never submitted. `counts` (an
    IngestCounts) gets the numbers coded and taken from the cache."""
    pending: deque = deque()

    def drain(limit):
        while len(pending) > limit:
            batch, hits, fut = pending.popleft()
            fresh = iter(fut.result() if fut is not None else [])
            for art in batch:
                rows = hits.get(art.article_id)
                if rows is None:
                    rows = next(fresh)
                    if cache is not None:
                        cache.put(art, rows)
                yield rows

    for batch in partitions(articles, max_chars, max_articles):
        hits = {}
        if cache is not None:
            hits = {aid: rows for aid, rows in cache.get_many(batch).items() if rows is not None}
        todo = [a for a in batch if a.article_id not in hits]
        if counts is not None:
            counts.coded += len(todo)
            counts.cached += len(hits)
        pending.append((batch, hits, submit(todo) if todo else None))
        yield from drain(window)
    yield from drain(0)


# --------------------------------------------------------------------------- workers


def settings_key(settings) -> tuple:
    return (settings.model, settings.batch_size, settings.max_sentence_tokens)


@lru_cache(maxsize=2)
def _worker_coder(codebook_root: str, key: tuple):
    """The coder of this worker process (local or Dask): built once, on first use."""
    import atexit
    import gc
    from pathlib import Path

    from pipeline.code import ArticleCoder, CodeSettings
    from pipeline.codebook.loader import load_codebooks

    # A worker process that ends (a cluster closing) need not garbage-collect a loaded model
    # object by object on its way out (~0.4 s of every cluster shutdown).
    atexit.register(gc.freeze)
    model, batch_size, max_tokens = key
    settings = CodeSettings(model=model, n_process=1, batch_size=batch_size, max_sentence_tokens=max_tokens)
    return ArticleCoder(load_codebooks(Path(codebook_root)), settings).prepare()


def code_partition(articles, codebook_root: str, key: tuple):
    """Runs in a worker: parse and code a partition, return its rows per article."""
    from pipeline.code import code_articles

    return list(code_articles(articles, _worker_coder(codebook_root, key)))


def _start_worker(codebook_root: str, key: tuple) -> None:
    _worker_coder(codebook_root, key)


def _start_local_worker(codebook_root: str, key: tuple) -> None:
    from pipeline.signals import worker_defaults

    worker_defaults()
    _worker_coder(codebook_root, key)


# --------------------------------------------------------------------------- compile once

# Components a tokenizer-only model leaves out (names not in a model are ignored).
_ALL_COMPONENTS = ["tok2vec", "tagger", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer", "ner"]


def compile_shared(books, settings) -> None:
    """Before the workers start: build here, once, what each worker would otherwise build at the
    same time after a codebook edit (or with an empty cache), so they only load the result. The
    codebooks are compiled by load_codebooks() in this process; the actor phrase table (needs only
    the model's tokenizer) and the gazetteer index are built here when missing."""
    import os

    from pipeline.codebook.loader import COMPILED_HERE
    from pipeline.places import gazetteer_cache_path, load_gazetteer

    if not os.environ.get("POLEMOS_GAZETTEER") and not gazetteer_cache_path().is_file():
        load_gazetteer()
    if str(books.root) in COMPILED_HERE:
        import spacy

        from pipeline.actors import ActorMatcher

        ActorMatcher(spacy.load(settings.model, exclude=_ALL_COMPONENTS), books.actors)  # writes the phrase table


# --------------------------------------------------------------------------- local processes


def code_with_processes(articles: Iterable, books, settings, n_process: int, cache=None, counts=None) -> Iterator[list]:
    """Rows per article, coded by `n_process` worker processes of this machine. The workers load
    the model, codebooks and gazetteer as soon as they start, while this process is still reading
    and checking the first articles; it never loads the model itself."""
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.nlp import check_model

    check_model(settings.model)
    compile_shared(books, settings)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    root, key = str(books.root), settings_key(settings)
    pool = ProcessPoolExecutor(max_workers=n_process, mp_context=context, initializer=_start_local_worker,
                               initargs=(root, key))
    used = False
    stopping = False

    def submit(batch):
        nonlocal used
        used = True
        return pool.submit(code_partition, batch, root, key)

    pool.submit(int)  # starts the workers now, so loading overlaps with reading the input
    try:
        yield from ordered_rows(articles, submit, window=2 * n_process, cache=cache, counts=counts)
    except BaseException:
        stopping = True  # interrupted or failed: do not wait for the partitions in flight
        raise
    finally:
        if not used or stopping:
            # Everything came from the cache: do not wait for workers to finish loading a model.
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
        pool.shutdown(wait=not stopping, cancel_futures=True)


# --------------------------------------------------------------------------- Dask


def connect(scheduler: str):
    from dask.distributed import Client, LocalCluster

    if scheduler.startswith("local:"):
        try:
            n = int(scheduler.split(":", 1)[1])
        except ValueError:
            raise PolemosError(f"--scheduler {scheduler}: expected local:N with N a number of workers") from None
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                               processes=True)
        return Client(cluster), cluster
    if not scheduler.startswith("tcp://"):
        raise PolemosError(f"--scheduler {scheduler}: expected tcp://HOST:PORT or local:N")
    try:
        return Client(scheduler, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        raise PolemosError(f"cannot reach Dask scheduler {scheduler} ({exc})") from None


def _stop_local_cluster(cluster) -> None:
    """Before its worker processes are killed: the nannies (in this process) must not start new
    ones, nor log each death."""
    import contextlib
    import logging

    from distributed.core import Status

    logging.getLogger("distributed").setLevel(logging.CRITICAL + 1)
    for nanny in list(getattr(cluster, "workers", {}).values()):
        with contextlib.suppress(Exception):
            nanny.status = Status.closing  # a closing nanny does not restart its worker


def code_on_dask(articles, scheduler: str, books, settings, cache=None, counts=None):
    """Rows per article, in input order, coded on the cluster (cache hits stay local)."""
    from pipeline.signals import kill_children, received

    if scheduler.startswith("local:"):  # the workers share this machine's cache
        compile_shared(books, settings)
    client, cluster = connect(scheduler)
    try:
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        key, root = settings_key(settings), str(books.root)
        # Every worker starts loading now, in parallel, while this process reads the input (the
        # futures are held until the end: a released future's task may be cancelled).
        warm_up = [client.submit(_start_worker, root, key, workers=[address], pure=False)
                   for address in client.scheduler_info().get("workers", {})]
        yield from ordered_rows(articles, lambda batch: client.submit(code_partition, batch, root, key, pure=False),
                                window=2 * n_workers, cache=cache, counts=counts)
        del warm_up
    finally:
        if received() is not None:
            # Interrupted: stop the local cluster's processes now; an orderly close would wait
            # for the partitions in flight (a remote cluster is left running, as it was found).
            if cluster is not None:
                _stop_local_cluster(cluster)
                kill_children(timeout=0.3)
        else:
            client.close()
            if cluster is not None:
                cluster.close()
