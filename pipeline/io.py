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


# Set by a long run (pipeline.runner.progress): the fraction of the work done, so a full disk
# can say roughly how much space the whole output needs.
progress_fraction = None


def _user_error(target: Path, exc: OSError, written: int = 0):
    from pipeline.errors import output_error

    needed = None
    if written:
        frac = progress_fraction() if progress_fraction is not None else None
        needed = int(written / frac) if frac and 0 < frac < 1 else written
    return output_error(target, exc, needed)


def check_output(target: Path) -> None:
    """Fail before a long run, not after it, when `target` cannot be written: a folder, a parent
    that is a file, no permission, a read-only file system. A missing parent folder is created."""
    from pipeline.errors import OutputIsFolderError

    target = Path(target)
    if target.is_dir():
        raise OutputIsFolderError(f"{target}: is a folder; give a file name (e.g. {target / 'out.parquet'})")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        err = _user_error(target, exc)
        if err is None:
            raise
        raise err from None


def _umask() -> int:
    """The process umask, read without changing it where the kernel reports it (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore (brief, but not thread-safe)
    os.umask(mask)
    return mask


def _normal_mode(path: Path, directory: bool) -> None:
    # mkstemp/mkdtemp create 0600/0700 entries; renamed into place they would stay private.
    # Give them what open()/mkdir() would have: 0666/0777 minus the umask.
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename.
    An OSError a user can fix (full disk, permission, read-only, a folder in the way) becomes
    the matching PolemosError, naming `target` rather than the temporary file."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        err = _user_error(target, exc)
        if err is None:
            raise
        raise err from None
    os.close(fd)
    tmp_path = Path(tmp)
    _normal_mode(tmp_path, directory=False)
    signals.register_temporary(tmp_path)  # removed even if a signal's watchdog has to end the run
    try:
        yield tmp_path
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
        signals.note_written(target)
    except OSError as exc:
        try:
            written = tmp_path.stat().st_size
        except OSError:
            written = 0
        err = _user_error(target, exc, written)
        if err is None:
            raise
        raise err from None
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
    _normal_mode(tmp, directory=True)
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
