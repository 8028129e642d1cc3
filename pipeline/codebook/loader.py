"""Validating loaders for every codebook file. Problems carry file:line and the field.

The loaders collect every problem in a file set before raising `CodebookError`, so
`polemos codebook check` can show them all at once.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.errors import CodebookError, Problem
from pipeline.paths import codebooks_dir, user_cache_dir

ACTOR_CODE = re.compile(r"^[A-Z]{3}([A-Z]{3}){0,4}$")
PATTERN_ID = re.compile(r"^[A-Za-z0-9._-]+$")
CAMEO_CODE = re.compile(r"^\d{2,4}$")
FAMILIES = ("appeal", "intent", "demand", "reject", "threaten")
FAMILY_DEFAULT = {"appeal": "020", "intent": "030", "demand": "100", "reject": "120", "threaten": "130"}
COUNTRY_KINDS = {"name", "adjective", "demonym", "capital", "seat", "seat_mil", "seat_leg"}
ORG_KINDS = {"igo", "ngo", "media", "group"}
AGENT_KINDS = {"noun", "title"}
NON_STATE = {"IGO", "NGO", "IMG", "MNC", "UIS", "---"}


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


def read_csv(path: Path, columns: list[str], problems: list[Problem], root: Path,
             required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a codebook CSV with their line numbers; header and shape problems are recorded."""
    name = _rel(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, f"not UTF-8 ({exc.reason} at byte {exc.start})"))
        return
    except OSError as exc:
        problems.append(Problem(name, None, f"cannot read ({exc.strerror})"))
        return
    lines = text.splitlines()
    if not lines:
        problems.append(Problem(name, 1, "empty file: expected header " + ",".join(columns)))
        return
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        problems.append(Problem(name, 1, f"unreadable CSV header ({exc})"))
        return
    if header != columns:
        problems.append(Problem(name, 1, f"header is {','.join(header)}; expected {','.join(columns)}"))
        return
    lineno = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            lineno = reader.line_num
            problems.append(Problem(name, lineno, f"unreadable CSV line ({exc})"))
            continue
        lineno = reader.line_num
        if not row or not any(c.strip() for c in row):
            continue
        if row[0].lstrip().startswith("#"):
            continue  # comment line
        if len(row) != len(columns):
            problems.append(Problem(name, lineno, f"{len(row)} fields, expected {len(columns)} ({','.join(columns)})"))
            continue
        rec = {c: v.strip() for c, v in zip(columns, row)}
        missing = [c for c in required if not rec[c]]
        if missing:
            problems.append(Problem(name, lineno, "required field is empty", missing[0]))
            continue
        yield lineno, rec


