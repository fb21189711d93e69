"""Validate a graph against the shapes with pySHACL, the reference engine, and return a report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import rdflib
from pyoxigraph import Triple
from rdflib.collection import Collection

from ..rdf.formats import Format
from ..rdf.lines import Lines
from ..rdf.namespaces import SH
from ..rdf.serialize import to_ntriples
from ..records.model import Origin
from .report import Report, Violation, origin_of, short_name

if TYPE_CHECKING:
    from .fast.paths import PropertyPath

SH_NS = rdflib.Namespace(SH)


def to_rdflib(triples: Iterable[Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    data = triples.data if isinstance(triples, Lines) else to_ntriples(list(triples))
    graph.parse(data=data, format=Format.NTRIPLES.rdflib_name)
    return graph


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph, by_iri: Mapping[str, Origin] | None = None) -> Report:
    from pyshacl import validate as shacl_validate  # imported here: the fast engine never needs it

    conforms, results, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False
    )
    violations = sorted(_violations(results, by_iri or {}), key=Violation.sort_key)
    return Report(conforms=bool(conforms), violations=violations)


def _violations(results: rdflib.Graph, by_iri: Mapping[str, Origin]) -> Iterable[Violation]:
    """The report's results; not the ``sh:detail`` results nested under one (why a value fails ``sh:node``)."""
    for report in results.subjects(rdflib.RDF.type, SH_NS.ValidationReport):
        yield from _results(results, report, by_iri)


def _results(results: rdflib.Graph, report: rdflib.term.Node, by_iri: Mapping[str, Origin]) -> Iterable[Violation]:
    for result in results.objects(report, SH_NS.result):
        focus = str(results.value(result, SH_NS.focusNode))
        path = results.value(result, SH_NS.resultPath)
        value = results.value(result, SH_NS.value)
        yield Violation(
            focus=focus,
            path=_path(results, path) if path is not None else None,
            constraint=short_name(results.value(result, SH_NS.sourceConstraintComponent)),
            severity=short_name(results.value(result, SH_NS.resultSeverity)),
            message=str(results.value(result, SH_NS.resultMessage) or ""),
            value=str(value) if value is not None else None,
            origin=origin_of(focus, by_iri),
        )


def _path(results: rdflib.Graph, path: rdflib.term.Node) -> str:
    """As the fast engine writes paths: ``schema:name``, ``^schema:encoding``, ``(schema:author/schema:name)``."""
    return str(_property_path(results, path))


def _property_path(results: rdflib.Graph, node: rdflib.term.Node) -> PropertyPath:
    from .fast.paths import UNARY, PropertyPath  # the fast engine imports this module

    if not isinstance(node, rdflib.BNode):
        return PropertyPath(str(node))
    if results.value(node, rdflib.RDF.first) is not None:
        return PropertyPath(op="/", parts=tuple(_property_path(results, n) for n in Collection(results, node)))
    for local, op in UNARY.items():
        inner = results.value(node, SH_NS[local])
        if inner is not None:
            return PropertyPath(op=op, parts=(_property_path(results, inner),))
    members = results.value(node, SH_NS.alternativePath)
    if members is None:
        return PropertyPath(str(node))
    return PropertyPath(op="|", parts=tuple(_property_path(results, n) for n in Collection(results, members)))
