"""Every IRI and namespace peacegraph uses, and the one place where identifiers are minted."""

from __future__ import annotations

import functools
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
WDT: Final = "http://www.wikidata.org/prop/direct/"
STAGING: Final = "urn:peacegraph:staging:"
VOID: Final = "http://rdfs.org/ns/void#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
SPDX: Final = "http://spdx.org/rdf/terms#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
IANA_MEDIA_TYPES: Final = "https://www.iana.org/assignments/media-types/"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
FORMATS: Final = "http://www.w3.org/ns/formats/"
#: The standards the release files follow: CSV on the Web, RO-Crate, DataCite, SPDX licence ids.
CSVW: Final = "http://www.w3.org/ns/csvw"
RO_CRATE: Final = "https://w3id.org/ro/crate/1.1"
DATACITE_KERNEL: Final = "http://datacite.org/schema/kernel-4"
SPDX_LICENSES: Final = "https://spdx.org/licenses/"

#: Where people land, who publishes, where to query, and under which licence the data is.
LANDING_PAGE: Final = BASE
PUBLISHER: Final = BASE + "project"
ONTOLOGY: Final = BASE + "ontology"
SPARQL_ENDPOINT: Final = BASE + "sparql"
#: The JSON-LD context of the dumps and of every identifier's JSON-LD, published with each release.
CONTEXT_IRI: Final = BASE + "context.jsonld"
DATA_LICENSE: Final = "https://creativecommons.org/licenses/by/4.0/"
SYRIA: Final = WD + "Q858"

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


@functools.lru_cache(maxsize=4096)  # the vocabulary: a few hundred terms, made once
def schema(local: str) -> NamedNode:
    return NamedNode(SCHEMA + local)


@functools.lru_cache(maxsize=4096)  # the vocabulary: a few hundred terms, made once
def pg(local: str) -> NamedNode:
    return NamedNode(PG + local)


@functools.lru_cache(maxsize=4096)  # the vocabulary: a few hundred terms, made once
def term(namespace: str, local: str) -> NamedNode:
    return NamedNode(namespace + local)


def mint(kind: str, slug: str, *parts: str) -> NamedNode:
    """The IRI of a curated thing, or of an auxiliary node under it (``parts``)."""
    if kind not in KINDS.values():
        raise ValueError(f"unknown identifier kind {kind!r}")
    for segment in (slug, *parts):
        if not _SLUG.fullmatch(segment):
            raise ValueError(f"not a slug: {segment!r}")
    return NamedNode(ID + "/".join((kind, slug, *parts)))


def wikidata(qid: str) -> NamedNode:
    return NamedNode(WD + qid)


def wikidata_property(pid: str) -> NamedNode:
    """A direct (truthy) Wikidata property, ``wdt:P31``."""
    return NamedNode(WDT + pid)


def staging_graph(token: str) -> NamedNode:
    """A temporary named graph that ``peacegraph publish`` loads into before replacing its target."""
    if not re.fullmatch(r"[0-9a-f]+", token):
        raise ValueError(f"not a hexadecimal token: {token!r}")
    return NamedNode(STAGING + token)


def scheme(name: str) -> NamedNode:
    """A concept scheme published in the dataset (``topics``) or the ontology (``stances``)."""
    return NamedNode(ID + "scheme/" + name)


def release(version: str, *parts: str) -> NamedNode:
    """The IRI of one release of the dataset (``dataset/1.2.0``), or of a file or node under it."""
    for segment in (version, *parts):
        if not segment or "/" in segment or segment.startswith("."):
            raise ValueError(f"not a path segment: {segment!r}")
    return NamedNode("/".join((DATASET, version, *parts)))


def media_type(name: str) -> NamedNode:
    """The IANA registry entry of a media type, as DCAT 3 wants for ``dcat:mediaType``."""
    return NamedNode(IANA_MEDIA_TYPES + name)


RDF_TYPE: Final = NamedNode(RDF + "type")