# --------------------------------------------------------------------------- CAMEO


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int

    @property
    def root(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class Pattern:
    pattern_id: str
    code: str
    pos: str
    lemma: str
    particle: str
    object: frozenset[str] | None  # None = no constraint; empty frozenset never
    prep: str
    prep_object: frozenset[str] | None
    xcomp: frozenset[str] | None
    negative: bool
    file: str
    line: int
    order: int
    # "patient": the grammatical subject undergoes the act ("went on trial", "stood trial"): it is
    # the target, and the source is the "by"/"from" object or none (an event without a named agent).
    roles: str = ""

    @property
    def specificity(self) -> int:
        return sum(bool(x) for x in (self.particle, self.object, self.prep, self.prep_object, self.xcomp))


ANY = frozenset({"*"})
ROLES = frozenset({"", "patient"})


@dataclass
class CameoCodebook:
    codes: dict[str, CameoCode]
    patterns: list[Pattern]
    synsets: dict[str, frozenset[str]]
    modal_verbs: dict[str, list[tuple[str, str]]]  # lemma -> [(family, prep)]
    modal_families: dict[str, dict[str, str]]  # embedded prefix -> family -> code
    uncodable: dict[str, str]
    plover: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # code -> (event type, mode)

    def plover_of(self, code: str) -> tuple[str | None, str | None]:
        """PLOVER event type and mode of a CAMEO code (a 4-digit code not in the table takes its
        3-digit parent's); (None, None) where PLOVER has no counterpart (roots 01 and 02)."""
        return self.plover.get(code) or self.plover.get(code[:3]) or (None, None)

    def family_code(self, family: str, embedded: str | None) -> str:
        """The code of an appeal/intent/... about an embedded event code (longest prefix)."""
        if embedded:
            for n in range(len(embedded), 1, -1):
                row = self.modal_families.get(embedded[:n])
                if row and row.get(family):
                    return row[family]
        return FAMILY_DEFAULT[family]


def _parse_constraint(value: str, synsets: dict[str, frozenset[str]], name: str, line: int,
                      column: str, problems: list[Problem]) -> frozenset[str] | None:
    if not value:
        return None
    if value == "*":
        return ANY
    if value.startswith("&"):
        members = synsets.get(value)
        if members is None:
            problems.append(Problem(name, line, f"unknown word set {value}", column))
            return None
        return members
    return frozenset(v.strip().lower() for v in value.split("|") if v.strip())


def load_cameo(root: Path, problems: list[Problem]) -> CameoCodebook:
    cameo = root / "cameo"
    quads: dict[str, int] = {}
    for line, rec in read_csv(cameo / "quad_class.csv", ["root", "quad_class", "quad_name"], problems, root, ("root", "quad_class")):
        quads[rec["root"]] = int(rec["quad_class"])
    codes: dict[str, CameoCode] = {}
    codes_file = cameo / "codes.csv"
    for line, rec in read_csv(codes_file, ["code", "name", "goldstein"], problems, root, ("code", "name", "goldstein")):
        code = rec["code"]
        name = _rel(codes_file, root)
        if not CAMEO_CODE.match(code):
            problems.append(Problem(name, line, f"'{code}' is not a CAMEO code (2-4 digits)", "code"))
            continue
        if code in codes:
            problems.append(Problem(name, line, f"duplicate code {code}", "code"))
            continue
        if code[:2] not in quads:
            problems.append(Problem(name, line, f"root {code[:2]} has no quad class in quad_class.csv", "code"))
            continue
        try:
            goldstein = float(rec["goldstein"])
        except ValueError:
            problems.append(Problem(name, line, f"goldstein '{rec['goldstein']}' is not a number", "goldstein"))
            continue
        codes[code] = CameoCode(code, rec["name"], goldstein, quads[code[:2]])

    synsets: dict[str, set[str]] = {}
    origin: dict[str, str] = {}
    for path in sorted((cameo / "synsets").glob("*.csv")):
        name = _rel(path, root)
        for line, rec in read_csv(path, ["set", "member"], problems, root, ("set", "member")):
            s = rec["set"]
            if not re.match(r"^&[A-Z0-9_]+$", s):
                problems.append(Problem(name, line, f"set name '{s}' must look like &UPPER_CASE", "set"))
                continue
            if s in origin and origin[s] != name:
                problems.append(Problem(name, line, f"set {s} is already defined in {origin[s]}", "set"))
                continue
            origin[s] = name
            synsets.setdefault(s, set()).add(rec["member"].lower())
    frozen = {k: frozenset(v) for k, v in synsets.items()}

    patterns: list[Pattern] = []
    seen_ids: dict[str, str] = {}
    columns = ["pattern_id", "code", "pos", "lemma", "particle", "object", "prep", "prep_object", "xcomp", "negative", "comment"]
    # A file may add a `roles` column before `comment` (see codebooks/cameo/README.md).
    with_roles = columns[:-1] + ["roles", "comment"]
    order = 0
    for path in sorted((cameo / "patterns").glob("*.csv")):
        name = _rel(path, root)
        file_root = path.stem
        try:
            header = [h.strip() for h in path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0].split(",")]
        except OSError:
            header = []  # read_csv reports it
        file_columns = with_roles if header == with_roles else columns
        for line, rec in read_csv(path, file_columns, problems, root, ("pattern_id", "code", "pos", "lemma")):
            pid, code = rec["pattern_id"], rec["code"]
            if not PATTERN_ID.match(pid):
                problems.append(Problem(name, line, f"pattern id '{pid}' may only hold letters, digits, '.', '_' and '-'", "pattern_id"))
                continue
            if pid in seen_ids:
                problems.append(Problem(name, line, f"duplicate pattern id '{pid}' (first at {seen_ids[pid]})", "pattern_id"))
                continue
            seen_ids[pid] = f"{name}:{line}"
            if code not in codes:
                problems.append(Problem(name, line, f"unknown CAMEO code '{code}'", "code"))
                continue
            if re.fullmatch(r"\d\d", file_root) and code[:2] != file_root:
                problems.append(Problem(name, line, f"code {code} does not belong to root {file_root}", "code"))
                continue
            if rec["pos"] not in ("verb", "noun"):
                problems.append(Problem(name, line, f"pos must be verb or noun, not '{rec['pos']}'", "pos"))
                continue
            if rec["negative"] not in ("", "yes"):
                problems.append(Problem(name, line, f"negative must be empty or yes, not '{rec['negative']}'", "negative"))
                continue
            if rec.get("roles", "") not in ROLES:
                problems.append(Problem(name, line, f"roles must be empty or one of {', '.join(sorted(ROLES - {''}))}, "
                                                    f"not '{rec['roles']}'", "roles"))
                continue
            n_before = len(problems)
            obj = _parse_constraint(rec["object"], frozen, name, line, "object", problems)
            pobj = _parse_constraint(rec["prep_object"], frozen, name, line, "prep_object", problems)
            xcomp = _parse_constraint(rec["xcomp"], frozen, name, line, "xcomp", problems)
            if len(problems) > n_before:
                continue
            if pobj and not rec["prep"]:
                problems.append(Problem(name, line, "prep_object needs a prep", "prep_object"))
                continue
            order += 1
            patterns.append(Pattern(pid, code, rec["pos"], rec["lemma"].lower(), rec["particle"].lower(), obj,
                                    rec["prep"].lower(), pobj, xcomp, rec["negative"] == "yes", name, line, order,
                                    rec.get("roles", "")))

    modal_verbs: dict[str, list[tuple[str, str]]] = {}
    path = cameo / "modal_verbs.csv"
    if path.exists():
        name = _rel(path, root)
        for line, rec in read_csv(path, ["lemma", "family", "prep"], problems, root, ("lemma", "family")):
            if rec["family"] not in FAMILIES:
                problems.append(Problem(name, line, f"family must be one of {', '.join(FAMILIES)}", "family"))
                continue
            modal_verbs.setdefault(rec["lemma"].lower(), []).append((rec["family"], rec["prep"].lower()))
    modal_families: dict[str, dict[str, str]] = {}
    path = cameo / "modal_families.csv"
    if path.exists():
        name = _rel(path, root)
        for line, rec in read_csv(path, ["embedded", *FAMILIES], problems, root, ("embedded",)):
            ok = True
            for fam in FAMILIES:
                if rec[fam] and rec[fam] not in codes:
                    problems.append(Problem(name, line, f"unknown CAMEO code '{rec[fam]}'", fam))
                    ok = False
            if rec["embedded"] in modal_families:
                problems.append(Problem(name, line, f"duplicate embedded prefix {rec['embedded']}", "embedded"))
                ok = False
            if ok:
                modal_families[rec["embedded"]] = {f: rec[f] for f in FAMILIES}
    uncodable: dict[str, str] = {}
    path = cameo / "uncodable.csv"
    if path.exists():
        name = _rel(path, root)
        for line, rec in read_csv(path, ["code", "reason"], problems, root, ("code", "reason")):
            if rec["code"] not in codes:
                problems.append(Problem(name, line, f"unknown CAMEO code '{rec['code']}'", "code"))
                continue
            uncodable[rec["code"]] = rec["reason"]
    return CameoCodebook(codes, patterns, frozen, modal_verbs, modal_families, uncodable,
                         load_plover(root, codes, problems))


