"""The compiler: shapes to checks, refusing any SHACL feature it does not know."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from pyoxigraph import Literal, NamedNode, QuerySolution, Triple

from ...rdf.namespaces import OWL, RDF, RDFS, SH, XSD
from ..reference import short_name
from .literals import BOOLEANS, INTEGER_TYPES, quiet_rdflib, unwrap
from .program import Check, Outcome, Program, PropertyPath
from .shapes import (
    CONDITIONS,
    IGNORED,
    PARAMETERS,
    PATH_ONLY,
    SHAPE_TYPES,
    TARGETS,
    WITH_OTHERS,
    ShapesGraph,
    integer,
    iri,
    refuse,
)
from .terms import FOCUS, ILL_TYPED, SUBCLASS, TYPE, WRAPPED, Term, display, sparql_term

_NODE_KINDS: Final = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}


class _Compiler:
    def __init__(self, shapes: ShapesGraph, subclasses: bool):
        self.shapes = shapes
        self.subclasses = subclasses
        self.program = Program()
        self.ids: dict[Term, str] = {}
        self.path: PropertyPath | None = None  # of the shape being compiled

    def shape_id(self, shape: Term) -> str:
        if shape not in self.ids:
            self.ids[shape] = f"urn:peacegraph:fastshacl:shape:{len(self.ids)}"
        return self.ids[shape]

    # --- top level: shapes with targets

    def compile(self) -> Program:
        self._targets_known()
        for shape in self.shapes.shapes_with_targets():
            if self._deactivated(shape):
                continue
            sid = self.shape_id(shape)
            self.program.focus[sid] = self._targets(shape)
            focus = f"GRAPH <{FOCUS}> {{ <{sid}> <{FOCUS}> ?f }}"
            self._shape(shape, focus)
        return self.program

    def _targets_known(self) -> None:
        """Refuse targets this engine does not find (so that no shape is skipped for want of targets)."""
        classes = {NamedNode(RDFS + "Class"), NamedNode(OWL + "Class")}
        for node, props in self.shapes.by_subject.items():
            for predicate in props:
                if predicate.startswith(SH + "target") and predicate not in TARGETS:
                    raise refuse(node, short_name(predicate))
            if classes & set(props.get(RDF + "type", ())) and (
                SH + "property" in props or SHAPE_TYPES & set(props.get(RDF + "type", ()))
            ):
                raise refuse(node, "a shape that is also a class (implicit class target)")

    def _deactivated(self, shape: Term) -> bool:
        flag = self.shapes.one(shape, "deactivated")
        return isinstance(flag, Literal) and flag.value == "true"

    def _targets(self, shape: Term) -> str:
        parts = []
        for cls in self.shapes.values(shape, "targetClass"):
            parts.append(f"{{ {self._instance('?f', iri(cls, shape, 'target class'))} }}")
        for p in self.shapes.values(shape, "targetSubjectsOf"):
            parts.append(f"{{ ?f <{iri(p, shape, 'target property').value}> ?x }}")
        for p in self.shapes.values(shape, "targetObjectsOf"):
            parts.append(f"{{ ?x <{iri(p, shape, 'target property').value}> ?f }}")
        return " UNION ".join(parts)

    def _instance(self, var: str, cls: NamedNode) -> str:
        through = f"{TYPE}/{SUBCLASS}*" if self.subclasses else TYPE
        return f"{var} {through} <{cls.value}> ."

    # --- a shape applied to focus nodes

    def _shape(self, shape: Term, focus: str) -> None:
        """The checks of ``shape`` (node or property shape) for the focus nodes bound by ``focus``."""
        self._known(shape)
        path = self._path(shape)
        message, severity = self._message(shape), self._severity(shape)
        context = Context(shape, focus, path, message, severity)
        self.path = path
        if path is not None:
            self._cardinality(context)
        else:
            for local in PATH_ONLY:
                if self.shapes.values(shape, local):
                    raise refuse(shape, f"sh:{local} on a node shape")
        self._values(context)
        for prop in self.shapes.values(shape, "property"):
            if not self._deactivated(prop):
                if self._path(prop) is None:
                    raise refuse(prop, "sh:property without sh:path")
                self._shape(prop, focus)

    def _known(self, shape: Term) -> None:
        for predicate in self.shapes.by_subject.get(shape, {}):
            if predicate in IGNORED or predicate in TARGETS or predicate in WITH_OTHERS:
                continue
            if predicate.startswith(SH) and predicate[len(SH) :] in PARAMETERS:
                continue
            if predicate.startswith(SH):
                raise refuse(shape, short_name(predicate))
        disjoint = self.shapes.one(shape, "qualifiedValueShapesDisjoint")
        if isinstance(disjoint, Literal) and disjoint.value == "true":
            raise refuse(shape, "sh:qualifiedValueShapesDisjoint true")
        if self.shapes.values(shape, "flags"):
            raise refuse(shape, "sh:flags")

    def _path(self, shape: Term) -> PropertyPath | None:
        node = self.shapes.one(shape, "path")
        if node is None:
            return None
        if isinstance(node, NamedNode):
            return PropertyPath(node.value)
        props = self.shapes.by_subject.get(node, {})
        inverse = props.get(SH + "inversePath", [])
        if len(props) == 1 and len(inverse) == 1 and isinstance(inverse[0], NamedNode):
            return PropertyPath(inverse[0].value, inverse=True)
        raise refuse(shape, "a property path other than a predicate or sh:inversePath of one")

    def _message(self, shape: Term) -> str | None:
        messages = self.shapes.values(shape, "message")
        return str(messages[0].value) if messages and isinstance(messages[0], Literal) else None

    def _severity(self, shape: Term) -> str:
        severity = self.shapes.one(shape, "severity")
        return short_name(severity.value if isinstance(severity, NamedNode) else SH + "Violation")

    # --- constraints

    def _cardinality(self, c: Context) -> None:
        """minCount and maxCount in one query per path (the common case, minCount 1 alone, without counting)."""
        assert c.path is not None
        values = c.path.pattern("?f", "?v")
        low = integer(self.shapes.one(c.shape, "minCount"), c.shape, "sh:minCount") or 0
        high = integer(self.shapes.one(c.shape, "maxCount"), c.shape, "sh:maxCount")
        bounds = []
        if low > 0:
            bounds.append(("MinCount", f"COUNT(?v) >= {low}", f"Less than {low} values on {{f}}->{c.path.named()}"))
        if high is not None:
            bounds.append(("MaxCount", f"COUNT(?v) <= {high}", f"More than {high} values on {{f}}->{c.path.named()}"))
        if low == 1 and high is None:
            query = f"SELECT ?f WHERE {{ {c.focus} FILTER NOT EXISTS {{ {values} }} }}"
            self._add(c, query, [("MinCount", "", bounds[0][2])], flags=False)
        elif bounds:
            where = f"{c.focus} OPTIONAL {{ {values} }}" if low > 0 else f"{c.focus} {values}"
            self._grouped(c, f"{{ {where} }} GROUP BY ?f", bounds)
        self._qualified(c)

    def _qualified(self, c: Context) -> None:
        assert c.path is not None
        low = integer(self.shapes.one(c.shape, "qualifiedMinCount"), c.shape, "sh:qualifiedMinCount")
        high = integer(self.shapes.one(c.shape, "qualifiedMaxCount"), c.shape, "sh:qualifiedMaxCount")
        qualifier = self.shapes.one(c.shape, "qualifiedValueShape")
        if qualifier is None:
            if low is not None or high is not None:
                raise refuse(c.shape, "sh:qualifiedMinCount or sh:qualifiedMaxCount without sh:qualifiedValueShape")
            return
        bounds = []
        if low is not None:
            message = f"QualifiedMinCount constraint ({low}) not met on {{f}}->{c.path.named()}"
            bounds.append(("QualifiedMinCount", f"COALESCE(?n, 0) >= {low}", message))
        if high is not None:
            message = f"QualifiedMaxCount constraint ({high}) not met on {{f}}->{c.path.named()}"
            bounds.append(("QualifiedMaxCount", f"COALESCE(?n, 0) <= {high}", message))
        condition = self.condition(qualifier, "?v")
        counted = (
            f"{{ SELECT ?f (COUNT(?v) AS ?n) WHERE {{ {c.focus} {c.path.pattern('?f', '?v')} FILTER({condition}) }} "
            "GROUP BY ?f }"
        )
        if bounds:
            self._grouped(c, f"{{ {c.focus} OPTIONAL {counted} }}", bounds, grouped=False)

    def _grouped(self, c: Context, where: str, bounds: list[tuple[str, str, str]], grouped: bool = True) -> None:
        """A query over ``where`` (with ``GROUP BY ?f`` if ``grouped``) that keeps focus nodes out of ``bounds``."""
        flags = " ".join(f"(({test}) AS ?c{i})" for i, (_name, test, _message) in enumerate(bounds))
        broken = " || ".join(f"!({test})" for _name, test, _message in bounds)
        keep = f"HAVING ({broken})" if grouped else f"FILTER ({broken})"
        body = where if grouped else where[:-1] + f" {keep} }}"
        query = f"SELECT ?f {flags} WHERE {body} {keep if grouped else ''}"
        self._add(c, query, [(name, "", message) for name, _test, message in bounds])

    def _values(self, c: Context) -> None:
        """Constraints on each value node (for a node shape: the focus node itself), in one query."""
        conditions = list(self._value_conditions(c.shape, "?v"))
        if conditions:
            binds = " ".join(f"BIND(({expression}) AS ?c{i})" for i, (_n, expression, _m) in enumerate(conditions))
            broken = " || ".join(f"!COALESCE(?c{i}, true)" for i in range(len(conditions)))
            flags = " ".join(f"?c{i}" for i in range(len(conditions)))
            query = f"SELECT ?f ?v {flags} WHERE {{ {c.focus} {c.values()} {binds} FILTER({broken}) }}"
            self._add(c, query, [(name, "", message) for name, _expression, message in conditions], value=True)
        for pattern in self.shapes.values(c.shape, "pattern"):
            self._pattern(c, pattern)
        for node in self.shapes.values(c.shape, "hasValue"):
            self._has_value(c, node)
        for other in self.shapes.values(c.shape, "lessThan"):
            self._less_than(c, iri(other, c.shape, "sh:lessThan"))

    def _value_conditions(self, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
        """(component, condition every value must meet, message) for the shape's value constraints."""
        for cls in self.shapes.values(shape, "class"):
            cls = iri(cls, shape, "sh:class")
            yield "Class", self._is_instance(v, cls), f"Value does not have class {display(cls)}"
        for datatype in self.shapes.values(shape, "datatype"):
            datatype = iri(datatype, shape, "sh:datatype")
            message = f"Value is not Literal with datatype {display(datatype)}"
            yield "Datatype", self._has_datatype(v, datatype.value), message
        for kind in self.shapes.values(shape, "nodeKind"):
            kind = iri(kind, shape, "sh:nodeKind")
            yield "NodeKind", self._node_kind(v, kind, shape), f"Value is not of Node Kind {display(kind)}"
        for bound, name, test in (("minLength", "MinLength", "<"), ("maxLength", "MaxLength", ">")):
            limit = integer(self.shapes.one(shape, bound), shape, f"sh:{bound}")
            if limit is not None:
                condition = f"(!isBlank({v}) && !(STRLEN(STR({v})) {test} {limit}))"
                yield name, condition, f"String length not {'>=' if test == '<' else '<='} {limit}"
        for node in self.shapes.values(shape, "node"):
            message = f"Value does not conform to Shape {display(node)}. See details for more information."
            yield "Node", self.condition(node, v), message
        for head in self.shapes.values(shape, "or"):
            members = self.shapes.items(head)
            condition = " || ".join(f"({self.condition(m, v)})" for m in members) or "false"
            yield "Or", condition, "Node does not conform to one or more shapes in sh:or"
        for head in self.shapes.values(shape, "in"):
            allowed = " || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in self.shapes.items(head))
            yield "In", f"({allowed or 'false'})", "Value is not in the list of allowed values"

    def condition(self, shape: Term, v: str) -> str:
        """A SPARQL expression true when the node ``v`` conforms to ``shape`` (used by node, or, qualified)."""
        if self._deactivated(shape):
            return "true"
        self._known(shape)
        for predicate in self.shapes.by_subject.get(shape, {}):
            local = predicate[len(SH) :] if predicate.startswith(SH) else None
            if (local in PARAMETERS and local not in CONDITIONS) or predicate in WITH_OTHERS:
                raise refuse(shape, f"sh:{local} in a shape used by sh:node, sh:or or sh:qualifiedValueShape")
        conditions = [f"({expression})" for _component, expression, _message in self._value_conditions(shape, v)]
        return " && ".join(conditions) or "true"

    def _is_instance(self, v: str, cls: NamedNode) -> str:
        return f"EXISTS {{ {self._instance(v, cls)} }}"

    def _has_datatype(self, v: str, datatype: str) -> str:
        if datatype == RDFS + "Literal":
            return f"isLiteral({v})"
        if datatype == RDF + "langString":
            return f'(isLiteral({v}) && LANG({v}) != "")'
        if datatype == XSD + "string":
            return f"(isLiteral({v}) && DATATYPE({v}) = <{datatype}>)"
        self.program.datatypes.add(datatype)
        if self.path is None or not self.path.inverse:  # values of an inverse path are never literals
            self.program.typed_values_of.add(self.path.predicate if self.path else None)
        ill = f"GRAPH <{ILL_TYPED}> {{ <{ILL_TYPED}> <{ILL_TYPED}> {v} }}"
        return f"(isLiteral({v}) && DATATYPE({v}) = <{WRAPPED}{datatype}> && NOT EXISTS {{ {ill} }})"

    def _node_kind(self, v: str, kind: NamedNode, shape: Term) -> str:
        local = kind.value[len(SH) :] if kind.value.startswith(SH) else None
        if local not in _NODE_KINDS:
            raise refuse(shape, f"sh:nodeKind {kind}")
        return _NODE_KINDS[local].format(v=v)

    def _pattern(self, c: Context, pattern: Term) -> None:
        if not isinstance(pattern, Literal):
            raise refuse(c.shape, f"sh:pattern {pattern} that is not a literal")
        compiled = re.compile(pattern.value)

        def accept(row: QuerySolution) -> bool:
            node = row["v"]
            return isinstance(node, NamedNode | Literal) and compiled.search(node.value) is not None

        query = f"SELECT ?f ?v WHERE {{ {c.focus} {c.values()} }}"
        message = f"Value does not match pattern '{pattern.value}'"
        self._add(c, query, [("Pattern", "", message)], value=True, flags=False, accept=accept)

    def _has_value(self, c: Context, node: Term) -> None:
        if c.path is None:
            query = f"SELECT ?f WHERE {{ {c.focus} FILTER(!sameTerm(?f, {sparql_term(node)})) }}"
        else:
            query = f"SELECT ?f WHERE {{ {c.focus} FILTER NOT EXISTS {{ {c.path.pattern('?f', sparql_term(node))} }} }}"
        self._add(
            c,
            query,
            [
                (
                    "HasValue",
                    "",
                    f"Node {{f}}->{c.path.named() if c.path else ''} does not contain Value {display(node)}",
                )
            ],
            flags=False,
        )

    def _less_than(self, c: Context, other: NamedNode) -> None:
        if c.path is None:
            raise refuse(c.shape, "sh:lessThan on a node shape")
        # Pairs of plain integers are compared here; anything else as pySHACL does, in Python (_less).
        integers = ", ".join(f"<{WRAPPED}{XSD}{name}>" for name in INTEGER_TYPES)
        plain = "DATATYPE({x}) IN ({types}) && REGEX(STR({x}), '^[0-9]+$')"
        both = f"{plain.format(x='?v', types=integers)} && {plain.format(x='?w', types=integers)}"
        less = f"{both} && xsd:integer(STR(?v)) < xsd:integer(STR(?w))"
        where = f"{c.focus} {c.values()} ?f <{other.value}> ?w . FILTER(!COALESCE({less}, false))"
        query = f"PREFIX xsd: <{XSD}> SELECT ?f ?v ?w WHERE {{ {where} }}"
        message = f"Value of {{f}}->{display(other)} <= {{v}}"
        self._add(c, query, [("LessThan", "", message)], value=True, flags=False, accept=_less)

    def _add(
        self,
        c: Context,
        query: str,
        outcomes: list[tuple[str, str, str]],
        *,
        value: bool = False,
        flags: bool = True,
        accept: Callable[[QuerySolution], bool] | None = None,
    ) -> None:
        """A check of ``query``; each outcome (component, _, default message) reads flag ``?c<i>`` if ``flags``."""
        made = tuple(
            Outcome(f"sh:{name}ConstraintComponent", c.message or message, f"c{i}" if flags else None)
            for i, (name, _unused, message) in enumerate(outcomes)
        )
        self.program.checks.append(Check(query, c.path, c.severity, made, value, accept))


@dataclass(frozen=True)
class Context:
    shape: Term
    focus: str
    path: PropertyPath | None
    message: str | None
    severity: str

    def values(self) -> str:
        """A pattern binding ``?v`` to each value node of the focus node ``?f``."""
        return self.path.pattern("?f", "?v") if self.path else "BIND(?f AS ?v)"


def compile_shapes(shapes: list[Triple], subclasses: bool = True) -> Program:
    """The checks of ``shapes``; :class:`UnsupportedShapeError` if they use a feature this engine lacks.

    With ``subclasses`` false, class membership is ``rdf:type`` alone (right when the data graph
    states no ``rdfs:subClassOf``, and much faster).
    """
    return _Compiler(ShapesGraph(shapes), subclasses).compile()


def _less(row: QuerySolution) -> bool:
    """Whether a value is less than the other property's value, as pySHACL compares them (rdflib values)."""
    import rdflib

    def python(node: Term | None) -> tuple[bool, object]:
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

    (v_text, v), (w_text, w) = python(row["v"]), python(row["w"])
    if v is None or w is None or v_text != w_text:
        return False
    try:
        return bool(v < w)  # type: ignore[operator]
    except TypeError:
        return False
