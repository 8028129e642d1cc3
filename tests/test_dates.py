import datetime as dt

from pipeline.dates import find_time_expressions, parse_dateline

MON = dt.date(2016, 5, 2)  # a Monday
WED = dt.date(2016, 5, 4)


def values(text, ref):
    return [(e.text, e.value, e.precision) for e in find_time_expressions(text, ref)]


def test_weekday_news_convention():
    assert values("Troops attacked on Monday.", WED) == [("Monday", "2016-05-02", "day")]
    assert values("Troops attacked on Monday.", MON) == [("Monday", "2016-05-02", "day")]
    assert values("The envoy will meet Lavrov on Tuesday.", MON) == [("Tuesday", "2016-05-03", "day")]
    assert values("He is expected to hold talks in Moscow on Tuesday.", MON) == [("Tuesday", "2016-05-03", "day")]


def test_relative_and_explicit_dates():
    assert values("It happened yesterday.", MON)[0][1] == "2016-05-01"
    assert values("Two days ago rebels struck.", MON)[0][1] == "2016-04-30"
    assert values("The February 27 deal held.", MON)[0][1] == "2016-02-27"
    assert values("Signed on 27 February 2016.", MON)[0][1] == "2016-02-27"
    assert values("Signed on 2016-02-27.", MON)[0][1] == "2016-02-27"
    assert values("Talks resumed last month.", MON)[0][1:] == ("2016-04", "month")
    assert values("Elections were held in 2014.", MON)[0][1:] == ("2014", "year")


def test_since_marks_start_of_period():
    exprs = find_time_expressions("250 civilians have been killed since April 22.", MON)
    assert exprs[0].value == "2016-04-22" and exprs[0].since


def test_modal_may_is_not_a_month():
    assert values("The talks may fail.", MON) == []


def test_dateline_forms():
    assert parse_dateline("PARIS – France called.")[:2] == ("France called.", "Paris")
    assert parse_dateline("KABUL - Taliban fighters attacked.")[1] == "Kabul"
    assert parse_dateline("France called on Monday.") == ("France called on Monday.", None, None)


def test_month_without_year_looks_back_eight_months_and_ahead_four():
    aug = dt.date(1990, 8, 15)
    assert values("Oil supply will be cut in September.", aug)[0][1] == "1990-09"
    assert values("Output fell from 4.1 percent in December.", dt.date(1998, 2, 6))[0][1] == "1997-12"
    assert values("Flights leave from March 30.", dt.date(1998, 2, 13))[0][1] == "1998-03-30"


def test_spelled_out_years():
    assert values("Keating's convictions were thrown out in nineteen ninety-six.", MON)[0][1:] == ("1996", "year")
    assert values("Unemployment was to be halved by the year two thousand.", MON)[0][1] == "2000"
