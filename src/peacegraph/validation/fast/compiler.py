"""The compiler: every shape with targets, and the property shapes under it, to checks.

Each constraint family compiles in a module of its own (cardinality, values with value type,
ranges, strings, other, logical, pairs); this module finds the focus nodes and walks the shapes,
and refuses any SHACL feature the engine does not know, so that no shape is ever silently skipped.

A shape used as a condition (by ``sh:node``, ``sh:and``, ``sh:or``, ``sh:not``, ``sh:xone`` or
``sh:qualifiedValueShape``) becomes a SPARQL expression when it only constrains the value node
itself; any other (with property shapes, counts, ``sh:closed``…) is validated on the nodes it is a
condition on, before the shape that uses it, and the nodes that fail it are marked in the store.
A shape that refers to itself, directly or not, is refused: SHACL leaves recursion undefined.
"""

from __future__ import annotations

from dataclasses import replace

from pyoxigraph import Literal, NamedNode, Triple

from ...rdf.namespaces import OWL, RDF, RDFS, SH
from ..report import short_name
from .cardinality import counts, counts_of, qualified
from .context import Compilation, Context
from .paths import PropertyPath, read_path
from .program import Program, Update
from .shapes import PATH_ONLY, SHAPE_TYPES, TARGETS, ShapesGraph, constant, iri, refuse
from .terms import FAILS, FOCUS, Term
from .values import compile_values

#: Classes whose instances in the shapes graph are implicit class targets when they are shapes too.
CLASSES = (NamedNode(RDFS + "Class"), NamedNode(OWL + "Class"))


def compile_shapes(shapes: list[Triple], subclasses: bool = True) -> Program:
    """The checks of ``shapes``; :class:`UnsupportedShapeError` if they use a feature this engine lacks.

    With ``subclasses`` false, class membership is ``rdf:type`` alone (right when the data graph
    states no ``rdfs:subClassOf``, and much faster).
    """
    cc = Compilation(ShapesGraph(shapes), subclasses)
    _refuse_other_targets(cc.shapes)
    implicit = _implicit_targets(cc.shapes)
    for shape in sorted(set(cc.shapes.shapes_with_targets()) | implicit, key=str):
        if cc.shapes.deactivated(shape):
            continue
        sid = cc.new_id()
        where = _targets(cc, shape, shape in implicit)
        single = _single_class(cc, shape, shape in implicit)
        if single is None:
            cc.program.steps.append(
                Update(f"INSERT {{ GRAPH <{FOCUS}> {{ <{sid}> <{FOCUS}> ?f }} }} WHERE {{ {where} }}")
            )
        compile_shape(cc, shape, replace(_context(cc.shapes, shape, sid), target_class=single))
    return cc.program


def _single_class(cc: Compilation, shape: Term, implicit: bool) -> str | None:
    """The one class whose ``rdf:type`` instances are the focus nodes of ``shape``, if that is all it
    targets and class membership is ``rdf:type`` alone: the queries match them as they match the set
    materialized for other targets (each node once), without its copy in the store."""
    classes = [*cc.shapes.values(shape, "targetClass"), *([shape] if implicit else [])]
    others = any(cc.shapes.values(shape, local) for local in ("targetNode", "targetSubjectsOf", "targetObjectsOf"))
    if cc.subclasses or others or len(classes) != 1 or not isinstance(classes[0], NamedNode):
        return None
    return classes[0].value


def _refuse_other_targets(shapes: ShapesGraph) -> None:
    """Refuse targets this engine does not find (so that no shape is skipped for want of targets)."""
    for node, props in shapes.by_subject.items():
        for predicate in props:
            if predicate.startswith(SH + "target") and predicate not in TARGETS:
                raise refuse(node, short_name(predicate))


def _implicit_targets(shapes: ShapesGraph) -> set[Term]:
    """Shapes that are also classes: their instances are their focus nodes."""
    found = set()
    for node, props in shapes.by_subject.items():
        types = set(props.get(RDF + "type", ()))
        if set(CLASSES) & types and (SHAPE_TYPES & types or any(p.startswith(SH) for p in props)):
            found.add(node)
    return found


