"""What a data librarian needs next to the dumps: a VoID and DCAT 3 description (``void.ttl``), a
schema.org ``Dataset`` for the landing page (``dataset.jsonld``) and ``SHA256SUMS``.

Everything here is computed from the rendered bytes and the dataset's triples, and dated by the
release state rather than the clock, so the metadata is true of the files beside it and the
same inputs give the same bytes. No file carries its own checksum: ``SHA256SUMS`` lists every
other file, and the two descriptions give the checksums of the dumps.
"""

from __future__ import annotations

import calendar
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter, methodcaller
from typing import Any, Final

import pyoxigraph
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from ..collection import DATA_THEMES, Agent, Collection
from ..rdf import bulk, serialize
from ..rdf.formats import Format
from ..rdf.namespaces import (
    DCAT,
    DCTERMS,
    DOI,
    EU_DATA_THEME,
    EU_FILE_TYPE,
    FOAF,
    OA,
    ONTOLOGY,
    OWL,
    PG,
    PREFIXES,
    RDF_TYPE,
    SCHEMA,
    SKOS,
    SPARQL_PROTOCOL,
    SPDX,
    VCARD,
    VOID,
    XSD,
    active,
    authority,
    media_type,
    pg,
    schema,
    term,
)
from .outdir import CHECKSUMS_FILE as CHECKSUMS_FILE
from .outdir import SCHEMA_ORG_FILE as SCHEMA_ORG_FILE
from .outdir import VOID_FILE as VOID_FILE
from .outdir import gzip_name as gzip_name
from .versions import Release
from .writing import Written

VOCABULARIES: Final = (SCHEMA, PG, SKOS, OA, OWL)
METADATA_PREFIXES: Final = {
    **PREFIXES,
    "void": VOID,
    "dcat": DCAT,
    "spdx": SPDX,
    "foaf": FOAF,
    "vcard": VCARD,
}

#: Classes whose richest instance (most triples) is given as a ``void:exampleResource``.
EXAMPLE_CLASSES: Final = ("Document", "Position", "Organization", "Person", "Event", "Place", "Topic")
#: Classes whose dates make up the temporal coverage.
DATED_CLASSES: Final = ("Document", "Event", "Position")
DATE_PROPERTIES: Final = ("datePublished", "startDate", "endDate")


@dataclass(frozen=True)
class Dump:
    """One file offered for download (a distribution): its name, size and checksum, and what it is."""

    name: str
    file: Written
    #: The media type of the content (of what is inside, for a compressed file).
    media: str
    #: What it is, after the file name in its title: "Turtle", "CSV table of documents".
    syntax: str
    #: The last segment of the distribution's IRI (``…/distribution/<key>``).
    key: str
    #: Whether it is the whole dataset as RDF (a ``void:dataDump``).
    rdf: bool = True
    #: The media type of the compression, for a compressed file (``dcat:compressFormat``).
    compression: str | None = None

    @property
    def description(self) -> str:
        """What the file holds, in a sentence."""
        if not self.rdf:
            return self.syntax[0].upper() + self.syntax[1:] + "."
        return f"The whole dataset as {self.syntax}."

    @property
    def sha256(self) -> str:
        return self.file.sha256


@dataclass(frozen=True)
class Statistics:
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]
    properties: dict[str, int]
    examples: tuple[str, ...]
    period: tuple[Literal, Literal] | None


# --- statistics -------------------------------------------------------------------------------


def _name(node: object) -> str:
    """The IRI of a named node; the N-Triples form of anything else."""
    return node.value if isinstance(node, NamedNode) else str(node)


