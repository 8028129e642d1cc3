"""Dates: datelines, time expressions and their resolution against the publication date.

dateparser parses explicit written dates; the news conventions it lacks are rules here:
weekdays refer to the past week unless the clause is about the future ("will meet on
Tuesday"), "since April 22" is the start of a period, month-only and year-only mentions carry
their precision.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3,
                "a few": 3, "few": 3}

_MONTH_RX = (r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|march|mar\.|april|apr\.|may|june|jun\.|july|jul\.|"
             r"aug(?:ust|\.)?|sept(?:ember|\.)?|sep\.|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)")
_DAY_RX = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR_RX = r"(?:1[89]\d\d|20\d\d)"
_WEEKDAY_RX = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_NUM_RX = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few)"

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS_RX = "|".join(_UNITS)
_TEENS_RX = "|".join(_TEENS)
_TENS_RX = "|".join(_TENS)


def spelled_year(words: str) -> int | None:
    """"nineteen ninety-six" -> 1996, "two thousand" -> 2000, "nineteen hundred" -> 1900."""
    parts = words.lower().replace("-", " ").split()
    if parts[:2] == ["two", "thousand"]:
        rest = [p for p in parts[2:] if p != "and"]
        return 2000 + sum(_UNITS.get(p, 0) + _TEENS.get(p, 0) for p in rest)
    century = {"nineteen": 1900, "twenty": 2000}.get(parts[0])
    if century is None:
        return None
    rest = [p for p in parts[1:] if p != "hundred"]
    value = sum(_TENS.get(p, 0) + _UNITS.get(p, 0) + _TEENS.get(p, 0) for p in rest)
    return century + value


# Ordered: the first alternative that matches at a position wins (longest forms first).
_EXPRESSIONS: list[tuple[str, str]] = [
    ("iso", rf"\b(?P<y>{_YEAR_RX})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b"),
    ("mdy", rf"\b(?:{_WEEKDAY_RX},?\s+)?(?P<mon>{_MONTH_RX})\s+(?P<d>{_DAY_RX})(?:,?\s+(?P<y>{_YEAR_RX}))?\b(?!\s*(?:%|percent|per cent))"),
    ("dmy", rf"\b(?:{_WEEKDAY_RX},?\s+)?(?:the\s+)?(?P<d>{_DAY_RX})\s+(?:of\s+)?(?P<mon>{_MONTH_RX})(?:,?\s+(?P<y>{_YEAR_RX}))?\b"),
    ("month_year", rf"\b(?:(?:early|mid|late|the end of|the beginning of|the middle of)[\s-]+)?(?P<mon>{_MONTH_RX})(?:\s+of)?,?\s+(?P<y>{_YEAR_RX})\b"),
    ("rel_month_name", rf"\b(?P<rel>last|this|next|this past|this coming)\s+(?P<mon>{_MONTH_RX})\b"),
    ("month_rel_year", rf"\b(?P<mon>{_MONTH_RX})\s+(?P<rel>last|this|next)\s+year\b"),
    ("ago", rf"\b(?:nearly\s+|about\s+|almost\s+|some\s+)?(?P<n>{_NUM_RX})\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>ago|earlier|later|before|from now)\b"),
    ("rel_unit", r"\b(?P<pre>earlier|early|late|later)?\s*(?P<rel>last|this|next|the past|the previous|the following|the coming)\s+(?P<unit>week|month|year)\b"),
    ("weekday", rf"\b(?:(?P<rel>last|this|next|this past|this coming|earlier|early|late)\s+)?(?P<wd>{_WEEKDAY_RX})\b"),
    ("deictic", r"\b(?:(?:late|early|earlier|later)\s+)?(?P<word>yesterday|today|tomorrow|tonight)\b"),
    ("since_month", rf"\b(?:(?:early|mid|late|the end of|the beginning of|the middle of)[\s-]+)?(?P<mon>{_MONTH_RX})\b(?!\s+(?:{_DAY_RX}|{_YEAR_RX})\b)"),
    ("spelled_year", rf"\b(?:the year\s+)?(?P<words>(?:nineteen|twenty)\s+(?:hundred\s+)?(?:(?:{_TENS_RX})(?:[\s-](?:{_UNITS_RX}))?|{_TEENS_RX}|{_UNITS_RX})|two thousand(?:\s+and)?(?:\s+(?:{_UNITS_RX}|{_TEENS_RX}))?)\b"),
    ("year", rf"\b(?:(?:early|mid|late|the end of|the beginning of|the middle of|fiscal)[\s-]+)?(?P<y>{_YEAR_RX})\b(?![-,.]?\d)"),
]
_COMPILED = [(kind, re.compile(rx, re.IGNORECASE)) for kind, rx in _EXPRESSIONS]

_FUTURE_CUES = re.compile(
    r"\b(will|'ll|shall|is to|are to|was to|is due|are due|scheduled|expected to|set to|plans? to|planned|"
    r"planning|intends? to|upcoming)\b", re.IGNORECASE)

DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.'\- ]{1,30})?)?"
    r"(?:,?\s*(?P<date>" + _MONTH_RX + r"\s+\d{1,2}(?:,\s*\d{4})?))?"
    r"\s*(?:\((?P<agency>[^)]{1,40})\))?\s*[-\u2013\u2014]{1,2}\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    text: str
    value: str  # ISO: 2016-05-03, 2016-05 or 2016
    precision: str  # day, month, year
    since: bool = False  # "since April 22": the start of a period
    yearless: bool = False  # no year written ("in April", "on March 3"): the year was inferred

    @property
    def date(self) -> dt.date:
        parts = [int(p) for p in self.value.split("-")]
        while len(parts) < 3:
            parts.append(1)
        return dt.date(*parts)

    def after(self, published: dt.date) -> bool:
        """The expression lies after `published` at its own precision ("2018" is after any day of
        2017 but not after a day of 2018; "this month" never is)."""
        parts = tuple(int(p) for p in self.value.split("-"))
        return parts > (published.year, published.month, published.day)[:len(parts)]

    def year_earlier(self) -> TimeExpression | None:
        """The same month (and day) a year earlier: for a yearless date read as past."""
        if not self.yearless:
            return None
        year, rest = self.value.split("-", 1)
        value = f"{int(year) - 1:04d}-{rest}"
        if self.precision == "day" and _safe_date(*(int(p) for p in value.split("-"))) is None:
            return None  # 29 February
        return dataclasses.replace(self, value=value)


# Words of a date expression that place it after the publication date by themselves.
_FUTURE_EXPRESSION = re.compile(r"\b(next|coming|upcoming|tomorrow|from now)\b", re.IGNORECASE)


def states_future(expr: TimeExpression) -> bool:
    """The expression itself says the future ("next week", "tomorrow", "two days from now")."""
    return bool(_FUTURE_EXPRESSION.search(expr.text))


def _month(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


def _day(token: str) -> int:
    return int(re.sub(r"\D", "", token))


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _closest_year(month: int, day: int, ref: dt.date, future: bool) -> int:
    """The year of a month (and day) written without one: news mostly looks back, so the window
    runs from 8 months before the publication date to 4 months after it ("in September" in an
    August story is this September, "in December" in a February story is last December); with a
    future cue ("will", "is expected to") it runs from 1 month before to 11 months after."""
    lo, hi = (-1, 11) if future else (-8, 4)
    offset = (month - ref.month) + (day - ref.day) / 31
    for year_shift in (0, -1, 1):
        if lo <= offset + 12 * year_shift <= hi:
            return ref.year + year_shift
    return ref.year


def _shift_months(d: dt.date, months: int) -> tuple[int, int]:
    total = d.year * 12 + (d.month - 1) + months
    return total // 12, total % 12 + 1


def is_future_context(text: str, start: int) -> bool:
    """A future cue ("will", "is expected to") earlier in the expression's sentence."""
    window = text[max(0, start - 300):start]
    window = re.split(r"[.!?;]\s", window)[-1]
    return bool(_FUTURE_CUES.search(window))


