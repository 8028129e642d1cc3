"""Person names, holidays, acronyms and names of bodies are no places; an event's place is one
attached to its own clause (issue 14.6)."""

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def toponyms(article_coder):
    from pipeline.evaluate_places import find_toponyms

    def run(text):
        return [f["name"] for f in find_toponyms(article_coder.nlp(text), article_coder.gazetteer)]

    return run


@pytest.mark.parametrize("text, places", [
    # A title before the name: a person ("President Lai", "adviser John Bolton").
    ("President Lai met the envoy in Taipei.", ["Taipei"]),
    ("National security adviser John Bolton said Iran attacked tankers near Fujairah.", ["Iran", "Fujairah"]),
    # The subject of "said".
    ("Steele said the documents were found in Moscow.", ["Moscow"]),
    # A holiday, alone or as the head of its name; a big town of the same name stays a place.
    ("Police were on alert in Paris over Christmas.", ["Paris"]),
    ("The Columbus Day parade went through Columbus.", ["Columbus"]),
    # An acronym is no town (GeoNames lists airport codes as alternate names).
    ("The AI summit opened in Seoul.", ["Seoul"]),
    # The head of a body's name (the region named inside it stays).
    ("Mali joined the Alliance of Sahel States in Niamey.", ["Mali", "Sahel", "Niamey"]),
])
def test_what_the_sentence_shows_is_not_a_place(toponyms, text, places):
    assert toponyms(text) == places


def test_a_surname_of_a_person_named_elsewhere_in_the_article_is_not_a_place(toponyms):
    text = ("Hong Kong media tycoon Jimmy Lai was jailed on Monday. "
            "Supporters gathered outside the court to call for Lai's release.")
    assert "Lai" not in toponyms(text)
    assert "Hong Kong" in toponyms(text)


def test_the_coder_reads_people_across_the_paragraphs_of_an_article(code_text):
    evs = code_text("Hong Kong media tycoon Jimmy Lai was jailed.\n\nProsecutors accused Lai of collusion.")
    accused = [e for e in evs if e["verb_text"] == "accused"]
    assert accused and accused[0]["location_name"] != "Lai"


@pytest.mark.parametrize("text, place", [
    # A place under a locative in the event's clause.
    ("Kenyan police arrested 30 protesters in Nairobi on Monday.", "Nairobi"),
    # ... or in a clause it is embedded in.
    ("In Nairobi, police said they arrested 30 protesters.", "Nairobi"),
    # Not a place of another clause: a relative clause, a place that is no locative.
    ("Kenyan police arrested a man who had lived in Mombasa for years.", None),
    ("Kenyan police arrested 30 protesters, weeks after a bomb exploded in Mombasa.", None),
    # Where someone comes from is not where the event happened.
    ("A mercenary from Belarus was arrested by Kenyan police.", None),
])
def test_the_events_place_is_attached_to_its_clause(code_text, text, place):
    evs = [e for e in code_text(text) if e["verb_text"] == "arrested"]
    assert evs and evs[0]["location_name"] == place
