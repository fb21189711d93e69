"""Every dump parses, with rdflib and with an independent parser (Oxigraph), to the same graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import parse
from rdflib.compare import isomorphic

from peacegraph import pipeline
from peacegraph.rdf.formats import Format


@pytest.fixture(scope="module")
def reference(built: pipeline.BuildResult) -> rdflib.Graph:
    return rdflib.Graph().parse(built.files["peacegraph.nt"], format="nt")


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.extension)
def test_rdflib_reads_the_same_graph(built: pipeline.BuildResult, reference: rdflib.Graph, fmt: Format) -> None:
    graph = rdflib.Graph().parse(built.files[fmt.dump_name()], format=fmt.rdflib_name)
    assert len(graph) == len(built.triples)
    assert isomorphic(graph, reference)


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.extension)
def test_oxigraph_reads_the_same_triples(built: pipeline.BuildResult, fmt: Format) -> None:
    triples = {quad.triple for quad in parse(path=str(built.files[fmt.dump_name()]), format=fmt.oxigraph)}
    assert triples == set(built.triples)


def test_ntriples_dump_is_sorted(built: pipeline.BuildResult) -> None:
    lines = built.files["peacegraph.nt"].read_bytes().splitlines()
    assert lines == sorted(lines)


def test_jsonld_is_compacted_with_the_published_context(built: pipeline.BuildResult, out_dir: Path) -> None:
    document = json.loads(built.files["peacegraph.jsonld"].read_text(encoding="utf-8"))
    context = json.loads((out_dir / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context["@context"]
    node = next(n for n in document["@graph"] if n["id"] == "pgid:organization/baytna-syria")
    assert node["name"] == "Baytna Syria"
    assert "pg:Organization" in node["type"]


def test_round_trip_through_every_format(built: pipeline.BuildResult, reference: rdflib.Graph) -> None:
    """parse → serialize with rdflib → parse gives the same graph, for each syntax."""
    for fmt in Format:
        data = reference.serialize(format=fmt.rdflib_name)
        assert isomorphic(rdflib.Graph().parse(data=data, format=fmt.rdflib_name), reference), fmt
