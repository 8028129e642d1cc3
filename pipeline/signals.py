"""SIGINT and SIGTERM: end the whole run quickly and cleanly.

The handler raises `Interrupted` in the main thread, so `finally` blocks remove temporary files
and stop worker processes on the way out; the CLI then prints one line and exits 130 (SIGINT) or
143 (SIGTERM). A watchdog guarantees the end: if unwinding takes longer than GRACE seconds, it
kills every process this run started, removes the temporary files still registered and exits.
A second signal during the unwinding ends the run at once the same way. Short critical sections
(replacing a release folder: two renames) defer a signal until they are done.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

GRACE = 3.0  # seconds of orderly unwinding before the watchdog ends the run

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Interrupted(BaseException):
    """A signal asked the run to stop (BaseException: no `except Exception` swallows it)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.signum, 128 + self.signum)


_received: int | None = None
_critical = 0
_pending: int | None = None
_temporaries: set[str] = set()
_lock = threading.Lock()


def received() -> int | None:
    """The signal that interrupted this run, if any."""
    return _received


def register_temporary(path) -> None:
    with _lock:
        _temporaries.add(str(path))


def unregister_temporary(path) -> None:
    with _lock:
        _temporaries.discard(str(path))


def remove_temporaries() -> None:
    import shutil

    with _lock:
        paths = list(_temporaries)
        _temporaries.clear()
    for p in paths:
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(p)


def kill_children(timeout: float = 1.0) -> None:
    """Stop every process this one started (worker processes, a local Dask cluster's nannies
    and workers, their children): SIGTERM, then SIGKILL for any still alive."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with dask.distributed
        return
    me = psutil.Process()
    for _ in range(3):  # a nanny may start a new worker while we look: look again
        try:
            children = me.children(recursive=True)
        except psutil.Error:
            return
        if not children:
            return
        for p in children:
            with contextlib.suppress(psutil.Error):
                p.terminate()
        _gone, alive = psutil.wait_procs(children, timeout=timeout)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
        psutil.wait_procs(alive, timeout=timeout)


def _hard_exit(signum: int) -> None:
    kill_children(timeout=0.5)
    remove_temporaries()
    print(f"polemos: {interrupted_message()}", file=sys.stderr, flush=True)
    os._exit(EXIT_CODES.get(signum, 128 + signum))


_output: list[str] = []
_written: set[str] = set()


def set_output(path) -> None:
    """The output this command writes (named in the interrupted message)."""
    _output[:] = [str(path)]


def note_written(path) -> None:
    """An output was renamed into place (see pipeline.io.atomic_path)."""
    _written.add(os.path.abspath(path))


def interrupted_message() -> str:
    out = _output[0] if _output else "the previous output"
    if _output and os.path.abspath(out) in _written:
        return f"interrupted after writing {out}"
    return f"interrupted: nothing written; {out} unchanged"


def _handler(signum, frame):
    global _received, _pending
    if _received is not None:
        _hard_exit(_received)  # a second signal: no more waiting
    if _critical:
        _pending = signum
        return
    _received = signum
    _watchdog[:] = [threading.Timer(GRACE, _hard_exit, args=(signum,))]
    _watchdog[0].daemon = True
    _watchdog[0].start()
    raise Interrupted(signum)


_watchdog: list[threading.Timer] = []


def reset() -> None:
    """Forget a handled signal and stop its watchdog (for a process that goes on: tests)."""
    global _received, _pending
    for timer in _watchdog:
        timer.cancel()
    _watchdog.clear()
    _received = _pending = None


def install() -> None:
    """Handle SIGINT and SIGTERM in this (main) process."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _handler)
    if os.environ.get("DVC_STAGE"):
        _end_with_parent()


def _end_with_parent() -> None:
    """A `dvc repro` stage: dvc passes Ctrl-C on (the process group) but dies of a SIGTERM alone,
    which would leave this stage running on its own. On Linux, ask for a SIGTERM when the parent
    (dvc) dies, so the stage stops the same way as on a direct signal."""
    import ctypes
    import ctypes.util

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(1, int(signal.SIGTERM), 0, 0, 0) != 0:  # 1 = PR_SET_PDEATHSIG
            return
    except (OSError, AttributeError):
        return  # not Linux: dvc's own handling only
    if os.getppid() != parent:  # the parent died before the request
        os.kill(os.getpid(), signal.SIGTERM)


def worker_defaults() -> None:
    """In a worker process: the main process decides when to stop. Ctrl-C reaches the whole
    process group, so workers ignore SIGINT (no tracebacks); SIGTERM ends them at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def deferred():
    """Hold a signal until the block is done (a few renames that must not be split)."""
    global _critical, _pending
    _critical += 1
    try:
        yield
    finally:
        _critical -= 1
        if not _critical and _pending is not None:
            signum, _pending = _pending, None
            _handler(signum, None)
