"""The naive pipeline the real build is measured against: the same records, then rdflib and pySHACL.

Records are loaded and mapped by peacegraph itself (so both sides start from the same triples);
then the triples go into an rdflib ``Graph``, pySHACL validates the whole graph, and rdflib's own
serializers write Turtle, N-Triples and JSON-LD.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import Literal, NamedNode, Triple
from pyshacl import validate

from peacegraph import collection, pipeline, resources
from peacegraph.rdf.namespaces import using
from peacegraph.records import loader


def _term(node: Any) -> rdflib.term.Identifier:
    if isinstance(node, NamedNode):
        return rdflib.URIRef(node.value)
    assert isinstance(node, Literal)
    if node.language:
        return rdflib.Literal(node.value, lang=node.language)
    return rdflib.Literal(node.value, datatype=rdflib.URIRef(node.datatype.value))


def _graph(triples: list[Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in triples:
        graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    return graph


def _shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(resources.shapes_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def run(seeds: Path, out: Path) -> dict[str, float]:
    """Build naively from ``seeds`` into ``out``; the seconds each stage took."""
    timings: dict[str, float] = {}

    def stage(name: str, work: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = work()
        timings[name] = time.perf_counter() - start
        return result

    col = collection.load(seeds)
    with using(col.space):
        corpus = stage("load", lambda: loader.load(seeds, col.texts))
        triples = stage("map", lambda: pipeline.assemble(corpus, resources.ontology_file(), col))
    graph = stage("graph", lambda: _graph(triples))
    conforms, _results, _text = stage(
        "validate", lambda: validate(graph, shacl_graph=_shapes(), inference="none", advanced=True)
    )
    if not conforms:
        raise SystemExit("the baseline found the synthetic corpus non-conforming")
    out.mkdir(parents=True, exist_ok=True)
    for fmt, name in (("turtle", "peacegraph.ttl"), ("nt", "peacegraph.nt"), ("json-ld", "peacegraph.jsonld")):
        stage(f"serialize {name}", lambda fmt=fmt, name=name: graph.serialize(destination=out / name, format=fmt))
    return timings
