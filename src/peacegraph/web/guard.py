"""What the read-only endpoint lets through, decided by parsing the query, never by matching strings.

A request runs only if rdflib's SPARQL 1.1 parser reads it as a query (``SELECT``, ``ASK``,
``CONSTRUCT``, ``DESCRIBE``) whose parse tree has no ``SERVICE`` pattern. Text that parses as an
update instead (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, …) is refused as such; anything else is a
syntax error, with the line and column of the text the user wrote (the ``PREFIX`` declarations
that the endpoint adds in front cannot change what a query does). A query that Oxigraph would
accept but rdflib cannot parse (a SPARQL 1.2 extension, say) is refused too: we only run what we
could check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from ..errors import InputError, RefusedError

QUERY_FORMS = ("SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery")


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # one of QUERY_FORMS
    ordered: bool  # the solutions have an ORDER BY at the top level


def parts(node: object) -> Iterator[CompValue]:
    """Every node of an rdflib SPARQL parse tree, depth first."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from parts(value)
    elif isinstance(node, ParseResults | list | tuple):
        for value in node:
            yield from parts(value)


def _refuse_update(text: str) -> None:
    try:
        update = parseUpdate(text)
    except (ParseBaseException, ValueError):
        return
    names = {node.name for node in parts(update)}
    if "Load" in names:
        raise RefusedError("LOAD is refused: this endpoint is read-only and fetches nothing")
    raise RefusedError("updates are refused: this endpoint is read-only")


def check(text: str) -> CheckedQuery:
    """The query if the endpoint may run it; else :class:`RefusedError` or :class:`InputError`."""
    try:
        tree = parseQuery(text)
    except (ParseBaseException, ValueError) as error:
        _refuse_update(text)
        raise InputError(f"SPARQL syntax error: {error}") from None
    if any(node.name == "ServiceGraphPattern" for node in parts(tree)):
        raise RefusedError("SERVICE is refused: this endpoint queries only its own data")
    query = tree[-1]
    return CheckedQuery(text=text, form=query.name, ordered=query.get("orderby") is not None)
