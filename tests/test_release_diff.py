"""Releases compared with real git + DVC: CHANGES.md against the previous tag, `release diff` on
tags, folders and packed archives, a fresh clone that lacks the data (one-line fix) and then has it,
and archives that pack to the same bytes."""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.coder import event_id
from pipeline.schema import EVENT_FIELDS, arrow_schema
from tests.conftest import ROOT

# (article, sentence, verb_start, source, code, target, date): the tiny event table of 0.1.0.
V1 = [
    ("a1", 0, 13, "KENCOP", "173", "KENOPP", "2016-05-02"),
    ("a1", 1, 7, "RUS", "111", "KEN", "2016-05-02"),
    ("a2", 0, 26, "SYRGOV", "195", "SYRREB", "2016-06-10"),
    ("a2", 1, 7, "TUR", "111", "SYRGOV", "2016-06-10"),
    ("a3", 0, 6, "FRA", "112", "SYRGOV", "2016-06-11"),
    ("a4", 0, 9, "IGOUNO", "1041", "SSD", None),
]
ROOT_OF = lambda code: code[:2]  # noqa: E731
QUAD = {"01": 1, "04": 1, "10": 3, "11": 3, "17": 4, "19": 4, "05": 1}


def event_table(specs) -> pa.Table:
    rows = []
    for art, sent, verb, src, code, tgt, date in specs:
        d = dt.date.fromisoformat(date) if date else None
        rows.append({f.name: None for f in EVENT_FIELDS} | {
            "event_id": event_id(art, sent, verb, src, code, tgt), "article_id": art, "sentence_index": sent,
            "sentence_text": f"Sentence {sent} of {art}.", "published": d, "event_date": d,
            "date_precision": "day" if d else "unknown", "event_date_source": "published" if d else "none",
            "date_future": False, "source_code": src, "source_country": src[:3], "target_code": tgt, "target_country": tgt[:3],
            "verb_text": "verb", "verb_start": verb, "verb_end": verb + 4, "cameo_code": code,
            "cameo_root": ROOT_OF(code), "quad_class": QUAD[ROOT_OF(code)], "goldstein": -1.0,
            "pattern_id": f"p{code}", "location_precision": "none", "codebook_version": "test",
            "coder_version": "test"})
    return pa.Table.from_pylist(rows, schema=arrow_schema(EVENT_FIELDS))


# 0.2.0: a4 dropped (removed), a5 and a6 new (added), a2/0 re-coded 195 -> 190 (changed: new ID,
# same article, sentence, verb and actors), a1/1 re-dated (changed: same ID, other event_date).
V2 = [s for s in V1 if s[0] != "a4" and s[:2] != ("a2", 0) and s[:2] != ("a1", 1)] + [
    ("a1", 1, 7, "RUS", "111", "KEN", "2016-05-01"),
    ("a2", 0, 26, "SYRGOV", "190", "SYRREB", "2016-06-10"),
    ("a5", 0, 4, "USA", "042", "CHN", "2016-07-01"),
    ("a6", 0, 4, "FRA", "057", "DEU", "2016-07-02"),
]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    if shutil.which("dvc") is None or shutil.which("git") is None:
        pytest.fail("dvc and git must be installed (pip install -e .)")
    home = tmp_path_factory.mktemp("home")
    e = {k: v for k, v in os.environ.items() if not k.startswith(("POLEMOS_", "GIT_"))}
    # HOME moves the default DVC remote (~/.local/share/polemos/dvc-remote) into the test's folder;
    # the codebook cache stays where it was so the codebooks are not re-indexed.
    e.update(HOME=str(home), POLEMOS_CACHE=os.environ.get("POLEMOS_CACHE") or os.path.expanduser("~/.cache/polemos"),
             PYTHONPATH=str(ROOT), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
             GIT_COMMITTER_EMAIL="t@t", GIT_CONFIG_NOSYSTEM="1", SOURCE_DATE_EPOCH="1467331200")
    return e


def run(cmd, cwd, env, ok=True):
    res = subprocess.run(cmd, cwd=cwd, shell=True, capture_output=True, text=True, env=env)
    if ok:
        assert res.returncode == 0, f"{cmd}\n{res.stdout}\n{res.stderr}"
    return res


def polemos(args, cwd, env, ok=True):
    return run(f"{sys.executable} -m pipeline {args}", cwd, env, ok)


def set_version(repo, version, specs):
    (repo / "params.yaml").write_text(f"package:\n  name: polemos-sample-events\n  version: {version}\n  title: Tiny\n")
    pq.write_table(event_table(specs), repo / "data" / "interim" / "events.parquet")


