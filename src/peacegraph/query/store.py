"""SPARQL over the dumps in an embedded Oxigraph store (measured: see bench/)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
)

from ..errors import InputError
from ..rdf import rdfio
from ..rdf.namespaces import PREFIXES, SPARQL_ENDPOINT
from ..release.outdir import ONTOLOGY_FILE, dump_path


def open_store(out: Path) -> Store:
    """An in-memory store holding the dataset (and the ontology, for labels of our terms)."""
    out = Path(out)
    triples = rdfio.read_triples(dump_path(out), RdfFormat.N_TRIPLES)
    ontology = out / ONTOLOGY_FILE
    if ontology.exists():
        triples += rdfio.read_triples(ontology, RdfFormat.TURTLE)
    store = Store()
    store.extend(Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def syntax_position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"SPARQL syntax error at line {line}, column {column}"


_OXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+): ", re.DOTALL)
_NEAR = re.compile(r"[\w?$:<>\"'.-]+|\S")


def explain_syntax_error(text: str, message: str) -> str:
    """Oxigraph's parse error (``error at 1:26: expected one of …``) as a sentence about ``text``."""
    match = _OXIGRAPH_POSITION.match(message)
    if match is None:
        return f"SPARQL syntax error: {message}"
    line, column = int(match.group(1)), int(match.group(2))
    where = f"SPARQL syntax error at line {line}, column {column}"
    lines = text.split("\n")
    after = "\n".join([lines[line - 1][column - 1 :], *lines[line:]]) if line <= len(lines) else ""
    near = _NEAR.search(after)
    if near is None:
        return f"{where}: the query ends too early (a closing bracket, brace or quote may be missing)"
    return f"{where}: unexpected {near.group()[:40]!r}"


@dataclass
class Table:
    variables: list[str]
    rows: list[list[str | None]]


def run(store: Store, query: str) -> QuerySolutions | QueryBoolean | QueryTriples:
    """Run ``query`` with our usual prefixes predeclared (a query's own ``PREFIX`` wins); relative
    IRIs are resolved against the endpoint's IRI, as the SPARQL Protocol has it."""
    try:
        return store.query(query, prefixes=PREFIXES, base_iri=SPARQL_ENDPOINT)
    except SyntaxError as exc:
        raise InputError(explain_syntax_error(query, str(exc))) from None


def _cell(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, NamedNode | BlankNode | Literal):
        return term.value
    return str(term)


def to_table(results: QuerySolutions) -> Table:
    variables = [v.value for v in results.variables]
    rows = [[_cell(solution[v]) for v in variables] for solution in results]
    return Table(variables, rows)


def format_results(results: QuerySolutions | QueryBoolean | QueryTriples, fmt: str) -> str:
    """Render results as ``table``, ``csv`` or ``json`` (SPARQL 1.1 JSON results)."""
    if isinstance(results, QueryBoolean):
        value = bool(results)
        return json.dumps({"head": {}, "boolean": value}) + "\n" if fmt == "json" else f"{str(value).lower()}\n"
    if isinstance(results, QueryTriples):
        return bytes(results.serialize(format=RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    if fmt == "json":
        return bytes(results.serialize(format=QueryResultsFormat.JSON) or b"").decode("utf-8")
    table = to_table(results)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.variables)
        writer.writerows([["" if c is None else c for c in row] for row in table.rows])
        return buffer.getvalue()
    return render_table(table)


def render_table(table: Table) -> str:
    cells = [table.variables] + [["" if c is None else c for c in row] for row in table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.variables))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
