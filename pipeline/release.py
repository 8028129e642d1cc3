"""Releases as things to compare, pack and publish.

A release is read from any of: a release folder (data/release or an unpacked archive), an archive
written by `polemos release pack` (.zip, .tar.gz), or a git revision of this project (its
data/release read through DVC, from the clone's cache or the DVC remote). `diff_events` compares
two of them by stable event ID; `changes_markdown`/`changes_json` are CHANGES.md and changes.json,
which compare a build with the previous tagged release (highest SemVer tag below its version).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import tarfile
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import PolemosError

RELEASE_PATH = "data/release"  # the package stage's output (dvc.yaml)
EVENT_KEY = ("article_id", "sentence_index", "verb_start", "source_code", "target_code")
# Columns that say which software made an event, not what the event is: not a "change".
PROVENANCE = {"event_id", "codebook_version", "coder_version", "year", "month"}
TAG_RE = re.compile(r"^v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$")
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")


@dataclass
class Release:
    label: str                # what the user named: a tag, a folder, an archive
    kind: str                 # "rev", "folder" or "archive"
    version: str | None       # from datapackage.json
    events: pa.Table          # every part of events/, dictionary columns decoded


# ---------------------------------------------------------------- reading releases

def _decode(table: pa.Table) -> pa.Table:
    """Plain (non-dictionary) columns, so parts written with different dictionaries concatenate."""
    cols, fields = [], []
    for f, col in zip(table.schema, table.columns):
        if pa.types.is_dictionary(f.type):
            col = col.cast(f.type.value_type)
            f = pa.field(f.name, f.type.value_type, f.nullable)
        cols.append(col)
        fields.append(pa.field(f.name, f.type, f.nullable))
    return pa.Table.from_arrays(cols, schema=pa.schema(fields))


def _events_from_parts(parts: list[tuple[str, bytes]], where: str) -> pa.Table:
    if not parts:
        raise PolemosError(f"{where}: no events/*.parquet in this release")
    tables = []
    for name, data in sorted(parts):
        try:
            # Read the file alone (no Hive partition columns): the layout may change between releases.
            tables.append(_decode(pq.read_table(io.BytesIO(data))))
        except pa.ArrowException as exc:
            raise PolemosError(f"{where}/{name}: not a readable Parquet file ({exc})") from None
    return pa.concat_tables(tables, promote_options="permissive")


def _version(pkg_bytes: bytes | None) -> str | None:
    if pkg_bytes is None:
        return None
    try:
        return str(json.loads(pkg_bytes).get("version")) or None
    except (ValueError, AttributeError):
        return None


def release_root(folder: Path) -> Path | None:
    """The release inside `folder`: itself, or its one subfolder (an unpacked archive)."""
    if (folder / "datapackage.json").is_file() or (folder / "events").is_dir():
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(subs) == 1 and ((subs[0] / "datapackage.json").is_file() or (subs[0] / "events").is_dir()):
        return subs[0]
    return None


def read_folder(folder: Path) -> Release:
    root = release_root(folder)
    if root is None:
        raise PolemosError(f"{folder}: not a release folder (no datapackage.json or events/)")
    parts = [(p.relative_to(root).as_posix(), p.read_bytes()) for p in sorted((root / "events").rglob("*.parquet"))]
    pkg = root / "datapackage.json"
    return Release(str(folder), "folder", _version(pkg.read_bytes() if pkg.is_file() else None),
                   _events_from_parts(parts, str(root)))


def _archive_members(path: Path) -> dict[str, bytes]:
    """name -> bytes of the events parts and datapackage.json inside a .zip or .tar.gz."""
    def wanted(name: str) -> bool:
        return name.endswith("datapackage.json") or ("/events/" in f"/{name}" and name.endswith(".parquet"))

    out: dict[str, bytes] = {}
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    if wanted(name):
                        out[name] = zf.read(name)
        else:
            with tarfile.open(path, "r:*") as tf:
                for m in tf.getmembers():
                    if m.isfile() and wanted(m.name):
                        out[m.name] = tf.extractfile(m).read()
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as exc:
        raise PolemosError(f"{path}: not a readable release archive ({exc})") from None
    return out


def read_archive(path: Path) -> Release:
    members = _archive_members(path)
    pkgs = sorted((n for n in members if PurePosixPath(n).name == "datapackage.json"), key=lambda n: n.count("/"))
    if pkgs:
        root = str(PurePosixPath(pkgs[0]).parent)
    else:  # no datapackage.json: the folder that holds events/
        evs = sorted(members, key=lambda n: n.count("/"))
        if not evs:
            raise PolemosError(f"{path}: no datapackage.json or events/*.parquet in this archive")
        root = evs[0].split("/events/")[0] if "/events/" in evs[0] else "."
    prefix = "" if root == "." else root + "/"
    parts = [(n[len(prefix):], b) for n, b in members.items()
             if n.startswith(prefix + "events/") and n.endswith(".parquet")]
    return Release(str(path), "archive", _version(members.get(pkgs[0]) if pkgs else None),
                   _events_from_parts(parts, f"{path}:{root}"))


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)


def is_git_rev(rev: str, repo: Path) -> bool:
    return _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode == 0


def default_remote(repo: Path) -> tuple[str | None, str | None]:
    """(name, url) of the DVC default remote of the clone (all its config levels merged)."""
    try:
        from dvc.repo import Repo

        with Repo(str(repo)) as r:
            name = r.config["core"].get("remote")
            url = r.config["remote"].get(name, {}).get("url") if name else None
    except Exception:  # not a DVC project, or a config DVC refuses: treat as "no remote"
        return None, None
    return name, url


def fetch_command(repo: Path) -> str:
    """The one command that brings the data of every tagged release into this clone."""
    name, _ = default_remote(repo)
    if name is None:
        return f"dvc remote add -d NAME URL && dvc fetch -r NAME --all-tags {RELEASE_PATH}"
    return f"dvc fetch -r {name} --all-tags {RELEASE_PATH}"


def _missing(rev: str, repo: Path, what: str) -> PolemosError:
    name, url = default_remote(repo)
    where = f"this clone's DVC cache nor remote '{name}' ({url})" if name else "this clone's DVC cache (no DVC remote is set)"
    tag = TAG_RE.match(rev)
    publish = f"polemos release publish {tag.group(1)}" if tag else "dvc push"
    return PolemosError(f"{rev}: {what} is in neither {where}; fetch it with `{fetch_command(repo)}` "
                        f"(the clone that built {rev} uploads it with `{publish}`)")


def read_rev(rev: str, repo: Path) -> Release:
    """data/release of a git revision, through DVC (local cache first, then the default remote)."""
    from dvc.fs import DVCFileSystem

    fs = DVCFileSystem(repo=str(repo), rev=rev)
    try:
        if not fs.isdir(RELEASE_PATH):
            raise PolemosError(f"{rev}: {RELEASE_PATH} is not tracked by DVC at this revision (no release was built)")
        names = sorted(p for p in fs.find(f"{RELEASE_PATH}/events", detail=False) if p.endswith(".parquet"))
        parts = [(n, fs.read_bytes(n)) for n in names]
        pkg = fs.read_bytes(f"{RELEASE_PATH}/datapackage.json") if fs.isfile(f"{RELEASE_PATH}/datapackage.json") else None
    except PolemosError:
        raise
    except Exception as exc:  # DVC: PathMissingError, FileNotFoundError, a remote that is not there ...
        raise _missing(rev, repo, f"the release data ({RELEASE_PATH}) of {rev}") from exc
    finally:
        fs.close()
    if not names:
        raise _missing(rev, repo, f"the release data ({RELEASE_PATH}) of {rev}")
    return Release(rev, "rev", _version(pkg), _events_from_parts(parts, f"{rev}:{RELEASE_PATH}"))


def read_release(ref: str, repo: Path) -> Release:
    """Auto-detect: an existing folder, an existing archive file, else a git revision of `repo`."""
    path = Path(ref)
    if path.is_dir():
        return read_folder(path)
    if path.is_file():
        return read_archive(path)
    if is_git_rev(ref, repo):
        return read_rev(ref, repo)
    if ref.endswith(ARCHIVE_SUFFIXES):
        raise PolemosError(f"{ref}: no such file")
    if not path.exists() and ("/" in ref or os.sep in ref):
        raise PolemosError(f"{ref}: no such release folder or archive (nor a git revision of {repo})")
    raise PolemosError(f"{ref}: not a release folder, a release archive (.zip, .tar.gz) or a git revision of {repo}")


# ---------------------------------------------------------------- previous tagged release

def parse_version(text: str):
    import semver

    m = TAG_RE.match(text.strip())
    if not m:
        return None
    try:
        return semver.Version.parse(m.group(1))
    except ValueError:
        return None


def previous_tag(version: str, repo: Path) -> str | None:
    """The highest SemVer tag (v1.2.3 or 1.2.3) below `version`, or None."""
    current = parse_version(version)
    if current is None:
        raise PolemosError(f"package.version {version!r} is not a SemVer version (MAJOR.MINOR.PATCH)")
    res = _git(repo, "tag", "--list")
    if res.returncode != 0:
        return None  # not a git clone: no tags, a first release
    # A final release compares with the previous final release, not with its own release candidates.
    tags = [(v, t) for t in res.stdout.split() if (v := parse_version(t)) is not None and v < current
            and (current.prerelease or not v.prerelease)]
    return max(tags)[1] if tags else None


# ---------------------------------------------------------------- comparing

def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _root(e: dict) -> str:
    return str(e.get("cameo_root") or "--")


def _country(e: dict) -> str:
    return str(e.get("source_country") or "---")


def diff_events(a: Release, b: Release) -> dict[str, Any]:
    """Added, removed and changed events between two releases, by stable event ID.

    An ID in both with different content is changed; an ID only in one whose article, sentence,
    verb and actors match an ID only in the other is changed too (the code, part of the ID, was
    re-coded); the rest are added or removed. Counts by CAMEO root and by source country."""
    rows_a, rows_b = _rows(a.events), _rows(b.events)
    by_id_a = {e["event_id"]: e for e in rows_a}
    by_id_b = {e["event_id"]: e for e in rows_b}
    content = sorted((set(a.events.column_names) & set(b.events.column_names)) - PROVENANCE)
    changed: list[tuple[dict, dict]] = []
    unchanged = 0
    for eid in sorted(by_id_a.keys() & by_id_b.keys()):
        x, y = by_id_a[eid], by_id_b[eid]
        if any(x[c] != y[c] for c in content):
            changed.append((x, y))
        else:
            unchanged += 1
    only_a = defaultdict(list)
    only_b = defaultdict(list)
    for eid in sorted(by_id_a.keys() - by_id_b.keys()):
        only_a[tuple(by_id_a[eid].get(k) for k in EVENT_KEY)].append(by_id_a[eid])
    for eid in sorted(by_id_b.keys() - by_id_a.keys()):
        only_b[tuple(by_id_b[eid].get(k) for k in EVENT_KEY)].append(by_id_b[eid])
    added, removed = [], []
    for key in set(only_a) | set(only_b):
        xs, ys = only_a.get(key, []), only_b.get(key, [])
        n = min(len(xs), len(ys))
        changed.extend(zip(xs[:n], ys[:n]))
        removed.extend(xs[n:])
        added.extend(ys[n:])
    changed.sort(key=lambda p: (p[0]["event_id"], p[1]["event_id"]))
    added.sort(key=lambda e: e["event_id"])
    removed.sort(key=lambda e: e["event_id"])

    def table(key) -> dict[str, dict[str, int]]:
        counts: dict[str, Counter] = defaultdict(Counter)
        for e in added:
            counts[key(e)]["added"] += 1
        for e in removed:
            counts[key(e)]["removed"] += 1
        for _, y in changed:
            counts[key(y)]["changed"] += 1
        return {k: {s: counts[k][s] for s in ("added", "removed", "changed")} for k in sorted(counts)}

    fields: Counter = Counter()
    changed_events = []
    for x, y in changed:
        diff = [c for c in content if x.get(c) != y.get(c)]
        fields.update(diff)
        changed_events.append({"event_id_a": x["event_id"], "event_id_b": y["event_id"],
                               "cameo_code_a": x.get("cameo_code"), "cameo_code_b": y.get("cameo_code"), "fields": diff})
    return {
        "a": {"release": a.label, "kind": a.kind, "version": a.version},
        "b": {"release": b.label, "kind": b.kind, "version": b.version},
        "events_a": len(rows_a), "events_b": len(rows_b),
        "added": len(added), "removed": len(removed), "changed": len(changed), "unchanged": unchanged,
        "by_root": table(_root), "by_source_country": table(_country),
        "changed_roots": dict(sorted(Counter(f"{_root(x)}->{_root(y)}" for x, y in changed).items())),
        "recoded": dict(sorted(Counter(f"{x.get('cameo_code')}->{y.get('cameo_code')}" for x, y in changed
                                       if x.get("cameo_code") != y.get("cameo_code")).items())),
        "changed_fields": dict(sorted(fields.items())),
        "added_event_ids": [e["event_id"] for e in added],
        "removed_event_ids": [e["event_id"] for e in removed],
        "changed_events": changed_events,
    }


def changed_codebook_files(rev_a: str, rev_b: str, repo: Path) -> list[str]:
    res = _git(repo, "diff", "--name-only", rev_a, rev_b, "--", "codebooks/")
    if res.returncode != 0:
        raise PolemosError(f"git diff {rev_a} {rev_b} failed: {res.stderr.strip().splitlines()[-1] if res.stderr.strip() else res.returncode}")
    return [line for line in res.stdout.splitlines() if line]


def _table_lines(title: str, head: str, rows: dict[str, dict[str, int]]) -> list[str]:
    if not rows:
        return []
    out = ["", f"## {title}", "", f"| {head} | added | removed | changed |", "|---|---:|---:|---:|"]
    out += [f"| {k} | {v['added']} | {v['removed']} | {v['changed']} |" for k, v in rows.items()]
    return out


def format_diff(d: dict[str, Any], files: list[str] | None = None) -> str:
    a, b = d["a"], d["b"]
    name = lambda r: r["release"] + (f" ({r['version']})" if r["version"] and r["version"] not in r["release"] else "")  # noqa: E731
    lines = [f"release diff {name(a)} -> {name(b)}: {d['events_a']} -> {d['events_b']} events; "
             f"{d['added']} added, {d['removed']} removed, {d['changed']} changed, {d['unchanged']} unchanged"]
    if files is not None:
        lines.append("codebook files changed: " + (", ".join(files) if files else "none"))
    for title, key in (("by root (added/removed/changed)", "by_root"),
                       ("by source country (added/removed/changed)", "by_source_country")):
        if d[key]:
            lines.append(f"{title}: " + ", ".join(f"{k} {v['added']}/{v['removed']}/{v['changed']}" for k, v in d[key].items()))
    if d["recoded"]:
        lines.append("re-coded (code before->after): " + ", ".join(f"{k} {v}" for k, v in d["recoded"].items()))
    if d["changed_fields"]:
        lines.append("changed fields: " + ", ".join(f"{k} {v}" for k, v in d["changed_fields"].items()))
    return "\n".join(lines)


def diff_json(d: dict[str, Any]) -> str:
    return json.dumps(d, indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------- CHANGES.md and changes.json

def previous_release(version: str, repo: Path, explicit: str | None = None) -> Release | None:
    """The release a build of `version` is compared with: `explicit` (a folder, archive or rev;
    "none" for none), else the previous SemVer tag's data/release, else None (a first release)."""
    if explicit is not None:
        return None if explicit.lower() == "none" else read_release(explicit, repo)
    tag = previous_tag(version, repo)
    return read_rev(tag, repo) if tag else None