@pytest.fixture(scope="module")
def project(tmp_path_factory, env):
    """origin: 0.1.0 built, committed and published; 0.2.0 built, committed and tagged, not yet pushed."""
    base = tmp_path_factory.mktemp("releases")
    repo = base / "origin"
    (repo / "data" / "interim").mkdir(parents=True)
    shutil.copytree(ROOT / "codebooks", repo / "codebooks")
    (repo / "dvc.yaml").write_text(
        "stages:\n  package:\n"
        f"    cmd: {sys.executable} -m pipeline release build data/interim/events.parquet --out data/release\n"
        "    deps: [data/interim/events.parquet]\n    params: [package]\n"
        "    outs:\n      - data/release:\n          persist: true\n")
    run("git init -q && dvc init -q", repo, env)
    shutil.copy(ROOT / ".dvc" / "config", repo / ".dvc" / "config")  # the project's remote setup, as shipped
    set_version(repo, "0.1.0", V1)
    run("dvc repro -q && git add -A && git commit -qm 'release 0.1.0'", repo, env)
    out = polemos("release publish 0.1.0", repo, env).stdout
    assert "published v0.1.0" in out and "pushed to DVC remote 'local'" in out
    assert any((Path(env["HOME"]) / ".local/share/polemos/dvc-remote").rglob("*")), "nothing pushed to the default remote"
    shutil.copytree(repo / "data" / "release", base / "folder-0.1.0")
    polemos(f"release pack --release {base / 'folder-0.1.0'} --out {base / 'a.zip'} --out {base / 'a.tar.gz'}", repo, env)
    set_version(repo, "0.2.0", V2)
    run("dvc repro -q && git add -A && git commit -qm 'release 0.2.0' && git tag v0.2.0", repo, env)
    shutil.copytree(repo / "data" / "release", base / "folder-0.2.0")
    polemos(f"release pack --release {base / 'folder-0.2.0'} --out {base / 'b.zip'} --out {base / 'b.tar.gz'}", repo, env)
    return base


EXPECTED = {"events_a": 6, "events_b": 7, "added": 2, "removed": 1, "changed": 2, "unchanged": 3}


def check_diff(d):
    assert {k: d[k] for k in EXPECTED} == EXPECTED
    assert d["removed_event_ids"] == [event_id(*V1[5][:6])]
    assert d["added_event_ids"] == sorted(event_id(*s[:6]) for s in V2[-2:])
    recoded = next(c for c in d["changed_events"] if c["cameo_code_a"] != c["cameo_code_b"])
    assert (recoded["cameo_code_a"], recoded["cameo_code_b"]) == ("195", "190")
    assert recoded["event_id_a"] == event_id(*V1[2][:6]) and recoded["event_id_b"] == event_id(*V2[-3][:6])
    redated = next(c for c in d["changed_events"] if c["cameo_code_a"] == c["cameo_code_b"])
    assert redated["event_id_a"] == redated["event_id_b"] == event_id(*V1[1][:6])
    assert redated["fields"] == ["event_date", "published"]
    assert d["by_root"] == {"04": {"added": 1, "removed": 0, "changed": 0},
                            "05": {"added": 1, "removed": 0, "changed": 0},
                            "10": {"added": 0, "removed": 1, "changed": 0},
                            "11": {"added": 0, "removed": 0, "changed": 1},
                            "19": {"added": 0, "removed": 0, "changed": 1}}
    assert d["by_source_country"]["IGO"] == {"added": 0, "removed": 1, "changed": 0}
    assert d["by_source_country"]["FRA"] == {"added": 1, "removed": 0, "changed": 0}
    assert d["changed_roots"] == {"11->11": 1, "19->19": 1}
    assert d["recoded"] == {"195->190": 1}


def test_changes_compare_with_the_previous_tag(project, env):
    first = (project / "folder-0.1.0" / "CHANGES.md").read_text()
    assert "First release" in first and json.loads((project / "folder-0.1.0" / "changes.json").read_text())["first_release"]
    c = json.loads((project / "folder-0.2.0" / "changes.json").read_text())
    assert c["previous"] == {"release": "v0.1.0", "version": "0.1.0"}
    check_diff({**c, "events_a": c["events_a"]})
    md = (project / "folder-0.2.0" / "CHANGES.md").read_text()
    assert "previous release v0.1.0" in md and "2 added, 1 removed, 2 changed" in md
    assert "| 19 | 0 | 0 | 1 |" in md and "| IGO | 0 | 1 | 0 |" in md and "| 195 | 190 | 1 |" in md
    # Rebuilt over itself, 0.2.0 still compares with v0.1.0, not with the build left in the folder.
    repo = project / "origin"
    run("dvc repro -f -q", repo, env)
    assert (repo / "data/release/CHANGES.md").read_text() == md
    assert (repo / "data/release/changes.json").read_bytes() == (project / "folder-0.2.0" / "changes.json").read_bytes()
    run("git checkout -q -- dvc.lock && dvc checkout -q", repo, env)  # back to the committed v0.2.0 build


