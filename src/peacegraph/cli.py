"""The command line: thin commands that call the library and format its results.

Exit codes: 0 ok, 1 the data does not conform to the shapes, 2 bad input or usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, curation, loader, pipeline, store
from .errors import InputError, NonConformingError, PeacegraphError
from .validate import Report

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


def _fail(error: PeacegraphError) -> click.ClickException:
    if isinstance(error, NonConformingError):
        return DataFailure(str(error))
    return UsageFailure(str(error))


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
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def build(seeds: Path, out: Path, quiet: bool) -> None:
    """Build the dataset from SEEDS into OUT (Turtle, JSON-LD, N-Triples), validating it first."""
    settings = pipeline.Settings(seeds=seeds, out=out)
    progress = (
        (lambda stage: click.echo(f"… {stage}", err=True)) if not quiet and sys.stderr.isatty() else (lambda _s: None)
    )
    try:
        result = pipeline.build(settings, progress=progress)
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
def validate(out: Path, shapes: Path | None) -> None:
    """Re-check a built OUT against the shapes."""
    from . import validate as v
    from .resources import shapes_dir

    try:
        triples = pipeline.read_dumps(out)
    except (PeacegraphError, SyntaxError, OSError) as error:
        raise UsageFailure(str(error)) from None
    report = v.validate_graph(v.to_rdflib(triples), v.shapes_graph(shapes or shapes_dir()))
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
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Read the query from a file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table for people, csv for spreadsheets, json for SPARQL 1.1 JSON results.",
)
@OUT
def query(query: str | None, query_file: Path | None, fmt: str, out: Path) -> None:
    """Run a SPARQL QUERY (or -f FILE) over the built dumps. Usual prefixes are predeclared."""
    if (query is None) == (query_file is None):
        raise UsageFailure("give a QUERY or -f FILE, not both and not neither")
    text = query_file.read_text(encoding="utf-8") if query_file else query
    assert text is not None
    try:
        results = store.run(store.open_store(out), text)
        click.echo(store.format_results(results, fmt), nl=False)
    except PeacegraphError as error:
        raise _fail(error) from None


@main.command()
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("quote")
def locate(source: Path, quote: str) -> None:
    """Print the offsets of QUOTE in the seed text SOURCE (for writing position records)."""
    text = source.read_bytes().decode("utf-8")
    quote = quote.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8") if "\\" in quote else quote
    starts = []
    at = text.find(quote)
    while at >= 0:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        raise UsageFailure(str(InputError("quote not found", source)))
    for start in starts:
        click.echo(f"start: {start}\nend: {start + len(quote)}")
    if len(starts) > 1:
        click.echo(f"warning: the quote occurs {len(starts)} times; quote more to make it unique", err=True)
