"""Dates are never silently in the future (issue 16.5): a date after publication stands only where
the text says the event is to come, and is flagged (date_future)."""

import datetime as dt

import pytest

from pipeline.dates import TimeExpression, find_time_expressions, states_future

from .conftest import ROOT, shared_file


def test_after_publication_is_judged_at_the_expressions_precision():
    pub = dt.date(2016, 5, 2)
    year = TimeExpression(0, 4, "2016", "2016", "year")
    assert not year.after(pub)  # this year is not after a day of it
    assert TimeExpression(0, 4, "2018", "2018", "year").after(pub)
    assert not TimeExpression(0, 3, "May", "2016-05", "month").after(pub)
    assert TimeExpression(0, 4, "June", "2016-06", "month").after(pub)
    assert TimeExpression(0, 5, "May 3", "2016-05-03", "day").after(pub)
    assert not TimeExpression(0, 5, "May 2", "2016-05-02", "day").after(pub)


def test_a_yearless_date_can_be_read_a_year_earlier_a_written_year_cannot():
    april, = find_time_expressions("In April he called on the leadership.", dt.date(2019, 12, 23))
    assert april.yearless and april.value == "2020-04"
    assert april.year_earlier().value == "2019-04"
    written, = find_time_expressions("In April 2020 he called.", dt.date(2019, 12, 23))
    assert not written.yearless and written.year_earlier() is None
    leap, = find_time_expressions("They met on Feb. 29.", dt.date(2016, 1, 10))
    assert leap.value == "2016-02-29" and leap.year_earlier() is None  # 2015-02-29 does not exist


def test_future_words_of_the_expression_itself():
    ref = dt.date(2016, 5, 2)
    assert [states_future(e) for e in find_time_expressions("They meet next month and tomorrow.", ref)] == [True, True]
    assert [states_future(e) for e in find_time_expressions("Several months later, it fell.", ref)] == [False]


def test_a_capitalised_tomorrow_inside_a_name_is_no_date():
    ref = dt.date(2009, 3, 28)
    assert find_time_expressions("The City supports the new Trees for Tomorrow Project.", ref) == []
    assert [e.value for e in find_time_expressions("Tomorrow the talks resume.", ref)] == ["2009-03-29"]


@pytest.mark.parametrize("text, published, expected, precision, source, future", [
    # Stated future: kept, flagged, at the expression's precision ("by the end of 2018" is a year).
    ("Russia and Turkey will hold talks in Ankara by the end of 2018.", dt.date(2016, 5, 2),
     dt.date(2018, 1, 1), "year", "text", True),
    ("Kenya will host peace talks next month.", dt.date(2016, 5, 2), dt.date(2016, 6, 1), "month", "text", True),
    ("Putin is due to meet Erdogan in Turkey in January.", dt.date(2019, 11, 25), dt.date(2020, 1, 1), "month", "text", True),
    ("China will convene a meeting in Beijing with Iran on Friday.", dt.date(2025, 3, 13), dt.date(2025, 3, 14), "day", "text", True),
    # A written later year without a stated future: the publication date stands, marked.
    ("Police arrested 30 protesters in Nairobi in 2019.", dt.date(2016, 5, 2), dt.date(2016, 5, 2), "day", "published_capped", False),
    # A yearless month of a past-tense event is last year's, not next year's.
    ("Kim Jong Un and Vladimir Putin held a summit in Russia in September.", dt.date(2024, 6, 28),
     dt.date(2023, 9, 1), "month", "text", False),
    # A date in the past is untouched and not flagged.
    ("Kenyan police arrested 30 protesters in Nairobi on Monday.", dt.date(2016, 5, 2), dt.date(2016, 5, 2), "day", "text", False),
])
def test_event_dates_after_publication(code_text, text, published, expected, precision, source, future):
    ev = code_text(text, published=published)
    assert ev, text
    e = ev[0]
    assert (e["event_date"], e["date_precision"], e["event_date_source"], e["date_future"]) == (expected, precision, source, future)


def test_a_pledge_in_the_past_does_not_borrow_the_future_of_its_conjunct(code_text):
    ev = code_text("The EU will speed up the payment of aid and has pledged a further 3 billion euros by the end of 2018.",
                   published=dt.date(2016, 3, 18))
    pledged = [e for e in ev if e["verb_text"] == "pledged"]
    assert pledged and not pledged[0]["date_future"] and pledged[0]["event_date"] == dt.date(2016, 3, 18)


def _unflagged_future(code_path, tmp_path, *inputs):
    """Code the inputs with the CLI; events dated after publication without date_future."""
    import subprocess
    import sys

    import pyarrow.parquet as pq

    out = tmp_path / "events.parquet"
    done = subprocess.run([sys.executable, "-m", "pipeline", "code", *map(str, inputs), "--out", str(out)],
                          capture_output=True, text=True, cwd=code_path)
    assert done.returncode == 0, done.stderr
    rows = pq.read_table(out, columns=["published", "event_date", "date_future", "sentence_text"]).to_pylist()
    assert rows
    return [r for r in rows if r["published"] and r["event_date"] and r["event_date"] > r["published"] and not r["date_future"]]


def test_no_event_of_the_bundled_sample_is_dated_after_publication_unflagged(tmp_path):
    assert _unflagged_future(ROOT, tmp_path, ROOT / "data" / "raw" / "sample") == []


@pytest.mark.parametrize("corpus", ["voa_stories.jsonl", "news_geo_dev.jsonl"])
def test_no_event_of_the_real_news_corpora_is_dated_after_publication_unflagged(tmp_path, corpus):
    assert _unflagged_future(ROOT, tmp_path, shared_file("corpora", corpus)) == []
