"""User-facing errors, in one place. Each carries the file, line and field it is about."""

from __future__ import annotations

from dataclasses import dataclass


class PolemosError(Exception):
    """An error the CLI reports as one line, without a traceback."""

    exit_code = 2


@dataclass
class Problem:
    """One problem found in a file: where, and what is wrong."""

    file: str
    line: int | None
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}:{field} {self.message}"


class CodebookError(PolemosError):
    """A codebook file is malformed; holds every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = str(problems[0]) if problems else "codebook error"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)


class InputError(PolemosError):
    """An input path or file cannot be used at all (usage error, unreadable path)."""


class ParamsError(PolemosError):
    """params.yaml is missing a key or holds a bad value."""


# Conditions a user can fix, each with its own exit code (README, "Troubleshooting").


class OutputIsFolderError(PolemosError):
    """The output path names a folder, or a parent of it is a file."""

    exit_code = 3


class PermissionDeniedError(PolemosError):
    exit_code = 4


class ReadOnlyFileSystemError(PolemosError):
    exit_code = 5


class DiskFullError(PolemosError):
    exit_code = 6


class CacheUnusableError(PolemosError):
    """A cache folder (POLEMOS_CACHE, --cache-dir) is on a path that cannot be used."""

    exit_code = 7


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def output_error(target, exc: OSError, needed: int | None = None) -> PolemosError | None:
    """The user-fixable error for an OSError met while writing `target` (None: not one of them).
    Names the file the user chose, never a temporary name."""
    import errno
    import os
    import shutil

    code = exc.errno
    parent = os.path.dirname(os.path.abspath(target)) or "."
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        try:
            free = f"{_size(shutil.disk_usage(parent).free)} free"
        except OSError:
            free = "free space unknown"
        need = f"; it needs roughly {_size(needed)}" if needed else ""
        return DiskFullError(f"{target}: no space left on the device ({free} in {parent}{need}): "
                             "free some space or write elsewhere (--out)")
    if code in (errno.EACCES, errno.EPERM):
        return PermissionDeniedError(f"{target}: permission denied (cannot write in {parent}): "
                                     "choose another output path or fix the folder's permissions")
    if code == errno.EROFS:
        return ReadOnlyFileSystemError(f"{target}: the file system is read-only: write elsewhere (--out)")
    if code == errno.EISDIR:
        return OutputIsFolderError(f"{target}: is a folder; give a file name (e.g. {os.path.join(str(target), 'out.parquet')})")
    if code in (errno.ENOTDIR, errno.EEXIST):
        return OutputIsFolderError(f"{target}: a parent of this path is a file, not a folder: choose another output path")
    return None


# Reject reasons written to rejects.parquet: stable strings users can group by.
REJECT_EMPTY = "empty_text"
REJECT_UNDECODABLE = "undecodable_bytes"
REJECT_NOT_ENGLISH = "not_english"
REJECT_TOO_LARGE = "over_size_limit"
REJECT_DUPLICATE = "duplicate_article"
REJECT_DUPLICATE_ID = "duplicate_id_different_text"
REJECT_MALFORMED = "malformed_record"
REJECT_UNREADABLE = "unreadable_file"
REJECT_UNSUPPORTED = "unsupported_file_type"
REJECT_BAD_GZIP = "bad_gzip"
REJECT_BINARY = "binary_content"