PLOVER_TYPE = re.compile(r"^[A-Z]+$")
PLOVER_MODE = re.compile(r"^[a-z][a-z_-]*$")


def load_plover(root: Path, codes: dict[str, CameoCode], problems: list[Problem]) -> dict[str, tuple[str, str | None]]:
    """cameo/plover.csv: CAMEO code -> PLOVER event type and mode (generated; see its header)."""
    path = root / "cameo" / "plover.csv"
    table: dict[str, tuple[str, str | None]] = {}
    if not path.exists():
        return table
    name = _rel(path, root)
    for line, rec in read_csv(path, ["code", "event_type", "mode", "context"], problems, root, ("code", "event_type")):
        code = rec["code"]
        if code not in codes:
            problems.append(Problem(name, line, f"unknown CAMEO code '{code}'", "code"))
        elif code in table:
            problems.append(Problem(name, line, f"duplicate code {code}", "code"))
        elif not PLOVER_TYPE.match(rec["event_type"]):
            problems.append(Problem(name, line, f"event type '{rec['event_type']}' must be upper-case letters", "event_type"))
        elif rec["mode"] and not PLOVER_MODE.match(rec["mode"]):
            problems.append(Problem(name, line, f"mode '{rec['mode']}' must be lower-case letters, '_' or '-'", "mode"))
        else:
            table[code] = (rec["event_type"], rec["mode"] or None)
    return table


