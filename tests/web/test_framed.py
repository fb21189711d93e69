"""An identifier's JSON-LD is framed: its auxiliary nodes (evidence, selectors, signatures, roles) sit
inside it, and it still expands to exactly the identifier's description, to PyLD and to Oxigraph."""

from __future__ import annotations

import json

import pytest
from pyld import jsonld
from pyoxigraph import NamedNode, RdfFormat, Store, parse

from peacegraph.pages import describe
from peacegraph.rdf import serialize
from peacegraph.rdf.formats import Format

from ..syria import ID


@pytest.mark.parametrize(
    ("path", "embedded"),
    [
        ("position/civil-society-letter-to-issg-2017-03-22-1-astana-guarantors", "evidence"),
        ("document/civil-society-letter-to-issg-2017-03-22", "signature"),
        ("person/staffan-de-mistura", "holdsRole"),
    ],
)
def test_identifier_documents_embed_their_auxiliary_nodes(real_store: Store, path: str, embedded: str) -> None:
    owner = NamedNode(ID + path)
    triples = serialize.canonical(describe.description(real_store, owner))
    document = json.loads(describe.rdf(real_store, owner, Format.JSONLD))
    root = document["@graph"][0]
    assert root["id"] == f"pgid:{path}"
    values = root[embedded] if isinstance(root[embedded], list) else [root[embedded]]
    assert all(isinstance(v, dict) and v["id"].startswith(f"pgid:{path}/") for v in values)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert {q.triple for q in parse(nquads, format=RdfFormat.N_QUADS)} == set(triples)
    assert {q.triple for q in parse(json.dumps(document).encode(), format=RdfFormat.JSON_LD)} == set(triples)


def test_a_position_reads_down_to_its_quote(real_store: Store) -> None:
    owner = NamedNode(ID + "position/civil-society-letter-to-issg-2017-03-22-1-astana-guarantors")
    position = json.loads(describe.rdf(real_store, owner, Format.JSONLD))["@graph"][0]
    selectors = {s["type"][0]: s for s in position["evidence"]["hasSelector"]}
    assert selectors["oa:TextQuoteSelector"]["exact"] == position["text"]
    offsets = selectors["oa:TextPositionSelector"]
    # The store gives xsd:nonNegativeInteger back as xsd:integer, so here they are value objects.
    start, end = (v if isinstance(v, str) else v["@value"] for v in (offsets["start"], offsets["end"]))
    assert int(start) < int(end)
