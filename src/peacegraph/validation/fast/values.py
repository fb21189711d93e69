"""Constraints on each value node, in one query per shape: value type, string length, ``sh:in``,
and the logical and shape-based ones (``sh:node``, ``sh:or``), which become the conditions of the
shapes they name; then the constraints that need a query of their own (pattern, hasValue, lessThan, lessThanOrEquals).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...rdf.namespaces import SH
from . import other, pairs, strings, valuetype
from .context import Compilation, Context
from .shapes import CONDITIONS, PARAMETERS, WITH_OTHERS, iri, refuse
from .terms import Term, display


def compile_values(cc: Compilation, c: Context) -> None:
    """The checks of each value node (for a node shape: the focus node itself)."""
    found = list(conditions(cc, c.shape, "?v"))
    if found:
        binds = " ".join(f"BIND(({expression}) AS ?c{i})" for i, (_n, expression, _m) in enumerate(found))
        broken = " || ".join(f"!COALESCE(?c{i}, true)" for i in range(len(found)))
        flags = " ".join(f"?c{i}" for i in range(len(found)))
        query = f"SELECT ?f ?v {flags} WHERE {{ {c.focus} {c.values()} {binds} FILTER({broken}) }}"
        cc.add(c, query, [(name, "", message) for name, _expression, message in found], value=True)
    for pattern in cc.shapes.values(c.shape, "pattern"):
        strings.pattern(cc, c, pattern)
    for node in cc.shapes.values(c.shape, "hasValue"):
        other.has_value(cc, c, node)
    for second in cc.shapes.values(c.shape, "lessThan"):
        pairs.less_than(cc, c, iri(second, c.shape, "sh:lessThan"))
    for second in cc.shapes.values(c.shape, "lessThanOrEquals"):
        pairs.less_than(cc, c, iri(second, c.shape, "sh:lessThanOrEquals"), or_equal=True)


def conditions(cc: Compilation, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
    """(component, condition every value must meet, message) for the shape's value constraints."""
    yield from valuetype.conditions(cc, shape, v)
    yield from strings.length_conditions(cc.shapes, shape, v)
    for node in cc.shapes.values(shape, "node"):
        message = f"Value does not conform to Shape {display(node)}. See details for more information."
        yield "Node", condition(cc, node, v), message
    for head in cc.shapes.values(shape, "or"):
        members = cc.shapes.items(head)
        either = " || ".join(f"({condition(cc, m, v)})" for m in members) or "false"
        yield "Or", either, "Node does not conform to one or more shapes in sh:or"
    yield from other.in_conditions(cc.shapes, shape, v)


def condition(cc: Compilation, shape: Term, v: str) -> str:
    """A SPARQL expression true when the node ``v`` conforms to ``shape`` (used by node, or, qualified)."""
    if cc.shapes.deactivated(shape):
        return "true"
    cc.shapes.refuse_unknown(shape)
    for predicate in cc.shapes.by_subject.get(shape, {}):
        local = predicate[len(SH) :] if predicate.startswith(SH) else None
        if (local in PARAMETERS and local not in CONDITIONS) or predicate in WITH_OTHERS:
            raise refuse(shape, f"sh:{local} in a shape used by sh:node, sh:or or sh:qualifiedValueShape")
    found = [f"({expression})" for _component, expression, _message in conditions(cc, shape, v)]
    return " && ".join(found) or "true"