# --------------------------------------------------------------------------- actors


@dataclass(frozen=True)
class ActorEntry:
    """One phrase the actor matcher looks for, and what it means."""

    phrase: str
    kind: str  # country kinds, org kinds, agent kinds, or "person"
    code: str | None  # full code for orgs and people; iso3 for countries
    country: str | None
    agent: str | None
    start: dt.date | None = None
    end: dt.date | None = None
    name: str | None = None  # canonical name (people, orgs)
    file: str = ""
    line: int = 0


@dataclass
class ActorCodebook:
    entries: list[ActorEntry]
    country_names: dict[str, str]  # iso3 -> name
    counts: dict[str, int] = field(default_factory=dict)
    # head lemma of a definite description ("the group") -> sectors an antecedent may have ("*": any)
    anaphors: dict[str, frozenset[str]] = field(default_factory=dict)


def _parse_date(value: str) -> dt.date | None:
    if not value:
        return None
    parts = value.split("-")
    if len(parts) == 2:
        value = value + "-01"
    return dt.date.fromisoformat(value)


def _split_code(code: str) -> tuple[str, str | None]:
    country = code[:3]
    agent = code[3:6] or None
    return country, agent


def load_actors(root: Path, problems: list[Problem]) -> ActorCodebook:
    import pycountry

    actors = root / "actors"
    iso3 = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    entries: list[ActorEntry] = []
    names: dict[str, str] = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names["XKX"] = "Kosovo"
    phrase_owner: dict[str, tuple[str, str]] = {}
    counts = {"countries": 0, "country_phrases": 0, "organisations": 0, "igos": 0, "agents": 0,
              "agent_phrases": 0, "people": 0, "people_with_dates": 0, "person_rows": 0}

    def claim(phrase: str, code: str, name: str, line: int) -> bool:
        key = phrase.lower()
        owner = phrase_owner.get(key)
        if owner and owner[0] != code:
            problems.append(Problem(name, line, f"phrase '{phrase}' already means {owner[0]} ({owner[1]})", "phrase"))
            return False
        phrase_owner[key] = (code, f"{name}:{line}")
        return True

    path = actors / "countries.csv"
    name = _rel(path, root)
    seen_iso: set[str] = set()
    for line, rec in read_csv(path, ["iso3", "kind", "phrase"], problems, root, ("iso3", "kind", "phrase")):
        if rec["iso3"] not in iso3:
            problems.append(Problem(name, line, f"'{rec['iso3']}' is not an ISO 3166-1 alpha-3 code", "iso3"))
            continue
        if rec["kind"] not in COUNTRY_KINDS:
            problems.append(Problem(name, line, f"kind must be one of {', '.join(sorted(COUNTRY_KINDS))}", "kind"))
            continue
        if not claim(rec["phrase"], rec["iso3"], name, line):
            continue
        agent = {"capital": "GOV", "seat": "GOV", "seat_mil": "MIL", "seat_leg": "LEG"}.get(rec["kind"])
        entries.append(ActorEntry(rec["phrase"], rec["kind"], rec["iso3"], rec["iso3"], agent, file=name, line=line))
        seen_iso.add(rec["iso3"])
        counts["country_phrases"] += 1
    counts["countries"] = len(seen_iso)

    path = actors / "organisations.csv"
    name = _rel(path, root)
    orgs: set[tuple[str, str]] = set()
    for line, rec in read_csv(path, ["code", "kind", "phrase", "name"], problems, root, ("code", "kind", "phrase")):
        code = rec["code"]
        if not ACTOR_CODE.match(code):
            problems.append(Problem(name, line, f"actor code '{code}' is not well formed (3-letter blocks, e.g. IGOUNO)", "code"))
            continue
        if code[:3] not in iso3 | NON_STATE:
            problems.append(Problem(name, line, f"actor code '{code}' starts with neither a country nor IGO/NGO/IMG", "code"))
            continue
        if rec["kind"] not in ORG_KINDS:
            problems.append(Problem(name, line, f"kind must be one of {', '.join(sorted(ORG_KINDS))}", "kind"))
            continue
        if not claim(rec["phrase"], code, name, line):
            continue
        country, agent = _split_code(code)
        if country in ("IGO", "NGO", "IMG"):
            agent = None
        entries.append(ActorEntry(rec["phrase"], rec["kind"], code, country, agent, name=rec["name"] or rec["phrase"], file=name, line=line))
        orgs.add((code, rec["kind"]))
    counts["organisations"] = len({c for c, _ in orgs})
    counts["igos"] = len({c for c, k in orgs if k == "igo"})

    path = actors / "agents.csv"
    name = _rel(path, root)
    agents: set[str] = set()
    for line, rec in read_csv(path, ["agent", "phrase", "kind"], problems, root, ("agent", "phrase", "kind")):
        if not re.fullmatch(r"[A-Z]{3}", rec["agent"]):
            problems.append(Problem(name, line, f"agent code '{rec['agent']}' must be 3 capital letters", "agent"))
            continue
        if rec["kind"] not in AGENT_KINDS:
            problems.append(Problem(name, line, "kind must be noun or title", "kind"))
            continue
        if not claim(rec["phrase"], "agent:" + rec["agent"], name, line):
            continue
        entries.append(ActorEntry(rec["phrase"], rec["kind"], None, None, rec["agent"], file=name, line=line))
        agents.add(rec["agent"])
        counts["agent_phrases"] += 1
    counts["agents"] = len(agents)

    path = actors / "people.csv"
    name = _rel(path, root)
    ranges: dict[str, list[tuple[dt.date, dt.date | None, int]]] = {}
    for line, rec in read_csv(path, ["name", "code", "start", "end", "role", "aliases"], problems, root, ("name", "code")):
        code = rec["code"]
        if not ACTOR_CODE.match(code) or code[:3] not in iso3 | NON_STATE:
            problems.append(Problem(name, line, f"actor code '{code}' is not well formed", "code"))
            continue
        try:
            start, end = _parse_date(rec["start"]), _parse_date(rec["end"])
        except ValueError:
            problems.append(Problem(name, line, "start/end must be ISO dates (YYYY-MM-DD)", "start"))
            continue
        if start and end and end < start:
            problems.append(Problem(name, line, f"end {end} is before start {start}", "end"))
            continue
        person = rec["name"]
        clash = None
        for s2, e2, l2 in ranges.get(person, []):
            lo = max(start or dt.date.min, s2 or dt.date.min)
            hi = min(end or dt.date.max, e2 or dt.date.max)
            if lo <= hi:
                clash = l2
        if clash is not None:
            problems.append(Problem(name, line, f"date range overlaps {person}'s row at line {clash}", "start"))
            continue
        ranges.setdefault(person, []).append((start, end, line))
        country, agent = _split_code(code)
        if country in ("IGO", "NGO", "IMG"):
            agent = None
        for phrase in [person, *[a for a in rec["aliases"].split("|") if a.strip()]]:
            entries.append(ActorEntry(phrase.strip(), "person", code, country, agent, start, end, person, name, line))
        counts["person_rows"] += 1
    counts["people"] = len(ranges)
    counts["people_with_dates"] = sum(1 for rows in ranges.values() if any(s or e for s, e, _ in rows))
    return ActorCodebook(entries, names, counts, load_anaphors(actors / "anaphors.csv", problems, root))


