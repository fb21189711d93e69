"""Property pair constraints (https://www.w3.org/TR/shacl/#core-components-property-pairs):
``sh:equals`` and ``sh:disjoint`` on terms; ``sh:lessThan`` and ``sh:lessThanOrEquals`` decided in
SPARQL for pairs of plain integers and, for anything else, in Python on rdflib values, as pySHACL
compares them.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Final

from pyoxigraph import Literal, NamedNode, QuerySolution

from ...rdf.namespaces import XSD
from .context import Compilation, Context
from .literals import BOOLEANS, INTEGER_TYPES, quiet_rdflib, unwrap
from .shapes import iri, refuse
from .terms import ILL_TYPED, WRAPPED, Term, display


def compile_pairs(cc: Compilation, c: Context) -> None:
    for other in cc.shapes.values(c.shape, "equals"):
        equals(cc, c, iri(other, c.shape, "sh:equals"))
    for other in cc.shapes.values(c.shape, "disjoint"):
        disjoint(cc, c, iri(other, c.shape, "sh:disjoint"))
    for other in cc.shapes.values(c.shape, "lessThan"):
        less_than(cc, c, iri(other, c.shape, "sh:lessThan"), "<")
    for other in cc.shapes.values(c.shape, "lessThanOrEquals"):
        less_than(cc, c, iri(other, c.shape, "sh:lessThanOrEquals"), "<=")


def _is_value(c: Context, node: str) -> str:
    """A pattern true when ``node`` is a value node of ``?f``."""
    return c.path.pattern("?f", node) if c.path else f"FILTER(sameTerm(?f, {node}))"


def equals(cc: Compilation, c: Context, other: NamedNode) -> None:
    """A result for each value that is not a value of ``other``, and each value of ``other`` that is not a value."""
    only_here = f"{{ {c.focus} {c.values()} FILTER NOT EXISTS {{ ?f <{other.value}> ?v }} }}"
    only_there = f"{{ {c.focus} ?f <{other.value}> ?v FILTER NOT EXISTS {{ {_is_value(c, '?v')} }} }}"
    query = f"SELECT DISTINCT {c.keys} ?v WHERE {{ {only_here} UNION {only_there} }}"
    message = f"Value of {{f}}->{display(other)} != {{v}}"
    cc.add(c, query, [("Equals", "", message)], value=True, flags=False)


def disjoint(cc: Compilation, c: Context, other: NamedNode) -> None:
    query = f"{c.select('?v')} WHERE {{ {c.focus} {c.values()} ?f <{other.value}> ?v }}"
    message = f"Value of {{f}}->{display(other)} == {{v}}"
    cc.add(c, query, [("Disjoint", "", message)], value=True, flags=False)


def less_than(cc: Compilation, c: Context, other: NamedNode, test: str) -> None:
    name = "LessThan" if test == "<" else "LessThanOrEquals"
    if c.path is None:
        raise refuse(c.shape, f"sh:{name[0].lower()}{name[1:]} on a node shape")
    # Pairs of plain integers or dates are compared here; anything else as pySHACL does, in Python (less).
    decided = f"{_integers(test)} || {_dates(cc, c, other, test)}"
    where = f"{c.focus} {c.values()} ?f <{other.value}> ?w . FILTER(!COALESCE({decided}, false))"
    query = f"PREFIX xsd: <{XSD}> {c.select('?v ?w')} WHERE {{ {where} }}"
    message = f"Value of {{f}}->{display(other)} {'<=' if test == '<' else '<'} {{v}}"
    accept = less if test == "<" else less_or_equal
    cc.add(c, query, [(name, "", message)], value=True, flags=False, accept=accept)


def _integers(test: str) -> str:
    """Whether ``?v`` and ``?w`` are integers written with digits alone, and pass ``test``."""
    integers = ", ".join(f"<{WRAPPED}{XSD}{name}>" for name in INTEGER_TYPES)
    plain = "DATATYPE({x}) IN ({types}) && REGEX(STR({x}), '^[0-9]+$')"
    both = f"{plain.format(x='?v', types=integers)} && {plain.format(x='?w', types=integers)}"
    return f"({both} && xsd:integer(STR(?v)) {test} xsd:integer(STR(?w)))"


def _dates(cc: Compilation, c: Context, other: NamedNode, test: str) -> str:
    """Whether ``?v`` and ``?w`` are dates rdflib reads (as ``datetime.date``) with a four-digit year and
    no time zone, and pass ``test``: their text compares as the dates do.

    rdflib's verdict on each date is the ill-typed mark, so the values of both properties are marked.
    """
    assert c.path is not None
    cc.program.datatypes.add(XSD + "date")
    if not c.path.inverse:  # values of an inverse path are never literals
        cc.program.typed_values_of.add(c.path.single_predicate)
    cc.program.typed_values_of.add(other.value)

    def plain(x: str) -> str:
        ill = f"GRAPH <{ILL_TYPED}> {{ <{ILL_TYPED}> <{ILL_TYPED}> {x} }}"
        return f"DATATYPE({x}) = <{WRAPPED}{XSD}date> && REGEX(STR({x}), '{_PLAIN_DATE}') && NOT EXISTS {{ {ill} }}"

    return f"({plain('?v')} && {plain('?w')} && STR(?v) {test} STR(?w))"


_PLAIN_DATE: Final = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def less(row: QuerySolution) -> bool:
    """Whether a value is less than the other property's value, as pySHACL compares them (rdflib values)."""
    return _compare(row, operator.lt)


def less_or_equal(row: QuerySolution) -> bool:
    return _compare(row, operator.le)


def _compare(row: QuerySolution, test: Callable[[Any, Any], Any]) -> bool:
    (v_text, v), (w_text, w) = _python(row["v"]), _python(row["w"])
    if v is None or w is None or v_text != w_text:
        return False
    try:
        return bool(test(v, w))
    except TypeError:
        return False


def _python(node: Term | None) -> tuple[bool, object]:
    """Whether the term compares as text, and the value rdflib makes of it (None: not comparable)."""
    import rdflib

    node = unwrap(node)
    if isinstance(node, NamedNode):
        return True, node.value
    if not isinstance(node, Literal):
        return False, None
    lexical, datatype = node.value, None if node.language else node.datatype.value
    if datatype == XSD + "boolean" and lexical not in BOOLEANS:  # rdflib reads these as false, warning
        lexical = "true" if lexical.lower() in ("1", "true") else "false"
    with quiet_rdflib():
        value = rdflib.Literal(lexical, datatype=datatype, lang=node.language or None)
    return (True, value.value) if isinstance(value.value, str) else (False, value)
