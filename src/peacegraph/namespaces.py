"""Every IRI and namespace peacegraph uses, and the one place where identifiers are minted."""

from __future__ import annotations

import re
from typing import Final

from pyoxigraph import NamedNode

BASE: Final = "https://w3id.org/peacegraph/"
ID: Final = BASE + "id/"
PG: Final = BASE + "ontology#"
DATASET: Final = BASE + "dataset"

SCHEMA: Final = "https://schema.org/"
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
OA: Final = "http://www.w3.org/ns/oa#"
DCTERMS: Final = "http://purl.org/dc/terms/"
PROV: Final = "http://www.w3.org/ns/prov#"
SH: Final = "http://www.w3.org/ns/shacl#"
WD: Final = "http://www.wikidata.org/entity/"

#: Prefixes used in Turtle and in the JSON-LD context. Our identifiers stay full IRIs in Turtle,
#: where a ``/`` in a local name would need escaping; JSON-LD abbreviates them as ``pgid:``.
PREFIXES: Final[dict[str, str]] = {
    "pg": PG,
    "schema": SCHEMA,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "oa": OA,
    "dcterms": DCTERMS,
    "prov": PROV,
    "wd": WD,
}
JSONLD_PREFIXES: Final[dict[str, str]] = {"pgid": ID, **PREFIXES}

SLUG_PATTERN: Final = r"^[a-z0-9]+(-[a-z0-9]+)*$"
QID_PATTERN: Final = r"^Q[1-9][0-9]*$"
_SLUG = re.compile(SLUG_PATTERN)

#: Reference prefixes used in records, and the IRI kind each one names.
KINDS: Final[dict[str, str]] = {
    "doc": "document",
    "org": "organization",
    "person": "person",
    "place": "place",
    "event": "event",
    "position": "position",
    "topic": "topic",
}


def schema(local: str) -> NamedNode:
    return NamedNode(SCHEMA + local)


def pg(local: str) -> NamedNode:
    return NamedNode(PG + local)


def term(namespace: str, local: str) -> NamedNode:
    return NamedNode(namespace + local)


def mint(kind: str, slug: str, *parts: str) -> NamedNode:
    """The IRI of a curated thing, or of an auxiliary node under it (``parts``)."""
    if kind not in KINDS.values():
        raise ValueError(f"unknown identifier kind {kind!r}")
    for segment in (slug, *parts):
        if not _SLUG.match(segment):
            raise ValueError(f"not a slug: {segment!r}")
    return NamedNode(ID + "/".join((kind, slug, *parts)))


def wikidata(qid: str) -> NamedNode:
    return NamedNode(WD + qid)


def scheme(name: str) -> NamedNode:
    """A concept scheme published in the dataset (``topics``) or the ontology (``stances``)."""
    return NamedNode(ID + "scheme/" + name)


RDF_TYPE: Final = NamedNode(RDF + "type")
