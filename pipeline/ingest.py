"""Stage 1, ingest: raw inputs -> normalised articles + rejects.

Reads JSONL/NDJSON, CSV/TSV, folders of .txt/.html, and gzip of any of these. Every input
record ends up either as an article or as a reject with a reason: read = accepted + rejected.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import stat
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline import errors
from pipeline.errors import InputError

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
CSV_SUFFIXES = {".csv", ".tsv"}
SIDECAR_SUFFIX = ".meta.json"
IGNORED_NAMES = {"README.md", "README.txt", ".gitignore", ".DS_Store"}

CSV_TEXT_COLUMNS = ("text", "body", "content", "article")
KNOWN_KEYS = {"id", "title", "text", "published", "source", "url", "language"}

csv.field_size_limit(sys.maxsize)


@dataclass
class RawRecord:
    """One input record before normalisation."""

    input: str
    record: str
    fields: dict[str, Any]
    html: bool = False


@dataclass
class Article:
    article_id: str
    input: str
    record: str
    title: str | None
    text: str
    published: dt.date | None
    published_from: str
    dateline_place: str | None
    source: str | None
    url: str | None
    language: str
    content_hash: str

    def as_row(self) -> dict[str, Any]:
        return self.__dict__.copy()

    @classmethod
    def from_text(cls, article_id: str, text: str, published: dt.date | None, *, input: str = "text",
                  dateline_place: str | None = None) -> Article:
        """An already clean English text as an article (gold records, tests, evaluations)."""
        return cls(article_id, input, article_id, None, text, published, "metadata" if published else "none",
                   dateline_place, None, None, "en", text_hash(text))


@dataclass
class Reject:
    input: str
    record: str
    reason: str
    detail: str
    article_id: str | None = None

    def as_row(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class IngestSettings:
    max_article_bytes: int = 1_000_000
    min_words_for_language_check: int = 8
    language_candidates: list[str] = field(default_factory=lambda: ["en", "fr", "es", "de"])
    base_dir: Path | None = None  # inputs are named relative to this in outputs

    @classmethod
    def from_params(cls, params: dict[str, Any], base_dir: Path | None = None) -> IngestSettings:
        p = params["ingest"]
        return cls(
            max_article_bytes=int(p["max_article_bytes"]),
            min_words_for_language_check=int(p["min_words_for_language_check"]),
            language_candidates=list(p["language_candidates"]),
            base_dir=base_dir,
        )


# --------------------------------------------------------------------------- discovery


def _display(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def discover(inputs: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Input files in a stable order; yields (path, problem) where problem names a bad path.

    Directories are walked without following symlinks to directories, so symlink loops end.
    """
    for given in inputs:
        given = Path(given)
        if not given.exists() and not given.is_symlink():
            raise InputError(f"{given}: no such file or directory")
        if given.is_file():
            yield given, None
            continue
        if not given.is_dir():
            yield given, "not a regular file or directory (broken symlink?)"
            continue
        if not os.access(given, os.R_OK | os.X_OK):
            raise InputError(f"{given}: directory is not readable")
        for root, dirs, files in os.walk(given, followlinks=False, onerror=None):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or name in IGNORED_NAMES or name.endswith(SIDECAR_SUFFIX):
                    continue
                path = Path(root) / name
                try:
                    mode = path.stat().st_mode
                except OSError as exc:  # broken symlink, symlink loop, vanished file
                    yield path, f"cannot open ({exc.strerror or 'broken symlink'})"
                    continue
                if not stat.S_ISREG(mode):
                    yield path, "not a regular file (device, FIFO or socket)"
                    continue
                yield path, None


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Decode input bytes: BOMs, UTF-8, then the most likely legacy encoding.

    Returns (text, encoding) or (None, why) when the bytes are not text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None, "invalid UTF-16 after a UTF-16 byte-order mark"
    if data.count(b"\x00") > max(16, len(data) // 10):
        return None, "binary content (many NUL bytes)"
    data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: scraped news is mostly cp1252/Latin-1; cp1252 leaves 5 bytes undefined.
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _is_gzip(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def read_bytes(path: Path) -> bytes:
    if _is_gzip(path):
        with gzip.open(path, "rb") as fh:
            return fh.read()
    return path.read_bytes()


def _inner_suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


# --------------------------------------------------------------------------- readers


def _read_sidecar(path: Path) -> tuple[dict[str, Any], str | None]:
    base = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    stem = base.rsplit(".", 1)[0]
    side = path.with_name(stem + SIDECAR_SUFFIX)
    if not side.is_file():
        return {}, None
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"{side.name}: not valid JSON ({exc})"
    if not isinstance(meta, dict):
        return {}, f"{side.name}: expected a JSON object"
    return meta, None


def _records_jsonl(text: str, display: str) -> Iterator[RawRecord | Reject]:
    stripped = text.lstrip()
    if stripped.startswith("["):  # a JSON array of articles is accepted too
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            yield Reject(display, "", errors.REJECT_MALFORMED, f"not valid JSON: {exc.msg} at line {exc.lineno}")
            return
        for i, item in enumerate(items, 1):
            yield _json_item(item, display, f"item {i}")
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Reject(display, f"line {lineno}", errors.REJECT_MALFORMED,
                         f"line {lineno}: not valid JSON ({exc.msg}, column {exc.colno})")
            continue
        yield _json_item(item, display, f"line {lineno}")


def _json_item(item: Any, display: str, where: str) -> RawRecord | Reject:
    if not isinstance(item, dict):
        return Reject(display, where, errors.REJECT_MALFORMED, f"{where}: expected a JSON object, got {type(item).__name__}")
    if "text" not in item:
        return Reject(display, where, errors.REJECT_MALFORMED, f"{where}: field 'text' is missing")
    if not isinstance(item["text"], str):
        return Reject(display, where, errors.REJECT_MALFORMED, f"{where}: field 'text' must be a string")
    return RawRecord(display, where, item)


def _records_csv(text: str, display: str, delimiter: str) -> Iterator[RawRecord | Reject]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield Reject(display, "", errors.REJECT_EMPTY, "empty CSV file (no header)")
        return
    except csv.Error as exc:
        yield Reject(display, "line 1", errors.REJECT_MALFORMED, f"line 1: unreadable CSV header ({exc})")
        return
    names = [h.strip().lower() for h in header]
    text_col = next((c for c in CSV_TEXT_COLUMNS if c in names), None)
    if text_col is None:
        # A whole file we cannot use: every row is rejected, each naming the missing column.
        detail = f"no text column: expected one of {', '.join(CSV_TEXT_COLUMNS)}; header is {', '.join(names)}"
        n = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                row = ["?"]
            if any(cell.strip() for cell in row):
                n += 1
                yield Reject(display, f"line {reader.line_num}", errors.REJECT_MALFORMED, detail)
        if n == 0:
            yield Reject(display, "line 1", errors.REJECT_MALFORMED, detail)
        return
    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Reject(display, f"line {start_line}", errors.REJECT_MALFORMED, f"line {start_line}: unreadable CSV row ({exc})")
            continue
        if not any(cell.strip() for cell in row):
            continue
        where = f"line {start_line}"
        if len(row) != len(names):
            if len(row) < len(names) and len(row) <= names.index(text_col):
                yield Reject(display, where, errors.REJECT_MALFORMED,
                             f"{where}: {len(row)} fields, header has {len(names)}; column '{text_col}' is missing")
                continue
            # Extra cells are ignored, missing trailing cells are empty: the text is intact.
            row = (row + [""] * len(names))[: len(names)]
        item = {n: v for n, v in zip(names, row)}
        item["text"] = item.pop(text_col) if text_col != "text" else item["text"]
        yield RawRecord(display, where, item)


def _records_text(text: str, display: str, meta: dict[str, Any]) -> Iterator[RawRecord]:
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    title = meta.get("title")
    if lines:
        first = lines[0].strip()
        if title is None or first == str(title).strip():
            # The first non-empty line is the title (docs/data-contract.md section 1).
            title = first
            lines = lines[1:]
    fields = {k: v for k, v in meta.items() if k in KNOWN_KEYS}
    fields["title"] = title
    fields["text"] = "\n".join(lines)
    yield RawRecord(display, "", fields)


def _records_html(text: str, display: str, meta: dict[str, Any]) -> Iterator[RawRecord]:
    from pipeline.html import extract_article

    page = extract_article(text)
    fields = {k: v for k, v in meta.items() if k in KNOWN_KEYS}
    fields.setdefault("title", page.title)
    if page.published and "published" not in fields:
        fields["published"] = page.published
    if page.url and "url" not in fields:
        fields["url"] = page.url
    fields["text"] = page.text
    yield RawRecord(display, "", fields, html=True)


def read_file(path: Path, display: str, max_bytes: int) -> Iterator[RawRecord | Reject]:
    """Records of one input file, or whole-file rejects."""
    suffix = _inner_suffix(path)
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES:
        yield Reject(display, "", errors.REJECT_UNSUPPORTED, f"unsupported file type '{suffix or path.name}'")
        return
    single = suffix in TEXT_SUFFIXES | HTML_SUFFIXES
    try:
        size = path.stat().st_size
        if single and not _is_gzip(path) and size > max_bytes:
            yield Reject(display, "", errors.REJECT_TOO_LARGE, f"file is {size} bytes, limit is {max_bytes} (ingest.max_article_bytes)")
            return
        data = read_bytes(path)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield Reject(display, "", errors.REJECT_BAD_GZIP, f"not a readable gzip file ({exc})")
        return
    except OSError as exc:
        yield Reject(display, "", errors.REJECT_UNREADABLE, f"cannot read file ({exc.strerror or exc})")
        return
    if single and len(data) > max_bytes:
        yield Reject(display, "", errors.REJECT_TOO_LARGE, f"article is {len(data)} bytes, limit is {max_bytes} (ingest.max_article_bytes)")
        return
    text, how = decode_bytes(data)
    if text is None:
        yield Reject(display, "", errors.REJECT_UNDECODABLE, how)
        return
    if suffix in JSONL_SUFFIXES:
        yield from _records_jsonl(text, display)
    elif suffix in CSV_SUFFIXES:
        yield from _records_csv(text, display, "\t" if suffix == ".tsv" else ",")
    else:
        meta, problem = _read_sidecar(path)
        if problem:
            yield Reject(display, "", errors.REJECT_MALFORMED, problem)
            return
        if suffix in HTML_SUFFIXES:
            yield from _records_html(text, display, meta)
        else:
            yield from _records_text(text, display, meta)


# --------------------------------------------------------------------------- normalisation

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@lru_cache(maxsize=1)
def _boilerplate_rules() -> list[tuple[re.Pattern[str], str]]:
    from pipeline.codebook.loader import load_boilerplate

    return load_boilerplate()


def normalise_text(text: str) -> str:
    """NFC, no control characters, one space between words, paragraphs kept, boilerplate removed."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    rules = _boilerplate_rules()
    kept: list[str] = []
    for raw in text.split("\n"):
        line = _WS.sub(" ", raw).strip()
        low = line.lower()
        action = next((a for rx, a in rules if rx.search(low)), None)
        if action == "cut_rest":
            break
        if action == "drop_line":
            continue
        kept.append(line)
    paragraphs = "\n".join(kept).strip()
    return re.sub(r"\n{3,}", "\n\n", paragraphs)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _coerce_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from CSV readers
        return None
    s = str(value).strip()
    return s or None


def parse_published(value: Any) -> tuple[dt.date | None, str | None]:
    """An ISO date/datetime (or a common written date) -> date; (None, why) when impossible."""
    s = _coerce_str(value)
    if s is None:
        return None, None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), None
        except ValueError:
            return None, f"'{s}' is not a real date"
    from pipeline.dates import parse_absolute_date

    parsed = parse_absolute_date(s)
    if parsed is None:
        return None, f"'{s}' is not a date"
    return parsed, None


@lru_cache(maxsize=4)
def _language_detector(candidates: tuple[str, ...]):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = []
    for code in candidates:
        try:
            langs.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            continue
    if Language.ENGLISH not in langs:
        langs.append(Language.ENGLISH)
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


# Words that make up a large share of any English prose and are rare in other languages' text.
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the and of to that with for was were said from by have has which this their be is it its "
    "been would will after they who not but".split())


def detect_language(text: str, settings: IngestSettings) -> str:
    """ISO 639-1 code; 'en' for texts too short to judge."""
    sample = text[:1000]  # plenty to tell languages apart; detection cost grows with length
    words = re.findall(r"\w+", sample.lower())
    if len(words) < settings.min_words_for_language_check:
        return "en"
    # Plain English news is a quarter function words; the statistical detector (milliseconds a
    # text) is asked only about texts where they are scarce.
    if sum(w in _ENGLISH_FUNCTION_WORDS for w in words) >= 0.2 * len(words):
        return "en"
    detector = _language_detector(tuple(settings.language_candidates))
    lang = detector.detect_language_of(sample)
    if lang is None:
        return "en"
    return lang.iso_code_639_1.name.lower()


def to_article(raw: RawRecord, settings: IngestSettings) -> Article | Reject:
    """Normalise one record; refuse it with a reason when it cannot be coded."""
    from pipeline.dates import parse_dateline

    f = raw.fields
    where = f"{raw.record}: " if raw.record else ""
    given_id = _coerce_str(f.get("id"))
    body = f.get("text")
    if not isinstance(body, str):
        body = "" if body is None else str(body)
    if len(body.encode("utf-8", errors="ignore")) > settings.max_article_bytes:
        return Reject(raw.input, raw.record, errors.REJECT_TOO_LARGE,
                      f"{where}field 'text' is over {settings.max_article_bytes} bytes (ingest.max_article_bytes)", given_id)
    text = normalise_text(body)
    title = _coerce_str(f.get("title"))
    title = normalise_text(title) if title else None
    if not text.strip():
        return Reject(raw.input, raw.record, errors.REJECT_EMPTY, f"{where}field 'text' is empty after cleaning", given_id)
    text, place, dateline_date = parse_dateline(text)
    published, problem = parse_published(f.get("published"))
    published_from = "metadata" if published else "none"
    if published is None and dateline_date is not None:
        published, published_from = dateline_date, "dateline"
    if problem and published is None:
        published_from = "none"
    given_lang = _coerce_str(f.get("language"))
    language = given_lang.lower()[:2] if given_lang else detect_language(text, settings)
    digest = text_hash(text)
    article_id = given_id or digest[:16]
    if language != "en":
        return Reject(raw.input, raw.record, errors.REJECT_NOT_ENGLISH,
                      f"{where}text is in language '{language}', not English", article_id)
    return Article(
        article_id=article_id,
        input=raw.input,
        record=raw.record,
        title=title,
        text=text,
        published=published,
        published_from=published_from,
        dateline_place=place,
        source=_coerce_str(f.get("source")),
        url=_coerce_str(f.get("url")),
        language=language,
        content_hash=digest,
    )


# --------------------------------------------------------------------------- the stage


@dataclass
class IngestCounts:
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    coded: int = 0  # accepted articles parsed and coded in this run
    cached: int = 0  # accepted articles whose rows came from the coded-article cache


def iter_ingest(inputs: Iterable[Path], settings: IngestSettings, counts: IngestCounts | None = None,
                on_file=None) -> Iterator[Article | Reject]:
    """Articles and rejects of all inputs, in input order, deduplicated.

    A duplicate is an article whose normalised text equals an earlier one's; an id seen
    before with a different text is refused too (ids must identify articles).
    """
    counts = counts if counts is not None else IngestCounts()
    seen_text: dict[str, str] = {}
    seen_id: dict[str, str] = {}
    for path, problem in discover(inputs):
        display = _display(path, settings.base_dir)
        if on_file:
            on_file(display)
        if problem:
            items: Iterable[RawRecord | Reject] = [Reject(display, "", errors.REJECT_UNREADABLE, problem)]
        else:
            items = read_file(path, display, settings.max_article_bytes)
        for item in items:
            counts.read += 1
            out = item if isinstance(item, Reject) else to_article(item, settings)
            if isinstance(out, Article):
                first = seen_text.get(out.content_hash)
                if first is not None:
                    out = Reject(out.input, out.record, errors.REJECT_DUPLICATE,
                                 f"same text as article {first}", out.article_id)
                elif out.article_id in seen_id and seen_id[out.article_id] != out.content_hash:
                    out = Reject(out.input, out.record, errors.REJECT_DUPLICATE_ID,
                                 f"id '{out.article_id}' was already used by an article with different text", out.article_id)
                else:
                    seen_text[out.content_hash] = out.article_id
                    seen_id[out.article_id] = out.content_hash
            if isinstance(out, Article):
                counts.accepted += 1
            else:
                counts.rejected += 1
            yield out


def ingest(inputs: Iterable[Path], settings: IngestSettings) -> tuple[list[Article], list[Reject], IngestCounts]:
    """Pure core: all articles and rejects in memory (for tests and small corpora)."""
    counts = IngestCounts()
    articles: list[Article] = []
    rejects: list[Reject] = []
    for out in iter_ingest(inputs, settings, counts):
        (articles if isinstance(out, Article) else rejects).append(out)
    return articles, rejects, counts
