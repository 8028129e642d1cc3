"""Coding on a Dask distributed cluster: articles are partitioned, each worker loads the model
and codebooks once, and partitions come back in input order so outputs equal a local run."""

from __future__ import annotations

from collections import deque
from functools import lru_cache

from pipeline.errors import PolemosError

PARTITION_SIZE = 64


@lru_cache(maxsize=2)
def _worker_coder(codebook_root: str, settings_key: tuple):
    from pipeline.code import ArticleCoder, CodeSettings
    from pipeline.codebook.loader import load_codebooks

    model, batch_size, max_tokens = settings_key
    settings = CodeSettings(model=model, n_process=1, batch_size=batch_size, max_sentence_tokens=max_tokens)
    return ArticleCoder(load_codebooks(__import__("pathlib").Path(codebook_root)), settings)


def code_partition(articles, codebook_root: str, settings_key: tuple):
    from pipeline.code import code_articles

    coder = _worker_coder(codebook_root, settings_key)
    return list(code_articles(articles, coder))


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


def code_on_dask(articles, scheduler: str, books, settings, cache=None):
    """Rows per article, in input order, coded on the cluster (cache hits stay local)."""
    client, cluster = connect(scheduler)
    try:
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        key = (settings.model, settings.batch_size, settings.max_sentence_tokens)
        root = str(books.root)
        window: deque = deque()

        def drain(limit):
            while len(window) > limit:
                batch, hits, fut = window.popleft()
                fresh = iter(fut.result() if fut is not None else [])
                for art in batch:
                    rows = hits.get(art.article_id)
                    if rows is None:
                        rows = next(fresh)
                        if cache:
                            cache.put(art, rows)
                    yield rows

        batch = []
        for art in articles:
            batch.append(art)
            if len(batch) >= PARTITION_SIZE:
                window.append(_submit(client, batch, cache, root, key))
                batch = []
                yield from drain(2 * n_workers)
        if batch:
            window.append(_submit(client, batch, cache, root, key))
        yield from drain(0)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _submit(client, batch, cache, root, key):
    hits = {a.article_id: r for a, r in ((a, cache.get(a)) for a in batch) if r is not None} if cache else {}
    todo = [a for a in batch if a.article_id not in hits]
    fut = client.submit(code_partition, todo, root, key, pure=False) if todo else None
    return batch, hits, fut