@dataclass(frozen=True)
class Summary:
    """What :class:`Statistics` needs of some lines that have no subject in common with the others (a
    segment, :mod:`..rdf.segments`), as JSON holds it: each figure of the whole is made of the parts'
    (:func:`combined`), but the count of distinct objects, which the parts share."""

    subjects: int
    entities: int
    #: Triples by predicate (``<iri>``).
    properties: dict[str, int]
    #: Instances by class (the object of ``rdf:type`` as a line writes it).
    classes: dict[str, int]
    #: By class of :data:`EXAMPLE_CLASSES`: the most triples an instance has, and the first such instance.
    examples: dict[str, tuple[int, str]]
    #: The lines of the earliest and of the latest date :func:`coverage` reads, in line order (the
    #: earliest and latest of the whole are among the parts', and the first of equals comes first).
    dates: tuple[str, ...]

    def as_json(self) -> list[Any]:
        return [self.subjects, self.entities, self.properties, self.classes, self.examples, self.dates]

    @classmethod
    def from_json(cls, value: list[Any]) -> Summary:
        """The summary whose :meth:`as_json` is ``value``."""
        subjects, entities, properties, classes, examples, dates = value
        return cls(
            int(subjects),
            int(entities),
            {str(p): int(n) for p, n in properties.items()},
            {str(c): int(n) for c, n in classes.items()},
            {str(c): (int(most), str(iri)) for c, (most, iri) in examples.items()},
            tuple(map(str, dates)),
        )


class Tally:
    """The figures ``void.ttl`` gives (:meth:`statistics`) of the N-Triples lines given to :meth:`add`,
    counted in bulk as the lines hold their terms (:mod:`.bulk`: in C, where a loop over triples
    made a term object per attribute read); only what ``void.ttl`` names is made text, at the end.

    ``objects`` is where the distinct objects are gathered (each with the line's `` .``): shared by the
    tallies of the segments of one graph (:meth:`summary`), as the segments share objects."""

    def __init__(self, objects: set[bytes] | None = None) -> None:
        self.subjects: Counter[bytes] = Counter()
        self.objects: set[bytes] = set() if objects is None else objects
        self.properties: Counter[bytes] = Counter()
        self.classes: Counter[bytes] = Counter()  # class -> how many instances (each line is there once)
        #: The instances of the classes :func:`_examples` and :func:`coverage` read (as objects: with " .").
        read = {*EXAMPLE_CLASSES, *DATED_CLASSES}
        self.instances: dict[bytes, list[bytes]] = {bulk.bracketed(pg(c).value) + b" .": [] for c in read}
        self.dates: list[tuple[bytes, bytes]] = []  # (subject, line) of the dates coverage() reads
        self.type = bulk.bracketed(RDF_TYPE.value)
        self.date_properties = {bulk.bracketed(schema(name).value) for name in DATE_PROPERTIES}

    def add(self, chunk: bulk.Chunk) -> None:
        subjects, predicates, objects = chunk.subjects, chunk.predicates, chunk.objects
        self.subjects.update(subjects)
        self.objects.update(objects)
        self.properties.update(predicates)
        typed = list(compress(zip(objects, subjects, strict=True), map(self.type.__eq__, predicates)))
        self.classes.update(map(itemgetter(0), typed))
        for cls, members in self.instances.items():
            members.extend(map(itemgetter(1), compress(typed, map(cls.__eq__, map(itemgetter(0), typed)))))
        dated = map(self.date_properties.__contains__, predicates)
        self.dates.extend(compress(zip(subjects, chunk.lines, strict=True), dated))

    def summary(self) -> Summary:
        """The figures of the lines added (which share no subject with any other lines tallied)."""
        instances = {bulk.iri(bulk.term(cls)): members for cls, members in self.instances.items()}
        dated = set().union(*(instances.get(pg(cls).value, ()) for cls in DATED_CLASSES))
        ids = bulk.bracketed(active().id)[:-1]  # without the ">"
        examples = {}
        for cls in EXAMPLE_CLASSES:
            members = instances.get(pg(cls).value)
            if members:
                most = max(map(self.subjects.__getitem__, members))
                examples[cls] = (most, min(bulk.iri(node) for node in members if self.subjects[node] == most))
        return Summary(
            subjects=len(self.subjects),
            entities=sum(map(methodcaller("startswith", ids), self.subjects)),
            properties={p.decode("utf-8"): n for p, n in self.properties.items()},
            classes={bulk.term(c).decode("utf-8"): n for c, n in self.classes.items()},
            examples=examples,
            dates=_extremes([line for subject, line in self.dates if subject in dated]),
        )

    def statistics(self) -> Statistics:
        return combined([self.summary()], len(self.objects))


