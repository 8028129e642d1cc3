import datetime as dt
import gzip
import json

import pytest

from pipeline import errors
from pipeline.ingest import IngestSettings, ingest, normalise_text

ENGLISH = ("Kenyan police arrested dozens of opposition supporters in Nairobi on Monday after a "
           "protest against the electoral commission turned violent, officials said.")
ENGLISH2 = ("The African Union called on the government of South Sudan to restore a ceasefire and "
            "return to negotiations with rebel forces, its chairman said in a statement.")


def run(paths, **kw):
    return ingest(paths, IngestSettings(**kw))


def test_jsonl_csv_txt_html_and_gzip_are_read(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a1", "title": "T", "text": ENGLISH, "published": "2016-05-02"}) + "\n")
    (tmp_path / "b.csv").write_text('id,title,text,published\nb1,T,"' + ENGLISH2 + '",2016-05-03\n')
    (tmp_path / "c.txt").write_text("A title\n\n" + ENGLISH + " More words follow here.\n")
    (tmp_path / "c.meta.json").write_text('{"published": "2016-05-04", "source": "wire"}')
    (tmp_path / "d.html").write_text(
        "<html><head><title>Page</title><meta property='article:published_time' content='2016-05-05T10:00:00Z'>"
        "<script>var x = 'France attacked';</script><style>p{}</style></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><p>{ENGLISH2} Again.</p></article><form>Leave a Reply</form></body></html>")
    with gzip.open(tmp_path / "e.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({"id": "e1", "text": ENGLISH + " Gzipped."}) + "\n")
    arts, rejects, counts = run([tmp_path])
    assert rejects == []
    by_id = {a.article_id: a for a in arts}
    assert set(by_id) >= {"a1", "b1", "e1"}
    assert by_id["a1"].published == dt.date(2016, 5, 2)
    txt = next(a for a in arts if a.input.endswith("c.txt"))
    assert txt.title == "A title" and txt.published == dt.date(2016, 5, 4) and txt.source == "wire"
    html = next(a for a in arts if a.input.endswith("d.html"))
    assert "France attacked" not in html.text and "Home" not in html.text and "Leave a Reply" not in html.text
    assert html.published == dt.date(2016, 5, 5) and html.title == "Page"
    assert counts.read == counts.accepted + counts.rejected == 5


def test_seed_style_comment_form_is_removed():
    text = ("PARIS – France called for talks.\n\nLeave a Reply\n\nYour email address will not be published.\n"
            'You may use these HTML tags and attributes: <a href="" title=""> <abbr title=""> <b>')
    assert normalise_text(text) == "PARIS – France called for talks."


def test_dateline_gives_place_and_date_when_metadata_has_none(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x", "text": "DAMASCUS, March 3, 2016 (Reuters) - " + ENGLISH}) + "\n")
    arts, _, _ = run([tmp_path / "a.jsonl"])
    assert arts[0].dateline_place == "Damascus"
    assert arts[0].published == dt.date(2016, 3, 3) and arts[0].published_from == "dateline"
    assert arts[0].text.startswith("Kenyan police")


def test_refusals_have_reasons_and_accounting_holds(tmp_path):
    lines = [
        json.dumps({"id": "ok", "text": ENGLISH}),
        "{broken json",
        json.dumps({"id": "dup", "text": ENGLISH}),
        json.dumps({"id": "es", "text": "El gobierno de España anunció el lunes nuevas medidas contra la corrupción en todo el país."}),
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps({"id": "ok", "text": ENGLISH2}),
        json.dumps({"id": "big", "text": ENGLISH * 100}),
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    arts, rejects, counts = run([tmp_path / "a.jsonl"], max_article_bytes=5000)
    reasons = {r.record: r.reason for r in rejects}
    assert [a.article_id for a in arts] == ["ok"]
    assert reasons == {"line 2": errors.REJECT_MALFORMED, "line 3": errors.REJECT_DUPLICATE,
                       "line 4": errors.REJECT_NOT_ENGLISH, "line 5": errors.REJECT_EMPTY,
                       "line 6": errors.REJECT_DUPLICATE_ID, "line 7": errors.REJECT_TOO_LARGE}
    assert counts.read == 7 == len(arts) + len(rejects)


def test_csv_without_text_column_names_the_column(tmp_path):
    (tmp_path / "a.csv").write_text("id,headline\n1,Something happened\n")
    arts, rejects, _ = run([tmp_path / "a.csv"])
    assert arts == [] and len(rejects) == 1
    assert "no text column" in rejects[0].detail and "text" in rejects[0].detail


def test_article_id_is_stable_hash_of_text(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": ENGLISH}) + "\n")
    first = run([tmp_path / "a.jsonl"])[0][0].article_id
    second = run([tmp_path / "a.jsonl"])[0][0].article_id
    assert first == second and len(first) == 16


@pytest.mark.parametrize("payload,reason", [
    (b"", errors.REJECT_EMPTY),
    (b"   \n\t  \n", errors.REJECT_EMPTY),
    (b"\x00" * 500, errors.REJECT_UNDECODABLE),
])
def test_bad_files_are_rejected_not_crashing(tmp_path, payload, reason):
    (tmp_path / "x.txt").write_bytes(payload)
    arts, rejects, counts = run([tmp_path / "x.txt"])
    assert arts == [] and [r.reason for r in rejects] == [reason]
    assert counts.read == 1


def test_legacy_encodings_are_decoded(tmp_path):
    (tmp_path / "l1.txt").write_bytes(("Title\n\n" + ENGLISH.replace("Nairobi", "Nairobi’s café")).encode("cp1252"))
    (tmp_path / "u16.txt").write_bytes(("Title\n\n" + ENGLISH2).encode("utf-16"))
    arts, rejects, _ = run([tmp_path])
    assert rejects == [] and len(arts) == 2
    assert any("café" in a.text for a in arts)


def test_unknown_gzip_and_unsupported_types(tmp_path):
    (tmp_path / "bad.jsonl.gz").write_bytes(b"not gzip at all")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    _, rejects, counts = run([tmp_path])
    assert sorted(r.reason for r in rejects) == sorted([errors.REJECT_BAD_GZIP, errors.REJECT_UNSUPPORTED])
    assert counts.read == 2


def test_plain_english_skips_the_statistical_detector_and_other_languages_do_not(monkeypatch):
    from pipeline import ingest

    settings = ingest.IngestSettings()
    english = ("The foreign minister said on Tuesday that the talks with the rebels would resume in Geneva "
               "after the ceasefire, which has been broken by both sides, was restored by the army.")
    french = ("Le ministre des affaires étrangères a déclaré mardi que les pourparlers avec les rebelles "
              "reprendraient à Genève après le rétablissement du cessez-le-feu par l'armée.")
    asked = []
    real = ingest._language_detector

    def counting(candidates):
        asked.append(candidates)
        return real(candidates)

    monkeypatch.setattr(ingest, "_language_detector", counting)
    assert ingest.detect_language(english, settings) == "en" and asked == []
    assert ingest.detect_language(french, settings) == "fr" and len(asked) == 1
