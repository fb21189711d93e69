"""`peacegraph query` through the real CLI: the dumps only, every output format, stdin, readable tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results
from rdflib.compare import isomorphic

from peacegraph import cli
from peacegraph.query import cache as cachemodule
from peacegraph.query import keeping, remembered
from peacegraph.remote import wikidata

UN = "<https://w3id.org/peacegraph/id/organization/united-nations>"


def run(out: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, ["query", "--release", str(out), *args], input=stdin)
    return result.exit_code, result.output


def test_the_dumps_only_unless_the_ontology_is_asked_for(out_dir: Path) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    dumps = rdflib.Graph().parse(out_dir / "peacegraph.nt")
    assert run(out_dir, "--format", "csv", count)[1].split() == ["n", str(len(dumps))]
    with_ontology = int(run(out_dir, "--format", "csv", "--ontology", count)[1].split()[1])
    ontology = rdflib.Graph().parse(out_dir / "ontology.ttl")
    assert with_ontology == len(dumps + ontology)


@pytest.mark.parametrize(
    ("fmt", "syntax"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")]
)
def test_construct_and_describe_in_every_rdf_format(out_dir: Path, fmt: str, syntax: str) -> None:
    describe = f"DESCRIBE {UN}"
    code, output = run(out_dir, "--format", fmt, describe)
    assert code == 0, output
    graph = rdflib.Graph().parse(data=output, format=syntax)
    reference = rdflib.Graph().parse(data=run(out_dir, "--format", "ntriples", describe)[1], format="nt")
    assert len(graph) == len(reference) > 3
    assert isomorphic(graph, reference)


@pytest.mark.parametrize(
    ("fmt", "syntax"),
    [
        ("tsv", QueryResultsFormat.TSV),
        ("xml", QueryResultsFormat.XML),
        ("json", QueryResultsFormat.JSON),
    ],
)
def test_select_in_every_results_format(out_dir: Path, fmt: str, syntax: QueryResultsFormat) -> None:
    code, output = run(out_dir, "--format", fmt, f"SELECT ?name WHERE {{ {UN} schema:name ?name }}")
    assert code == 0, output
    solutions = parse_query_results(output.encode(), syntax)
    assert isinstance(solutions, QuerySolutions)
    assert [str(row["name"].value) for row in solutions] == ["United Nations"]


def test_select_in_csv(out_dir: Path) -> None:
    code, output = run(out_dir, "--format", "csv", f"SELECT ?name WHERE {{ {UN} schema:name ?name }}")
    assert code == 0, output
    assert output.splitlines() == ["name", "United Nations"]


def test_a_format_that_does_not_fit_the_result_is_a_one_line_error(out_dir: Path) -> None:
    code, output = run(out_dir, "--format", "csv", f"DESCRIBE {UN}")
    assert code == 2
    assert output.count("\n") == 1
    code, output = run(out_dir, "--format", "turtle", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert code == 2


def test_the_query_from_standard_input(out_dir: Path) -> None:
    code, output = run(out_dir, "-f", "-", "--format", "json", stdin="ASK { ?s ?p ?o }")
    assert code == 0, output
    assert json.loads(output)["boolean"] is True


def test_a_table_is_readable(out_dir: Path) -> None:
    query = f'SELECT * WHERE {{ {UN} a ?type ; schema:name ?name . BIND("two\\nlines" AS ?text) }} LIMIT 1'
    code, output = run(out_dir, query)
    assert code == 0, output
    header, _rule, row, count = output.splitlines()
    assert header.split(" | ")[0].strip() == "type"  # the query's order: ?type, ?name, ?text
    assert [cell.strip() for cell in header.split("|")] == ["type", "name", "text"]
    cells = [cell.strip() for cell in row.split("|")]
    assert cells[0].startswith(("pg:", "schema:"))
    assert cells[1:] == ["United Nations", "two\\nlines"]
    assert count == "(1 row)"


def test_a_syntax_error_names_the_users_line_and_column(out_dir: Path) -> None:
    code, output = run(out_dir, "SELECT ?x\nWHERE { ?x schema:name }")
    assert code == 2
    assert "line 2, column 24" in output


def test_the_reconcile_defaults_are_the_modules(out_dir: Path) -> None:
    """The CLI spells them out, so that `--help` does not import the reconciler."""
    options = {option.name: option.default for option in cli.reconcile.params}
    assert options["url"] == wikidata.WIKIDATA_SPARQL
    assert options["review"] == wikidata.REVIEW_FILE
    assert options["cache"] == wikidata.CACHE_DIR


def test_version_and_help_do_not_load_the_stack() -> None:
    code = (
        "import sys; from peacegraph import cli; "
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'pyoxigraph', 'jsonschema') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    assert done.stdout.strip() == "[]"


def test_the_cached_store_follows_the_dump(out_dir: Path, tmp_path: Path) -> None:
    """An edited dump gets a store of its own; the release directory is never written to."""
    import shutil

    copy = tmp_path / "out"
    shutil.copytree(out_dir, copy)
    before = {p.relative_to(copy) for p in copy.rglob("*")}
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    first = run(copy, "--format", "csv", count)[1].split()[1]
    with (copy / "peacegraph.nt").open("a", encoding="utf-8") as dump:
        dump.write("<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    second = run(copy, "--format", "csv", count)[1].split()[1]
    assert int(second) == int(first) + 1
    assert {p.relative_to(copy) for p in copy.rglob("*")} == before


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count_in_process(out: Path, cache: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "peacegraph", "query", "--release", str(out), "--format", "csv", COUNT]
    environment = {**os.environ, "PEACEGRAPH_CACHE": str(cache)}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)


def test_concurrent_first_runs_share_one_cache(out_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    runs = [_count_in_process(out_dir, cache) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert len({stdout for stdout, _ in outputs}) == 1
    bookkeeping = (cachemodule.STAMPS, keeping.RELEASES, keeping.LOCKS, remembered.RECORDS)
    stores = [p.name for p in cache.iterdir() if p.name not in bookkeeping]
    assert len(stores) == 1, stores
    assert not stores[0].startswith(".building-")


def test_without_a_writable_cache_the_dumps_still_answer(out_dir: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    run = _count_in_process(out_dir, blocked / "cache")
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 0, stderr
    assert stdout.split()[0] == "n"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT ?x WHERE { ?x a foo:Bar }",
            "SPARQL syntax error at line 1, column 24: Prefix not found: foo: is not declared; "
            "add PREFIX foo: <…> or use a predeclared prefix",
        ),
        (
            "SELEC ?x WHERE { ?x a schema:Place }",
            "SPARQL syntax error at line 1, column 1: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, "
            "not 'SELEC'; did you mean SELECT?",
        ),
        ("SELECT ?x WHERE { ?x schema:name }", "SPARQL syntax error at line 1, column 34: unexpected '}'"),
    ],
)
def test_the_cli_and_the_endpoint_say_the_same_of_the_same_query(
    out_dir: Path, release_server: str, query: str, message: str
) -> None:
    result = CliRunner().invoke(cli.main, ["query", "--release", str(out_dir), query])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    response = httpx.get(release_server + "sparql", params={"query": query})
    assert response.status_code == 400
    assert response.text == f"Error: {message}\n"


WIDE = "SELECT ?o ?name ?d WHERE { ?o a schema:Organization ; schema:name ?name ; schema:description ?d }"


def test_the_table_shortens_identifiers_and_fits_the_terminal(out_dir: Path) -> None:
    result = CliRunner().invoke(cli.main, ["query", "--release", str(out_dir), WIDE], env={"COLUMNS": "72"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 72 for line in lines)
    assert any(line.startswith("pgid:organization/") for line in lines)
    assert any("…" in line for line in lines)
    assert "https://" not in result.stdout


def test_a_pgid_name_from_the_table_can_be_queried(out_dir: Path) -> None:
    query = r"ASK { pgid:organization\/united-nations a schema:Organization }"
    assert run(out_dir, query) == (0, "true\n")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_machine_formats_stay_exact_in_a_narrow_terminal(out_dir: Path, fmt: str) -> None:
    wide = CliRunner().invoke(cli.main, ["query", "--release", str(out_dir), "--format", fmt, WIDE])
    narrow = CliRunner().invoke(
        cli.main, ["query", "--release", str(out_dir), "--format", fmt, WIDE], env={"COLUMNS": "40"}
    )
    assert narrow.exit_code == 0
    assert narrow.stdout == wide.stdout
    assert "https://w3id.org/peacegraph/id/organization/" in narrow.stdout
    assert "…" not in narrow.stdout
