"""The compiler: every shape with targets, and the property shapes under it, to checks.

Each constraint family compiles in a module of its own (cardinality, values with value type,
strings, other, pairs); this module finds the focus nodes and walks the shapes, and refuses any
SHACL feature the engine does not know, so that no shape is ever silently skipped.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Triple

from ...rdf.namespaces import OWL, RDF, RDFS, SH
from ..reference import short_name
from .cardinality import counts
from .context import Compilation, Context
from .program import Program, PropertyPath
from .shapes import PATH_ONLY, SHAPE_TYPES, TARGETS, ShapesGraph, iri, refuse
from .terms import FOCUS, Term
from .values import compile_values


def compile_shapes(shapes: list[Triple], subclasses: bool = True) -> Program:
    """The checks of ``shapes``; :class:`UnsupportedShapeError` if they use a feature this engine lacks.

    With ``subclasses`` false, class membership is ``rdf:type`` alone (right when the data graph
    states no ``rdfs:subClassOf``, and much faster).
    """
    cc = Compilation(ShapesGraph(shapes), subclasses)
    _refuse_other_targets(cc.shapes)
    for shape in cc.shapes.shapes_with_targets():
        if cc.shapes.deactivated(shape):
            continue
        sid = cc.shape_id(shape)
        cc.program.focus[sid] = _targets(cc, shape)
        _shape(cc, shape, f"GRAPH <{FOCUS}> {{ <{sid}> <{FOCUS}> ?f }}")
    return cc.program


def _refuse_other_targets(shapes: ShapesGraph) -> None:
    """Refuse targets this engine does not find (so that no shape is skipped for want of targets)."""
    classes = {NamedNode(RDFS + "Class"), NamedNode(OWL + "Class")}
    for node, props in shapes.by_subject.items():
        for predicate in props:
            if predicate.startswith(SH + "target") and predicate not in TARGETS:
                raise refuse(node, short_name(predicate))
        if classes & set(props.get(RDF + "type", ())) and (
            SH + "property" in props or SHAPE_TYPES & set(props.get(RDF + "type", ()))
        ):
            raise refuse(node, "a shape that is also a class (implicit class target)")


def _targets(cc: Compilation, shape: Term) -> str:
    """A WHERE clause binding ``?f`` to each focus node of ``shape``."""
    parts = []
    for cls in cc.shapes.values(shape, "targetClass"):
        parts.append(f"{{ {cc.instance('?f', iri(cls, shape, 'target class'))} }}")
    for p in cc.shapes.values(shape, "targetSubjectsOf"):
        parts.append(f"{{ ?f <{iri(p, shape, 'target property').value}> ?x }}")
    for p in cc.shapes.values(shape, "targetObjectsOf"):
        parts.append(f"{{ ?x <{iri(p, shape, 'target property').value}> ?f }}")
    return " UNION ".join(parts)


def _shape(cc: Compilation, shape: Term, focus: str, explanation: str | None = None) -> None:
    """The checks of ``shape`` (node or property shape) for the focus nodes bound by ``focus``.

    ``explanation`` is the ``sh:message`` of the node shape a property shape is part of: what a person
    reads first, when the property shape has no message of its own.
    """
    cc.shapes.refuse_unknown(shape)
    path = _path(cc.shapes, shape)
    message = _message(cc.shapes, shape)
    explanation = message or explanation
    context = Context(shape, focus, path, message, _severity(cc.shapes, shape), explanation)
    cc.path = path
    if path is not None:
        counts(cc, context)
    else:
        for local in PATH_ONLY:
            if cc.shapes.values(shape, local):
                raise refuse(shape, f"sh:{local} on a node shape")
    compile_values(cc, context)
    for prop in cc.shapes.values(shape, "property"):
        if not cc.shapes.deactivated(prop):
            if _path(cc.shapes, prop) is None:
                raise refuse(prop, "sh:property without sh:path")
            _shape(cc, prop, focus, explanation)


def _path(shapes: ShapesGraph, shape: Term) -> PropertyPath | None:
    node = shapes.one(shape, "path")
    if node is None:
        return None
    if isinstance(node, NamedNode):
        return PropertyPath(node.value)
    props = shapes.by_subject.get(node, {})
    inverse = props.get(SH + "inversePath", [])
    if len(props) == 1 and len(inverse) == 1 and isinstance(inverse[0], NamedNode):
        return PropertyPath(inverse[0].value, inverse=True)
    raise refuse(shape, "a property path other than a predicate or sh:inversePath of one")


def _message(shapes: ShapesGraph, shape: Term) -> str | None:
    messages = shapes.values(shape, "message")
    return str(messages[0].value) if messages and isinstance(messages[0], Literal) else None


def _severity(shapes: ShapesGraph, shape: Term) -> str:
    severity = shapes.one(shape, "severity")
    return short_name(severity.value if isinstance(severity, NamedNode) else SH + "Violation")
