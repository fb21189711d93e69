"""The syntaxes peacegraph reads and writes: RDF, and SPARQL results. Each enum member holds extension,
media type and serializer."""

from __future__ import annotations

import enum
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat


class Format(enum.Enum):
    TURTLE = ("ttl", "text/turtle", RdfFormat.TURTLE, "turtle")
    NTRIPLES = ("nt", "application/n-triples", RdfFormat.N_TRIPLES, "nt")
    JSONLD = ("jsonld", "application/ld+json", RdfFormat.JSON_LD, "json-ld")

    def __init__(self, extension: str, media_type: str, oxigraph: RdfFormat, rdflib_name: str):
        self.extension = extension
        self.media_type = media_type
        self.oxigraph = oxigraph
        self.rdflib_name = rdflib_name

    def dump_name(self, stem: str = "peacegraph") -> str:
        return f"{stem}.{self.extension}"

    @classmethod
    def from_path(cls, path: Path) -> Format:
        for member in cls:
            if path.suffix == "." + member.extension:
                return member
        raise ValueError(f"no RDF format for {path.name}")


class ResultsFormat(enum.Enum):
    """The SPARQL results syntaxes (for SELECT and ASK), in the order the endpoint prefers them."""

    JSON = ("srj", "application/sparql-results+json", QueryResultsFormat.JSON)
    XML = ("srx", "application/sparql-results+xml", QueryResultsFormat.XML)
    CSV = ("csv", "text/csv", QueryResultsFormat.CSV)
    TSV = ("tsv", "text/tab-separated-values", QueryResultsFormat.TSV)

    def __init__(self, extension: str, media_type: str, oxigraph: QueryResultsFormat):
        self.extension = extension
        self.media_type = media_type
        self.oxigraph = oxigraph
