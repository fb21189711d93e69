"""The JSON-LD reads as plain JSON and still means exactly the dataset's triples, to two processors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rdflib
from pyld import jsonld
from pyoxigraph import RdfFormat, parse

from peacegraph import pipeline
from peacegraph.rdf import context as jsonld_context

from ..syria import CONTEXT_IRI


@pytest.fixture(scope="module")
def document(built: pipeline.BuildResult) -> dict[str, Any]:
    return json.loads(built.files["peacegraph.jsonld"].read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _nodes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["id"]: node for node in document["@graph"]}


def test_pyld_expands_the_dump_to_exactly_the_triples(built: pipeline.BuildResult, document: dict[str, Any]) -> None:
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert {q.triple for q in parse(nquads, format=RdfFormat.N_QUADS)} == set(built.triples)


def test_oxigraph_reads_exactly_the_triples(built: pipeline.BuildResult) -> None:
    read = {q.triple for q in parse(path=str(built.files["peacegraph.jsonld"]), format=RdfFormat.JSON_LD)}
    assert read == set(built.triples)


def test_rdflib_reads_the_same_number_of_triples(built: pipeline.BuildResult) -> None:
    graph = rdflib.Graph().parse(built.files["peacegraph.jsonld"], format="json-ld")
    assert len(graph) == len(built.triples)


def test_every_property_has_a_plain_key(document: dict[str, Any]) -> None:
    """No ``schema:…`` keys: a JSON developer reads ``node["author"]``."""
    keys = {key for node in document["@graph"] for key in node}
    assert not [key for key in keys if ":" in key]


def test_a_position_reads_as_plain_json(document: dict[str, Any]) -> None:
    nodes = _nodes(document)
    position = next(n for n in nodes.values() if "pg:Position" in n.get("type", []))
    assert isinstance(position["author"], list)
    assert all(isinstance(a, str) and a.startswith("pgid:") for a in position["author"])
    assert isinstance(position["stance"], str)
    assert isinstance(position["about"], list)
    assert isinstance(position["text"], str)
    selectors = [nodes[s] for s in nodes[position["evidence"]]["hasSelector"]]
    offsets = next(s for s in selectors if "oa:TextPositionSelector" in s["type"])
    assert int(offsets["start"]) < int(offsets["end"])


def test_dates_are_plain_strings_when_they_are_full_dates(document: dict[str, Any]) -> None:
    dates = [n["startDate"] for n in document["@graph"] if "startDate" in n]
    assert any(isinstance(d, str) for d in dates)
    assert all(isinstance(d, str) or set(d) == {"@type", "@value"} for d in dates)


def test_one_valued_sets_are_still_arrays(document: dict[str, Any]) -> None:
    many = {t.name for t in jsonld_context.TERMS if t.many} | {"type"}
    assert all(isinstance(node[k], list) for node in document["@graph"] for k in node if k in many)


def test_the_context_file_is_the_one_in_the_dump(out_dir: Path, document: dict[str, Any]) -> None:
    published = json.loads((out_dir / "context.jsonld").read_text(encoding="utf-8"))
    assert published == {"@context": document["@context"]}
    assert CONTEXT_IRI.endswith("/context.jsonld")


def test_pyld_compacts_with_the_published_context_to_the_same_keys(document: dict[str, Any]) -> None:
    """An independent compaction (PyLD) picks the same terms the writer did."""
    node = next(n for n in document["@graph"] if n["id"] == "pgid:organization/baytna-syria")
    single = {"@context": document["@context"], **node}
    compacted = jsonld.compact(jsonld.expand(single), {"@context": document["@context"]})
    compacted.pop("@context")
    assert compacted == node
