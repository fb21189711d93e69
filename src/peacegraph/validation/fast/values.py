"""Constraints on each value node, in one query per shape: value type, value range, string length,
language, ``sh:in``, and the logical and shape-based ones (``sh:node``, ``sh:and``, ``sh:or``,
``sh:not``, ``sh:xone``), which become the conditions of the shapes they name; then the constraints
that need a query of their own (pattern, hasValue, uniqueLang, closed, the property pairs).
"""

from __future__ import annotations

from collections.abc import Iterator

from . import logical, other, pairs, ranges, strings, valuetype
from .context import Compilation, Context
from .terms import Term


def compile_values(cc: Compilation, c: Context) -> None:
    """The checks of each value node (for a node shape: the focus node itself)."""
    # The focus node itself (no path) is looked up: its own few triples are the shortest list to walk,
    # where hashing the class's instances costs more than the lookups (measured at a million triples).
    with cc.joining(c.path is not None) as joins:
        found = list(conditions(cc, c.shape, "?v", c))
    if len(found) == 1 and (unless := joins.unless(found[0][1])) is not None:  # the class, and nothing else
        where = " ".join([c.focus, c.values(), unless])
        cc.add(c, f"{c.select('?v (false AS ?c0)')} WHERE {{ {where} }}", [(found[0][0], "", found[0][2])], value=True)
    elif found:
        binds = " ".join(f"BIND(({expression}) AS ?c{i})" for i, (_n, expression, _m) in enumerate(found))
        broken = " || ".join(f"!COALESCE(?c{i}, true)" for i in range(len(found)))
        flags = " ".join(f"?c{i}" for i in range(len(found)))
        where = " ".join([c.focus, c.values(), *joins.patterns, binds])
        query = f"{c.select('?v ' + flags)} WHERE {{ {where} FILTER({broken}) }}"
        cc.add(c, query, [(name, "", message) for name, _expression, message in found], value=True)
    for pattern in cc.shapes.values(c.shape, "pattern"):
        strings.pattern(cc, c, pattern)
    for node in cc.shapes.values(c.shape, "hasValue"):
        other.has_value(cc, c, node)
    if cc.shapes.true(c.shape, "uniqueLang"):
        strings.unique_lang(cc, c)
    if cc.shapes.true(c.shape, "closed"):
        other.closed(cc, c)
    pairs.compile_pairs(cc, c)


def conditions(cc: Compilation, shape: Term, v: str, c: Context) -> Iterator[tuple[str, str, str]]:
    """(component, condition every value ``v`` must meet, message) for the shape's value constraints.

    ``c`` is the context whose values ``v`` are (a shape these conditions name that cannot be
    written as an expression is validated on them first).
    """
    yield from valuetype.conditions(cc, shape, v)
    yield from ranges.conditions(cc.shapes, shape, v)
    yield from strings.length_conditions(cc.shapes, shape, v)
    yield from strings.language_conditions(cc.shapes, shape, v)
    yield from other.in_conditions(cc.shapes, shape, v)
    yield from logical.conditions(cc, shape, v, c)
