"""Other constraints (https://www.w3.org/TR/shacl/#core-components-others): ``sh:in`` as a
condition on a value; ``sh:hasValue`` and ``sh:closed`` (with ``sh:ignoredProperties``) as checks.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import NamedNode

from ...rdf.namespaces import SH
from .context import Compilation, Context
from .shapes import ShapesGraph, constant, refuse
from .terms import Term, display


def in_conditions(shapes: ShapesGraph, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
    """(component, condition the value ``v`` must meet, message) for each ``sh:in`` list."""
    for head in shapes.values(shape, "in"):
        allowed = " || ".join(f"sameTerm({v}, {constant(m, shape, 'a member of sh:in')})" for m in shapes.items(head))
        yield "In", f"({allowed or 'false'})", "Value is not in the list of allowed values"


def has_value(cc: Compilation, c: Context, node: Term) -> None:
    term = constant(node, c.shape, "sh:hasValue")
    if c.path is None:
        query = f"{c.select()} WHERE {{ {c.focus} FILTER(!sameTerm(?f, {term})) }}"
    else:
        missing = f"FILTER NOT EXISTS {{ {c.path.pattern('?f', term)} }}"
        query = f"{c.select()} WHERE {{ {c.focus} {missing} }}"
    message = f"Node {{f}}->{c.path.named() if c.path else ''} does not contain Value {display(node)}"
    cc.add(c, query, [("HasValue", "", message)], flags=False)


def closed(cc: Compilation, c: Context) -> None:
    """One result per triple of a value node whose predicate is neither a property's path nor ignored."""
    allowed = {node for node in cc.shapes.values(c.shape, "ignoredProperties") for node in cc.shapes.items(node)}
    for prop in cc.shapes.values(c.shape, "property"):
        path = cc.shapes.one(prop, "path")
        if isinstance(path, NamedNode):
            allowed.add(path)
    if any(not isinstance(node, NamedNode) for node in allowed):
        raise refuse(c.shape, f"{display(NamedNode(SH + 'ignoredProperties'))} with a member that is not an IRI")
    node = c.path.pattern("?f", "?n") if c.path else "BIND(?f AS ?n)"
    others = f"FILTER(?p NOT IN ({', '.join(f'<{n.value}>' for n in sorted(allowed, key=str))}))" if allowed else ""
    query = f"{c.select('?p ?v')} WHERE {{ {c.focus} {node} ?n ?p ?v . {others} }}"
    message = "Node {f} is closed. It cannot have value: {v}"
    cc.add(c, query, [("Closed", "", message)], value=True, flags=False, path_from_row=True)
