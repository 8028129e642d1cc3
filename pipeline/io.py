"""Atomic writes: everything is written to a temporary name beside the target and renamed."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import signals


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    signals.register_temporary(tmp_path)  # removed even if a signal's watchdog has to end the run
    try:
        yield tmp_path
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
        signals.note_written(target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
        signals.unregister_temporary(tmp_path)


@contextlib.contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a temporary directory; on success it takes the place of `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    signals.register_temporary(tmp)
    try:
        yield tmp
        old = None
        with signals.deferred():  # a signal between the two renames would leave no release at all
            if target.exists():
                old = target.with_name(f".{target.name}.old.{os.getpid()}")
                os.replace(target, old)
            os.replace(tmp, target)
            signals.note_written(target)
        if old is not None:
            signals.register_temporary(old)
            shutil.rmtree(old, ignore_errors=True)
            signals.unregister_temporary(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        signals.unregister_temporary(tmp)


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_parquet(table: pa.Table, target: Path, **kwargs) -> None:
    """Deterministic Parquet: no timestamps, fixed writer settings."""
    kwargs.setdefault("compression", "zstd")
    with atomic_path(target) as tmp:
        pq.write_table(table, tmp, **kwargs)
