"""The command line: thin commands that call the library and format its results.

Exit codes: 0 ok, 1 the data does not conform to the shapes, 2 bad input or usage.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__, inputs, options, querying
from .errors import PeacegraphError
from .inputs import ReleaseInput
from .messages import failure, one_line
from .reconcile.limits import ReconcileLimits
from .serve.settings import Limits, ServerSettings

SERVE, LIMITS, RECONCILE = ServerSettings(), Limits(), ReconcileLimits()  # the defaults of `serve`, written once

if TYPE_CHECKING:
    from .collection import Collection
    from .serve.workers import Started
    from .validation.report import Report

# The stages, and the standard modules only some commands need, are imported by the commands that
# use them, so that `--version`, `--help` and `query` start without loading rdflib, pySHACL and the
# rest (see bench/query.py).

OUT = click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Directory to write the release into [default: the collection's out/, as collection.yaml says].",
)

Command = TypeVar("Command", bound=Callable[..., Any])


def renamed(new: str, old: str, dest: str, default: Path | None, **option: Any) -> Callable[[Command], Command]:
    """The option ``new``, with ``old`` kept as a hidden alias for one release that prints a deprecation line.

    One word, one meaning: ``--release`` is the release a command reads, ``--out`` what a command writes.
    """
    alias = f"{dest}_{old.strip('-').replace('-', '_')}_alias"
    said = option.pop("help", "") + (f"  [default: {default}]" if default else "")

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def run(**params: Any) -> Any:
            given = params.pop(alias)
            if given is not None:
                click.echo(
                    f"peacegraph: {old} is deprecated here, use {new} (the old name goes in the next release)", err=True
                )
                params[dest] = given if params[dest] is None else params[dest]
            params[dest] = default if params[dest] is None else params[dest]
            return command(**params)

        hidden = click.option(old, alias, hidden=True, default=None, help=f"Deprecated: use {new}.", **option)(run)
        shown = click.option(new, dest, default=None, help=said, **option)
        return shown(hidden)  # type: ignore[return-value]

    return decorate


_PATHS: dict[str | None, click.Path] = {
    "file": click.Path(path_type=Path, exists=True, dir_okay=False, allow_dash=True),
    "folder": click.Path(path_type=Path, file_okay=False),
    "any": click.Path(path_type=Path),
}


def clicked(option: options.Option) -> Callable[[Command], Command]:
    """The click option of ``option`` (with its old name hidden beside it, if it has one)."""
    kind: Any = click.Choice(option.choices) if option.choices else _PATHS.get(option.path)
    if option.old is not None:
        (name,) = option.names
        return renamed(name, option.old, option.dest, None, type=kind, metavar=option.metavar, help=option.help)
    settings: dict[str, Any] = {"is_flag": True} if option.flag else {"type": kind, "default": option.default}
    shown = option.default is not None
    return click.option(
        *option.names, option.dest, metavar=option.metavar, help=option.help, show_default=shown, **settings
    )


def each(given: tuple[options.Option, ...]) -> Callable[[Command], Command]:
    """The click options of ``given``, in that order."""

    def decorate(command: Command) -> Command:
        for option in reversed(given):
            command = clicked(option)(command)
        return command

    return decorate


#: The release a command reads (what `build --out` wrote); `--out` is its old name, hidden for one release.
RELEASE = clicked(options.RELEASE)
#: The collection a command works on; `--seeds` is its old name, hidden for one release.
COLLECTION = clicked(options.COLLECTION)


def use_release(collection_dir: Path | None, release: Path | None, needs_iris: bool = True) -> ReleaseInput:
    """The release a command reads (:func:`inputs.find_release`), its IRIs active until the command ends."""
    try:
        given = inputs.find_release(collection_dir, release, needs_iris)
    except PeacegraphError as error:
        raise _fail(error) from None
    if given.space is not None:
        from .rdf.namespaces import using

        click.get_current_context().with_resource(using(given.space))
    return given


def use_collection(collection_dir: Path | None) -> Collection:
    """The collection a command works on, active (its IRIs) until the command ends."""
    try:
        col = inputs.find_collection(collection_dir)
    except PeacegraphError as error:
        raise _fail(error) from None
    from .rdf.namespaces import using

    click.get_current_context().with_resource(using(col.space))
    return col


class UsageFailure(click.ClickException):
    exit_code = 2


class DataFailure(click.ClickException):
    exit_code = 1


def _fail(error: PeacegraphError) -> click.ClickException:
    """The exception that ends the command; several input errors are first listed, one per line."""
    from .validation.report import NonConformingError

    if isinstance(error, NonConformingError):
        return DataFailure(one_line(str(error)))
    said = failure(error)
    for line in said.listed:
        click.echo(line, err=True)
    return UsageFailure(said.message)


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


def _examples(*lines: str) -> str:
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


#: One or two examples at the end of each command's --help (``\b`` keeps click from rewrapping them).
EXAMPLES = {
    "build": _examples(
        "peacegraph build",
        "peacegraph build --collection letters --out letters/out --quiet",
    ),
    "check": _examples(
        "peacegraph check",
        "peacegraph check --collection letters --previous letters/out",
    ),
    "stats": _examples(
        "peacegraph stats --no-warnings",
    ),
    "validate": _examples(
        "peacegraph validate --release out",
        "peacegraph validate --release out --engine pyshacl",
    ),
    "query": _examples(
        "peacegraph query 'SELECT ?name WHERE { ?org a schema:Organization ; schema:name ?name } LIMIT 5'",
        "peacegraph query -f queries/signatories.rq --format csv > signatories.csv",
    ),
    "locate": _examples(
        "peacegraph locate texts/statement.txt 'the words to find'",
    ),
    "publish": _examples(
        "peacegraph publish --release out --query-endpoint http://localhost:8890/sparql \\",
        "  --update-endpoint http://localhost:8890/sparql-auth --graph https://example.org/graph",
    ),
    "reconcile": _examples(
        "peacegraph reconcile --review reconcile-review.csv",
    ),
    "diff": _examples(
        "peacegraph diff release:0.1.0 out",
        "peacegraph diff git:HEAD out --json",
    ),
    "release": _examples(
        "peacegraph release 0.2.0",
        "peacegraph release 0.2.0 --date 2026-12-01 --since release:0.1.0",
    ),
    "docs": _examples(
        "peacegraph docs --out docs",
    ),
    "serve": _examples(
        "peacegraph serve",
        "peacegraph serve --release out --port 8080 --workers 4",
    ),
    "site": _examples(
        "peacegraph site --out site",
        "peacegraph site --out site --release letters/out --collection letters",
    ),
    "w3id": _examples(
        "peacegraph w3id --site-url https://example.github.io/letters/ --out w3id.org",
        "peacegraph w3id --site-url https://data.example.org/letters/ --out w3id.org --collection letters",
    ),
    "init": _examples(
        'peacegraph init letters --base https://example.org/letters/ --title "Coalition letters"',
        "peacegraph init minutes --base https://example.org/minutes/ --title Minutes --licence CC0-1.0",
    ),
    "draft": _examples(
        "peacegraph draft statement.pdf",
        "peacegraph draft page.html --key joint-statement-2026-01-15 --force",
    ),
}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="peacegraph")
def main() -> None:
    """Publish a collection of documents as linked data: check, build, query, serve and release it.

    Every command works on the collection in the current folder (or the nearest one above it with a
    collection.yaml), or on --collection DIR; `peacegraph init DIR` starts one.
    """


@main.command(epilog=EXAMPLES["init"])
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--base", required=True, metavar="IRI", help="Base IRI of the collection's identifiers (ends in / or #).")
@click.option("--title", required=True, help="The dataset's title.")
@click.option("--description", default=None, help="One paragraph on what the collection holds.")
@click.option("--publisher", default=None, help="Who publishes the dataset (a person or an organization).")
@click.option("--licence", default="CC-BY-4.0", show_default=True, help="SPDX id or IRI of the data's licence.")
def init(folder: Path, base: str, title: str, description: str | None, publisher: str | None, licence: str) -> None:
    """Start a new collection in FOLDER: collection.yaml, texts/, records/, a README and a CI example."""
    from . import starting

    try:
        made = starting.init(folder, starting.Answers(base, title, description, publisher, licence))
    except PeacegraphError as error:
        raise _fail(error) from None
    if not made:
        click.echo(f"{folder} is already a collection; nothing changed")
        return
    click.echo(f"started a collection in {folder}/: " + ", ".join(made))
    click.echo(f"next: put a text in {folder}/texts/ or run `peacegraph draft FILE` there, then `peacegraph build`")


@main.command(epilog=EXAMPLES["build"])
@COLLECTION
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
def build(collection_dir: Path | None, out: Path | None, quiet: bool, previous: Path | None) -> None:
    """Build the collection's release into OUT (Turtle, JSON-LD, N-Triples, tables), validating it first."""
    from . import pipeline
    from . import progress as bars
    from .validation.report import NonConformingError

    col = use_collection(collection_dir)
    out = out or col.out
    settings = pipeline.Settings(seeds=col.root, out=out, previous=previous, collection=col)
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
        reused = "".join(f"; {what}" for what in result.reused.values())
        click.echo(f"built {result.count} triples into {out}/ ({timings}{reused})")