def load_anaphors(path: Path, problems: list[Problem], root: Path) -> dict[str, frozenset[str]]:
    """anaphors.csv: head lemma -> the sectors its antecedent may have (or `*`)."""
    if not path.exists():
        return {}
    name = _rel(path, root)
    out: dict[str, frozenset[str]] = {}
    for line, rec in read_csv(path, ["noun", "agents"], problems, root, ("noun", "agents")):
        noun = rec["noun"].lower()
        agents = frozenset(a.strip() for a in rec["agents"].split("|") if a.strip())
        if noun in out:
            problems.append(Problem(name, line, f"noun '{noun}' is listed twice", "noun"))
            continue
        bad = [a for a in agents if a != "*" and not re.fullmatch(r"[A-Z]{3}", a)]
        if bad or not agents:
            problems.append(Problem(name, line, f"agents must be 3-letter sector codes or *, got '{rec['agents']}'", "agents"))
            continue
        out[noun] = agents
    return out


# --------------------------------------------------------------------------- discards, boilerplate


def load_discards(root: Path, problems: list[Problem]) -> list[tuple[str, str, frozenset[str]]]:
    """(phrase, reason, roots): a sentence containing the phrase codes no event of those roots
    (all roots when the column is empty)."""
    path = root / "discards.csv"
    out = []
    for line, rec in read_csv(path, ["phrase", "reason", "roots"], problems, root, ("phrase", "reason")):
        roots = frozenset(r.strip() for r in rec["roots"].split("|") if r.strip())
        bad = [r for r in roots if not re.fullmatch(r"\d\d", r)]
        if bad:
            problems.append(Problem(_rel(path, root), line, f"roots must be 2-digit CAMEO roots separated by |, not '{bad[0]}'", "roots"))
            continue
        out.append((rec["phrase"].lower(), rec["reason"], roots))
    return out


