"""Same inputs and codebooks give byte-identical outputs: across runs, n_process, the cache and Dask."""

import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "raw" / "sample"


def code(out, *extra, env=None):
    import os

    res = subprocess.run([sys.executable, "-m", "pipeline", "code", str(SAMPLE), "--out", str(out), *map(str, extra)],
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "events.parquet"
    code(out, "--no-cache")
    return out


def test_rerun_is_byte_identical(reference, tmp_path):
    out = tmp_path / "again.parquet"
    code(out, "--no-cache")
    assert out.read_bytes() == reference.read_bytes()
    assert pq.read_table(reference).num_rows > 20


def test_two_processes_give_the_same_bytes(reference, tmp_path):
    out = tmp_path / "np2.parquet"
    code(out, "--no-cache", "--workers", "2")
    assert out.read_bytes() == reference.read_bytes()


def test_dask_local_cluster_gives_the_same_bytes(reference, tmp_path):
    out = tmp_path / "dask.parquet"
    code(out, "--no-cache", "--scheduler", "local:2")
    assert out.read_bytes() == reference.read_bytes()


def test_a_running_cluster_gives_the_same_bytes_and_its_workers_load_the_model_once(reference, tmp_path):
    """`--scheduler tcp://...` on a cluster that outlives the runs: each run equals the local
    output, and a second run reuses the coder the worker built in the first."""
    from dask.distributed import Client, LocalCluster

    from pipeline.distributed import _worker_coder

    with LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      processes=True) as cluster, Client(cluster) as client:
        for run in ("first", "second"):
            out = tmp_path / f"{run}.parquet"
            code(out, "--no-cache", "--scheduler", cluster.scheduler_address)
            assert out.read_bytes() == reference.read_bytes()
        (info,) = client.run(lambda: _worker_coder.cache_info()._asdict()).values()
    assert info["misses"] == 1 and info["hits"] >= 2


def test_cache_hits_give_the_same_bytes_and_codebook_changes_invalidate(reference, tmp_path):
    from pipeline.cache import CodedCache
    from pipeline.code import CodeSettings
    from pipeline.codebook.loader import load_codebooks
    from pipeline.ingest import IngestSettings, ingest

    cache = tmp_path / "cache"
    cold, warm = tmp_path / "cold.parquet", tmp_path / "warm.parquet"
    code(cold, "--cache-dir", cache)
    n_entries = len(list(cache.rglob("*.pkl")))
    code(warm, "--cache-dir", cache)
    assert cold.read_bytes() == warm.read_bytes() == reference.read_bytes()
    assert len(list(cache.rglob("*.pkl"))) == n_entries > 0
    # A changed codebook changes every cache key; an unchanged one keeps them.
    books_dir = tmp_path / "codebooks"
    shutil.copytree(ROOT / "codebooks", books_dir)
    arts, _, _ = ingest([SAMPLE], IngestSettings())
    same = CodedCache(cache, load_codebooks(books_dir), CodeSettings())
    assert all(same.get(a) is not None for a in arts)
    with open(books_dir / "discards.csv", "a") as fh:
        fh.write("bake sale,charity event,\n")
    changed = CodedCache(cache, load_codebooks(books_dir), CodeSettings())
    assert all(changed.get(a) is None for a in arts)