def combined(summaries: Iterable[Summary], distinct_objects: int) -> Statistics:
    """The statistics of the lines of several segments, in order, from their summaries."""
    subjects = entities = 0
    properties: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    examples: dict[str, list[tuple[int, str]]] = {}
    dates: list[bytes] = []
    for part in summaries:
        subjects += part.subjects
        entities += part.entities
        properties.update(part.properties)
        classes.update(part.classes)
        for cls, example in part.examples.items():
            examples.setdefault(cls, []).append(example)
        dates.extend(line.encode("utf-8") for line in part.dates)
    return Statistics(
        triples=sum(properties.values()),
        entities=entities,
        distinct_subjects=subjects,
        distinct_objects=distinct_objects,
        classes=dict(sorted((bulk.name(c.encode("utf-8")), n) for c, n in classes.items())),
        properties=dict(sorted((bulk.iri(p.encode("utf-8")), n) for p, n in properties.items())),
        examples=tuple(_best(examples[cls]) for cls in EXAMPLE_CLASSES if cls in examples),
        period=coverage(_literals(dates)),
    )


def _best(examples: list[tuple[int, str]]) -> str:
    """The instance with the most triples, the first IRI of those."""
    most = max(n for n, _iri in examples)
    return min(iri for n, iri in examples if n == most)


def _extremes(lines: list[bytes]) -> tuple[str, ...]:
    """Of ``lines``, those of the dates :func:`coverage` takes (whose objects are literals), in order."""
    if not lines:
        return ()
    parsed = pyoxigraph.parse(b"\n".join(lines), RdfFormat.N_TRIPLES)
    dated = [(i, quad.object) for i, quad in enumerate(parsed) if isinstance(quad.object, Literal)]
    found = coverage([literal for _i, literal in dated])
    if found is None:
        return ()
    first = next(i for i, literal in dated if literal == found[0])
    last = next(i for i, literal in dated if literal == found[1])
    return tuple(lines[i].decode("utf-8") for i in sorted({first, last}))


def _literals(lines: Iterable[bytes]) -> list[Literal]:
    """The objects of ``lines`` that are literals."""
    parsed = pyoxigraph.parse(b"\n".join(lines), RdfFormat.N_TRIPLES)
    return [quad.object for quad in parsed if isinstance(quad.object, Literal)]


def _bounds(value: str) -> tuple[str, str]:
    """The first and last day a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date covers."""
    parts = value.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    month = int(parts[1])
    if len(parts) == 2:
        last = calendar.monthrange(year, month)[1]
        return f"{value}-01", f"{value}-{last:02d}"
    return value, value


def coverage(dates: list[Literal]) -> tuple[Literal, Literal] | None:
    """The earliest and the latest of ``dates``, as the literals in the data."""
    if not dates:
        return None
    first = min(dates, key=lambda d: (_bounds(d.value)[0], -len(d.value)))
    last = max(dates, key=lambda d: (_bounds(d.value)[1], len(d.value)))
    return first, last


# --- VoID and DCAT ----------------------------------------------------------------------------


def _local(iri: str) -> str:
    """A path segment naming a class or property: ``schema-name``, ``pg-Position``."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", serialize.compact_iri(iri)).strip("-")


def _int(value: int, datatype: str = "integer") -> Literal:
    return Literal(str(value), datatype=term(XSD, datatype))


def download_url(rel: Release, name: str) -> NamedNode:
    return active().release(rel.version, *name.split("/"))


def describe(stats: Statistics, dumps: list[Dump], rel: Release, col: Collection) -> list[Triple]:
    """The VoID and DCAT 3 description of one release of ``col``, in canonical order."""
    version = col.space.release(rel.version)
    first = {col.space.dataset: 0, version.value: 1}  # the datasets first, for people reading the file
    triples = serialize.canonical(
        [
            *_abstract_dataset(version, col),
            *_version(version, rel, col),
            *_publisher(col),
            *_contact(col),
            *_service(version, col),
            *_coverage(NamedNode(col.space.dataset), rel, stats, col),
            *_coverage(version, rel, stats, col),
            *_statistics(version, rel, stats),
            *(t for dump in dumps for t in _distribution(version, rel, dump, col)),
            *_typed_values(dumps, col),
        ]
    )
    return sorted(triples, key=lambda t: first.get(_name(t.subject), len(first)))


def publisher_iri(col: Collection) -> str | None:
    """The publisher's IRI: its ROR id or IRI, or one under the collection's base."""
    if col.publisher is None:
        return None
    return col.publisher.identifier or col.base + "publisher"


def contact_iri(col: Collection) -> str | None:
    """The IRI of the contact point: the contact's ORCID, ROR id or IRI, or one under the base."""
    if col.contact is None:
        return None
    return col.contact.identifier or col.base + "contact"


