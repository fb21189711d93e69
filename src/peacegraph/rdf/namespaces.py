"""Every IRI and namespace peacegraph uses, and the one place where identifiers are minted.

Two kinds live here. The tool's own vocabulary (its ontology ``pg:`` and the standard vocabularies)
is the same for every collection: module constants. A collection's identifiers, dataset, landing
page and endpoint are under that collection's base IRI (``collection.yaml``): a :class:`Space`, of
which one is active while a command works on a collection (:func:`active`, :func:`using`).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from pyoxigraph import NamedNode

#: The tool's home, under which its ontology lives; never a collection's identifiers.
TOOL: Final = "https://w3id.org/peacegraph/"
PG: Final = TOOL + "ontology#"
ONTOLOGY: Final = TOOL + "ontology"

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
VCARD: Final = "http://www.w3.org/2006/vcard/ns#"
#: The EU Publications Office's authority tables that DCAT-AP asks themes and file formats from.
EU_DATA_THEME: Final = "http://publications.europa.eu/resource/authority/data-theme"
EU_FILE_TYPE: Final = "http://publications.europa.eu/resource/authority/file-type"
SPARQL_PROTOCOL: Final = "https://www.w3.org/TR/sparql11-protocol/"
#: The standards the release files follow: CSV on the Web, RO-Crate, DataCite, SPDX licence ids.
CSVW: Final = "http://www.w3.org/ns/csvw"
RO_CRATE: Final = "https://w3id.org/ro/crate/1.1"
DATACITE_KERNEL: Final = "http://datacite.org/schema/kernel-4"
SPDX_LICENSES: Final = "https://spdx.org/licenses/"
#: The DOI resolver: a DOI name ``10.1234/abcd`` as an IRI.
DOI: Final = "https://doi.org/"

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

SLUG_PATTERN: Final = r"^[a-z0-9]+(-[a-z0-9]+)*$"
QID_PATTERN: Final = r"^Q[1-9][0-9]*$"
_SLUG = re.compile(SLUG_PATTERN)
#: Slugs joined by ``/`` (SLUG_PATTERN without its anchors, repeated).
_SLUG_PATH = re.compile(f"{SLUG_PATTERN[1:-1]}(/{SLUG_PATTERN[1:-1]})*")

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


_KIND_NAMES: Final = frozenset(KINDS.values())


@functools.lru_cache(maxsize=4096)  # the vocabulary: a few hundred terms, made once
def schema(local: str) -> NamedNode:
    return NamedNode(SCHEMA + local)


@functools.lru_cache(maxsize=4096)  # the vocabulary: a few hundred terms, made once
def pg(local: str) -> NamedNode:
    return NamedNode(PG + local)


@functools.lru_cache(maxsize=4096)  # the vocabulary: a few hundred terms, made once
def term(namespace: str, local: str) -> NamedNode:
    return NamedNode(namespace + local)


@dataclass(frozen=True)
class Space:
    """The IRIs of one collection, all under its base (an absolute http(s) IRI ending in / or #).

    Identifiers are ``{base}id/{kind}/{slug}``, the dataset ``{base}dataset`` and its releases
    ``{base}dataset/{version}``. The landing page, SPARQL endpoint and JSON-LD context default to
    ``{base}``, ``{base}sparql`` and ``{base}context.jsonld``; a collection may put them elsewhere.
    """

    base: str
    landing_page: str = ""
    sparql_endpoint: str = ""
    context: str = ""

    def __post_init__(self) -> None:
        NamedNode(self.id)  # a ValueError for a base RDF does not read (collection.yaml's check reports it first)
        object.__setattr__(self, "landing_page", self.landing_page or self.base)
        object.__setattr__(self, "sparql_endpoint", self.sparql_endpoint or self.base + "sparql")
        object.__setattr__(self, "context", self.context or self.base + "context.jsonld")

    @property
    def id(self) -> str:
        """The namespace of every curated identifier (``pgid:`` in JSON-LD)."""
        return self.base + "id/"

    @property
    def dataset(self) -> str:
        return self.base + "dataset"

    @property
    def shapes(self) -> str:
        """Where the shapes a release was checked with are published."""
        return self.base + "shapes"

    @property
    def jsonld_prefixes(self) -> dict[str, str]:
        """Prefixes of the JSON-LD context: the tool's, and ``pgid:`` for this collection's identifiers."""
        return {"pgid": self.id, **PREFIXES}

    def mint(self, kind: str, slug: str, *parts: str) -> NamedNode:
        """The IRI of a curated thing, or of an auxiliary node under it (``parts``); every segment a slug."""
        return NamedNode(self.identifier(kind, slug, *parts))

    def identifier(self, kind: str, slug: str, *parts: str) -> str:
        """:meth:`mint`'s IRI as text, checked as it checks it (every segment at once), without the term:
        the base is an IRI (see ``__post_init__``) and slugs add nothing an IRI may not hold, so the mapper,
        which mints a hundred thousand IRIs per million triples, writes them without reading each again."""
        if kind not in _KIND_NAMES:
            raise ValueError(f"unknown identifier kind {kind!r}")
        path = "/".join((slug, *parts))
        if not _SLUG_PATH.fullmatch(path) or path.count("/") != len(parts):
            wrong = next(segment for segment in (slug, *parts) if not _SLUG.fullmatch(segment))
            raise ValueError(f"not a slug: {wrong!r}")
        return f"{self.id}{kind}/{path}"

    def scheme(self, name: str) -> NamedNode:
        """A concept scheme published in the dataset (``topics``)."""
        return NamedNode(self.id + "scheme/" + name)

    def release(self, version: str, *parts: str) -> NamedNode:
        """The IRI of one release of the dataset (``dataset/1.2.0``), or of a file or node under it."""
        for segment in (version, *parts):
            if not segment or "/" in segment or segment.startswith("."):
                raise ValueError(f"not a path segment: {segment!r}")
        return NamedNode("/".join((self.dataset, version, *parts)))


_active: list[Space] = []


def active() -> Space:
    """The IRIs of the collection being worked on (set by :func:`using` around a command's work)."""
    try:
        return _active[-1]  # asked for every reference the mapper writes: no more than this
    except IndexError:
        raise LookupError("no collection is active: run inside a collection folder or give --collection DIR") from None


def current() -> Space | None:
    """The active collection's IRIs, or None for work that needs none (the tool's own ontology)."""
    return _active[-1] if _active else None


@contextlib.contextmanager
def using(space: Space) -> Iterator[Space]:
    """Make ``space`` the active collection's IRIs for the duration of the block (they nest).

    A plain stack rather than a context variable: the server's threads and the build see the same
    collection as the command that started them.
    """
    _active.append(space)
    try:
        yield space
    finally:
        _active.pop()


def activate(space: Space) -> None:
    """Make ``space`` the active collection's IRIs for the rest of the process (a query worker's)."""
    _active.append(space)


def mint(kind: str, slug: str, *parts: str) -> NamedNode:
    """The IRI of a curated thing of the active collection (:meth:`Space.mint`)."""
    return active().mint(kind, slug, *parts)


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


def media_type(name: str) -> NamedNode:
    """The IANA registry entry of a media type, as DCAT 3 wants for ``dcat:mediaType``."""
    return NamedNode(IANA_MEDIA_TYPES + name)


def authority(table: str, code: str) -> NamedNode:
    """A concept of one of the EU's authority tables (``EU_DATA_THEME``, ``EU_FILE_TYPE``)."""
    return NamedNode(f"{table}/{code}")


RDF_TYPE: Final = NamedNode(RDF + "type")