def _targets(cc: Compilation, shape: Term, implicit: bool) -> str:
    """A WHERE clause binding ``?f`` to each focus node of ``shape`` (``implicit``: of the class it is too)."""
    parts = []
    classes = list(cc.shapes.values(shape, "targetClass"))
    if implicit:
        classes.append(shape)
    for cls in classes:
        parts.append(f"{{ {cc.instance('?f', iri(cls, shape, 'target class'))} }}")
    nodes = cc.shapes.values(shape, "targetNode")
    cc.program.literal_targets.update(node for node in nodes if isinstance(node, Literal))
    if nodes:
        parts.append(f"{{ VALUES ?f {{ {' '.join(constant(n, shape, 'sh:targetNode') for n in nodes)} }} }}")
    for p in cc.shapes.values(shape, "targetSubjectsOf"):
        parts.append(f"{{ ?f <{iri(p, shape, 'target property').value}> ?x }}")
    for p in cc.shapes.values(shape, "targetObjectsOf"):
        parts.append(f"{{ ?x <{iri(p, shape, 'target property').value}> ?f }}")
    return " UNION ".join(parts)


def _context(shapes: ShapesGraph, shape: Term, focus_set: str, mark: bool = False) -> Context:
    path = shape_path(shapes, shape)
    message = _message(shapes, shape)
    return Context(
        shape, focus_set, path, message, _severity(shapes, shape), mark=focus_set if mark else None, explanation=message
    )


def compile_shape(cc: Compilation, shape: Term, c: Context, counted: bool = False) -> None:
    """The checks of ``shape`` (node or property shape) for the focus nodes of ``c`` (``counted``: but its
    minCount and maxCount, which the shape it is a property of checks with its siblings')."""
    with cc.entering(shape), cc.apart():
        _constraints(cc, shape, c, counted)


def _constraints(cc: Compilation, shape: Term, c: Context, counted: bool) -> None:
    cc.shapes.refuse_unknown(shape)
    cc.path = c.path
    if c.path is not None and counted:
        qualified(cc, c)
    elif c.path is not None:
        counts(cc, c)
    else:
        for local in PATH_ONLY:
            if cc.shapes.values(shape, local):
                raise refuse(shape, f"sh:{local} on a node shape")
    compile_values(cc, c)
    properties = _properties(cc, shape, c)
    counts_of(cc, [nested for _prop, nested in properties])
    for prop, nested in properties:
        compile_shape(cc, prop, nested, counted=True)
        cc.path = c.path


def _properties(cc: Compilation, shape: Term, c: Context) -> list[tuple[Term, Context]]:
    """The active property shapes of ``shape``, each with its context under ``c``."""
    found = []
    for prop in cc.shapes.values(shape, "property"):
        if cc.shapes.deactivated(prop):
            continue
        path = shape_path(cc.shapes, prop)
        if path is None:
            raise refuse(prop, "sh:property without sh:path")
        found.append((prop, c.nested(prop, path, _message(cc.shapes, prop), _severity(cc.shapes, prop))))
    return found


def materialize(cc: Compilation, shape: Term, c: Context, v: str) -> str:
    """Validate ``shape`` on the value nodes of ``c`` first; a condition true for those that conform."""
    sid = cc.new_id()
    cc.program.steps.append(
        Update(f"INSERT {{ GRAPH <{FOCUS}> {{ <{sid}> <{FOCUS}> ?v }} }} WHERE {{ {c.focus} {c.values()} }}")
    )
    saved = cc.path
    compile_shape(cc, shape, _context(cc.shapes, shape, sid, mark=True))
    cc.path = saved
    return f"NOT EXISTS {{ GRAPH <{FAILS}> {{ <{sid}> <{FAILS}> {v} }} }}"


def shape_path(shapes: ShapesGraph, shape: Term) -> PropertyPath | None:
    node = shapes.one(shape, "path")
    return read_path(shapes, node, shape) if node is not None else None


def _message(shapes: ShapesGraph, shape: Term) -> str | None:
    messages = shapes.values(shape, "message")
    return str(messages[0].value) if messages and isinstance(messages[0], Literal) else None


def _severity(shapes: ShapesGraph, shape: Term) -> NamedNode:
    severity = shapes.one(shape, "severity")
    if severity is None:
        return NamedNode(SH + "Violation")
    return iri(severity, shape, "sh:severity")