def _common(s: NamedNode, col: Collection) -> Iterator[Triple]:
    """What the dataset, its versions and its service all say: who publishes it and whom to ask,
    its licence, page, keywords and themes."""
    publisher = publisher_iri(col)
    if publisher:
        yield Triple(s, term(DCTERMS, "publisher"), NamedNode(publisher))
    contact = contact_iri(col)
    if contact:
        yield Triple(s, term(DCAT, "contactPoint"), NamedNode(contact))
    yield Triple(s, term(DCTERMS, "license"), NamedNode(col.licence_iri))
    yield Triple(s, term(DCAT, "landingPage"), NamedNode(col.space.landing_page))
    for keyword in col.keywords:
        yield Triple(s, term(DCAT, "keyword"), Literal(keyword, language="en"))
    for code in col.themes:
        yield Triple(s, term(DCAT, "theme"), authority(EU_DATA_THEME, code))


def _abstract_dataset(version: NamedNode, col: Collection) -> Iterator[Triple]:
    s = NamedNode(col.space.dataset)
    yield Triple(s, RDF_TYPE, term(DCAT, "Dataset"))
    yield Triple(s, term(DCTERMS, "title"), Literal(col.title, language="en"))
    if col.description:
        yield Triple(s, term(DCTERMS, "description"), Literal(col.description, language="en"))
    yield from _common(s, col)
    yield Triple(s, term(DCAT, "hasVersion"), version)
    yield Triple(s, term(DCAT, "hasCurrentVersion"), version)


def _version(s: NamedNode, rel: Release, col: Collection) -> Iterator[Triple]:
    yield Triple(s, RDF_TYPE, term(DCAT, "Dataset"))
    yield Triple(s, RDF_TYPE, term(VOID, "Dataset"))
    yield Triple(s, term(DCTERMS, "title"), Literal(f"{col.title}, version {rel.version}", language="en"))
    if col.description:
        yield Triple(s, term(DCTERMS, "description"), Literal(col.description, language="en"))
    yield Triple(s, term(DCAT, "version"), Literal(rel.version))
    if rel.doi:
        yield Triple(s, term(DCTERMS, "identifier"), Literal(DOI + rel.doi))
    yield Triple(s, term(DCAT, "isVersionOf"), NamedNode(col.space.dataset))
    if rel.previous:
        yield Triple(s, term(DCAT, "previousVersion"), col.space.release(rel.previous))
    if rel.issued:
        yield Triple(s, term(DCTERMS, "issued"), Literal(rel.issued, datatype=term(XSD, "date")))
    yield from _common(s, col)
    yield Triple(s, term(DCTERMS, "conformsTo"), NamedNode(ONTOLOGY))
    for vocabulary in VOCABULARIES:
        yield Triple(s, term(VOID, "vocabulary"), NamedNode(vocabulary))
    yield Triple(s, term(VOID, "uriSpace"), Literal(col.space.id))


def _publisher(col: Collection) -> Iterator[Triple]:
    publisher = publisher_iri(col)
    if col.publisher is None or publisher is None:
        return
    s = NamedNode(publisher)
    yield Triple(s, RDF_TYPE, term(FOAF, "Agent"))  # the class DCAT-AP checks, with no inference
    yield Triple(s, RDF_TYPE, term(FOAF, "Organization"))
    yield Triple(s, term(FOAF, "name"), Literal(col.publisher.name))
    yield Triple(s, term(FOAF, "homepage"), NamedNode(col.publisher.url or col.space.landing_page))