@main.command(epilog=EXAMPLES["check"])
@COLLECTION
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    help="Also check that every identifier of this release (directory or .nt dump, matching its SHA256SUMS) "
    "is kept, as `build` checks against OUT.",
)
def check(collection_dir: Path | None, previous: Path | None) -> None:
    """Check the records and the shapes as a build does, without writing anything; list curation warnings."""
    from . import pipeline
    from .records import curation

    col = use_collection(collection_dir)
    try:
        corpus, report = pipeline.check(pipeline.Settings(seeds=col.root, previous=previous, collection=col))
    except PeacegraphError as error:
        raise _fail(error) from None
    for finding in curation.findings(corpus):
        click.echo(f"warning: {finding}")
    _print_report(report)
    if report.blocking():  # as a build: warnings and notes are shown, but the data is accepted
        raise DataFailure(report.summary())
    click.echo(f"ok: {len(corpus.documents)} documents, {len(corpus.positions)} positions; {report.summary()}")


@main.command(epilog=EXAMPLES["stats"])
@COLLECTION
@click.option("--warnings/--no-warnings", default=True, help="List curation warnings too.")
def stats(collection_dir: Path | None, warnings: bool) -> None:
    """Counts per kind and per document, positions per topic, entities without Wikidata links."""
    from .records import curation, loader

    col = use_collection(collection_dir)
    try:
        corpus = loader.load(col.root, col.texts)
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


