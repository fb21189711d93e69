"""The command line: thin commands that call the library and format its results.

Exit codes: 0 ok, 1 the data does not conform to the shapes, 2 bad input or usage.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import PeacegraphError

if TYPE_CHECKING:
    import datetime

    from .validation.report import Report

# The stages, and the standard modules only some commands need, are imported by the commands that
# use them, so that `--version`, `--help` and `query` start without loading rdflib, pySHACL and the
# rest (see bench/query.py).

SEEDS = click.option(
    "--seeds",
    type=click.Path(path_type=Path),
    default=Path("seeds"),
    show_default=True,
    help="Directory of seed texts and records/.",
)
OUT = click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Directory of the published dumps.",
)


class UsageFailure(click.ClickException):
    exit_code = 2


class DataFailure(click.ClickException):
    exit_code = 1


#: Longer messages are cut: a message is one line a person reads, not a dump of the input.
MAX_MESSAGE = 1000


def one_line(text: str) -> str:
    """``text`` as one printable line: line breaks become spaces, control characters are escaped."""
    flat = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in " ".join(text.splitlines())
    )
    return flat if len(flat) <= MAX_MESSAGE else flat[: MAX_MESSAGE - 1] + "…"


def _fail(error: PeacegraphError) -> click.ClickException:
    from .validation.report import NonConformingError

    if isinstance(error, NonConformingError):
        return DataFailure(one_line(str(error)))
    return UsageFailure(one_line(str(error)))


def _note(message: str) -> None:
    """What a user should know that is not an error (a first release, a wait for another build)."""
    click.echo(f"peacegraph: {message}", err=True)


def _warning_only(message: str) -> None:
    """For --quiet: notes are dropped, warnings are not."""
    if message.startswith("warning:"):
        _note(message)


def _print_report(report: Report) -> None:
    for violation in report.violations:
        click.echo(str(violation), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="peacegraph")
def main() -> None:
    """Build, check and query the peacegraph linked-data dataset."""


@main.command()
@SEEDS
@OUT
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print nothing but errors and warnings (no progress, no summary, no notes).",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    help="The previous release (directory or .nt dump) whose identifiers must all be kept [default: OUT]; "
    "it must exist and match its SHA256SUMS.",
)
def build(seeds: Path, out: Path, quiet: bool, previous: Path | None) -> None:
    """Build the dataset from SEEDS into OUT (Turtle, JSON-LD, N-Triples), validating it first."""
    from . import pipeline
    from . import progress as bars
    from .validation.report import NonConformingError

    settings = pipeline.Settings(seeds=seeds, out=out, previous=previous)
    try:
        with bars.stages(pipeline.STAGES, "build", enabled=not quiet and bars.is_terminal()) as progress:
            result = pipeline.build(settings, progress=progress, notify=_warning_only if quiet else _note)
    except NonConformingError as error:
        _print_report(error.report)
        raise _fail(error) from None
    except PeacegraphError as error:
        raise _fail(error) from None
    if not quiet:
        timings = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings.items())
        click.echo(f"built {len(result.triples)} triples into {out}/ ({timings})")


@main.command()
@SEEDS
def check(seeds: Path) -> None:
    """Load and check the records without writing anything; list curation warnings."""
    from .records import curation, loader

    try:
        corpus = loader.load(seeds)
    except PeacegraphError as error:
        raise _fail(error) from None
    for finding in curation.findings(corpus):
        click.echo(f"warning: {finding}")
    click.echo(f"ok: {len(corpus.documents)} documents, {len(corpus.positions)} positions")


@main.command()
@SEEDS
@click.option("--warnings/--no-warnings", default=True, help="List curation warnings too.")
def stats(seeds: Path, warnings: bool) -> None:
    """Counts per kind and per document, positions per topic, entities without Wikidata links."""
    from .records import curation, loader

    try:
        corpus = loader.load(seeds)
    except PeacegraphError as error:
        raise _fail(error) from None
    result = curation.stats(corpus)
    click.echo("records")
    for kind, count in result.per_kind.items():
        click.echo(f"  {kind:<14} {count}")
    click.echo("source documents")
    for key, counts in result.per_document.items():
        click.echo(f"  {key}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    click.echo("positions per topic")
    for topic, count in result.positions_per_topic.items():
        click.echo(f"  {topic:<40} {count}")
    click.echo("without a Wikidata link")
    for prefix, keys in result.without_wikidata.items():
        click.echo(f"  {prefix}: {len(keys)}")
    if warnings:
        for finding in result.findings:
            click.echo(f"warning: {finding}")


@main.command()
@OUT
@click.option(
    "--shapes",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="Shapes directory (default: the shipped shapes).",
)
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="fast: the shapes compiled to SPARQL (pySHACL, with a warning, for shapes it cannot compile); "
    "pyshacl: the reference.",
)
def validate(out: Path, shapes: Path | None, engine: str) -> None:
    """Re-check a built OUT against the shapes."""
    import warnings

    from .release import outdir
    from .resources import shapes_dir
    from .validation import fast as fastshacl

    try:
        triples = outdir.read_dumps(out)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", fastshacl.FallbackWarning)
            report = fastshacl.validate(triples, shapes or shapes_dir(), engine="auto" if engine == "fast" else engine)
    except PeacegraphError as error:
        raise _fail(error) from None
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    if not report.conforms:
        _print_report(report)
        raise DataFailure(report.summary())
    click.echo(f"{out}/: {len(triples)} triples; {report.summary()}")


@main.command()
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False, allow_dash=True),
    help="Read the query from a file (- for standard input).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld", "rdfxml"]),
    default="table",
    show_default=True,
    help="SELECT/ASK: table for people, csv, tsv, json or xml (SPARQL results); "
    "CONSTRUCT/DESCRIBE: turtle (also for table), ntriples, jsonld or rdfxml.",
)
@click.option("--ontology", is_flag=True, help="Query the ontology too, not only the dataset's dumps.")
@OUT
def query(query: str | None, query_file: Path | None, fmt: str, ontology: bool, out: Path) -> None:
    """Run a SPARQL QUERY (or -f FILE) over the built dumps. Usual prefixes are predeclared."""

    from .query import cache, store

    if (query is None) == (query_file is None):
        raise UsageFailure("give a QUERY or -f FILE, not both and not neither")
    try:
        if query_file is not None:
            text = store.read_query(query_file)
        else:
            assert query is not None
            text = query
        results = store.run(cache.open_cached(out, ontology=ontology), text)
        click.echo(store.format_results(results, fmt, text), nl=False)
    except PeacegraphError as error:
        raise _fail(error) from None


@main.command()
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("quote")
def locate(source: Path, quote: str) -> None:
    """Print the offsets of QUOTE in the seed text SOURCE (for writing position records)."""
    from .records import quotes

    try:
        spans = quotes.locate(source, quote)
    except PeacegraphError as error:
        raise _fail(error) from None
    for start, end in spans:
        click.echo(f"start: {start}\nend: {end}")
    if len(spans) > 1:
        click.echo(f"warning: the quote occurs {len(spans)} times; quote more to make it unique", err=True)


@main.command("publish")
@OUT
@click.option("--query-endpoint", required=True, metavar="URL", help="SPARQL query endpoint (to verify the load).")
@click.option("--update-endpoint", required=True, metavar="URL", help="SPARQL Update endpoint.")
@click.option(
    "--store-endpoint",
    metavar="URL",
    help="Graph Store HTTP Protocol endpoint; without it the dump is sent as SPARQL Update.",
)
@click.option("--graph", required=True, metavar="IRI", help="The named graph to replace with the dump.")
@click.option("--attempts", type=click.IntRange(min=1), default=5, show_default=True, help="Tries per request.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True, help="Seconds per request.")
def publish_graph(
    out: Path,
    query_endpoint: str,
    update_endpoint: str,
    store_endpoint: str | None,
    graph: str,
    attempts: int,
    timeout: float,
) -> None:
    """Replace a named graph on a SPARQL server with the dump in OUT, so readers never see half of it.

    Credentials come only from the environment: PEACEGRAPH_SPARQL_USER, PEACEGRAPH_SPARQL_PASSWORD and
    PEACEGRAPH_SPARQL_AUTH (basic, the default, or digest), or PEACEGRAPH_SPARQL_TOKEN (a bearer token).
    """
    from .remote import endpoint as remote
    from .remote import publish as publishing

    try:
        settings = publishing.Settings(
            target=publishing.Target(query_endpoint, update_endpoint, graph, store_endpoint),
            out=out,
            credentials=remote.Credentials.from_env(os.environ),
            retry=remote.Retry(attempts=attempts),
            timeout=timeout,
        )
        result = publishing.publish(settings)
    except PeacegraphError as error:
        raise _fail(error) from None
    click.echo(f"published {result.triples} triples into <{result.graph}> ({result.method})")


@main.command()
@SEEDS
@click.option(
    "--endpoint",
    "url",
    default="https://query.wikidata.org/sparql",
    show_default=True,
    metavar="URL",
    help="A Wikidata-compatible SPARQL query endpoint.",
)
@click.option(
    "--review",
    type=click.Path(path_type=Path),
    default=Path("reconcile-review.csv"),
    show_default=True,
    help="The review file to write (CSV).",
)
@click.option(
    "--cache",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(".cache/reconcile"),
    show_default=True,
    help="Directory of cached answers.",
)
@click.option(
    "--interval", type=click.FloatRange(min=0), default=1.0, show_default=True, help="Seconds between requests."
)
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True, help="Seconds per request.")
def reconcile(seeds: Path, url: str, review: Path, cache: Path, interval: float, timeout: float) -> None:
    """Check every Wikidata link (label and kind) and propose candidates for the rest, into a review file.

    Records are never changed. Answers are cached in CACHE; cached answers send no request.
    """
    from .remote import reconcile as reconciling

    settings = reconciling.Settings(seeds, url, review, cache, interval=interval, timeout=timeout)
    try:
        reviews = reconciling.reconcile(settings)
    except PeacegraphError as error:
        raise _fail(error) from None
    click.echo(f"{review}: {reconciling.summary(reviews)}")


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def diff_releases(old: str, new: str, as_json: bool) -> None:
    """Entities added, removed and changed per class, and the triples that changed, from OLD to NEW.

    OLD and NEW are dump files, release directories (checked against their SHA256SUMS), git:REV
    (out/peacegraph.nt at a git revision, e.g. git:HEAD) or release:VERSION (the out/ of that release,
    found in the history of seeds/release.yaml, e.g. release:0.1.0).
    """
    import json

    from .release import diff as differ

    try:
        changes = differ.compare(differ.read(old), differ.read(new))
    except PeacegraphError as error:
        raise _fail(error) from None
    if as_json:
        click.echo(json.dumps(differ.to_json(changes), ensure_ascii=False, indent=1))
    else:
        click.echo(differ.to_text(changes), nl=False)


@main.command("release")
@click.argument("version")
@SEEDS
@OUT
@click.option("--date", "issued", type=click.DateTime(formats=["%Y-%m-%d"]), help="Issued date [default: today].")
@click.option(
    "--since", metavar="OLD", help="The previous release, as for `diff` [default: release:CURRENT, from git history]."
)
@click.option(
    "--changelog",
    "changelog_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("CHANGELOG.md"),
    show_default=True,
    help="The changelog that gets the new entry.",
)
def release_dataset(
    version: str, seeds: Path, out: Path, issued: datetime.datetime | None, since: str | None, changelog_file: Path
) -> None:
    """Release VERSION: build OUT stamped with it, then update SEEDS/release.yaml and CHANGELOG.md.

    Fails, changing nothing, if an identifier of the previous release (SINCE) is gone or the data
    does not conform.
    """
    import datetime

    from . import pipeline, releasing
    from . import progress as bars
    from .release import diff as differ
    from .validation.report import NonConformingError

    day = issued.date() if issued else datetime.date.today()
    settings = pipeline.Settings(seeds=seeds, out=out)
    try:
        with bars.stages(pipeline.STAGES, "release") as progress:
            outcome = releasing.make(settings, version, day, since, changelog_file, progress, _note)
    except NonConformingError as error:
        _print_report(error.report)
        raise _fail(error) from None
    except PeacegraphError as error:
        raise _fail(error) from None
    click.echo(differ.to_text(outcome.changes).splitlines()[1])
    click.echo(
        f"released {version} ({day.isoformat()}) into {out}/; review the entry in {changelog_file}, then "
        f"commit it with {out}/ and {seeds}/release.yaml (a tag v{version} is optional)"
    )


@main.command("docs")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("docs"),
    show_default=True,
    help="Directory for ontology.html, model.dot and model.svg.",
)
@click.option(
    "--ontology",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="Ontology file [default: the shipped ontology].",
)
def docs(out: Path, ontology: Path | None) -> None:
    """Generate the ontology reference (pyLODE) and the diagram of the model (Graphviz) into OUT."""
    from .release import ontodoc
    from .resources import ontology_file

    try:
        written = ontodoc.write(ontology or ontology_file(), out)
    except PeacegraphError as error:
        raise _fail(error) from None
    click.echo("wrote " + ", ".join(str(path) for path in written))


@main.command()
@OUT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 picks a free port.")
@click.option(
    "--seeds",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("seeds"),
    show_default=True,
    help="Seed texts, to show each quote in its paragraph (pages do without).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds a query may run.",
)
@click.option(
    "--max-result-bytes",
    type=click.IntRange(min=1),
    default=10_000_000,
    show_default=True,
    help="Largest result a query may return.",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Queries run at once.")
@click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=1 << 30,
    show_default=True,
    help="Bytes of memory each query worker may use (0: no cap).",
)
@click.option(
    "--queue",
    "max_queued",
    type=click.IntRange(min=0),
    default=32,
    show_default=True,
    help="Queries that may wait for a worker; more get 503.",
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds a client has to send a whole request, or to read on in its answer; slower connections are closed.",
)
@click.option(
    "--max-unsent-bytes",
    "max_unsent",
    type=click.IntRange(min=1),
    default=256 << 20,
    show_default=True,
    help="Bytes of answers that may wait for clients that do not read them; past it, queries get 503.",
)
@click.option(
    "--access-log", is_flag=True, help="Log every request on standard output (slower; else warnings and errors only)."
)
def serve(
    out: Path,
    host: str,
    port: int,
    seeds: Path,
    timeout: float,
    max_result_bytes: int,
    workers: int,
    max_memory: int,
    max_queued: int,
    request_timeout: float,
    max_unsent: int,
    access_log: bool,
) -> None:
    """Serve OUT: a read-only SPARQL endpoint at /sparql, a query UI at /, and a page for every identifier."""
    from .web.server import ServerSettings
    from .web.server import serve as run_server
    from .web.workers import Limits

    limits = Limits(timeout=timeout, max_bytes=max_result_bytes, workers=workers, max_memory=max_memory or None)
    settings = ServerSettings(
        out=out,
        seeds=seeds if seeds.is_dir() else None,
        host=host,
        port=port,
        limits=limits,
        max_queued=max_queued,
        request_seconds=request_timeout,
        max_unsent=max_unsent,
        access_log=access_log,
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}, so other machines may reach this endpoint", err=True)

    def ready(url: str) -> None:
        click.echo(f"serving {out}/ at {url} (SPARQL endpoint: {url}sparql); press Ctrl-C to stop")

    try:
        run_server(settings, ready)
    except PeacegraphError as error:
        raise _fail(error) from None


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Directory to write the site into (files already there are overwritten, others kept).",
)
@click.option(
    "--release",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=Path("out"),
    show_default=True,
    help="The built release to publish.",
)
@click.option(
    "--seeds",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("seeds"),
    show_default=True,
    help="Seed texts, to show each quote in its paragraph (pages do without).",
)
def site(out: Path, release: Path, seeds: Path) -> None:
    """Write the identifiers' pages and RDF as a static site, with .htaccess redirect rules (303 by Accept)."""
    from .web import site as static_site

    try:
        count = static_site.write(release, out, seeds if seeds.is_dir() else None)
    except PeacegraphError as error:
        raise _fail(error) from None
    click.echo(f"wrote {count} files into {out}/")


@main.command()
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--key", help="Key of the drafted document [default: minted from its title and date].")
@SEEDS
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Record file to write [default: SEEDS/records/KEY.yaml].",
)
@click.option("--force", is_flag=True, help="Replace an existing record file; draft a text already curated.")
def draft(source: Path, key: str | None, seeds: Path, out: Path | None, force: bool) -> None:
    """Draft records from a raw document SOURCE (.txt, .md, .html, .pdf) for a curator to review.

    The text goes into SEEDS as a seed text, the records into SEEDS/records/KEY.yaml; every value that
    needs a person's eye carries a `review:` note. The draft builds as it is.
    """
    from .draft import run as drafting

    try:
        outcome = drafting.run(drafting.Settings(source=source, seeds=seeds, key=key, out=out, force=force))
    except PeacegraphError as error:
        raise _fail(error) from None
    for line in drafting.summary(outcome):
        click.echo(line)
