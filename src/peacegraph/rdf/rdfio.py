"""The one way peacegraph reads RDF: Turtle, N-Triples, JSON-LD and RDF/XML, safely.

Dumps, the ontology and the shapes are read back here, and so is any RDF a user hands us. What
arrives may be hostile, so before pyoxigraph parses anything:

- the file is capped in size and must be a regular file (:func:`limits.read_bounded`);
- JSON-LD may not point at any other document: an ``@context`` that is (or lists) a URL, and
  ``@import``, are refused. Nothing is ever fetched. (pyoxigraph refuses remote contexts when no
  loader is set; rdflib's JSON-LD parser fetches them over HTTP, so rdflib never parses input);
- RDF/XML may not declare a document type: ``<!DOCTYPE``, and with it every ``<!ENTITY``, is
  refused. (pyoxigraph expands internal entities, so a kilobyte of nested entities, the "billion
  laughs", would grow to gigabytes; rdflib hands entities to expat.)

Every problem is an :class:`InputError` naming the file and, where known, the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from pyoxigraph import DefaultGraph, Quad, RdfFormat, Triple, parse

from ..errors import InputError
from ..records.limits import MAX_JSON_DEPTH, RDF_BYTES, open_regular, read_bounded, utf8_line

#: The syntax of an RDF file, by file extension.
SYNTAXES: Final[dict[str, RdfFormat]] = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".jsonld": RdfFormat.JSON_LD,
    ".json": RdfFormat.JSON_LD,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
}

# Markup declarations (<!DOCTYPE, <!ENTITY, <!ELEMENT, ...); comments and CDATA are fine.
_DECLARATION: Final = re.compile(r"<!(?!--|\[CDATA\[)")


def syntax_of(path: Path) -> RdfFormat:
    """The syntax of ``path`` from its extension."""
    try:
        return SYNTAXES[Path(path).suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(SYNTAXES))
        raise InputError(f"unknown RDF syntax {Path(path).suffix!r}; expected one of {known}", path) from None


def read_triples(path: Path, syntax: RdfFormat | None = None, *, display: Path | str | None = None) -> list[Triple]:
    """The triples of the RDF file ``path`` (syntax from its extension unless given)."""
    shown = display or path
    data = read_bounded(Path(path), RDF_BYTES.value(), file=shown, advice=RDF_BYTES.advice())
    return parse_triples(data, syntax or syntax_of(Path(path)), source=shown)


def iter_triples(path: Path, syntax: RdfFormat | None = None, *, display: Path | str | None = None) -> Iterator[Triple]:
    """:func:`read_triples` one triple at a time, for a file too big to hold as a list (a previous release).

    N-Triples is read as it is parsed, a line at a time, so its size is not capped: a release of any
    size is read back in the same memory. Other syntaxes are read whole, and capped, first.
    """
    shown = display or path
    syntax = syntax or syntax_of(Path(path))
    if syntax != RdfFormat.N_TRIPLES:
        data = read_bounded(Path(path), RDF_BYTES.value(), file=shown, advice=RDF_BYTES.advice())
        yield from iter_parsed(data, syntax, source=shown)
        return
    with open_regular(Path(path), file=shown) as handle:
        try:
            yield from _default_graph(parse(handle, format=syntax), shown)
        except SyntaxError as exc:
            raise InputError(f"invalid {syntax.name}: {exc.msg}", shown, exc.lineno) from None


def parse_triples(data: bytes, syntax: RdfFormat, *, source: Path | str) -> list[Triple]:
    """The triples in ``data``, after refusing what could fetch, expand or exhaust."""
    return list(iter_parsed(data, syntax, source=source))


def iter_parsed(data: bytes, syntax: RdfFormat, *, source: Path | str) -> Iterator[Triple]:
    """:func:`parse_triples` one triple at a time (``data`` is screened before the first)."""
    limit = RDF_BYTES.value()
    if len(data) > limit:
        raise InputError(f"larger than the limit of {limit:,} bytes ({RDF_BYTES.advice()})", source)
    if syntax == RdfFormat.JSON_LD:
        _screen_jsonld(data, source)
    elif syntax == RdfFormat.RDF_XML:
        _screen_rdfxml(data, source)
    try:
        yield from _default_graph(parse(data, format=syntax), source)
    except SyntaxError as exc:
        raise InputError(f"invalid {syntax.name}: {exc.msg}", source, exc.lineno) from None


def _default_graph(quads: Iterable[Quad], source: Path | str) -> Iterator[Triple]:
    for quad in quads:
        if not isinstance(quad.graph_name, DefaultGraph):
            raise InputError(f"named graphs are not supported here ({quad.graph_name})", source)
        yield quad.triple


# --- JSON-LD ----------------------------------------------------------------------------------


def _screen_jsonld(data: bytes, source: Path | str) -> None:
    text = _utf8(data, source)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", source, exc.lineno) from None
    except RecursionError:
        raise InputError("invalid JSON-LD: nested too deeply", source) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError(f"invalid JSON: {exc}", source) from None
    for value, depth in _walk(document):
        if depth > MAX_JSON_DEPTH:
            raise InputError(f"invalid JSON-LD: nested deeper than {MAX_JSON_DEPTH} levels", source)
        if isinstance(value, dict):
            _refuse_remote(value, text, source)


def _walk(document: Any) -> Iterator[tuple[Any, int]]:
    """Every value in a JSON document with its depth, without recursion."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        yield value, depth
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)


def _refuse_remote(node: dict[str, Any], text: str, source: Path | str) -> None:
    if "@import" in node:
        raise InputError("JSON-LD @import is refused: nothing is fetched", source, _line_of(text, '"@import"'))
    context = node.get("@context")
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, str):
            raise InputError(
                f"JSON-LD remote context {entry!r} is refused: nothing is fetched; inline the context",
                source,
                _line_of(text, json.dumps(entry)),
            )


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


# --- RDF/XML ----------------------------------------------------------------------------------


def _screen_rdfxml(data: bytes, source: Path | str) -> None:
    text = _utf8(data, source)
    if "\x00" in text:
        raise InputError("invalid RDF/XML: NUL character", source, _line_of(text, "\x00"))
    found = _DECLARATION.search(text)
    if found:
        raise InputError(
            "RDF/XML with a document type declaration (<!DOCTYPE>, <!ENTITY>) is refused: entities are not expanded",
            source,
            text.count("\n", 0, found.start()) + 1,
        )


def _utf8(data: bytes, source: Path | str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not valid UTF-8", source, utf8_line(data, exc)) from None