@main.command(epilog=EXAMPLES["validate"])
@COLLECTION
@RELEASE
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
def validate(collection_dir: Path | None, release: Path | None, shapes: Path | None, engine: str) -> None:
    """Re-check a built RELEASE against the shapes (the tool's and the collection's own)."""
    from .release import outdir
    from .resources import shapes_dir
    from .validation import fast as fastshacl

    given = use_release(collection_dir, release, needs_iris=False)
    release = given.out
    files = [*sorted((shapes or shapes_dir()).glob("*.ttl")), *given.shapes]
    try:
        triples = outdir.read_dumps(release)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", fastshacl.FallbackWarning)
            report = fastshacl.validate(triples, files, engine="auto" if engine == "fast" else engine)
    except PeacegraphError as error:
        raise _fail(error) from None
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    _print_report(report)
    if report.blocking():  # as a build: warnings and notes are shown, but the data is accepted
        raise DataFailure(report.summary())
    click.echo(f"{release}/: {len(triples)} triples; {report.summary()}")


@main.command(epilog=EXAMPLES["query"])
@click.argument("query", required=False)
@each(querying.OPTIONS)
def query(
    query: str | None,
    query_file: Path | None,
    fmt: str,
    ontology: bool,
    collection_dir: Path | None,
    release: Path | None,
) -> None:
    """Run a SPARQL QUERY (or -f FILE) over the built dumps. Usual prefixes are predeclared."""
    release = use_release(collection_dir, release).out
    if (query is None) == (query_file is None):
        raise UsageFailure("give a QUERY or -f FILE, not both and not neither")
    try:
        click.echo(querying.answer(querying.Asked(query, query_file, fmt, ontology), release), nl=False)
    except PeacegraphError as error:
        raise _fail(error) from None


@main.command(epilog=EXAMPLES["locate"])
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


