"""SPARQL over the dumps in an embedded Oxigraph store (measured: see bench/)."""

from __future__ import annotations

import csv
import io
import json
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
from ..rdf.namespaces import PREFIXES
from ..records.limits import MAX_QUERY_BYTES, read_utf8
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


def read_query(path: Path) -> str:
    """A query from a file: bounded, and UTF-8 or refused naming the line of the first bad byte."""
    return read_utf8(path, MAX_QUERY_BYTES, file=path)


def with_prefixes(query: str) -> str:
    """Declare our usual prefixes unless the query declares them itself."""
    declared = {
        line.split()[1].rstrip(":").lower() for line in query.splitlines() if line.strip().lower().startswith("prefix ")
    }
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p.lower() not in declared)
    return header + query


@dataclass
class Table:
    variables: list[str]
    rows: list[list[str | None]]


def run(store: Store, query: str) -> QuerySolutions | QueryBoolean | QueryTriples:
    try:
        return store.query(with_prefixes(query))
    except SyntaxError as exc:
        raise InputError(f"SPARQL syntax error: {exc}") from None


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
