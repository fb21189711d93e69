"""Validate a graph against the shapes with pySHACL and return a report; never print or exit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import RdfFormat, Triple

from .formats import Format
from .namespaces import ID, KINDS, SH
from .rdfio import read_triples
from .records import Corpus, Origin
from .serialize import to_ntriples

SH_NS = rdflib.Namespace(SH)


@dataclass(frozen=True, order=True)
class Violation:
    focus: str
    path: str | None
    constraint: str
    severity: str
    message: str
    value: str | None = None
    origin: Origin | None = None

    def __str__(self) -> str:
        where = f"{self.origin}: " if self.origin else ""
        path = f" {self.path}" if self.path else ""
        value = f" (value {self.value})" if self.value else ""
        return f"{where}{self.severity}: <{self.focus}>{path}: {self.message} [{self.constraint}]{value}"

    def sort_key(self) -> tuple[str, str, str, str, str]:
        """Report order: by focus node, path, constraint (a node-level violation has no path)."""
        return (self.focus, self.path or "", self.constraint, self.value or "", self.message)


@dataclass
class Report:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def summary(self) -> str:
        if self.conforms:
            return "the data conforms to the shapes"
        return f"{len(self.violations)} violation(s) of the shapes"


def shapes_graph(shapes_dir: Path) -> rdflib.Graph:
    return to_rdflib([t for path in sorted(shapes_dir.glob("*.ttl")) for t in read_triples(path, RdfFormat.TURTLE)])


def to_rdflib(triples: list[Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=to_ntriples(triples), format=Format.NTRIPLES.rdflib_name)
    return graph


def origins(corpus: Corpus) -> dict[str, Origin]:
    """The seed file and line of every record, by the IRI of the record."""
    found: dict[str, Origin] = {}
    for prefix, kind in KINDS.items():
        for key, record in corpus.table(prefix).items():
            found[f"{ID}{kind}/{key}"] = record.origin
    return found


def origin_of(iri: str, by_iri: Mapping[str, Origin]) -> Origin | None:
    """The record an IRI belongs to: itself, or the owner of an auxiliary node minted under it."""
    if not iri.startswith(ID):
        return None
    parts = iri[len(ID) :].split("/")
    return by_iri.get(ID + "/".join(parts[:2]))


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph, by_iri: Mapping[str, Origin] | None = None) -> Report:
    from pyshacl import validate as shacl_validate  # imported here: the fast engine never needs it

    conforms, results, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
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


def _path(results: rdflib.Graph, path: object) -> str:
    """``schema:name``, or ``^schema:encoding`` for an inverse path (a blank node in the results)."""
    inverse = results.value(path, SH_NS.inversePath) if isinstance(path, rdflib.BNode) else None
    return "^" + short_name(inverse) if inverse is not None else short_name(path)


def short_name(node: object) -> str:
    """``sh:`` and ``schema:`` names abbreviated, anything else in full."""
    text = str(node)
    for prefix, namespace in (("sh:", SH), ("schema:", "https://schema.org/")):
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text