@main.command("publish", epilog=EXAMPLES["publish"])
@COLLECTION
@RELEASE
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
    collection_dir: Path | None,
    release: Path | None,
    query_endpoint: str,
    update_endpoint: str,
    store_endpoint: str | None,
    graph: str,
    attempts: int,
    timeout: float,
) -> None:
    """Replace a named graph on a SPARQL server with the dump in RELEASE, so readers never see half of it.

    Credentials come only from the environment: PEACEGRAPH_SPARQL_USER, PEACEGRAPH_SPARQL_PASSWORD and
    PEACEGRAPH_SPARQL_AUTH (basic, the default, or digest), or PEACEGRAPH_SPARQL_TOKEN (a bearer token).
    """
    from .remote import endpoint as remote
    from .remote import publish as publishing

    release = use_release(collection_dir, release, needs_iris=False).out
    try:
        settings = publishing.Settings(
            target=publishing.Target(query_endpoint, update_endpoint, graph, store_endpoint),
            out=release,
            credentials=remote.Credentials.from_env(os.environ),
            retry=remote.Retry(attempts=attempts),
            timeout=timeout,
        )
        result = publishing.publish(settings)
    except PeacegraphError as error:
        raise _fail(error) from None
    click.echo(f"published {result.triples} triples into <{result.graph}> ({result.method})")


@main.command(epilog=EXAMPLES["reconcile"])
@COLLECTION
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
def reconcile(
    collection_dir: Path | None, url: str, review: Path, cache: Path, interval: float, timeout: float
) -> None:
    """Check every Wikidata link (label and kind) and propose candidates for the rest, into a review file.

    Records are never changed. Answers are cached in CACHE; cached answers send no request.
    """
    from .remote import wikidata as reconciling

    seeds = use_collection(collection_dir).root
    settings = reconciling.Settings(seeds, url, review, cache, interval=interval, timeout=timeout)
    try:
        reviews = reconciling.reconcile(settings)
    except PeacegraphError as error:
        raise _fail(error) from None
    click.echo(f"{review}: {reconciling.summary(reviews)}")


@main.command("diff", epilog=EXAMPLES["diff"])
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@COLLECTION
def diff_releases(old: str, new: str, as_json: bool, collection_dir: Path | None) -> None:
    """Entities added, removed and changed per class, and the triples that changed, from OLD to NEW.

    OLD and NEW are dump files, release directories (checked against their SHA256SUMS), git:REV
    (the collection's release folder at a git revision, e.g. git:HEAD) or release:VERSION (its release
    folder in that release, found in the history of the collection's release.yaml, e.g. release:0.1.0);
    the last two need a collection (--collection, or the folder the command runs in).
    """
    from . import collection
    from .release import diff as differ

    try:
        folder = collection_dir or collection.find(Path.cwd())
    except PeacegraphError:
        folder = None  # dumps, release folders and git revisions need no collection; release:VERSION does
    try:
        if folder is not None:
            col = use_collection(folder)
            changes = differ.compare(differ.read(old, col.root, col.out), differ.read(new, col.root, col.out))
        else:  # dumps and release folders need no collection; git:REV and release:VERSION are refused
            changes = differ.compare(differ.read(old), differ.read(new))
    except PeacegraphError as error:
        raise _fail(error) from None
    if as_json:
        click.echo(json.dumps(differ.to_json(changes), ensure_ascii=False, indent=1))
    else:
        click.echo(differ.to_text(changes), nl=False)


