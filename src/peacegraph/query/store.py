"""SPARQL over the dumps in an embedded Oxigraph store (measured: see bench/).

The quick start of ``peacegraph query`` runs and writes its answer with this module: what only some
answers need (the collection's IRIs, the tool's prefixes for a graph, the store's cache, the capped
reading of a file) is imported where it is used, and ``typing``, ``dataclasses`` and ``pathlib`` not at all.
"""

from __future__ import annotations

import io
import sys

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    serialize,
)

from ..errors import InputError
from . import formats
from .formats import TABLE_FORMATS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO


def open_store(out: Path, ontology: bool = True) -> Store:
    """An in-memory store holding the dataset (and the ontology, for labels of our terms, unless not asked)."""
    from . import cache

    return cache.in_memory(cache.sources(out, ontology))


def read_query(path: Path | str) -> str:
    """A query from a file, or from standard input for ``-``: bounded, and UTF-8 or refused naming the
    line of the first bad byte."""
    from pathlib import Path

    from ..records.limits import MAX_QUERY_BYTES, read_utf8, utf8_line

    if str(path) == "-":
        raw = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
        if len(raw) > MAX_QUERY_BYTES:
            raise InputError(f"the query is longer than {MAX_QUERY_BYTES} bytes", "<stdin>")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError("not valid UTF-8", "<stdin>", utf8_line(raw, exc)) from None
    return read_utf8(Path(path), MAX_QUERY_BYTES, file=path)


# ``re`` is imported, and each expression compiled, where first used: CSV, TSV, JSON and XML need none of them.
_OXIGRAPH_POSITION = r"^error at (\d+):(\d+): "
_NEAR = r"[\w?$:<>\"'.-]+|\S"


_PREFIX_NOT_FOUND = "Prefix not found"
_PREFIXED_BEFORE = r"(?P<prefix>[A-Za-z][\w.-]*)?:[\w.%\\-]*\s*$"
#: The parser's list of what it expected is kept when it is short enough to read.
_SHORT_EXPECTED = 60


def explain_syntax_error(text: str, message: str) -> str:
    """Oxigraph's parse error (``error at 1:26: expected one of …``) as a sentence about ``text``.

    The parser's own words are kept where they are the clearer ones: an undeclared prefix ("Prefix
    not found"), a short list of what it expected. The CLI and the endpoint both say this.
    """
    import re

    match = re.match(_OXIGRAPH_POSITION, message, re.DOTALL)
    if match is None:
        return f"SPARQL syntax error: {message}"
    line, column = int(match.group(1)), int(match.group(2))
    lines = text.split("\n")
    before = lines[line - 1][: column - 1] if line <= len(lines) else ""
    said = message[match.end() :]
    prefixed = re.search(_PREFIXED_BEFORE, before)
    if _PREFIX_NOT_FOUND in said and prefixed:
        name = prefixed.group("prefix") or ""
        where = f"SPARQL syntax error at line {line}, column {prefixed.start() + 1}"
        return (
            f"{where}: {_PREFIX_NOT_FOUND}: {name}: is not declared; add PREFIX {name}: <…> or use a predeclared prefix"
        )
    where = f"SPARQL syntax error at line {line}, column {column}"
    after = "\n".join([lines[line - 1][column - 1 :], *lines[line:]]) if line <= len(lines) else ""
    near = re.search(_NEAR, after)
    if near is None:
        return f"{where}: the query ends too early (a closing bracket, brace or quote may be missing)"
    expected = f" ({said})" if said.startswith("expected") and len(said) <= _SHORT_EXPECTED else ""
    return f"{where}: unexpected {near.group()[:40]!r}{expected}"


def query_prefixes() -> dict[str, str]:
    """Predeclared in every query, and what a table shortens IRIs with: the collection's identifiers are
    ``pgid:`` (no ``pgid:`` when no collection is active)."""
    from ..rdf.namespaces import PREFIXES, current

    space = current()
    return space.jsonld_prefixes if space else PREFIXES


def _endpoint() -> str | None:
    """The IRI relative IRIs in a query resolve against: the collection's endpoint, as the Protocol has it."""
    from ..rdf.namespaces import current

    space = current()
    return space.sparql_endpoint if space else None


class Iris:
    """What a query runs with: the prefixes it may use undeclared, and the IRI relative IRIs resolve against."""

    __slots__ = ("base", "prefixes")

    def __init__(self, prefixes: dict[str, str], base: str | None) -> None:
        self.prefixes = prefixes
        self.base = base


def active_iris() -> Iris:
    """The active collection's (:func:`query_prefixes`, the endpoint's IRI)."""
    return Iris(query_prefixes(), _endpoint())


class Table:
    __slots__ = ("rows", "variables")

    def __init__(self, variables: list[str], rows: list[list[str | None]]) -> None:
        self.variables = variables
        self.rows = rows


def run(store: Store, query: str, iris: Iris | None = None) -> QuerySolutions | QueryBoolean | QueryTriples:
    """Run ``query`` with our usual prefixes predeclared (a query's own ``PREFIX`` wins); relative
    IRIs are resolved against the endpoint's IRI, as the SPARQL Protocol has it (``iris``: the active
    collection's unless given)."""
    iris = iris or active_iris()
    try:
        return store.query(query, prefixes=iris.prefixes, base_iri=iris.base)
    except SyntaxError as exc:
        raise InputError(explain_syntax_error(query, str(exc))) from None


