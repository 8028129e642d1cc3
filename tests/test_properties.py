"""Property tests: arbitrary Unicode never crashes ingest or the coder, and every event row keeps
its promises (offsets point at their text, codes exist, dates are real dates)."""

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.dates import find_time_expressions, parse_dateline
from pipeline.ingest import IngestSettings, ingest, normalise_text

NEWS_WORDS = ["Syrian", "troops", "attacked", "rebels", "in", "Aleppo", "on", "Monday", "France", "condemned",
              "the", "strikes", "Russia", "and", "Iran", "said", "it", "would", "send", "aid", "to", "Yemen",
              "police", "arrested", "protesters", "UN", "envoy", "met", "Lavrov", "Moscow", "Tuesday", "not",
              "threatened", "impose", "sanctions", "called", "withdraw", ".", ",", "“", "”", "(", ")", "—"]
news_text = st.lists(st.one_of(st.sampled_from(NEWS_WORDS), st.text(min_size=1, max_size=8)), min_size=1, max_size=60).map(" ".join)
any_text = st.one_of(st.text(max_size=400), news_text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(any_text, min_size=1, max_size=4))
def test_ingest_never_crashes_and_accounts_for_everything(tmp_path_factory, texts):
    d = tmp_path_factory.mktemp("p")
    (d / "a.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    arts, rejects, counts = ingest([d], IngestSettings())
    assert counts.read == len(texts) == len(arts) + len(rejects)


@settings(max_examples=200, deadline=None)
@given(text=any_text)
def test_text_helpers_never_crash(text):
    normalise_text(text)
    rest, _place, _date = parse_dateline(text)
    assert text.endswith(rest)
    for e in find_time_expressions(text, dt.date(2016, 5, 2)):
        assert text[e.start:e.end] == e.text and e.date.year >= 1800


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=any_text)
def test_coder_rows_keep_their_promises(code_text, books, text):
    if not text.strip():
        return
    for e in code_text(text):
        s = e["sentence_text"]
        assert s[e["verb_start"]:e["verb_end"]] == e["verb_text"]
        for side in ("source", "target"):
            if e[f"{side}_start"] is not None:
                assert s[e[f"{side}_start"]:e[f"{side}_end"]] == e[f"{side}_text"]
        assert e["cameo_code"] in books.cameo.codes and e["cameo_root"] == e["cameo_code"][:2]
        assert isinstance(e["event_date"], dt.date)