@main.command("release", epilog=EXAMPLES["release"])
@click.argument("version")
@COLLECTION
@OUT
@click.option("--date", "issued", type=click.DateTime(formats=["%Y-%m-%d"]), help="Issued date [default: today].")
@click.option(
    "--since", metavar="OLD", help="The previous release, as for `diff` [default: release:CURRENT, from git history]."
)
@click.option(
    "--changelog",
    "changelog_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The changelog that gets the new entry [default: CHANGELOG.md beside OUT, where the site reads it].",
)
@click.option(
    "--doi",
    metavar="DOI",
    help="A DOI reserved for this release (10.xxxx/yyy), kept in release.yaml and written into datacite.json "
    "and the citations [default: none, and datacite.json has no DOI].",
)
def release_dataset(
    version: str,
    collection_dir: Path | None,
    out: Path | None,
    issued: datetime.datetime | None,
    since: str | None,
    changelog_file: Path | None,
    doi: str | None,
) -> None:
    """Release VERSION: build OUT stamped with it, then update the collection's release.yaml and CHANGELOG.md.

    Fails, changing nothing, if an identifier of the previous release (SINCE) is gone or the data
    does not conform.
    """
    import datetime

    from . import pipeline, releasing
    from . import progress as bars
    from .release import diff as differ
    from .validation.report import NonConformingError

    day = issued.date() if issued else datetime.date.today()
    col = use_collection(collection_dir)
    seeds, out = col.root, out or col.out
    changelog_file = changelog_file or out.parent / "CHANGELOG.md"
    settings = pipeline.Settings(seeds=seeds, out=out, collection=col)
    try:
        with bars.stages(pipeline.STAGES, "release") as progress:
            outcome = releasing.make(settings, version, day, since, changelog_file, progress, _note, doi)
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


@main.command("docs", epilog=EXAMPLES["docs"])
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


def _networks(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    import ipaddress

    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not an IP address or network", ctx, param) from None
    return values


@main.command(epilog=EXAMPLES["serve"])
@COLLECTION
@RELEASE
@click.option("--host", default=SERVE.host, show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=SERVE.port, show_default=True, help="0 picks a free port."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=LIMITS.timeout,
    show_default=True,
    help="Seconds a query may take from its arrival, waiting for a worker included.",
)
@click.option(
    "--max-result-bytes",
    type=click.IntRange(min=1),
    default=LIMITS.max_bytes,
    show_default=True,
    help="Largest result a query may return.",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=LIMITS.workers, show_default=True, help="Queries run at once."
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=LIMITS.max_memory or 0,
    show_default=True,
    help="Bytes of memory each query worker may use (0: no cap).",
)
@click.option(
    "--queue",
    "max_queued",
    type=click.IntRange(min=0),
    default=SERVE.max_queued,
    show_default=True,
    help="Queries that may wait for a worker; more get 503.",
)
@click.option(
    "--request-timeout",
    "request_seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=SERVE.request_seconds,
    show_default=True,
    help="Seconds a client has to send a whole request, or to read on in its answer; slower connections are closed.",
)
@click.option(
    "--max-unsent-bytes",
    "max_unsent",
    type=click.IntRange(min=1),
    default=SERVE.max_unsent,
    show_default=True,
    help="Bytes of answers that may wait for clients that do not read them; past it, queries get 503.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=SERVE.max_connections,
    show_default=True,
    help="Open connections in all; when full, the oldest idle one is closed for a new one.",
)
@click.option(
    "--max-client-connections",
    type=click.IntRange(min=1),
    default=SERVE.max_client_connections,
    show_default=True,
    help="Open connections from one client address; when full, its oldest idle one is closed.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    callback=_networks,
    help="Address or network of a reverse proxy whose X-Forwarded-For names the client (repeatable).",
)
@click.option(
    "--access-log", is_flag=True, help="Log every request on standard output (slower; else warnings and errors only)."
)
@click.option(
    "--public-url",
    help="The URL clients reach this server at (behind a reverse proxy, its public address); absolute links in "
    "answers start with it, never with a request's Host header.  [default: http://HOST:PORT]",
)
@click.option(
    "--reconcile-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=RECONCILE.seconds,
    show_default=True,
    help="Seconds a reconciliation request may take, its wait included; later ones get 503.",
)
def serve(
    collection_dir: Path | None,
    release: Path | None,
    timeout: float,
    max_result_bytes: int,
    workers: int,
    max_memory: int,
    host: str,
    port: int,
    max_queued: int,
    request_seconds: float,
    max_unsent: int,
    max_connections: int,
    max_client_connections: int,
    trusted_proxies: tuple[str, ...],
    access_log: bool,
    public_url: str | None,
    reconcile_timeout: float,
) -> None:
    """Serve RELEASE: a read-only SPARQL endpoint at /sparql, the pages at /, and a query editor at /sparql-editor."""
    given = use_release(collection_dir, release)
    release = given.out
    limits = Limits(timeout=timeout, max_bytes=max_result_bytes, workers=workers, max_memory=max_memory or None)
    started = _start_query_workers(release, limits)  # they open the release while the server's modules load
    from .reconcile import service as reconciliation
    from .serve.server import serve as run_server

    try:
        public = None if public_url is None else reconciliation.public_base(public_url)
    except PeacegraphError as error:
        raise _fail(error) from None
    server = ServerSettings(
        out=release,
        seeds=given.texts,
        queries=given.queries,
        host=host,
        port=port,
        limits=limits,
        max_queued=max_queued,
        request_seconds=request_seconds,
        max_unsent=max_unsent,
        max_connections=max_connections,
        max_client_connections=max_client_connections,
        trusted_proxies=trusted_proxies,
        access_log=access_log,
        public_url=public,
        reconcile=ReconcileLimits(seconds=reconcile_timeout),
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}, so other machines may reach this endpoint", err=True)
        if public is None:
            click.echo("warning: links in answers name the address listened on; give --public-url", err=True)

    def ready(url: str) -> None:
        click.echo(f"serving {release}/ at {url} (SPARQL endpoint: {url}sparql); press Ctrl-C to stop")

    try:
        run_server(server, ready, started)
    except PeacegraphError as error:
        raise _fail(error) from None
    finally:
        if started is not None:
            started.stop()  # those the server did not take


def _start_query_workers(release: Path, limits: Limits) -> Started | None:
    """The endpoint's query workers, started at once; None if the release cannot be read (the server says why)."""
    from .query import cache
    from .serve.workers import Started

    try:
        return Started(release, limits, cache.serving_folder(release))
    except PeacegraphError:
        return None


@main.command(epilog=EXAMPLES["site"])
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Directory to write the site into (files already there are overwritten, others kept).",
)
@click.option(
    "--release",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="The built release to publish [default: the collection's out/].",
)
@COLLECTION
def site(out: Path, release: Path | None, collection_dir: Path | None) -> None:
    """Write the identifiers' pages and RDF as a static site, with .htaccess redirect rules (303 by Accept)."""
    from .pages import site as static_site

    given = use_release(collection_dir, release)
    try:
        count = static_site.write(given.out, out, given.texts, given.queries)
    except PeacegraphError as error:
        raise _fail(error) from None
    click.echo(f"wrote {count} files into {out}/")