@pytest.mark.parametrize("a,b", [("v0.1.0", "v0.2.0"), ("folder-0.1.0", "folder-0.2.0"), ("a.zip", "b.tar.gz"),
                                 ("a.tar.gz", "folder-0.2.0"), ("v0.1.0", "b.zip")])
def test_diff_any_two_kinds_of_release(project, env, a, b):
    arg = lambda x: x if x.startswith("v") else str(project / x)  # noqa: E731
    out = polemos(f"release diff {arg(a)} {arg(b)} --json {project / 'd.json'}", project / "origin", env).stdout
    d = json.loads((project / "d.json").read_text())
    check_diff(d)
    assert d["a"]["version"] == "0.1.0" and d["b"]["version"] == "0.2.0"
    assert "6 -> 7 events; 2 added, 1 removed, 2 changed, 3 unchanged" in out
    if a.startswith("v") and b.startswith("v"):
        assert d["codebook_files_changed"] == [] and "codebook files changed: none" in out


def test_fresh_clone_names_the_fetch_command_then_works(project, env):
    clone = project / "clone"
    run(f"git clone -q {project / 'origin'} {clone}", project, env)
    # On a machine where the default remote's folder does not exist, the first tag read says so.
    res = polemos("release diff v0.1.0 v0.2.0", clone, {**env, "HOME": str(project / "elsewhere")}, ok=False)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "v0.1.0: the release data (data/release) of v0.1.0 is in neither this clone's DVC cache nor remote 'local'" in res.stderr
    assert "`dvc fetch -r local --all-tags data/release`" in res.stderr
    res = polemos("release diff v0.1.0 v0.2.0", clone, env, ok=False)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr
    assert lines[0].startswith("polemos: error: v0.2.0: the release data (data/release) of v0.2.0")
    assert "polemos release publish 0.2.0" in lines[0]
    fix = re.search(r"fetch it with `([^`]+)`", lines[0]).group(1)
    assert fix == "dvc fetch -r local --all-tags data/release"
    # The clone that built v0.2.0 publishes it (the tag is already there), then the fix works.
    polemos("release publish 0.2.0", project / "origin", env)
    run(fix, clone, env)
    polemos(f"release diff v0.1.0 v0.2.0 --json {project / 'clone.json'}", clone, env)
    check_diff(json.loads((project / "clone.json").read_text()))


def test_publish_refuses_what_it_cannot_name_exactly(project, env):
    repo = project / "origin"
    res = polemos("release publish 0.3.0", repo, env, ok=False)
    assert res.returncode == 2 and "package.version is 0.2.0, not 0.3.0" in res.stderr
    (repo / "params.yaml").write_text((repo / "params.yaml").read_text() + "# edited\n")
    try:
        res = polemos("release publish 0.2.0", repo, env, ok=False)
        assert res.returncode == 2 and "uncommitted changes" in res.stderr
    finally:
        run("git checkout -q -- params.yaml", repo, env)


def test_bad_arguments_are_one_line_errors(project, env):
    res = polemos(f"release diff v9.9.9 {project / 'b.zip'}", project / "origin", env, ok=False)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "v9.9.9: not a release folder, a release archive (.zip, .tar.gz) or a git revision" in res.stderr
    (project / "junk.zip").write_bytes(b"not a zip")
    res = polemos(f"release diff {project / 'junk.zip'} {project / 'b.zip'}", project / "origin", env, ok=False)
    assert res.returncode == 2 and "junk.zip: not a readable release archive" in res.stderr


