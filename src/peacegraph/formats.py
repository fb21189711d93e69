"""The RDF syntaxes peacegraph reads and writes: one enum holds extension, media type and parser."""

from __future__ import annotations

import enum
from pathlib import Path

from pyoxigraph import RdfFormat


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
