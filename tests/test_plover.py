"""PLOVER beside CAMEO: the generated mapping, its validating loader and the event columns."""

import subprocess
import sys

import pytest

from pipeline.codebook.loader import check_codebooks
from tests.conftest import ROOT, shared_file

PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


def test_every_coded_cameo_code_has_a_plover_type_except_roots_01_and_02(books):
    cameo = books.cameo
    for code in cameo.codes:
        if len(code) < 3:
            continue  # root headings are coded as their "0" code
        event_type, _ = cameo.plover_of(code)
        if code[:2] in ("01", "02"):
            assert event_type is None, code
        else:
            assert event_type in PLOVER_TYPES, code
    assert cameo.plover_of("0871") == ("RETREAT", "ceasefire")
    assert cameo.plover_of("042") == ("CONSULT", "visit")
    assert cameo.plover_of("195") == ("ASSAULT", "heavy-weapons")
    assert cameo.plover_of("173")[0] == "COERCE"
    assert cameo.plover_of("030") == ("AGREE", None)


def test_plover_file_is_regenerated_byte_for_byte_from_the_reference():
    source = shared_file("reference", "cameo_to_plover.txt")
    res = subprocess.run([sys.executable, "scripts/plover_codebook.py", str(source)], cwd=ROOT, capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout == (ROOT / "codebooks" / "cameo" / "plover.csv").read_text(encoding="utf-8")


def test_plover_file_records_its_source_and_copies_no_descriptions():
    text = (ROOT / "codebooks" / "cameo" / "plover.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "code,event_type,mode,context"
    assert "cameo_to_plover.txt" in lines[1] and "PLOVER manual Draft 0.8" in lines[1]
    assert all(len(line.split(",")) == 4 for line in lines[2:])
    assert "Express intent" not in text and "Use conventional military force" not in text


def test_generator_reads_the_table_format(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from plover_codebook import convert
    finally:
        sys.path.pop(0)
    table = ("# header\n\n19: ASSAULT\n190: ASSAULT, , military # Use force\n196: ASSAULT, , legal; military # x\n"
             "175: ASSAULT, pro_autocracy , military # a\n175: ASSAULT, pro_autocracy , military # b\n"
             "9999: AID, , # not a CAMEO code here\n")
    rows = convert(table, {"190", "196", "175"})
    assert rows == [("175", "ASSAULT", "pro_autocracy", "military"), ("190", "ASSAULT", "", "military"),
                    ("196", "ASSAULT", "", "legal; military")]


def test_bad_plover_rows_are_reported_with_file_and_line(book_copy):
    path = book_copy / "cameo" / "plover.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    base = len(lines)
    lines += ["999,AID,,", "010,consult,,", "011,CONSULT,Visit!,", "0871,RETREAT,ceasefire,military", "012,,,"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = check_codebooks(book_copy)
    msgs = [str(p) for p in problems]
    name = "codebooks/cameo/plover.csv"
    assert any(m.startswith(f"{name}:{base + 1}:") and "unknown CAMEO code '999'" in m for m in msgs)
    assert any(m.startswith(f"{name}:{base + 2}:") and "event type" in m for m in msgs)
    assert any(m.startswith(f"{name}:{base + 3}:") and "mode" in m for m in msgs)
    assert any(m.startswith(f"{name}:{base + 4}:") and "duplicate code 0871" in m for m in msgs)
    assert any(m.startswith(f"{name}:{base + 5}:") and "event_type" in m for m in msgs)
    assert len(msgs) == 5


def test_coded_events_carry_plover_columns(code_text, books):
    rows = code_text("Syrian government warplanes bombed rebel positions in Aleppo on Friday.")
    assert rows
    for r in rows:
        assert (r["plover_event_type"], r["plover_mode"]) == books.cameo.plover_of(r["cameo_code"])
    from pipeline.schema import EVENT_COLUMNS

    assert EVENT_COLUMNS.index("plover_event_type") == EVENT_COLUMNS.index("goldstein") + 1
    assert set(rows[0]) == set(EVENT_COLUMNS)