def changes(params: dict[str, Any], events: pa.Table, previous: Release | None) -> dict[str, Any]:
    """changes.json: the diff against the previous release, or a first-release record."""
    current = Release(str(params["version"]), "build", str(params["version"]), _decode(events))
    if previous is None:
        return {"name": params["name"], "version": str(params["version"]), "previous": None,
                "first_release": True, "events": events.num_rows}
    d = diff_events(previous, current)
    return {"name": params["name"], "version": str(params["version"]), "first_release": False,
            "previous": {"release": previous.label, "version": previous.version}, "events": events.num_rows,
            **{k: v for k, v in d.items() if k not in ("a", "b")}}


def changes_markdown(c: dict[str, Any]) -> str:
    lines = [f"# Changes in {c['name']} {c['version']}", ""]
    if c["first_release"]:
        lines.append(f"First release: there is no earlier release tag (vMAJOR.MINOR.PATCH below {c['version']}). "
                     f"{c['events']} events.")
        return "\n".join(lines) + "\n"
    p = c["previous"]
    lines.append(f"Compared with the previous release {p['release']}"
                 + (f" (version {p['version']})" if p["version"] and p["version"] not in p["release"] else "")
                 + f": {c['events_a']} -> {c['events_b']} events; {c['added']} added, {c['removed']} removed, "
                 f"{c['changed']} changed, {c['unchanged']} unchanged. The event IDs are listed in changes.json; "
                 "`polemos release diff A B` compares any two releases.")
    lines += _table_lines("By CAMEO root", "root", c["by_root"])
    lines += _table_lines("By source country", "country", c["by_source_country"])
    if c["recoded"]:
        lines += ["", "## Re-coded events", "", "| CAMEO code before | after | events |", "|---|---|---:|"]
        lines += [f"| {k.split('->')[0]} | {k.split('->')[1]} | {v} |" for k, v in c["recoded"].items()]
    if c["changed_fields"]:
        lines += ["", "## Changed fields", "", "| field | events |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in c["changed_fields"].items()]
    return "\n".join(lines) + "\n"


def write_changes(folder: Path, params: dict[str, Any], events: pa.Table, previous: Release | None) -> None:
    """CHANGES.md and changes.json of a release being built in `folder`."""
    c = changes(params, events, previous)
    (folder / "CHANGES.md").write_text(changes_markdown(c), encoding="utf-8")
    (folder / "changes.json").write_text(json.dumps(c, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- packing

def citation_cff(params: dict[str, Any], books_version: str) -> str:
    return (
        "cff-version: 1.2.0\n"
        "message: If you use this dataset, please cite it as below.\n"
        "type: dataset\n"
        f"title: \"{params.get('title', params['name'])}\"\n"
        f"version: \"{params['version']}\"\n"
        "authors:\n  - name: \"Polemos contributors\"\n"
        "license: CC-BY-4.0\n"
        "keywords: [event data, CAMEO, conflict, political science]\n"
        f"abstract: \"CAMEO-coded event data produced by Polemos (codebooks {books_version}).\"\n"
    )


ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold


def release_epoch(release: Path) -> int:
    """The archive's timestamp: SOURCE_DATE_EPOCH, else the release's date (datapackage.json
    `created`), else 1980-01-01. Never the clock, so packing twice gives the same bytes."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env:
        try:
            return max(int(env), ZIP_EPOCH)
        except ValueError:
            raise PolemosError(f"SOURCE_DATE_EPOCH={env!r}: not a whole number of seconds") from None
    try:
        created = json.loads((release / "datapackage.json").read_text(encoding="utf-8")).get("created")
        when = dt.datetime.fromisoformat(str(created).replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        return max(int(when.timestamp()), ZIP_EPOCH)
    except (OSError, ValueError, TypeError, AttributeError):
        return ZIP_EPOCH


def _members(release: Path, params: dict[str, Any], books_version: str) -> list[tuple[str, bytes]]:
    files = {p.relative_to(release).as_posix(): p.read_bytes() for p in release.rglob("*")
             if p.is_file() and not p.name.startswith(".")}
    root = f"{params['name']}-{params['version']}"
    # Added only when the build did not already write them into the folder; then SHA256SUMS, if
    # present, gains their lines so it still covers every file of the archive.
    extra = {"CITATION.cff": citation_cff(params, books_version).encode(),
             "README.txt": (f"{root}\n\nCAMEO event data produced by Polemos. Start with report.html; the data "
                            "dictionary is DATA_DICTIONARY.md; checksums are in SHA256SUMS; datapackage.json "
                            "describes every table (Frictionless Data Package).\n").encode()}
    extra = {k: v for k, v in extra.items() if k not in files}
    if extra and "SHA256SUMS" in files:
        lines = files["SHA256SUMS"].decode("utf-8").splitlines()
        lines += [f"{hashlib.sha256(v).hexdigest()}  {k}" for k, v in extra.items()]
        files["SHA256SUMS"] = "".join(f"{line}\n" for line in sorted(lines, key=lambda x: x.split("  ", 1)[-1])).encode()
    files.update(extra)
    return sorted(files.items())


def _write_zip(fh, root: str, members: list[tuple[str, bytes]], epoch: int) -> None:
    when = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(f"{root}/{name}", date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is honoured by unzip
            info.external_attr = (0o100644 << 16)
            zf.writestr(info, data, compresslevel=9)


def _write_tar_gz(fh, root: str, members: list[tuple[str, bytes]], epoch: int) -> None:
    # gzip header: no file name, fixed mtime; tar: sorted, owner root:root numeric, 0644/0755.
    with gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=epoch, compresslevel=9) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tf:
            def entry(name: str, isdir: bool, size: int = 0) -> tarfile.TarInfo:
                info = tarfile.TarInfo(name)
                info.type = tarfile.DIRTYPE if isdir else tarfile.REGTYPE
                info.mode = 0o755 if isdir else 0o644
                info.mtime, info.uid, info.gid, info.uname, info.gname, info.size = epoch, 0, 0, "", "", size
                return info

            dirs = sorted({root} | {f"{root}/{p}" for name, _ in members for p in
                                    [str(q) for q in PurePosixPath(name).parents if str(q) != "."]})
            entries = [(d + "/", None) for d in dirs] + [(f"{root}/{n}", b) for n, b in members]
            for name, data in sorted(entries, key=lambda e: e[0].rstrip("/")):
                if data is None:
                    tf.addfile(entry(name.rstrip("/"), True))
                else:
                    tf.addfile(entry(name, False, len(data)), io.BytesIO(data))


def archive_names(release: Path, params: dict[str, Any]) -> list[Path]:
    """Default archives: <name>-<version>.zip and .tar.gz, named after the release's datapackage.json."""
    try:
        pkg = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pkg = {}
    stem = f"{pkg.get('name') or params['name']}-{pkg.get('version') or params['version']}"
    return [Path(stem + ".zip"), Path(stem + ".tar.gz")]


def archive_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar.gz", ".tgz")):
        return "tar.gz"
    raise PolemosError(f"{path}: an archive name ends in .zip, .tar.gz or .tgz")


def pack(release: Path, out: Path, params: dict[str, Any], books_version: str) -> int:
    """One archive (.zip or .tar.gz, by `out`'s name) for Dataverse/Zenodo: the release folder plus
    CITATION.cff and README.txt, under one folder <name>-<version>/. Members are sorted, owned by
    0:0, modes 0644/0755, time-stamped with `release_epoch`, so the same release packs to the same bytes."""
    from pipeline.io import atomic_path

    if not (release / "datapackage.json").is_file():
        raise PolemosError(f"{release}: not a release folder (no datapackage.json); run `dvc repro` first")
    fmt = archive_format(out)
    try:  # name and version of the release packed, which need not be the one params.yaml holds now
        pkg = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
        params = {**params, **{k: pkg[k] for k in ("name", "version", "title") if pkg.get(k)}}
        books_version = next((str(x["version"]) for x in pkg.get("sources", []) if isinstance(x, dict)
                              and x.get("title") == "Polemos codebooks" and x.get("version")), books_version)
    except ValueError:
        raise PolemosError(f"{release}/datapackage.json: not valid JSON") from None
    root = f"{params['name']}-{params['version']}"
    members = _members(release, params, books_version)
    epoch = release_epoch(release)
    with atomic_path(out) as tmp:
        with open(tmp, "wb") as fh:
            (_write_zip if fmt == "zip" else _write_tar_gz)(fh, root, members, epoch)
        os.chmod(tmp, 0o666 & ~_umask())
    return len(members)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- publishing

def publish(version: str, repo: Path, params: dict[str, Any], remote: str | None = None) -> str:
    """Tag the committed build of `version` as v<version> and push its DVC data to the remote."""
    if parse_version(version) is None:
        raise PolemosError(f"{version!r} is not a SemVer version (MAJOR.MINOR.PATCH)")
    version = TAG_RE.match(version).group(1)
    if str(params["version"]) != version:
        raise PolemosError(f"params.yaml package.version is {params['version']}, not {version}: set it, "
                           "`dvc repro`, commit, then publish")
    pkg = repo / RELEASE_PATH / "datapackage.json"
    built = _version(pkg.read_bytes()) if pkg.is_file() else None
    if built != version:
        raise PolemosError(f"{RELEASE_PATH} holds version {built or 'nothing'}, not {version}: run `dvc repro` and commit first")
    dirty = _git(repo, "status", "--porcelain", "--untracked-files=no")
    if dirty.returncode != 0:
        raise PolemosError(f"{repo}: not a git clone ({dirty.stderr.strip()})")
    if dirty.stdout.strip():
        raise PolemosError(f"uncommitted changes ({dirty.stdout.splitlines()[0].strip()} ...): commit them first "
                           "so the tag names exactly this build")
    status = subprocess.run(["dvc", "status", "--json"], cwd=repo, capture_output=True, text=True)
    if status.returncode != 0 or status.stdout.strip() not in ("{}", ""):
        raise PolemosError("the DVC outputs do not match dvc.lock (`dvc status` is not clean): run `dvc repro` and commit first")
    tag = f"v{version}"
    head = _git(repo, "rev-parse", "HEAD").stdout.strip()
    at = _git(repo, "rev-parse", "--verify", "--quiet", f"{tag}^{{commit}}")
    if at.returncode == 0:
        if at.stdout.strip() != head:
            raise PolemosError(f"tag {tag} already names another commit ({at.stdout.strip()[:12]}); "
                               "a published version is never moved: bump package.version")
    else:
        res = _git(repo, "tag", "-a", tag, "-m", f"{params['name']} {version}")
        if res.returncode != 0:
            raise PolemosError(f"git tag {tag} failed: {res.stderr.strip()}")
    name, url = (remote, None) if remote else default_remote(repo)
    if name is None:
        raise PolemosError("no DVC remote is set: `dvc remote add -d NAME URL` (see README, Releases), then publish again")
    res = subprocess.run(["dvc", "push", "-r", name], cwd=repo, capture_output=True, text=True)
    if res.returncode != 0:
        last = (res.stderr.strip() or res.stdout.strip()).splitlines()
        raise PolemosError(f"dvc push -r {name} failed: {last[-1] if last else res.returncode}")
    pushed = (res.stdout.strip().splitlines() or ["done"])[-1]
    return f"published {tag}: data pushed to DVC remote '{name}'{f' ({url})' if url else ''}: {pushed}"