@main.command(epilog=EXAMPLES["w3id"])
@click.option(
    "--site-url",
    required=True,
    help="Where the site `peacegraph site` wrote is published: the http(s) URL of its folder.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="A clone of w3id.org's repository (or any folder): the rules go into OUT/<the base's path>/.htaccess.",
)
@COLLECTION
def w3id(site_url: str, out: Path, collection_dir: Path | None) -> None:
    """Write the w3id.org redirect rules for the collection's base: an .htaccess in a folder named after it."""
    from .pages import w3id as rules

    col = use_collection(collection_dir)
    try:
        written = rules.write(col.base, site_url, out)
    except PeacegraphError as error:
        raise _fail(error) from None
    click.echo(f"wrote {written}: propose its folder to w3id.org's repository (with a README.md naming you)")


@main.command(epilog=EXAMPLES["draft"])
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--key", help="Key of the drafted document [default: minted from its title and date].")
@COLLECTION
@renamed(
    "--record-file",
    "--out",
    "record_file",
    None,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Record file to write [default: records/KEY.yaml in the collection].",
)
@click.option("--force", is_flag=True, help="Replace an existing record file; draft a text already curated.")
def draft(source: Path, key: str | None, collection_dir: Path | None, record_file: Path | None, force: bool) -> None:
    """Draft records from a raw document SOURCE (.txt, .md, .html, .pdf) for a curator to review.

    The text goes into the collection's texts folder, the records into records/KEY.yaml; every value
    that needs a person's eye carries a `review:` note. The draft builds as it is.
    """
    from .draft import run as drafting

    col = use_collection(collection_dir)
    settings = drafting.Settings(source=source, seeds=col.root, key=key, out=record_file, force=force, texts=col.texts)
    try:
        outcome = drafting.run(settings)
    except PeacegraphError as error:
        raise _fail(error) from None
    for line in drafting.summary(outcome):
        click.echo(line)
