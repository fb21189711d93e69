"""Validate a graph against the shapes with pySHACL and return a report; never print or exit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import Triple
from pyshacl import validate as shacl_validate

from .formats import Format
from .namespaces import ID, KINDS, SH
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


@dataclass
class Report:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def summary(self) -> str:
        if self.conforms:
            return "the data conforms to the shapes"
        return f"{len(self.violations)} violation(s) of the shapes"


def shapes_graph(shapes_dir: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


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
    conforms, results, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    violations = sorted(_violations(results, by_iri or {}))
    return Report(conforms=bool(conforms), violations=violations)


def _violations(results: rdflib.Graph, by_iri: Mapping[str, Origin]) -> Iterable[Violation]:
    for result in results.subjects(rdflib.RDF.type, SH_NS.ValidationResult):
        focus = str(results.value(result, SH_NS.focusNode))
        path = results.value(result, SH_NS.resultPath)
        value = results.value(result, SH_NS.value)
        yield Violation(
            focus=focus,
            path=_short(path) if path is not None else None,
            constraint=_short(results.value(result, SH_NS.sourceConstraintComponent)),
            severity=_short(results.value(result, SH_NS.resultSeverity)),
            message=str(results.value(result, SH_NS.resultMessage) or ""),
            value=str(value) if value is not None else None,
            origin=origin_of(focus, by_iri),
        )


def _short(node: object) -> str:
    text = str(node)
    for prefix, namespace in (("sh:", SH), ("schema:", "https://schema.org/")):
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text