def _resolve(kind: str, m: re.Match[str], ref: dt.date, future: bool) -> tuple[str, str] | None:
    g = m.groupdict()
    if kind == "iso":
        d = _safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
        return (d.isoformat(), "day") if d else None
    if kind in ("mdy", "dmy"):
        month, day = _month(g["mon"]), _day(g["d"])
        year = int(g["y"]) if g.get("y") else _closest_year(month, day, ref, future)
        d = _safe_date(year, month, day)
        return (d.isoformat(), "day") if d else None
    if kind == "month_year":
        return f"{int(g['y']):04d}-{_month(g['mon']):02d}", "month"
    if kind == "rel_month_name":
        month = _month(g["mon"])
        rel = g["rel"].lower()
        if rel in ("last", "this past"):
            year = ref.year if month < ref.month else ref.year - 1
        elif rel in ("next", "this coming"):
            year = ref.year if month > ref.month else ref.year + 1
        else:
            year = ref.year
        return f"{year:04d}-{month:02d}", "month"
    if kind == "month_rel_year":
        year = ref.year + {"last": -1, "this": 0, "next": 1}[g["rel"].lower()]
        return f"{year:04d}-{_month(g['mon']):02d}", "month"
    if kind == "ago":
        n = NUMBER_WORDS.get(g["n"].lower()) if not g["n"].isdigit() else int(g["n"])
        sign = 1 if g["dir"].lower() in ("later", "from now") else -1
        unit = g["unit"].lower()
        if unit == "day":
            return (ref + dt.timedelta(days=sign * n)).isoformat(), "day"
        if unit == "week":
            return (ref + dt.timedelta(weeks=sign * n)).isoformat(), "day"
        if unit == "month":
            y, mo = _shift_months(ref, sign * n)
            return f"{y:04d}-{mo:02d}", "month"
        return f"{ref.year + sign * n:04d}", "year"
    if kind == "rel_unit":
        rel, unit = g["rel"].lower(), g["unit"].lower()
        step = {"last": -1, "the past": -1, "the previous": -1, "this": 0, "next": 1, "the following": 1, "the coming": 1}[rel]
        if unit == "week":
            return None  # week values (1998-W32) are neither day, month nor year
        if unit == "month":
            y, mo = _shift_months(ref, step)
            return f"{y:04d}-{mo:02d}", "month"
        return f"{ref.year + step:04d}", "year"
    if kind == "weekday":
        wd = WEEKDAYS[g["wd"].lower()]
        rel = (g.get("rel") or "").lower()
        if rel in ("next", "this coming") or (future and rel not in ("last", "this past", "earlier")):
            delta = (wd - ref.weekday()) % 7
            if rel in ("next",) and delta == 0:
                delta = 7
        else:
            delta = -((ref.weekday() - wd) % 7)
            if rel == "last" and delta == 0:
                delta = -7
        return (ref + dt.timedelta(days=delta)).isoformat(), "day"
    if kind == "deictic":
        word = g["word"].lower()
        offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[word]
        return (ref + dt.timedelta(days=offset)).isoformat(), "day"
    if kind == "since_month":
        month = _month(g["mon"])
        if g["mon"].lower() == "may" and not m.group(0)[:1].isupper():
            return None  # the modal verb "may"
        return f"{_closest_year(month, 15, ref, future):04d}-{month:02d}", "month"
    if kind == "spelled_year":
        year = spelled_year(m.group("words"))
        return (f"{year:04d}", "year") if year else None
    if kind == "year":
        return f"{int(g['y']):04d}", "year"
    return None


