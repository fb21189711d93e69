"""``sh:in`` as a condition on a value, and ``sh:hasValue`` as a check of its own."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Compilation, Context
from .shapes import ShapesGraph
from .terms import Term, display, sparql_term


def in_conditions(shapes: ShapesGraph, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
    """(component, condition the value ``v`` must meet, message) for each ``sh:in`` list."""
    for head in shapes.values(shape, "in"):
        allowed = " || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in shapes.items(head))
        yield "In", f"({allowed or 'false'})", "Value is not in the list of allowed values"


def has_value(cc: Compilation, c: Context, node: Term) -> None:
    if c.path is None:
        query = f"SELECT ?f WHERE {{ {c.focus} FILTER(!sameTerm(?f, {sparql_term(node)})) }}"
    else:
        query = f"SELECT ?f WHERE {{ {c.focus} FILTER NOT EXISTS {{ {c.path.pattern('?f', sparql_term(node))} }} }}"
    message = f"Node {{f}}->{c.path.named() if c.path else ''} does not contain Value {display(node)}"
    cc.add(c, query, [("HasValue", "", message)], flags=False)
