"""Logical and shape-based constraints as conditions on a value: ``sh:node``, ``sh:and``, ``sh:or``,
``sh:not``, ``sh:xone`` (https://www.w3.org/TR/shacl/#core-components-logical), and whether a value
conforms to a shape at all (also for ``sh:qualifiedValueShape``).
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import BlankNode, NamedNode

from ...rdf.namespaces import SH
from .context import Compilation, Context
from .shapes import IGNORED, constant, refuse
from .terms import Term, display


def conditions(cc: Compilation, shape: Term, v: str, c: Context) -> Iterator[tuple[str, str, str]]:
    """(component, condition the value ``v`` must meet, message) for each logical constraint."""
    for node in cc.shapes.values(shape, "node"):
        message = f"Value does not conform to Shape {display(node)}. See details for more information."
        yield "Node", condition(cc, node, v, c), message
    for node in cc.shapes.values(shape, "not"):
        yield "Not", f"!COALESCE({condition(cc, node, v, c)}, false)", f"Value conforms to shape {display(node)}"
    for head in cc.shapes.values(shape, "and"):
        members = [f"COALESCE({condition(cc, m, v, c)}, false)" for m in cc.shapes.items(head)]
        yield "And", " && ".join(members) or "true", "Node does not conform to all shapes in sh:and"
    for head in cc.shapes.values(shape, "or"):
        message = "Node does not conform to one or more shapes in sh:or"
        classes = _classes(cc, cc.shapes.items(head))
        if classes:  # the instances of any of them, in one join
            yield "Or", cc.is_instance(v, *classes), message
            continue
        members = [f"({condition(cc, m, v, c)})" for m in cc.shapes.items(head)]
        yield "Or", " || ".join(members) or "false", message
    for head in cc.shapes.values(shape, "xone"):
        members = [f"IF(COALESCE({condition(cc, m, v, c)}, false), 1, 0)" for m in cc.shapes.items(head)]
        yield "Xone", f"({' + '.join(members) or '0'}) = 1", "Node does not conform to exactly one shape in sh:xone"


def _classes(cc: Compilation, members: list[Term]) -> list[NamedNode]:
    """The classes of ``members`` if each is a shape with one ``sh:class`` and no other constraint (else none)."""
    found = []
    for member in members:
        props = cc.shapes.by_subject.get(member, {}) if isinstance(member, NamedNode | BlankNode) else {}
        constraints = {p for p in props if p.startswith(SH) and p not in IGNORED}
        classes = props.get(SH + "class", [])
        if constraints != {SH + "class"} or len(classes) != 1 or not isinstance(classes[0], NamedNode):
            return []
        if cc.shapes.deactivated(member):
            return []
        found.append(classes[0])
    return found


def condition(cc: Compilation, shape: Term, v: str, c: Context) -> str:
    """A SPARQL expression true when the node ``v`` (a value of ``c``) conforms to ``shape``."""
    if not isinstance(shape, NamedNode | BlankNode) or shape not in cc.shapes.by_subject:
        raise refuse(shape, "a shape that the shapes graph does not define (named by a constraint of another)")
    if cc.shapes.deactivated(shape):
        return "true"
    if not cc.shapes.inline(shape):
        from .compiler import materialize  # the compiler compiles the values of shapes: imports this

        return materialize(cc, shape, c, v)
    cc.shapes.refuse_unknown(shape)
    with cc.entering(shape):
        from .values import conditions as value_conditions

        found = [f"({expression})" for _component, expression, _message in value_conditions(cc, shape, v, c)]
        found += [
            f"sameTerm({v}, {constant(node, shape, 'sh:hasValue')})" for node in cc.shapes.values(shape, "hasValue")
        ]
    return " && ".join(found) or "true"