def test_pack_is_byte_reproducible_with_fixed_owners_times_and_modes(project, env, tmp_path):
    folder = project / "folder-0.2.0"
    outs = {}
    for n in (1, 2):
        polemos(f"release pack --release {folder} --out {tmp_path / f'{n}.zip'} --out {tmp_path / f'{n}.tar.gz'}",
                project / "origin", env)
        outs[n] = [(tmp_path / f"{n}{ext}").read_bytes() for ext in (".zip", ".tar.gz")]
    assert outs[1] == outs[2]
    mask = os.umask(0o022)
    os.umask(mask)
    assert (tmp_path / "1.tar.gz").stat().st_mode & 0o777 == 0o666 & ~mask  # honours the umask, not 0600
    epoch = int(env["SOURCE_DATE_EPOCH"])
    with tarfile.open(tmp_path / "1.tar.gz") as tf:
        members = tf.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names) and names[0] == "polemos-sample-events-0.2.0"
    assert all(m.uid == 0 and m.gid == 0 and m.uname == "" and m.mtime == epoch for m in members)
    assert {m.mode for m in members if m.isfile()} == {0o644} and {m.mode for m in members if m.isdir()} == {0o755}
    with zipfile.ZipFile(tmp_path / "1.zip") as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(2016, 7, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    files = {n.split("/", 1)[1] for n in names if "/" in n and not any(m.name == n and m.isdir() for m in members)}
    assert files == {i.filename.split("/", 1)[1] for i in infos}
    assert {"CITATION.cff", "CHANGES.md", "changes.json", "datapackage.json", "SHA256SUMS"} <= files
    with tarfile.open(tmp_path / "1.tar.gz") as tf:  # the archive's SHA256SUMS covers every other member
        data = {m.name.split("/", 1)[1]: tf.extractfile(m).read() for m in members if m.isfile()}
    sums = dict(reversed(line.split("  ", 1)) for line in data["SHA256SUMS"].decode().splitlines())
    assert set(sums) == set(data) - {"SHA256SUMS"}
    assert all(hashlib.sha256(data[n]).hexdigest() == h for n, h in sums.items())
    # Another timestamp gives other bytes: the date really comes from SOURCE_DATE_EPOCH.
    polemos(f"release pack --release {folder} --out {tmp_path / '3.zip'}", project / "origin",
            {**env, "SOURCE_DATE_EPOCH": str(epoch + 86400)})
    assert (tmp_path / "3.zip").read_bytes() != outs[1][0]


def readme_release_lines(prefixes):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Releases"):]
    section = section[:section.index("\n## ", 3)]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    lines = [line.split("  #")[0].strip() for b in blocks for line in b.splitlines()]
    return [line for line in lines if line.startswith(prefixes)]


def test_readme_release_commands_run_as_written(project, env):
    """The README's diff, pack and fetch lines, run as written (`polemos` = this checkout)."""
    origin, clone = project / "origin", project / "clone"
    assert "url = ~/.local/share/polemos/dvc-remote" in (ROOT / ".dvc" / "config").read_text()
    assert "remote = local" in (ROOT / ".dvc" / "config").read_text()
    fetch = readme_release_lines(("dvc fetch -r local",))
    assert fetch == ["dvc fetch -r local --all-tags data/release"]  # what the missing-data error prints
    assert readme_release_lines(("polemos release pack",)) == ["polemos release pack"]
    polemos("release pack", origin, env)  # the current build, 0.2.0, under its default names
    assert (origin / "polemos-sample-events-0.2.0.zip").is_file()
    for folder in ("folder-0.1.0", "folder-0.2.0"):
        polemos(f"release pack --release {project / folder}", origin, env)
    assert (origin / "polemos-sample-events-0.1.0.zip").is_file() and (origin / "polemos-sample-events-0.2.0.tar.gz").is_file()
    diffs = readme_release_lines(("polemos release diff",))
    assert len(diffs) >= 4
    for line in diffs:
        out = polemos(line.removeprefix("polemos "), origin, env).stdout
        assert "2 added, 1 removed, 2 changed, 3 unchanged" in out, line
    run(fetch[0], clone, env)


def test_previous_tag_is_the_highest_semver_tag_below(tmp_path, env):
    from pipeline.errors import PolemosError
    from pipeline.release import previous_tag

    run("git init -q && git commit -q --allow-empty -m x", tmp_path, env)
    for tag in ("v0.1.0", "v0.2.0-rc.1", "v0.2.0", "0.10.0", "v1.0.0", "nightly", "v2"):
        run(f"git tag {tag}", tmp_path, env)
    assert previous_tag("0.1.0", tmp_path) is None
    assert previous_tag("0.2.0", tmp_path) == "v0.1.0"          # not its own release candidate
    assert previous_tag("0.2.0-rc.2", tmp_path) == "v0.2.0-rc.1"
    assert previous_tag("0.3.0", tmp_path) == "v0.2.0"
    assert previous_tag("0.10.1", tmp_path) == "0.10.0"          # SemVer order, not string order
    assert previous_tag("3.0.0", tmp_path) == "v1.0.0"
    outside = tmp_path.parent / "not-a-clone"
    outside.mkdir()
    assert previous_tag("3.0.0", outside) is None  # no git clone: no tags, a first release
    with pytest.raises(PolemosError, match="not a SemVer version"):
        previous_tag("two", tmp_path)
