"""SHACL Core validation compiled to SPARQL and run by Oxigraph, with pySHACL's verdicts.

pySHACL over an rdflib graph is the reference (``peacegraph validate --engine pyshacl``), but it
takes minutes at a million triples. Here every constraint of the shapes becomes a SPARQL query that
Oxigraph (Rust) runs over an in-memory store of the data, and the rows become the same
:class:`~peacegraph.validation.report.Violation` objects pySHACL's results do: focus node, path, constraint
component, severity, message, value and the seed file and line of the record.

The compiler knows exactly the SHACL Core features our shapes use — targets by class, subjects of
and objects of; ``sh:property`` with a predicate or inverse path; minCount, maxCount, datatype,
class, nodeKind, pattern, minLength, maxLength, node, or, in, hasValue, lessThan, and
qualifiedValueShape with qualifiedMin/MaxCount — and refuses anything else with
:class:`UnsupportedShapeError`, naming the shape and the feature, so that a new shape can never be
silently ignored. Callers then fall back to pySHACL (see :func:`validate`).

What pySHACL decides in Python, this engine decides in Python too: ``sh:pattern`` is matched with
:func:`re.search`, ``sh:lessThan`` compares rdflib values, and whether a typed literal is well
formed (``"2015-02-30"^^xsd:date`` is not) is asked of rdflib, once per distinct literal.

Oxigraph stores a typed literal as its value: ``"1"^^xsd:positiveInteger`` comes back as
``"1"^^xsd:integer`` and ``"01"^^xsd:integer`` as ``"1"``. SHACL judges the datatype and lexical
form as written, so typed literals enter the validation store under a wrapped datatype IRI
(``urn:peacegraph:fastshacl:datatype:`` + the datatype) that Oxigraph keeps verbatim.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import functools
import logging
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QuerySolution,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from ...errors import InputError
from ...rdf.namespaces import OWL, RDF, RDFS, SH, XSD
from ...rdf.rdfio import read_triples
from ...records.model import Origin
from ..reference import short_name
from ..report import Report, Violation, origin_of

Term = NamedNode | BlankNode | Literal

#: Where the engine keeps its own bookkeeping in the store, apart from the data (default graph).
_FOCUS: Final = "urn:peacegraph:fastshacl:focus"
_ILL_TYPED: Final = "urn:peacegraph:fastshacl:ill-typed"
_WRAPPED: Final = "urn:peacegraph:fastshacl:datatype:"

#: Datatypes whose values rdflib makes Python ints (and compares as such).
_INTEGER_TYPES: Final = (
    "integer",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
)

#: Queries run at once (the checks are independent; a build machine has two cores).
THREADS: Final = 2

_TYPE: Final = f"<{RDF}type>"
_SUBCLASS: Final = f"<{RDFS}subClassOf>"

#: Properties of a shape that are not constraints: metadata, and the ones read with their constraint.
_IGNORED: Final = frozenset(
    SH + local
    for local in ("name", "description", "order", "group", "defaultValue", "message", "severity", "deactivated")
) | frozenset((RDF + "type", RDFS + "label", RDFS + "comment", RDFS + "isDefinedBy"))
_TARGETS: Final = frozenset(SH + local for local in ("targetClass", "targetSubjectsOf", "targetObjectsOf"))
_WITH_OTHERS: Final = frozenset(
    SH + local for local in ("path", "flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint")
)
_SHAPE_TYPES: Final = frozenset((NamedNode(SH + "NodeShape"), NamedNode(SH + "PropertyShape")))
#: Constraints that need a path: on a node shape they are refused.
_PATH_ONLY: Final = ("minCount", "maxCount", "qualifiedValueShape", "lessThan")

_NODE_KINDS: Final = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}


class UnsupportedShapeError(InputError):
    """The shapes use a SHACL feature this engine does not compile (pySHACL must validate them)."""


class FallbackWarning(UserWarning):
    """The fast engine refused the shapes and pySHACL validated them instead."""


# --- the shapes graph -------------------------------------------------------------------------


class _Shapes:
    """The shapes graph, indexed by subject, with RDF lists unrolled."""

    def __init__(self, triples: Iterable[Triple]):
        self.by_subject: dict[Term, dict[str, list[Term]]] = {}
        for t in triples:
            if isinstance(t.subject, Triple) or isinstance(t.object, Triple):
                raise _refuse(t.predicate, "RDF 1.2 triple terms in the shapes")
            self.by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def values(self, node: Term, local: str) -> list[Term]:
        return self.by_subject.get(node, {}).get(SH + local, [])

    def one(self, node: Term, local: str) -> Term | None:
        found = self.values(node, local)
        if len(found) > 1:
            raise _refuse(node, f"sh:{local} is given {len(found)} times")
        return found[0] if found else None

    def items(self, head: Term) -> list[Term]:
        """The members of the RDF list starting at ``head``."""
        members: list[Term] = []
        while head != NamedNode(RDF + "nil"):
            props = self.by_subject.get(head, {})
            first, rest = props.get(RDF + "first", []), props.get(RDF + "rest", [])
            if len(first) != 1 or len(rest) != 1 or len(members) > 10_000:
                raise _refuse(head, "a malformed RDF list")
            members.append(first[0])
            head = rest[0]
        return members

    def shapes_with_targets(self) -> list[Term]:
        return sorted(
            (node for node, props in self.by_subject.items() if _TARGETS & props.keys()), key=lambda n: str(n)
        )


def _refuse(shape: Term, feature: str) -> UnsupportedShapeError:
    return UnsupportedShapeError(f"the fast SHACL engine does not support {feature} (shape {shape})")


def _iri(node: Term, shape: Term, what: str) -> NamedNode:
    if not isinstance(node, NamedNode):
        raise _refuse(shape, f"a {what} that is not an IRI ({node})")
    return node


def _integer(node: Term | None, shape: Term, what: str) -> int | None:
    if node is None:
        return None
    if not isinstance(node, Literal) or node.datatype != NamedNode(XSD + "integer"):
        raise _refuse(shape, f"{what} {node} that is not an xsd:integer")
    return int(node.value)


# --- compiled checks --------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyPath:
    """A predicate path, or the inverse of one (``^schema:encoding``)."""

    predicate: str
    inverse: bool = False

    def pattern(self, subject: str, value: str) -> str:
        p = f"<{self.predicate}>"
        return f"{value} {p} {subject} ." if self.inverse else f"{subject} {p} {value} ."

    def __str__(self) -> str:
        """As reports give it (the path of a :class:`Violation`)."""
        return ("^" if self.inverse else "") + short_name(self.predicate)

    def named(self) -> str:
        """As messages give it."""
        return ("^" if self.inverse else "") + _display(NamedNode(self.predicate))


@dataclass(frozen=True)
class Outcome:
    """A constraint a check decides: a violation when its ``flag`` variable is false (or always, without one)."""

    component: str
    message: str
    flag: str | None = None


@dataclass(frozen=True)
class Check:
    """Constraints of one shape over the focus nodes of one shape: a query and how to read its rows.

    The query selects ``?f`` (the focus node), ``?v`` for constraints that report values, and a
    boolean per outcome that has a flag; it returns only rows that violate something. A row is no
    violation at all if ``accept`` (checked in Python, for ``sh:pattern`` and ``sh:lessThan``)
    accepts it.
    """

    query: str
    path: PropertyPath | None
    severity: str
    outcomes: tuple[Outcome, ...]
    reports_value: bool
    accept: Callable[[QuerySolution], bool] | None = None

    @property
    def components(self) -> set[str]:
        return {outcome.component for outcome in self.outcomes}


@dataclass
class Program:
    """The compiled shapes: focus node sets to materialize, checks to run, datatypes to check."""

    focus: dict[str, str] = field(default_factory=dict)  # shape id -> WHERE clause binding ?f
    checks: list[Check] = field(default_factory=list)
    #: Datatypes whose literals must be checked for well-formedness, and the properties they are
    #: values of (None: the focus nodes themselves, which could be anything).
    datatypes: set[str] = field(default_factory=set)
    typed_values_of: set[str | None] = field(default_factory=set)


class _Compiler:
    def __init__(self, shapes: _Shapes, subclasses: bool):
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
            focus = f"GRAPH <{_FOCUS}> {{ <{sid}> <{_FOCUS}> ?f }}"
            self._shape(shape, focus)
        return self.program

    def _targets_known(self) -> None:
        """Refuse targets this engine does not find (so that no shape is skipped for want of targets)."""
        classes = {NamedNode(RDFS + "Class"), NamedNode(OWL + "Class")}
        for node, props in self.shapes.by_subject.items():
            for predicate in props:
                if predicate.startswith(SH + "target") and predicate not in _TARGETS:
                    raise _refuse(node, short_name(predicate))
            if classes & set(props.get(RDF + "type", ())) and (
                SH + "property" in props or _SHAPE_TYPES & set(props.get(RDF + "type", ()))
            ):
                raise _refuse(node, "a shape that is also a class (implicit class target)")

    def _deactivated(self, shape: Term) -> bool:
        flag = self.shapes.one(shape, "deactivated")
        return isinstance(flag, Literal) and flag.value == "true"

    def _targets(self, shape: Term) -> str:
        parts = []
        for cls in self.shapes.values(shape, "targetClass"):
            parts.append(f"{{ {self._instance('?f', _iri(cls, shape, 'target class'))} }}")
        for p in self.shapes.values(shape, "targetSubjectsOf"):
            parts.append(f"{{ ?f <{_iri(p, shape, 'target property').value}> ?x }}")
        for p in self.shapes.values(shape, "targetObjectsOf"):
            parts.append(f"{{ ?x <{_iri(p, shape, 'target property').value}> ?f }}")
        return " UNION ".join(parts)

    def _instance(self, var: str, cls: NamedNode) -> str:
        through = f"{_TYPE}/{_SUBCLASS}*" if self.subclasses else _TYPE
        return f"{var} {through} <{cls.value}> ."

    # --- a shape applied to focus nodes

    def _shape(self, shape: Term, focus: str) -> None:
        """The checks of ``shape`` (node or property shape) for the focus nodes bound by ``focus``."""
        self._known(shape)
        path = self._path(shape)
        message, severity = self._message(shape), self._severity(shape)
        context = _Context(shape, focus, path, message, severity)
        self.path = path
        if path is not None:
            self._cardinality(context)
        else:
            for local in _PATH_ONLY:
                if self.shapes.values(shape, local):
                    raise _refuse(shape, f"sh:{local} on a node shape")
        self._values(context)
        for prop in self.shapes.values(shape, "property"):
            if not self._deactivated(prop):
                if self._path(prop) is None:
                    raise _refuse(prop, "sh:property without sh:path")
                self._shape(prop, focus)

    def _known(self, shape: Term) -> None:
        for predicate in self.shapes.by_subject.get(shape, {}):
            if predicate in _IGNORED or predicate in _TARGETS or predicate in _WITH_OTHERS:
                continue
            if predicate.startswith(SH) and predicate[len(SH) :] in _PARAMETERS:
                continue
            if predicate.startswith(SH):
                raise _refuse(shape, short_name(predicate))
        disjoint = self.shapes.one(shape, "qualifiedValueShapesDisjoint")
        if isinstance(disjoint, Literal) and disjoint.value == "true":
            raise _refuse(shape, "sh:qualifiedValueShapesDisjoint true")
        if self.shapes.values(shape, "flags"):
            raise _refuse(shape, "sh:flags")

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
        raise _refuse(shape, "a property path other than a predicate or sh:inversePath of one")

    def _message(self, shape: Term) -> str | None:
        messages = self.shapes.values(shape, "message")
        return str(messages[0].value) if messages and isinstance(messages[0], Literal) else None

    def _severity(self, shape: Term) -> str:
        severity = self.shapes.one(shape, "severity")
        return short_name(severity.value if isinstance(severity, NamedNode) else SH + "Violation")

    # --- constraints

    def _cardinality(self, c: _Context) -> None:
        """minCount and maxCount in one query per path (the common case, minCount 1 alone, without counting)."""
        assert c.path is not None
        values = c.path.pattern("?f", "?v")
        low = _integer(self.shapes.one(c.shape, "minCount"), c.shape, "sh:minCount") or 0
        high = _integer(self.shapes.one(c.shape, "maxCount"), c.shape, "sh:maxCount")
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

    def _qualified(self, c: _Context) -> None:
        assert c.path is not None
        low = _integer(self.shapes.one(c.shape, "qualifiedMinCount"), c.shape, "sh:qualifiedMinCount")
        high = _integer(self.shapes.one(c.shape, "qualifiedMaxCount"), c.shape, "sh:qualifiedMaxCount")
        qualifier = self.shapes.one(c.shape, "qualifiedValueShape")
        if qualifier is None:
            if low is not None or high is not None:
                raise _refuse(c.shape, "sh:qualifiedMinCount or sh:qualifiedMaxCount without sh:qualifiedValueShape")
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

    def _grouped(self, c: _Context, where: str, bounds: list[tuple[str, str, str]], grouped: bool = True) -> None:
        """A query over ``where`` (with ``GROUP BY ?f`` if ``grouped``) that keeps focus nodes out of ``bounds``."""
        flags = " ".join(f"(({test}) AS ?c{i})" for i, (_name, test, _message) in enumerate(bounds))
        broken = " || ".join(f"!({test})" for _name, test, _message in bounds)
        keep = f"HAVING ({broken})" if grouped else f"FILTER ({broken})"
        body = where if grouped else where[:-1] + f" {keep} }}"
        query = f"SELECT ?f {flags} WHERE {body} {keep if grouped else ''}"
        self._add(c, query, [(name, "", message) for name, _test, message in bounds])

    def _values(self, c: _Context) -> None:
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
            self._less_than(c, _iri(other, c.shape, "sh:lessThan"))

    def _value_conditions(self, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
        """(component, condition every value must meet, message) for the shape's value constraints."""
        for cls in self.shapes.values(shape, "class"):
            cls = _iri(cls, shape, "sh:class")
            yield "Class", self._is_instance(v, cls), f"Value does not have class {_display(cls)}"
        for datatype in self.shapes.values(shape, "datatype"):
            datatype = _iri(datatype, shape, "sh:datatype")
            message = f"Value is not Literal with datatype {_display(datatype)}"
            yield "Datatype", self._has_datatype(v, datatype.value), message
        for kind in self.shapes.values(shape, "nodeKind"):
            kind = _iri(kind, shape, "sh:nodeKind")
            yield "NodeKind", self._node_kind(v, kind, shape), f"Value is not of Node Kind {_display(kind)}"
        for bound, name, test in (("minLength", "MinLength", "<"), ("maxLength", "MaxLength", ">")):
            limit = _integer(self.shapes.one(shape, bound), shape, f"sh:{bound}")
            if limit is not None:
                condition = f"(!isBlank({v}) && !(STRLEN(STR({v})) {test} {limit}))"
                yield name, condition, f"String length not {'>=' if test == '<' else '<='} {limit}"
        for node in self.shapes.values(shape, "node"):
            message = f"Value does not conform to Shape {_display(node)}. See details for more information."
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
            if (local in _PARAMETERS and local not in _CONDITIONS) or predicate in _WITH_OTHERS:
                raise _refuse(shape, f"sh:{local} in a shape used by sh:node, sh:or or sh:qualifiedValueShape")
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
        ill = f"GRAPH <{_ILL_TYPED}> {{ <{_ILL_TYPED}> <{_ILL_TYPED}> {v} }}"
        return f"(isLiteral({v}) && DATATYPE({v}) = <{_WRAPPED}{datatype}> && NOT EXISTS {{ {ill} }})"

    def _node_kind(self, v: str, kind: NamedNode, shape: Term) -> str:
        local = kind.value[len(SH) :] if kind.value.startswith(SH) else None
        if local not in _NODE_KINDS:
            raise _refuse(shape, f"sh:nodeKind {kind}")
        return _NODE_KINDS[local].format(v=v)

    def _pattern(self, c: _Context, pattern: Term) -> None:
        if not isinstance(pattern, Literal):
            raise _refuse(c.shape, f"sh:pattern {pattern} that is not a literal")
        compiled = re.compile(pattern.value)

        def accept(row: QuerySolution) -> bool:
            node = row["v"]
            return isinstance(node, NamedNode | Literal) and compiled.search(node.value) is not None

        query = f"SELECT ?f ?v WHERE {{ {c.focus} {c.values()} }}"
        message = f"Value does not match pattern '{pattern.value}'"
        self._add(c, query, [("Pattern", "", message)], value=True, flags=False, accept=accept)

    def _has_value(self, c: _Context, node: Term) -> None:
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
                    f"Node {{f}}->{c.path.named() if c.path else ''} does not contain Value {_display(node)}",
                )
            ],
            flags=False,
        )

    def _less_than(self, c: _Context, other: NamedNode) -> None:
        if c.path is None:
            raise _refuse(c.shape, "sh:lessThan on a node shape")
        # Pairs of plain integers are compared here; anything else as pySHACL does, in Python (_less).
        integers = ", ".join(f"<{_WRAPPED}{XSD}{name}>" for name in _INTEGER_TYPES)
        plain = "DATATYPE({x}) IN ({types}) && REGEX(STR({x}), '^[0-9]+$')"
        both = f"{plain.format(x='?v', types=integers)} && {plain.format(x='?w', types=integers)}"
        less = f"{both} && xsd:integer(STR(?v)) < xsd:integer(STR(?w))"
        where = f"{c.focus} {c.values()} ?f <{other.value}> ?w . FILTER(!COALESCE({less}, false))"
        query = f"PREFIX xsd: <{XSD}> SELECT ?f ?v ?w WHERE {{ {where} }}"
        message = f"Value of {{f}}->{_display(other)} <= {{v}}"
        self._add(c, query, [("LessThan", "", message)], value=True, flags=False, accept=_less)

    def _add(
        self,
        c: _Context,
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
class _Context:
    shape: Term
    focus: str
    path: PropertyPath | None
    message: str | None
    severity: str

    def values(self) -> str:
        """A pattern binding ``?v`` to each value node of the focus node ``?f``."""
        return self.path.pattern("?f", "?v") if self.path else "BIND(?f AS ?v)"


#: The constraints a shape used as a condition (by sh:node, sh:or, sh:qualifiedValueShape) may have.
_CONDITIONS: Final = frozenset(("class", "datatype", "nodeKind", "minLength", "maxLength", "node", "or", "in"))

_PARAMETERS: Final = frozenset(
    (
        "property",
        "minCount",
        "maxCount",
        "datatype",
        "class",
        "nodeKind",
        "pattern",
        "minLength",
        "maxLength",
        "node",
        "or",
        "in",
        "hasValue",
        "lessThan",
        "qualifiedValueShape",
    )
)


def _display(node: Term) -> str:
    """A term as pySHACL's messages write it: ``schema:name`` where rdflib knows the prefix, else ``<iri>``."""
    if not isinstance(node, NamedNode):
        return node.value
    for namespace, prefix in _message_prefixes():
        local = node.value[len(namespace) :]
        if node.value.startswith(namespace) and local and _LOCAL_NAME.fullmatch(local):
            return f"{prefix}:{local}"
    return f"<{node.value}>"


_LOCAL_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@functools.cache
def _message_prefixes() -> list[tuple[str, str]]:
    """The prefixes rdflib binds in every graph (those pySHACL's messages use), longest namespace first."""
    import rdflib

    bound = [(str(namespace), prefix) for prefix, namespace in rdflib.Graph().namespaces() if prefix]
    return sorted(bound, key=lambda pair: (-len(pair[0]), pair[1]))


def sparql_term(node: Term) -> str:
    """A term of the shapes as SPARQL, typed literals under their wrapped datatype as in the store."""
    if isinstance(node, Literal) and not node.language and node.datatype.value != XSD + "string":
        return str(Literal(node.value, datatype=NamedNode(_WRAPPED + node.datatype.value)))
    return str(node)


# --- running ----------------------------------------------------------------------------------


def read_shapes(shapes_dir: Path) -> list[Triple]:
    return [t for path in sorted(Path(shapes_dir).glob("*.ttl")) for t in read_triples(path, RdfFormat.TURTLE)]


def compile_shapes(shapes: list[Triple], subclasses: bool = True) -> Program:
    """The checks of ``shapes``; :class:`UnsupportedShapeError` if they use a feature this engine lacks.

    With ``subclasses`` false, class membership is ``rdf:type`` alone (right when the data graph
    states no ``rdfs:subClassOf``, and much faster).
    """
    return _Compiler(_Shapes(shapes), subclasses).compile()


def data_store(triples: list[Triple]) -> Store:
    """An in-memory store of the triples (in the default graph), typed literals wrapped (see above)."""
    store = Store()
    data = _wrap_datatypes(serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
    store.load(data, format=RdfFormat.N_TRIPLES, lenient=True)  # terms were checked when made
    return store


#: In N-Triples a literal's datatype follows its closing quote, which is never escaped: a quote
#: preceded by an even number of backslashes (none, or escaped backslashes).
_DATATYPE_START: Final = re.compile(rb'(?<!\\)((?:\\\\)*)"\^\^<')


def _wrap_datatypes(data: bytes) -> bytes:
    """N-Triples ``data`` with every ``"…"^^<D>`` written ``"…"^^<urn:…:datatype:D>``."""
    wrapped = b'"^^<' + _WRAPPED.encode()
    if b'\\"^^<' not in data:  # no escaped quote that looks like a datatype: a plain replace is exact
        return data.replace(b'"^^<', wrapped)
    return _DATATYPE_START.sub(lambda m: m.group(1) + wrapped, data)


def run(program: Program, store: Store, by_iri: Mapping[str, Origin] | None = None) -> Report:
    """Run compiled checks over ``store`` (which gains the engine's bookkeeping graphs)."""
    _mark_ill_typed(store, program)
    for sid, where in program.focus.items():
        store.update(f"INSERT {{ GRAPH <{_FOCUS}> {{ <{sid}> <{_FOCUS}> ?f }} }} WHERE {{ {where} }}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as pool:  # Oxigraph runs queries without the GIL
        found = pool.map(lambda check: list(_violations(check, store, by_iri or {})), program.checks)
        violations = sorted((v for some in found for v in some), key=Violation.sort_key)
    conforms = all(v.severity != "sh:Violation" for v in violations)
    return Report(conforms=conforms, violations=violations)


def validate_triples(triples: list[Triple], shapes: list[Triple], by_iri: Mapping[str, Origin] | None = None) -> Report:
    """Validate ``triples`` against ``shapes`` with this engine (:class:`UnsupportedShapeError` if it cannot)."""
    program = compile_shapes(shapes)  # refuses unsupported shapes before any work is done
    store = data_store(triples)
    try:
        if not store.query(f"ASK {{ ?a {_SUBCLASS} ?b }}"):
            program = compile_shapes(shapes, subclasses=False)
        return run(program, store, by_iri)
    finally:
        del store
        _give_back_memory()


def _give_back_memory() -> None:
    """Return the freed store's memory to the system, before the dumps are written (glibc keeps it otherwise).

    A million triples take ~300 MB in the store; without this the peak of a build is that much higher.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def validate(
    triples: list[Triple], shapes_dir: Path, by_iri: Mapping[str, Origin] | None = None, engine: str = "auto"
) -> Report:
    """Validate with the fast engine, or pySHACL (``engine="pyshacl"``, or as the fallback of ``"auto"``).

    With ``"auto"``, shapes the fast engine refuses are validated by pySHACL and a
    :class:`FallbackWarning` says why; with ``"fast"`` the refusal is an error.
    """
    shapes = read_shapes(shapes_dir)
    if engine != "pyshacl":
        try:
            return validate_triples(triples, shapes, by_iri)
        except UnsupportedShapeError as refusal:
            if engine == "fast":
                raise
            warnings.warn(f"{refusal}; validating with pySHACL instead", FallbackWarning, stacklevel=2)
    from .. import reference as reference

    return reference.validate_graph(reference.to_rdflib(triples), reference.to_rdflib(shapes), by_iri)


def _violations(check: Check, store: Store, by_iri: Mapping[str, Origin]) -> Iterator[Violation]:
    solutions = store.query(check.query)
    assert isinstance(solutions, QuerySolutions)
    for row in solutions:
        if check.accept is not None and check.accept(row):
            continue
        focus = row["f"]
        value = row["v"] if check.reports_value else None
        assert focus is not None
        for outcome in check.outcomes:
            if outcome.flag is None or _false(row[outcome.flag]):
                message = outcome.message.replace("{f}", _display(focus))
                yield Violation(
                    focus=focus.value,
                    path=str(check.path) if check.path else None,
                    constraint=outcome.component,
                    severity=check.severity,
                    message=message.replace("{v}", _display(value) if value else ""),
                    value=value.value if value is not None else None,
                    origin=origin_of(focus.value, by_iri),
                )


def _false(flag: Term | None) -> bool:
    """A flag that is ``false`` (unbound, from an error in the data, counts as met, as in a FILTER)."""
    return isinstance(flag, Literal) and flag.value == "false"


# --- typed literals ---------------------------------------------------------------------------


def _mark_ill_typed(store: Store, program: Program) -> None:
    """Put every literal of the checked datatypes that rdflib finds ill-typed in the bookkeeping graph."""
    if not program.datatypes:
        return
    listed = ", ".join(f"<{_WRAPPED}{d}>" for d in sorted(program.datatypes))
    if None in program.typed_values_of:
        where = "?s ?p ?v"
    else:
        where = "VALUES ?p { " + " ".join(f"<{p}>" for p in sorted(program.typed_values_of, key=str)) + " } ?s ?p ?v"
    query = f"SELECT DISTINCT ?v WHERE {{ {where} FILTER(isLiteral(?v) && DATATYPE(?v) IN ({listed})) }}"
    solutions = store.query(query)
    assert isinstance(solutions, QuerySolutions)
    graph = NamedNode(_ILL_TYPED)
    with _quiet_rdflib():
        ill = [row["v"] for row in solutions if not well_typed(_unwrap(row["v"]))]
    store.extend(Quad(graph, graph, literal, graph) for literal in ill if isinstance(literal, Literal))


def _unwrap(node: Term | None) -> Term | None:
    """A term of the store as it is in the data (typed literals with their own datatype)."""
    if isinstance(node, Literal) and node.datatype.value.startswith(_WRAPPED):
        return Literal(node.value, datatype=NamedNode(node.datatype.value[len(_WRAPPED) :]))
    return node


def well_typed(literal: Term | None) -> bool:
    """Whether pySHACL takes ``literal`` to be a well-formed value of its datatype (it asks rdflib)."""
    import rdflib

    if not isinstance(literal, Literal):
        return False
    if literal.datatype.value == XSD + "boolean" and literal.value not in _BOOLEANS:
        return False  # what rdflib says too, after warning about it
    converted = rdflib.Literal(literal.value, datatype=literal.datatype.value)
    if converted.ill_typed:
        return False
    return _actual_datatype(converted.value, literal.datatype.value)


def _less(row: QuerySolution) -> bool:
    """Whether a value is less than the other property's value, as pySHACL compares them (rdflib values)."""
    import rdflib

    def python(node: Term | None) -> tuple[bool, object]:
        node = _unwrap(node)
        if isinstance(node, NamedNode):
            return True, node.value
        if not isinstance(node, Literal):
            return False, None
        lexical, datatype = node.value, None if node.language else node.datatype.value
        if datatype == XSD + "boolean" and lexical not in _BOOLEANS:  # rdflib reads these as false, warning
            lexical = "true" if lexical.lower() in ("1", "true") else "false"
        with _quiet_rdflib():
            value = rdflib.Literal(lexical, datatype=datatype, lang=node.language or None)
        return (True, value.value) if isinstance(value.value, str) else (False, value)

    (v_text, v), (w_text, w) = python(row["v"]), python(row["w"])
    if v is None or w is None or v_text != w_text:
        return False
    try:
        return bool(v < w)  # type: ignore[operator]
    except TypeError:
        return False


_BOOLEANS: Final = ("true", "false", "1", "0")


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every literal it cannot convert: that is the answer here, not news."""
    log = logging.getLogger("rdflib.term")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


def _actual_datatype(value: object, datatype: str) -> bool:
    """pySHACL's own check of the Python value rdflib converted the literal to."""
    import datetime
    import decimal

    expected: dict[str, type | tuple[type, ...]] = {
        XSD + "integer": int,
        XSD + "float": float,
        XSD + "decimal": decimal.Decimal,
        XSD + "boolean": bool,
        XSD + "date": datetime.date,
        XSD + "time": datetime.time,
        XSD + "dateTime": datetime.datetime,
    }
    kind = expected.get(datatype)
    return kind is None or isinstance(value, kind)