def _contact(col: Collection) -> Iterator[Triple]:
    """The contact point, as DCAT wants it: a vCard with a name and an email address or page."""
    contact = contact_iri(col)
    if col.contact is None or contact is None:
        return
    s = NamedNode(contact)
    yield Triple(s, RDF_TYPE, term(VCARD, "Kind"))
    yield Triple(s, term(VCARD, "fn"), Literal(col.contact.name))
    if col.contact.email:
        yield Triple(s, term(VCARD, "hasEmail"), NamedNode("mailto:" + col.contact.email))
    if col.contact.url:
        yield Triple(s, term(VCARD, "hasURL"), NamedNode(col.contact.url))


def _service(version: NamedNode, col: Collection) -> Iterator[Triple]:
    s = NamedNode(col.space.sparql_endpoint)
    yield Triple(version, term(VOID, "sparqlEndpoint"), s)
    yield Triple(version, term(DCAT, "accessService"), s)
    yield Triple(s, RDF_TYPE, term(DCAT, "DataService"))
    yield Triple(s, term(DCTERMS, "title"), Literal(f"SPARQL endpoint of {col.title}", language="en"))
    yield Triple(s, term(DCAT, "endpointURL"), s)
    # A GET of the endpoint without a query answers with its SPARQL 1.1 Service Description.
    yield Triple(s, term(DCAT, "endpointDescription"), s)
    yield Triple(s, term(DCTERMS, "conformsTo"), NamedNode(SPARQL_PROTOCOL))
    yield Triple(s, term(DCAT, "servesDataset"), version)
    yield from _common(s, col)


def _coverage(s: NamedNode, rel: Release, stats: Statistics, col: Collection) -> Iterator[Triple]:
    """The places and the period ``s`` (a version, or the dataset as of this version) covers."""
    for area in col.spatial:
        if area.iri:  # an area with no Wikidata item has no IRI to name it by (and no blank nodes here)
            yield Triple(s, term(DCTERMS, "spatial"), NamedNode(area.iri))
    if stats.period is None:
        return
    period = col.space.release(rel.version, "period")
    yield Triple(s, term(DCTERMS, "temporal"), period)
    yield Triple(period, RDF_TYPE, term(DCTERMS, "PeriodOfTime"))
    yield Triple(period, term(DCAT, "startDate"), stats.period[0])
    yield Triple(period, term(DCAT, "endDate"), stats.period[1])


def _statistics(s: NamedNode, rel: Release, stats: Statistics) -> Iterator[Triple]:
    yield Triple(s, term(VOID, "triples"), _int(stats.triples))
    yield Triple(s, term(VOID, "entities"), _int(stats.entities))
    yield Triple(s, term(VOID, "distinctSubjects"), _int(stats.distinct_subjects))
    yield Triple(s, term(VOID, "distinctObjects"), _int(stats.distinct_objects))
    yield Triple(s, term(VOID, "classes"), _int(len(stats.classes)))
    yield Triple(s, term(VOID, "properties"), _int(len(stats.properties)))
    for example in stats.examples:
        yield Triple(s, term(VOID, "exampleResource"), NamedNode(example))
    for cls, count in stats.classes.items():
        partition = active().release(rel.version, "class", _local(cls))
        yield Triple(s, term(VOID, "classPartition"), partition)
        yield Triple(partition, term(VOID, "class"), NamedNode(cls))
        yield Triple(partition, term(VOID, "entities"), _int(count))
    for prop, count in stats.properties.items():
        partition = active().release(rel.version, "property", _local(prop))
        yield Triple(s, term(VOID, "propertyPartition"), partition)
        yield Triple(partition, term(VOID, "property"), NamedNode(prop))
        yield Triple(partition, term(VOID, "triples"), _int(count))