#: ``--format`` of ``peacegraph query``: what each result kind may be written as.
GRAPH_FORMATS = {name: RdfFormat.from_extension(extension) for name, extension in formats.GRAPH_FORMATS.items()}
RESULTS_SYNTAX = {
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
}
_SELECT_STAR = r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*"
_VARIABLE = r"[?$]([A-Za-z0-9_\u00b7\u00c0-\ufffd]+)"


def _prefixed(iri: str, prefixes: dict[str, str]) -> str:
    """``schema:name`` or ``pgid:organization/ldsps`` for an IRI in a predeclared namespace, else ``<iri>``.

    For people to read: a ``/`` in the local name is shown as it is (a query writes it ``\\/``).
    """
    import re

    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is not None:
        local = iri[len(best) :]
        if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_./-]*", local) and not local.endswith("."):
            prefix = next(p for p, ns in prefixes.items() if ns == best)
            return f"{prefix}:{local}"
    return f"<{iri}>"


def _cell(term: object, prefixes: dict[str, str]) -> str | None:
    """A term as a person reads it: a prefixed name, a literal's text, a blank node.

    English is the dataset's default language, so only other languages are shown (``Conseil…@fr``).
    """
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return _prefixed(term.value, prefixes)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        text = term.value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return f"{text}@{term.language}" if term.language and term.language != "en" else text
    return str(term)


def column_order(query: str, variables: list[str]) -> list[str]:
    """For ``SELECT *``, the variables in the order the query first names them; else as given."""
    import re

    if not re.search(_SELECT_STAR, query, re.IGNORECASE):
        return variables
    first_seen = list(dict.fromkeys(re.findall(_VARIABLE, query)))
    known = [v for v in first_seen if v in variables]
    return known + [v for v in variables if v not in known]


def to_table(results: QuerySolutions) -> Table:
    """The solutions with each term's plain value (IRI, lexical form, blank node label)."""
    variables = [v.value for v in results.variables]
    rows = [[None if solution[v] is None else solution[v].value for v in variables] for solution in results]
    return Table(variables, rows)


def readable_table(results: QuerySolutions, query: str = "", prefixes: dict[str, str] | None = None) -> Table:
    """The solutions as a person reads them, in the query's column order, IRIs shortened with ``prefixes``
    (the active collection's :func:`query_prefixes` unless given)."""
    prefixes = query_prefixes() if prefixes is None else prefixes
    variables = column_order(query, [v.value for v in results.variables])
    rows = [[_cell(solution[v], prefixes) for v in variables] for solution in results]
    return Table(variables, rows)


def format_results(
    results: QuerySolutions | QueryBoolean | QueryTriples,
    fmt: str,
    query: str = "",
    width: int | None = None,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Results as ``fmt``: a table (fitted to ``width`` characters), a SPARQL results syntax, or an RDF syntax."""
    written = io.BytesIO()
    write_results(results, fmt, written, query, width, prefixes)
    return written.getvalue()


def write_results(
    results: QuerySolutions | QueryBoolean | QueryTriples,
    fmt: str,
    output: BinaryIO,
    query: str = "",
    width: int | None = None,
    prefixes: dict[str, str] | None = None,
) -> None:
    """Write the results to ``output`` as :func:`format_results` formats them; a SPARQL results syntax or an
    RDF syntax is written by Oxigraph itself, as it goes. ``prefixes`` shorten a table's IRIs (the active
    collection's unless given)."""
    if isinstance(results, QueryTriples):
        if fmt == "table":
            fmt = "turtle"
        if fmt not in GRAPH_FORMATS:
            raise InputError(f"the result is a graph: use --format {', '.join(GRAPH_FORMATS)}, not {fmt}")
        from ..rdf.namespaces import PREFIXES

        serialize(results, output, format=GRAPH_FORMATS[fmt], prefixes=PREFIXES)
    elif fmt in GRAPH_FORMATS:
        raise InputError(f"the result is a table, not a graph: use --format {', '.join(TABLE_FORMATS)}, not {fmt}")
    elif isinstance(results, QueryBoolean) and fmt in ("table", "csv", "tsv"):
        output.write(f"{str(bool(results)).lower()}\n".encode())
    elif fmt != "table":
        results.serialize(output, format=RESULTS_SYNTAX[fmt])
    else:
        assert isinstance(results, QuerySolutions)
        output.write(render_table(readable_table(results, query, prefixes), width).encode())


#: A column is never cut narrower than this, however narrow the terminal.
MIN_COLUMN = 8


def render_table(table: Table, width: int | None = None) -> str:
    """The table in columns; with ``width``, the widest columns are cut (with …) until a line fits."""
    cells = [table.variables] + [["" if c is None else c for c in row] for row in table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.variables))]
    if width:
        widths = fit(widths, width - 3 * (len(widths) - 1))
    lines = [" | ".join(_cut(c, w).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def fit(widths: list[int], room: int) -> list[int]:
    """Column widths summing to at most ``room``: the widest are narrowed first, none below :data:`MIN_COLUMN`."""
    fitted = list(widths)
    while sum(fitted) > room:
        widest = max(range(len(fitted)), key=lambda i: fitted[i])
        if fitted[widest] <= MIN_COLUMN:
            break
        fitted[widest] -= 1
    return fitted


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
