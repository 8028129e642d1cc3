"""User-facing errors, in one place. Each carries the file, line and field it is about."""

from __future__ import annotations

from dataclasses import dataclass


class PolemosError(Exception):
    """An error the CLI reports as one line, without a traceback."""


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