def _distribution(version: NamedNode, rel: Release, dump: Dump, col: Collection) -> Iterator[Triple]:
    s = col.space.release(rel.version, "distribution", dump.key)
    checksum = col.space.release(rel.version, "distribution", dump.key, "checksum")
    url = download_url(rel, dump.name)
    yield Triple(version, term(DCAT, "distribution"), s)
    if dump.rdf:
        yield Triple(version, term(VOID, "dataDump"), url)
    yield Triple(s, RDF_TYPE, term(DCAT, "Distribution"))
    yield Triple(s, term(DCTERMS, "title"), Literal(f"{dump.name}: {dump.syntax}", language="en"))
    yield Triple(s, term(DCTERMS, "description"), Literal(dump.description, language="en"))
    yield Triple(s, term(DCAT, "downloadURL"), url)
    yield Triple(s, term(DCAT, "accessURL"), url)
    yield Triple(s, term(DCAT, "mediaType"), media_type(dump.media))
    yield Triple(s, term(DCTERMS, "format"), authority(EU_FILE_TYPE, FILE_TYPES[dump.media]))
    if dump.compression:
        yield Triple(s, term(DCAT, "compressFormat"), media_type(dump.compression))
    yield Triple(s, term(DCAT, "byteSize"), _int(dump.file.size, "nonNegativeInteger"))
    yield Triple(s, term(DCTERMS, "license"), NamedNode(col.licence_iri))
    yield Triple(s, term(SPDX, "checksum"), checksum)
    yield Triple(checksum, RDF_TYPE, term(SPDX, "Checksum"))
    yield Triple(checksum, term(SPDX, "algorithm"), term(SPDX, "checksumAlgorithm_sha256"))
    yield Triple(checksum, term(SPDX, "checksumValue"), Literal(dump.sha256, datatype=term(XSD, "hexBinary")))


def _typed_values(dumps: list[Dump], col: Collection) -> Iterator[Triple]:
    """The classes of the values DCAT-AP gives a range to (``range.ttl``): a validator that infers
    nothing only knows what the description itself says of its licence, places, media types..."""
    yield Triple(NamedNode(col.licence_iri), RDF_TYPE, term(DCTERMS, "LicenseDocument"))
    yield Triple(NamedNode(col.space.landing_page), RDF_TYPE, term(FOAF, "Document"))
    for standard in (ONTOLOGY, SPARQL_PROTOCOL):
        yield Triple(NamedNode(standard), RDF_TYPE, term(DCTERMS, "Standard"))
    for area in col.spatial:
        if area.iri:
            yield Triple(NamedNode(area.iri), RDF_TYPE, term(DCTERMS, "Location"))
    for media in {m for dump in dumps for m in (dump.media, dump.compression) if m}:
        yield Triple(media_type(media), RDF_TYPE, term(DCTERMS, "MediaType"))
    for code in {FILE_TYPES[dump.media] for dump in dumps}:
        yield Triple(authority(EU_FILE_TYPE, code), RDF_TYPE, term(DCTERMS, "MediaTypeOrExtent"))
        yield Triple(authority(EU_FILE_TYPE, code), term(SKOS, "inScheme"), NamedNode(EU_FILE_TYPE))
    for code in col.themes:
        theme = authority(EU_DATA_THEME, code)
        yield Triple(theme, RDF_TYPE, term(SKOS, "Concept"))
        yield Triple(theme, term(SKOS, "prefLabel"), Literal(DATA_THEMES[code], language="en"))
        yield Triple(theme, term(SKOS, "inScheme"), NamedNode(EU_DATA_THEME))


SYNTAX: Final = {Format.TURTLE: "Turtle", Format.NTRIPLES: "N-Triples", Format.JSONLD: "JSON-LD"}
GZIP: Final = "application/gzip"
CSV: Final = "text/csv"
CSV_METADATA: Final = "application/csvm+json"
#: The file type (EU authority table, ``dct:format``) of each media type the release offers.
FILE_TYPES: Final = {
    Format.TURTLE.media_type: "RDF_TURTLE",
    Format.NTRIPLES.media_type: "RDF_N_TRIPLES",
    Format.JSONLD.media_type: "JSON_LD",
    CSV: "CSV",
    CSV_METADATA: "JSON",
}


def void_bytes(triples: list[Triple]) -> bytes:
    data = pyoxigraph.serialize(triples, format=Format.TURTLE.oxigraph, prefixes=METADATA_PREFIXES)
    assert data is not None
    return data


# --- schema.org -------------------------------------------------------------------------------


