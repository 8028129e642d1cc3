import shutil

import pytest

from pipeline.codebook.loader import check_codebooks
from tests.conftest import ROOT


def messages(root):
    _, problems = check_codebooks(root)
    return [str(p) for p in problems]


def test_project_codebooks_are_valid(books):
    assert books.cameo.patterns and books.actors.entries
    assert books.version.startswith((ROOT / "codebooks" / "VERSION").read_text().strip() + "+")


def test_every_pattern_code_exists_and_root_is_derived(books):
    for p in books.cameo.patterns:
        assert p.code in books.cameo.codes
    assert books.cameo.codes["195"].root == "19" and books.cameo.codes["0871"].quad_class == 2


def _append(path, line):
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    return sum(1 for _ in open(path, encoding="utf-8"))


def test_unknown_code_and_duplicate_pattern_id_report_file_and_line(book_copy):
    f = sorted((book_copy / "cameo" / "patterns").glob("01*.csv"))[0]
    first_id = f.read_text().splitlines()[1].split(",")[0]
    n1 = _append(f, "999.bogus,999,verb,zap,,,,,,,")
    n2 = _append(f, f"{first_id},010,verb,zap,,,,,,,")
    msgs = messages(book_copy)
    assert any(m.startswith(f"codebooks/cameo/patterns/{f.name}:{n1}:") and "unknown CAMEO code '999'" in m for m in msgs)
    assert any(m.startswith(f"codebooks/cameo/patterns/{f.name}:{n2}:") and "duplicate pattern id" in m for m in msgs)


def test_bad_actor_code_and_overlapping_person_dates(book_copy):
    n1 = _append(book_copy / "actors" / "organisations.csv", "IGOxx1,igo,Bogus Org,Bogus")
    people = book_copy / "actors" / "people.csv"
    _append(people, "Test Person,FRAGOV,2010-01-01,2012-01-01,minister,")
    n2 = _append(people, "Test Person,FRAGOV,2011-06-01,2013-01-01,minister,")
    msgs = messages(book_copy)
    assert any(m.startswith(f"codebooks/actors/organisations.csv:{n1}:") and "not well formed" in m for m in msgs)
    assert any(m.startswith(f"codebooks/actors/people.csv:{n2}:") and "overlaps" in m for m in msgs)


def test_malformed_csv_line_is_reported(book_copy):
    n = _append(book_copy / "actors" / "agents.csv", "GOV,too,many,fields")
    msgs = messages(book_copy)
    assert any(m.startswith(f"codebooks/actors/agents.csv:{n}:") and "fields" in m for m in msgs)


def test_validated_codebooks_are_read_back_from_the_cache_and_a_damaged_entry_is_revalidated(tmp_path, monkeypatch):
    from pipeline.codebook import loader

    monkeypatch.setenv("POLEMOS_CACHE", str(tmp_path / "cache"))
    books_dir = tmp_path / "copy" / "codebooks"
    shutil.copytree(ROOT / "codebooks", books_dir)
    loader._load_cached.cache_clear()
    fresh = loader.load_codebooks(books_dir)
    [stored] = (tmp_path / "cache").glob("codebooks-*.pkl")
    loader._load_cached.cache_clear()
    again = loader.load_codebooks(books_dir)
    assert again == fresh and again.root == books_dir.resolve()
    # The coder recognises "any object" by identity: the cached tables must keep it.
    wildcards = [p for p in again.cameo.patterns if p.object == loader.ANY]
    assert wildcards and all(p.object is loader.ANY for p in wildcards)
    stored.write_bytes(b"damaged")
    loader._load_cached.cache_clear()
    assert loader.load_codebooks(books_dir) == fresh
    loader._load_cached.cache_clear()
