"""The JSON-LD context of the dumps and of every ``/id/`` document: plain JSON keys for our properties.

A JSON developer reads ``doc["author"]`` rather than ``doc["schema:author"]``: every property the
mapping emits has a term here. A term says how its values are written (:class:`Term`):

- ``iri``: the value is an identifier, written as a string (``"@type": "@id"``);
- a datatype: a literal of that datatype is a plain string (``startDate`` is an ``xsd:date``);
- ``language``: a literal in that language is a plain string (SKOS labels are in English);
- nothing: strings are plain strings, anything else is a value object.

Terms marked ``many`` are always arrays (``"@container": "@set"``), even with one value, so
that code does not have to test whether it got a list. A value that does not fit its term (an
``xsd:gYearMonth`` start date, a name in another language) is written as an explicit value
object, which no coercion touches, so the JSON-LD always expands to exactly the dataset's triples.
The context is published on its own as ``context.jsonld`` at the collection's context IRI
(:attr:`~.namespaces.Space.context`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from .namespaces import DCTERMS, OA, OWL, PG, PREFIXES, PROV, RDFS, SCHEMA, SKOS, XSD, active

IRI: Final = "@id"


@dataclass(frozen=True)
class Term:
    name: str
    iri: str
    #: ``"@id"`` for identifiers, a datatype IRI, or ``None`` (no coercion).
    type: str | None = None
    #: The language a plain string is in, for terms whose values are language-tagged.
    language: str | None = None
    #: Always an array.
    many: bool = False

    def definition(self) -> str | dict[str, str]:
        if self.type is None and self.language is None and not self.many:
            return self.iri
        entry = {"@id": self.iri}
        if self.type is not None:
            entry["@type"] = self.type if self.type == IRI else _curie(self.type)
        if self.language is not None:
            entry["@language"] = self.language
        if self.many:
            entry["@container"] = "@set"
        return entry


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


_DATE = XSD + "date"


def _schema(name: str, type: str | None = None, many: bool = False, language: str | None = None) -> Term:
    return Term(name, SCHEMA + name, type, language, many)


TERMS: Final[tuple[Term, ...]] = (
    # schema.org: names, texts, dates
    _schema("name", language="en"),
    _schema("alternateName", language="en", many=True),
    _schema("description"),
    _schema("text"),
    _schema("identifier"),
    _schema("inLanguage"),
    _schema("jobTitle", many=True),
    _schema("roleName"),
    _schema("contentSize"),
    _schema("encodingFormat"),
    _schema("sha256"),
    _schema("position"),
    _schema("datePublished", _DATE),
    _schema("startDate", _DATE),
    _schema("endDate", _DATE),
    # schema.org: a place's point
    _schema("latitude", XSD + "decimal"),
    _schema("longitude", XSD + "decimal"),
    # schema.org: links
    _schema("about", IRI, many=True),
    _schema("affiliation", IRI, many=True),
    _schema("appearance", IRI),
    _schema("attendee", IRI, many=True),
    _schema("author", IRI, many=True),
    _schema("citation", IRI, many=True),
    _schema("containedInPlace", IRI, many=True),
    _schema("encoding", IRI),
    _schema("geo", IRI),
    _schema("inDefinedTermSet", IRI),
    _schema("isBasedOn", IRI, many=True),
    _schema("item", IRI),
    _schema("location", IRI),
    _schema("member", IRI, many=True),
    _schema("memberOf", IRI, many=True),
    _schema("mentions", IRI, many=True),
    _schema("organizer", IRI, many=True),
    _schema("recipient", IRI, many=True),
    _schema("subjectOf", IRI, many=True),
    _schema("superEvent", IRI),
    _schema("url", IRI),
    # the peacegraph ontology
    Term("stance", PG + "stance", IRI),
    Term("evidence", PG + "evidence", IRI),
    Term("signature", PG + "signature", IRI, many=True),
    Term("holdsRole", PG + "holdsRole", IRI, many=True),
    Term("roleIn", PG + "roleIn", IRI),
    Term("target", PG + "target", IRI, many=True),
    Term("copiedTo", PG + "copiedTo", IRI, many=True),
    Term("point", PG + "point"),
    Term("issuer", PG + "issuer", IRI, many=True),
    Term("signatory", PG + "signatory", IRI, many=True),
    Term("membership", PG + "membership", IRI, many=True),
    Term("printedName", PG + "printedName", language="en"),
    Term("printedVariant", PG + "printedVariant", language="en", many=True),
    # the earliest and latest day a date can mean, comparable as xsd:date whatever its precision
    Term("earliestDate", PG + "earliestDate", _DATE),
    Term("latestDate", PG + "latestDate", _DATE),
    # provenance: the original document a position quoted second-hand comes from
    Term("wasQuotedFrom", PROV + "wasQuotedFrom", IRI),
    # Web Annotation: the evidence of a position
    Term("hasSource", OA + "hasSource", IRI),
    Term("hasSelector", OA + "hasSelector", IRI, many=True),
    Term("exact", OA + "exact"),
    Term("prefix", OA + "prefix"),
    Term("suffix", OA + "suffix"),
    Term("start", OA + "start", XSD + "nonNegativeInteger"),
    Term("end", OA + "end", XSD + "nonNegativeInteger"),
    # SKOS: topics and stances
    Term("prefLabel", SKOS + "prefLabel", language="en"),
    Term("altLabel", SKOS + "altLabel", language="en", many=True),
    Term("definition", SKOS + "definition", language="en"),
    Term("inScheme", SKOS + "inScheme", IRI),
    Term("topConceptOf", SKOS + "topConceptOf", IRI),
    Term("hasTopConcept", SKOS + "hasTopConcept", IRI, many=True),
    Term("broader", SKOS + "broader", IRI, many=True),
    Term("narrower", SKOS + "narrower", IRI, many=True),
    Term("label", RDFS + "label", language="en"),
    Term("comment", RDFS + "comment", language="en"),
    # links to others, and what became of deprecated identifiers
    Term("sameAs", OWL + "sameAs", IRI, many=True),
    Term("deprecated", OWL + "deprecated"),
    Term("isReplacedBy", DCTERMS + "isReplacedBy", IRI, many=True),
    Term("replaces", DCTERMS + "replaces", IRI, many=True),
    Term("license", DCTERMS + "license", IRI),
    # where a fact taken from outside the records comes from (a place's point: the dataset, in words)
    Term("source", DCTERMS + "source"),
)

#: The term of each property IRI.
BY_IRI: Final[dict[str, Term]] = {t.iri: t for t in TERMS}
#: ``id`` and ``type`` stand for ``@id`` and ``@type``; ``type`` is always an array.
ID_KEY: Final = "id"
TYPE_KEY: Final = "type"


def context() -> dict[str, Any]:
    """The JSON-LD 1.1 context of the active collection: the prefixes, ``id``/``type``, a term per property."""
    entries: dict[str, Any] = {"@version": 1.1, **active().jsonld_prefixes}
    entries[ID_KEY] = "@id"
    entries[TYPE_KEY] = {"@id": "@type", "@container": "@set"}
    for t in TERMS:
        entries[t.name] = t.definition()
    return {"@context": entries}


def _check() -> None:
    names = [t.name for t in TERMS]
    clashes = {n for n in names if names.count(n) > 1} | (set(names) & {"pgid", *PREFIXES, ID_KEY, TYPE_KEY})
    if clashes:  # pragma: no cover - a mistake in the table above
        raise AssertionError(f"JSON-LD terms defined twice: {sorted(clashes)}")


_check()