def _schema_agent(agent: Agent, iri: str | None, col: Collection) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "Person" if agent.orcid else "Organization", "name": agent.name}
    if iri:
        found = {"@id": iri, **found}
    url = agent.url or (col.space.landing_page if agent is col.publisher else None)
    if url:
        found["url"] = url
    return found


def schema_org(stats: Statistics, dumps: list[Dump], rel: Release, col: Collection) -> dict[str, Any]:
    """A schema.org ``Dataset`` for the landing page; every node has an ``@id`` (no blank nodes)."""
    document: dict[str, Any] = {
        "@context": SCHEMA,
        "@id": col.space.release(rel.version).value,
        "@type": "Dataset",
        "name": col.title,
        "url": col.space.landing_page,
        "version": rel.version,
        "identifier": DOI + rel.doi if rel.doi else col.space.release(rel.version).value,
        "license": col.licence_iri,
        "isAccessibleForFree": True,
        "keywords": list(col.keywords),
        "distribution": [_data_download(rel, dump, col) for dump in dumps],
    }
    if col.description:
        document["description"] = col.description
    if col.same_as:
        document["sameAs"] = list(col.same_as)
    if col.citations:
        document["citation"] = list(col.citations)
    if col.publisher:
        document["publisher"] = _schema_agent(col.publisher, publisher_iri(col), col)
    creators = [_schema_agent(a, publisher_iri(col) if a is col.publisher else a.identifier, col) for a in col.authors]
    if creators:
        document["creator"] = creators[0] if len(creators) == 1 else creators
    places = [{"@id": area.iri, "@type": "Place", "name": area.name} for area in col.spatial if area.iri]
    if places:
        document["spatialCoverage"] = places[0] if len(places) == 1 else places
    if rel.issued:
        document["datePublished"] = rel.issued
    if stats.period:
        document["temporalCoverage"] = f"{stats.period[0].value}/{stats.period[1].value}"
    return document


def _data_download(rel: Release, dump: Dump, col: Collection) -> dict[str, Any]:
    return {
        "@id": col.space.release(rel.version, "distribution", dump.key).value,
        "@type": "DataDownload",
        "name": dump.name,
        "description": dump.syntax,
        "encodingFormat": dump.compression or dump.media,
        "contentUrl": download_url(rel, dump.name).value,
        "contentSize": f"{dump.file.size} bytes",
        "sha256": dump.sha256,
    }


def json_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


# --- checksums --------------------------------------------------------------------------------


def checksums(files: Mapping[str, Written]) -> bytes:
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads: one ``<hex>  <name>`` line per file."""
    lines = (f"{written.sha256}  {name}\n" for name, written in sorted(files.items()))
    return "".join(lines).encode("utf-8")


# --- the files --------------------------------------------------------------------------------


def dumps(files: Mapping[str, Written], stem: str, tables: Iterable[tuple[str, str]] = ()) -> list[Dump]:
    """The distributions among ``files``: the RDF dumps (also gzipped N-Triples), and the tables
    (``tables``: file name and title) with their CSVW metadata."""
    found = [
        Dump(fmt.dump_name(stem), files[fmt.dump_name(stem)], fmt.media_type, SYNTAX[fmt], fmt.extension)
        for fmt in Format
    ]
    gzipped = gzip_name(stem)
    if gzipped in files:
        found.append(
            Dump(gzipped, files[gzipped], Format.NTRIPLES.media_type, "N-Triples, gzipped", "nt.gz", True, GZIP)
        )
    for name, title in tables:
        key = name.rsplit("/", 1)[-1]
        found.append(Dump(name, files[name], CSV, f"CSV table of {title.lower()}", key, rdf=False))
        described = name + "-metadata.json"
        found.append(
            Dump(described, files[described], CSV_METADATA, f"CSVW metadata of {key}", key + "-metadata", False)
        )
    return found


def release_files(stats: Statistics, offered: list[Dump], rel: Release, col: Collection) -> dict[str, bytes]:
    """``void.ttl`` and ``dataset.jsonld``, describing the ``offered`` files of a release of ``col``."""
    return {
        VOID_FILE: void_bytes(describe(stats, offered, rel, col)),
        SCHEMA_ORG_FILE: json_bytes(schema_org(stats, offered, rel, col)),
    }