def load_boilerplate(root: Path | None = None) -> list[tuple[re.Pattern[str], str]]:
    root = root or codebooks_dir()
    problems: list[Problem] = []
    rules = []
    path = root / "boilerplate.csv"
    for line, rec in read_csv(path, ["pattern", "action", "comment"], problems, root, ("pattern", "action")):
        if rec["action"] not in ("drop_line", "cut_rest"):
            problems.append(Problem(_rel(path, root), line, "action must be drop_line or cut_rest", "action"))
            continue
        try:
            rules.append((re.compile(rec["pattern"]), rec["action"]))
        except re.error as exc:
            problems.append(Problem(_rel(path, root), line, f"bad regular expression ({exc})", "pattern"))
    if problems:
        raise CodebookError(problems)
    return rules


# --------------------------------------------------------------------------- all of it


@dataclass
class Codebooks:
    cameo: CameoCodebook
    actors: ActorCodebook
    discards: list[tuple[str, str, frozenset[str]]]
    version: str
    root: Path


def codebook_hash(root: Path) -> str:
    """sha256 over every codebook file's path and bytes (stable across machines)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def check_codebooks(root: Path | None = None) -> tuple[Codebooks | None, list[Problem]]:
    root = Path(root or codebooks_dir())
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), None, "codebook folder not found")]
    cameo = load_cameo(root, problems)
    actors = load_actors(root, problems)
    discards = load_discards(root, problems)
    try:
        load_boilerplate(root)
    except CodebookError as exc:
        problems.extend(exc.problems)
    version_file = root / "VERSION"
    version = version_file.read_text().strip() if version_file.exists() else "0"
    books = Codebooks(cameo, actors, discards, f"{version}+{codebook_hash(root)[:12]}", root)
    return books, problems


def _reintern_any(books: Codebooks) -> None:
    """The coder tests `constraint is ANY`; unpickling makes equal copies, so restore the one object."""
    for pattern in books.cameo.patterns:
        for name in ("object", "prep_object", "xcomp"):
            if getattr(pattern, name) == ANY:
                object.__setattr__(pattern, name, ANY)


# Codebook folders validated and compiled in this process (not read back from the cache): a
# codebook edit. The caller then builds what depends on them once, before workers start.
COMPILED_HERE: set[str] = set()


@lru_cache(maxsize=4)
def _load_cached(root: str, content_hash: str) -> Codebooks:
    # Validating ~10k pattern rows takes most of a second; a run with unchanged codebooks reads
    # the validated tables back instead (keyed by content, folder name and this loader's source;
    # copies of the same codebooks elsewhere share the entry).
    loader_hash = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    key = hashlib.sha256(f"{Path(root).name}\0{content_hash}\0{loader_hash}".encode()).hexdigest()[:20]
    stored = user_cache_dir() / f"codebooks-{key}.pkl"
    from pipeline.cache import read_cache, write_cache

    books = read_cache(stored, pickle.loads)
    if isinstance(books, Codebooks):
        _reintern_any(books)
        return dataclasses.replace(books, root=Path(root))
    books, problems = check_codebooks(Path(root))
    if problems or books is None:
        raise CodebookError(problems)
    COMPILED_HERE.add(root)
    if write_cache(stored, pickle.dumps(books, protocol=pickle.HIGHEST_PROTOCOL)):
        # Keep the few most recent versions, not one per edit ever made.
        try:
            for old in sorted(stored.parent.glob("codebooks-*.pkl"), key=lambda p: p.stat().st_mtime)[:-8]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # another run removed it first
    return books


def load_codebooks(root: Path | None = None) -> Codebooks:
    """All codebooks, validated; raises CodebookError listing every problem. Reloaded when any
    codebook file changes."""
    path = Path(root or codebooks_dir()).resolve()
    if not path.is_dir():
        raise CodebookError([Problem(str(path), None, "codebook folder not found")])
    return _load_cached(str(path), codebook_hash(path))