def find_time_expressions(text: str, published: dt.date | None) -> list[TimeExpression]:
    """Date expressions in `text` resolved against `published` (non-overlapping, in order)."""
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _COMPILED:
        for m in rx.finditer(text):
            s, e = m.span()
            while s < e and text[s].isspace():
                s += 1
            if any(s < te and e > ts for ts, te in taken):
                continue
            if kind == "since_month" and m.group("mon").lower() in ("may", "march") and not text[m.start("mon")].isupper():
                continue
            if kind == "deictic" and m.group("word")[:1].isupper() and (text[:m.start("word")].rstrip()[-1:] or ".").isalnum():
                continue  # "Trees for Tomorrow": a capitalised word inside a name
            ref = published
            if ref is None:
                if kind not in ("iso", "month_year", "year") and not (kind in ("mdy", "dmy") and m.groupdict().get("y")):
                    continue
                ref = dt.date(2000, 1, 1)
            resolved = _resolve(kind, m, ref, is_future_context(text, s))
            if resolved is None:
                continue
            value, precision = resolved
            since = text[max(0, s - 6):s].lower().strip().endswith("since")
            yearless = kind == "since_month" or (kind in ("mdy", "dmy") and not m.groupdict().get("y"))
            found.append(TimeExpression(s, e, text[s:e], value, precision, since, yearless))
            taken.append((s, e))
    found.sort(key=lambda t: t.start)
    return found


def parse_dateline(text: str) -> tuple[str, str | None, dt.date | None]:
    """Split a dateline off the start of an article: (rest, place, date-with-year-or-None).

    "PARIS – France called..." -> ("France called...", "PARIS", None);
    "DAMASCUS, March 3, 2016 (Reuters) - ..." -> (..., "DAMASCUS", 2016-03-03).
    """
    head = text[:160]
    m = DATELINE.match(head)
    if not m or not (m.group("place") or m.group("date") or m.group("agency")):
        return text, None, None
    place = m.group("place")
    if place:
        words = place.replace(",", " ").split()
        # A dateline place is written in capitals ("PARIS", "WASHINGTON, D.C.").
        if not all(w.isupper() or not w[0].isalpha() for w in words[:1]) or len(place) > 45:
            return text, None, None
        place = place.strip().rstrip(",")
    elif not m.group("date") and not m.group("agency"):
        return text, None, None
    date = None
    if m.group("date"):
        date = parse_absolute_date(m.group("date"), require_year=True)
    return text[m.end():], (place.title() if place else None), date


@lru_cache(maxsize=4096)
def parse_absolute_date(value: str, require_year: bool = True) -> dt.date | None:
    """A written date ("27 February 2016", "Feb. 27, 2016", "2016-02-27") -> date, via dateparser."""
    import dateparser

    parts = ["day", "month", "year"] if require_year else ["day", "month"]
    settings = {"REQUIRE_PARTS": parts, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False,
                "RELATIVE_BASE": dt.datetime(2000, 1, 1)}
    try:
        parsed = dateparser.parse(value, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed else None
