"""What a data librarian needs next to the dumps: a VoID and DCAT 3 description (``void.ttl``), a
schema.org ``Dataset`` for the landing page (``dataset.jsonld``) and ``SHA256SUMS``.

Everything here is computed from the rendered bytes and the dataset's triples, and dated by the
release state rather than the clock, so the metadata is true of the files beside it and the
same inputs give the same bytes. No file carries its own checksum: ``SHA256SUMS`` lists every
other file, and the two descriptions give the checksums of the dumps.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import pyoxigraph
from pyoxigraph import Literal, NamedNode, Triple

from ..rdf import serialize
from ..rdf.formats import Format
from ..rdf.namespaces import (
    DATA_LICENSE,
    DATASET,
    DCAT,
    DCTERMS,
    FOAF,
    ID,
    LANDING_PAGE,
    OA,
    ONTOLOGY,
    OWL,
    PG,
    PREFIXES,
    PUBLISHER,
    RDF_TYPE,
    SCHEMA,
    SKOS,
    SPARQL_ENDPOINT,
    SPDX,
    SYRIA,
    VOID,
    XSD,
    media_type,
    pg,
    release,
    schema,
    term,
)
from .outdir import CHECKSUMS_FILE as CHECKSUMS_FILE
from .outdir import SCHEMA_ORG_FILE as SCHEMA_ORG_FILE
from .outdir import VOID_FILE as VOID_FILE
from .outdir import gzip_name as gzip_name
from .versions import Release

TITLE: Final = "peacegraph: the Syria peace process as linked data"
DESCRIPTION: Final = (
    "A linked-data knowledge graph of documents about the Syria peace process: the documents, "
    "the organizations, people and places they name, the meetings they report, and the positions "
    "they express (who holds which stance on which issue, in which document), each backed by an "
    "exact quote whose character offsets are checked against the source text."
)
PUBLISHER_NAME: Final = "the peacegraph project"
KEYWORDS: Final = ("Syria", "peace process", "diplomacy", "civil society", "linked data", "knowledge graph")
VOCABULARIES: Final = (SCHEMA, PG, SKOS, OA, OWL)
METADATA_PREFIXES: Final = {**PREFIXES, "void": VOID, "dcat": DCAT, "spdx": SPDX, "foaf": FOAF}

#: Classes whose richest instance (most triples) is given as a ``void:exampleResource``.
EXAMPLE_CLASSES: Final = ("Document", "Position", "Organization", "Person", "Event", "Place", "Topic")
#: Classes whose dates make up the temporal coverage.
DATED_CLASSES: Final = ("Document", "Event", "Position")
DATE_PROPERTIES: Final = ("datePublished", "startDate", "endDate")


@dataclass(frozen=True)
class Dump:
    """One file offered for download (a distribution): its name, bytes and what it is."""

    name: str
    data: bytes
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
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


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


def statistics(triples: list[Triple]) -> Statistics:
    subjects = Counter(_name(t.subject) for t in triples)
    instances: dict[str, set[str]] = {}
    for t in triples:
        if t.predicate == RDF_TYPE:
            instances.setdefault(_name(t.object), set()).add(_name(t.subject))
    return Statistics(
        triples=len(triples),
        entities=sum(1 for s in subjects if s.startswith(ID)),
        distinct_subjects=len(subjects),
        distinct_objects=len({t.object for t in triples}),
        classes={cls: len(members) for cls, members in sorted(instances.items())},
        properties=dict(sorted(Counter(t.predicate.value for t in triples).items())),
        examples=_examples(instances, subjects),
        period=coverage(triples, {s for cls in DATED_CLASSES for s in instances.get(pg(cls).value, ())}),
    )


def _examples(instances: dict[str, set[str]], sizes: Counter[str]) -> tuple[str, ...]:
    found = []
    for cls in EXAMPLE_CLASSES:
        members = instances.get(pg(cls).value)
        if members:
            found.append(min(members, key=lambda iri: (-sizes[iri], iri)))
    return tuple(found)


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


def coverage(triples: Iterable[Triple], dated: set[str]) -> tuple[Literal, Literal] | None:
    """The earliest and the latest date of the dated subjects, as the literals in the data."""
    properties = {schema(name) for name in DATE_PROPERTIES}
    dates = [
        t.object
        for t in triples
        if t.predicate in properties and _name(t.subject) in dated and isinstance(t.object, Literal)
    ]
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
    return release(rel.version, *name.split("/"))


def describe(stats: Statistics, dumps: list[Dump], rel: Release, endpoint: str = SPARQL_ENDPOINT) -> list[Triple]:
    """The VoID and DCAT 3 description of one release, in canonical order."""
    version = release(rel.version)
    first = {DATASET: 0, version.value: 1}  # the datasets first, for people reading the file
    triples = serialize.canonical(
        [
            *_abstract_dataset(version),
            *_version(version, rel),
            *_publisher(),
            *_service(version, endpoint),
            *_coverage(version, rel, stats),
            *_statistics(version, rel, stats),
            *(t for dump in dumps for t in _distribution(version, rel, dump)),
        ]
    )
    return sorted(triples, key=lambda t: first.get(_name(t.subject), len(first)))


def _abstract_dataset(version: NamedNode) -> Iterator[Triple]:
    s = NamedNode(DATASET)
    yield Triple(s, RDF_TYPE, term(DCAT, "Dataset"))
    yield Triple(s, term(DCTERMS, "title"), Literal(TITLE, language="en"))
    yield Triple(s, term(DCTERMS, "publisher"), NamedNode(PUBLISHER))
    yield Triple(s, term(DCTERMS, "license"), NamedNode(DATA_LICENSE))
    yield Triple(s, term(DCAT, "landingPage"), NamedNode(LANDING_PAGE))
    yield Triple(s, term(DCAT, "hasVersion"), version)
    yield Triple(s, term(DCAT, "hasCurrentVersion"), version)


def _version(s: NamedNode, rel: Release) -> Iterator[Triple]:
    yield Triple(s, RDF_TYPE, term(DCAT, "Dataset"))
    yield Triple(s, RDF_TYPE, term(VOID, "Dataset"))
    yield Triple(s, term(DCTERMS, "title"), Literal(f"{TITLE}, version {rel.version}", language="en"))
    yield Triple(s, term(DCTERMS, "description"), Literal(DESCRIPTION, language="en"))
    yield Triple(s, term(DCAT, "version"), Literal(rel.version))
    yield Triple(s, term(DCAT, "isVersionOf"), NamedNode(DATASET))
    if rel.previous:
        yield Triple(s, term(DCAT, "previousVersion"), release(rel.previous))
    if rel.issued:
        yield Triple(s, term(DCTERMS, "issued"), Literal(rel.issued, datatype=term(XSD, "date")))
    yield Triple(s, term(DCTERMS, "publisher"), NamedNode(PUBLISHER))
    yield Triple(s, term(DCTERMS, "license"), NamedNode(DATA_LICENSE))
    yield Triple(s, term(DCAT, "landingPage"), NamedNode(LANDING_PAGE))
    yield Triple(s, term(DCTERMS, "conformsTo"), NamedNode(ONTOLOGY))
    for keyword in KEYWORDS:
        yield Triple(s, term(DCAT, "keyword"), Literal(keyword, language="en"))
    for vocabulary in VOCABULARIES:
        yield Triple(s, term(VOID, "vocabulary"), NamedNode(vocabulary))
    yield Triple(s, term(VOID, "uriSpace"), Literal(ID))


def _publisher() -> Iterator[Triple]:
    s = NamedNode(PUBLISHER)
    yield Triple(s, RDF_TYPE, term(FOAF, "Organization"))
    yield Triple(s, term(FOAF, "name"), Literal(PUBLISHER_NAME))
    yield Triple(s, term(FOAF, "homepage"), NamedNode(LANDING_PAGE))


def _service(version: NamedNode, endpoint: str) -> Iterator[Triple]:
    s = NamedNode(endpoint)
    yield Triple(version, term(VOID, "sparqlEndpoint"), s)
    yield Triple(version, term(DCAT, "accessService"), s)
    yield Triple(s, RDF_TYPE, term(DCAT, "DataService"))
    yield Triple(s, term(DCTERMS, "title"), Literal("peacegraph SPARQL endpoint", language="en"))
    yield Triple(s, term(DCAT, "endpointURL"), s)
    yield Triple(s, term(DCAT, "servesDataset"), version)


def _coverage(version: NamedNode, rel: Release, stats: Statistics) -> Iterator[Triple]:
    yield Triple(version, term(DCTERMS, "spatial"), NamedNode(SYRIA))
    if stats.period is None:
        return
    period = release(rel.version, "period")
    yield Triple(version, term(DCTERMS, "temporal"), period)
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
        partition = release(rel.version, "class", _local(cls))
        yield Triple(s, term(VOID, "classPartition"), partition)
        yield Triple(partition, term(VOID, "class"), NamedNode(cls))
        yield Triple(partition, term(VOID, "entities"), _int(count))
    for prop, count in stats.properties.items():
        partition = release(rel.version, "property", _local(prop))
        yield Triple(s, term(VOID, "propertyPartition"), partition)
        yield Triple(partition, term(VOID, "property"), NamedNode(prop))
        yield Triple(partition, term(VOID, "triples"), _int(count))


def _distribution(version: NamedNode, rel: Release, dump: Dump) -> Iterator[Triple]:
    s = release(rel.version, "distribution", dump.key)
    checksum = release(rel.version, "distribution", dump.key, "checksum")
    url = download_url(rel, dump.name)
    yield Triple(version, term(DCAT, "distribution"), s)
    if dump.rdf:
        yield Triple(version, term(VOID, "dataDump"), url)
    yield Triple(s, RDF_TYPE, term(DCAT, "Distribution"))
    yield Triple(s, term(DCTERMS, "title"), Literal(f"{dump.name}: {dump.syntax}", language="en"))
    yield Triple(s, term(DCAT, "downloadURL"), url)
    yield Triple(s, term(DCAT, "accessURL"), url)
    yield Triple(s, term(DCAT, "mediaType"), media_type(dump.media))
    if dump.compression:
        yield Triple(s, term(DCAT, "compressFormat"), media_type(dump.compression))
    yield Triple(s, term(DCAT, "byteSize"), _int(len(dump.data), "nonNegativeInteger"))
    yield Triple(s, term(DCTERMS, "license"), NamedNode(DATA_LICENSE))
    yield Triple(s, term(SPDX, "checksum"), checksum)
    yield Triple(checksum, RDF_TYPE, term(SPDX, "Checksum"))
    yield Triple(checksum, term(SPDX, "algorithm"), term(SPDX, "checksumAlgorithm_sha256"))
    yield Triple(checksum, term(SPDX, "checksumValue"), Literal(dump.sha256, datatype=term(XSD, "hexBinary")))


SYNTAX: Final = {Format.TURTLE: "Turtle", Format.NTRIPLES: "N-Triples", Format.JSONLD: "JSON-LD"}
GZIP: Final = "application/gzip"
CSV: Final = "text/csv"
CSV_METADATA: Final = "application/csvm+json"


def void_bytes(triples: list[Triple]) -> bytes:
    data = pyoxigraph.serialize(triples, format=Format.TURTLE.oxigraph, prefixes=METADATA_PREFIXES)
    assert data is not None
    return data


# --- schema.org -------------------------------------------------------------------------------


def schema_org(stats: Statistics, dumps: list[Dump], rel: Release) -> dict[str, Any]:
    """A schema.org ``Dataset`` for the landing page; every node has an ``@id`` (no blank nodes)."""
    publisher = {"@id": PUBLISHER, "@type": "Organization", "name": PUBLISHER_NAME, "url": LANDING_PAGE}
    document: dict[str, Any] = {
        "@context": SCHEMA,
        "@id": release(rel.version).value,
        "@type": "Dataset",
        "name": TITLE,
        "description": DESCRIPTION,
        "url": LANDING_PAGE,
        "version": rel.version,
        "license": DATA_LICENSE,
        "isAccessibleForFree": True,
        "keywords": list(KEYWORDS),
        "publisher": publisher,
        "creator": publisher,
        "spatialCoverage": {"@id": SYRIA, "@type": "Place", "name": "Syria"},
        "distribution": [_data_download(rel, dump) for dump in dumps],
    }
    if rel.issued:
        document["datePublished"] = rel.issued
    if stats.period:
        document["temporalCoverage"] = f"{stats.period[0].value}/{stats.period[1].value}"
    return document


def _data_download(rel: Release, dump: Dump) -> dict[str, Any]:
    return {
        "@id": release(rel.version, "distribution", dump.key).value,
        "@type": "DataDownload",
        "name": dump.name,
        "description": dump.syntax,
        "encodingFormat": dump.compression or dump.media,
        "contentUrl": download_url(rel, dump.name).value,
        "contentSize": f"{len(dump.data)} bytes",
        "sha256": dump.sha256,
    }


def json_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


# --- checksums --------------------------------------------------------------------------------


def checksums(files: dict[str, bytes]) -> bytes:
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads: one ``<hex>  <name>`` line per file."""
    lines = (f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    return "".join(lines).encode("utf-8")


# --- the files --------------------------------------------------------------------------------


def dumps(files: dict[str, bytes], stem: str, tables: Iterable[tuple[str, str]] = ()) -> list[Dump]:
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


def release_files(
    stats: Statistics, offered: list[Dump], rel: Release, endpoint: str = SPARQL_ENDPOINT
) -> dict[str, bytes]:
    """``void.ttl`` and ``dataset.jsonld``, describing the ``offered`` files."""
    return {
        VOID_FILE: void_bytes(describe(stats, offered, rel, endpoint)),
        SCHEMA_ORG_FILE: json_bytes(schema_org(stats, offered, rel)),
    }
