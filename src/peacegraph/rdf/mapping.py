"""Map a checked corpus to RDF triples: one small function per kind of record.

Every function yields triples as the N-Triples text of their terms (:data:`.ntriples.TextTriple`),
each term made by Oxigraph (:mod:`.ntriples`); no RDF is built by hand. Auxiliary nodes (signatures,
roles, evidence, selectors, source texts) get IRIs minted under their owner's IRI, so the dumps
contain no blank nodes.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

from pyoxigraph import NamedNode, Triple

from ..records import dates
from ..records import model as r
from . import lines, namespaces
from .namespaces import DCTERMS, KINDS, OA, OWL, PROV, RDF_TYPE, RDFS, SKOS, active
from .ntriples import TextTriple, literal, named, pg, schema, term
from .vocabulary import DOCUMENT_CLASSES, EVENT_CLASSES, ORGANIZATION_CLASSES, PLACE_CLASSES

CONTEXT_CHARS = 32  # characters of prefix and suffix kept by each TextQuoteSelector

_DATE_TYPES = {10: "date", 7: "gYearMonth", 4: "gYear"}

#: ``rdf:type``, as Turtle abbreviates it.
A: Final = named(RDF_TYPE)


def iri(ref: r.Ref) -> str:
    """The IRI of a record of the active collection."""
    return _minted(active().base, ref)


@functools.lru_cache(maxsize=1 << 18)  # records are referred to many times (signatories, authors)
def _minted(base: str, ref: r.Ref) -> str:
    """The IRI of ``ref`` in the active collection, whose ``base`` keys the cache (all its IRIs are
    under it, and a string is hashed faster than a :class:`.Space`)."""
    return mint(KINDS[ref.prefix], ref.key)


def forget() -> None:
    """Let go of the IRIs kept for the records mapped (call once the mapping is done): they hold
    strings of the records, and with them the memory Python would give back once they are gone."""
    _minted.cache_clear()


def mint(kind: str, slug: str, *parts: str) -> str:
    """The IRI of a curated thing of the active collection, or of a node under it, as N-Triples write it
    (:meth:`.namespaces.Space.identifier`: a tenth of the time of making the term and writing it)."""
    return f"<{active().identifier(kind, slug, *parts)}>"


def text(value: str) -> str:
    return literal(value)


def date(value: str) -> str:
    return literal(value, datatype=_DATE_TYPES[len(value)])


def day(value: str) -> str:
    return literal(value, datatype="date")


def tagged(value: str, language: str) -> str:
    return literal(value, language=language)


def _bounds(subject: str, first: str | None, last: str | None) -> Iterator[TextTriple]:
    """``pg:earliestDate``, the first day ``first`` may be, and ``pg:latestDate``, the last day ``last`` may be.

    Both are ``xsd:date``, whatever the precision of the dates they bound, so typed filters compare them.
    """
    if first:
        yield (subject, pg("earliestDate"), day(dates.earliest(first).isoformat()))
    if last:
        yield (subject, pg("latestDate"), day(dates.latest(last).isoformat()))


def integer(value: int, datatype: str = "integer") -> str:
    return literal(str(value), datatype=datatype)


def _types(subject: str, *classes: str | None) -> Iterator[TextTriple]:
    for cls in classes:
        if cls is not None:
            yield (subject, A, cls)


def _classes(table: dict[str, tuple[str | None, str | None]], kind: str) -> tuple[str | None, str | None]:
    ours, theirs = table[kind]
    return (pg(ours) if ours else None, schema(theirs) if theirs else None)


def _names(subject: str, record: r.Entity | r.Document) -> Iterator[TextTriple]:
    """``schema:name`` and ``rdfs:label`` (for label-based tools), alternate names, each with its language."""
    (name, language), alternate = record.labelled_names()
    yield (subject, schema("name"), tagged(name, language))
    yield (subject, term(RDFS, "label"), tagged(name, language))
    for other, other_language in alternate:
        yield (subject, schema("alternateName"), tagged(other, other_language))
    for variant in record.printed_variants:  # as a source prints it, in the name's language
        yield (subject, pg("printedVariant"), tagged(variant, language))
    if record.description:
        yield (subject, schema("description"), text(record.description))


def _links(subject: str, predicate: str, refs: Iterable[r.Ref | None]) -> Iterator[TextTriple]:
    for ref in refs:
        if ref is not None:
            yield (subject, predicate, iri(ref))


def _same_as(subject: str, qid: str | None) -> Iterator[TextTriple]:
    if qid:
        yield (subject, term(OWL, "sameAs"), named(namespaces.wikidata(qid)))


def map_organization(org: r.Organization) -> Iterator[TextTriple]:
    s = mint("organization", org.key)
    yield from _types(s, pg("Organization"), schema("Organization"), *_classes(ORGANIZATION_CLASSES, org.type))
    yield from _names(s, org)
    yield from _links(s, schema("location"), [org.country])
    yield from _same_as(s, org.wikidata)


def map_person(person: r.Person) -> Iterator[TextTriple]:
    s = mint("person", person.key)
    yield from _types(s, pg("Person"), schema("Person"))
    yield from _names(s, person)
    yield from _same_as(s, person.wikidata)
    for role in person.roles:
        node = mint("person", person.key, "role", role.key)
        yield (s, pg("holdsRole"), node)
        yield (s, schema("jobTitle"), text(role.title))
        yield from _types(node, pg("Role"), schema("OrganizationRole"))
        yield (node, schema("roleName"), text(role.title))
        yield (node, term(RDFS, "label"), tagged(role.title, r.DEFAULT_LANGUAGE))
        if role.organization:
            yield (node, pg("roleIn"), iri(role.organization))
            yield (s, schema("affiliation"), iri(role.organization))
        if role.start:
            yield (node, schema("startDate"), date(role.start))
        if role.end:
            yield (node, schema("endDate"), date(role.end))
        yield from _bounds(node, role.start, role.end)  # a role without an end may still be held
        if role.note:
            yield (node, schema("description"), text(role.note))


def map_place(place: r.Place) -> Iterator[TextTriple]:
    s = mint("place", place.key)
    yield from _types(s, pg("Place"), schema("Place"), *_classes(PLACE_CLASSES, place.type))
    yield from _names(s, place)
    yield from _links(s, schema("containedInPlace"), dict.fromkeys([place.contained_in, place.country]))
    yield from _same_as(s, place.wikidata)
    if place.coordinates:
        yield from map_coordinates(s, mint("place", place.key, "geo"), place.coordinates)


def map_coordinates(place: str, node: str, point: r.Coordinates) -> Iterator[TextTriple]:
    """A place's point (schema:geo, a schema:GeoCoordinates) and the dataset feature it comes from."""
    yield (place, schema("geo"), node)
    yield (node, A, schema("GeoCoordinates"))
    yield (node, schema("latitude"), literal(point.latitude, datatype="decimal"))
    yield (node, schema("longitude"), literal(point.longitude, datatype="decimal"))
    yield (node, term(DCTERMS, "source"), text(point.source))


def map_event(event: r.Event) -> Iterator[TextTriple]:
    s = mint("event", event.key)
    yield from _types(s, pg("Event"), schema("Event"), *_classes(EVENT_CLASSES, event.type))
    yield from _names(s, event)
    if event.start:
        yield (s, schema("startDate"), date(event.start))
    if event.end:
        yield (s, schema("endDate"), date(event.end))
    yield from _bounds(s, event.not_before or event.start, event.not_after or event.end or event.start)
    yield from _links(s, schema("location"), [event.location])
    yield from _links(s, schema("attendee"), event.attendees)
    yield from _links(s, schema("organizer"), event.organizers)
    yield from _links(s, schema("superEvent"), [event.super_event])
    for doc in event.reported_in:
        yield (s, schema("subjectOf"), iri(doc))
        yield (iri(doc), schema("mentions"), s)
    yield from _same_as(s, event.wikidata)


def map_document(doc: r.Document, corpus: r.Corpus) -> Iterator[TextTriple]:
    s = mint("document", doc.key)
    message = schema("Message") if doc.recipients or doc.copied_to else None
    yield from _types(s, schema("CreativeWork"), pg("Document"), *_classes(DOCUMENT_CLASSES, doc.type), message)
    yield from _names(s, doc)
    if doc.date:
        yield (s, schema("datePublished"), date(doc.date))
    yield from _bounds(s, doc.date, doc.date)
    if doc.identifier:
        yield (s, schema("identifier"), text(doc.identifier))
    if doc.url:
        yield (s, schema("url"), named(NamedNode(doc.url)))
    yield (s, schema("inLanguage"), text(doc.language))
    yield from _links(s, schema("author"), doc.authors)
    yield from _links(s, pg("issuer"), doc.issuers)
    yield from _links(s, pg("signatory"), doc.signatories)
    yield from _links(s, schema("recipient"), dict.fromkeys(doc.recipients + doc.copied_to))
    yield from _links(s, pg("copiedTo"), doc.copied_to)
    yield from _links(s, schema("mentions"), doc.mentions)
    yield from _links(s, schema("citation"), doc.cites)
    yield from _links(s, schema("about"), doc.about)
    yield from _same_as(s, doc.wikidata)
    for signature in doc.signatures:
        yield from map_signature(doc, signature, signature.printed or _name_of(corpus, signature.signatory), s)
    source = corpus.sources.get(doc.key)
    if source is not None:
        yield from map_source_text(doc, source)


def map_signature(
    doc: r.Document, signature: r.Signature, shown: str, document: str | None = None
) -> Iterator[TextTriple]:
    """One entry of the printed list of signatories: who, at which rank, and the name as printed
    (labelled ``rank. name``, with the name as printed, or else the signatory's); ``document`` is the
    document's IRI, if the caller has it already."""
    signatory = signature.signatory
    node = mint("document", doc.key, "signature", f"{signatory.prefix}-{signatory.key}")
    yield (document or mint("document", doc.key), pg("signature"), node)
    yield from _types(node, pg("Signature"), schema("ListItem"))
    yield (node, schema("item"), iri(signatory))
    yield (node, schema("position"), integer(signature.rank, "positiveInteger"))
    yield (node, term(RDFS, "label"), tagged(f"{signature.rank}. {shown}", doc.language))
    if signature.printed:
        yield (node, pg("printedName"), tagged(signature.printed, doc.language))


def map_source_text(doc: r.Document, source: r.SourceText) -> Iterator[TextTriple]:
    s = mint("document", doc.key, "text")
    yield (mint("document", doc.key), schema("encoding"), s)
    yield from _types(s, pg("SourceText"), schema("TextObject"))
    yield (s, schema("name"), text(source.name))
    yield (s, schema("encodingFormat"), text("text/plain; charset=utf-8"))
    yield (s, schema("sha256"), text(source.sha256))
    yield (s, schema("contentSize"), text(f"{source.size} bytes"))


def map_position(position: r.Position, corpus: r.Corpus) -> Iterator[TextTriple]:
    s = mint("position", position.key)
    doc = iri(position.document)
    quoted = None if corpus.first_hand(position) else pg("QuotedPosition")
    yield from _types(s, pg("Position"), schema("Claim"), quoted)
    yield (s, schema("name"), tagged(position.name, r.DEFAULT_LANGUAGE))
    yield (s, term(RDFS, "label"), tagged(position.name, r.DEFAULT_LANGUAGE))
    yield from _links(s, schema("author"), corpus.holders(position))
    yield (s, schema("appearance"), doc)
    if position.quoted_from:
        yield (s, term(PROV, "wasQuotedFrom"), iri(position.quoted_from))
        yield (s, schema("isBasedOn"), iri(position.quoted_from))
    if position.quote_origin:
        yield from map_quote_origin(position, position.quote_origin)
    yield from _links(s, schema("about"), position.topics)
    yield (s, pg("stance"), pg(position.stance))
    yield from _links(s, pg("target"), position.targets)
    yield from _links(s, schema("mentions"), position.targets)
    if position.point:
        yield (s, pg("point"), text(position.point))
    when = corpus.position_date(position)
    if when:
        yield (s, schema("datePublished"), date(when))
        yield from _bounds(s, when, when)
    if position.note:
        yield (s, schema("description"), text(position.note))
    yield (s, schema("text"), text(position.quote.text))
    yield from map_evidence(position, corpus.sources[position.document.key])


def map_quote_origin(position: r.Position, origin: str) -> Iterator[TextTriple]:
    """The original of a second-hand quote that has no record of its own, described in words."""
    s = mint("position", position.key)
    node = mint("position", position.key, "origin")
    yield (s, term(PROV, "wasQuotedFrom"), node)
    yield (s, schema("isBasedOn"), node)
    yield from _types(node, pg("QuoteOrigin"), schema("CreativeWork"))
    yield (node, term(RDFS, "label"), tagged(f"Origin of the quote of {position.name}", r.DEFAULT_LANGUAGE))
    yield (node, schema("description"), text(origin))


def map_evidence(position: r.Position, source: r.SourceText) -> Iterator[TextTriple]:
    quote = position.quote
    evidence = mint("position", position.key, "evidence")
    by_text = mint("position", position.key, "evidence", "quote")
    by_offset = mint("position", position.key, "evidence", "offsets")
    yield (mint("position", position.key), pg("evidence"), evidence)
    yield from _types(evidence, term(OA, "SpecificResource"))
    yield (evidence, term(RDFS, "label"), tagged(f"Evidence of {position.name}", r.DEFAULT_LANGUAGE))
    yield (evidence, term(OA, "hasSource"), mint("document", position.document.key, "text"))
    yield (evidence, term(OA, "hasSelector"), by_text)
    yield (evidence, term(OA, "hasSelector"), by_offset)
    yield from _types(by_text, term(OA, "TextQuoteSelector"))
    yield (by_text, term(RDFS, "label"), tagged(f"The quote in {source.name}", r.DEFAULT_LANGUAGE))
    yield (by_text, term(OA, "exact"), text(quote.text))
    yield (by_text, term(OA, "prefix"), text(source.text[max(0, quote.start - CONTEXT_CHARS) : quote.start]))
    yield (by_text, term(OA, "suffix"), text(source.text[quote.end : quote.end + CONTEXT_CHARS]))
    yield from _types(by_offset, term(OA, "TextPositionSelector"))
    label = f"Characters {quote.start} to {quote.end} of {source.name}"
    yield (by_offset, term(RDFS, "label"), tagged(label, r.DEFAULT_LANGUAGE))
    yield (by_offset, term(OA, "start"), integer(quote.start, "nonNegativeInteger"))
    yield (by_offset, term(OA, "end"), integer(quote.end, "nonNegativeInteger"))


def map_topic(topic: r.Topic) -> Iterator[TextTriple]:
    s = mint("topic", topic.key)
    topics = named(active().scheme("topics"))
    yield from _types(s, pg("Topic"), term(SKOS, "Concept"), schema("DefinedTerm"))
    yield (s, term(SKOS, "prefLabel"), tagged(topic.label, r.DEFAULT_LANGUAGE))
    yield (s, term(RDFS, "label"), tagged(topic.label, r.DEFAULT_LANGUAGE))
    yield (s, schema("name"), tagged(topic.label, r.DEFAULT_LANGUAGE))
    yield (s, term(SKOS, "definition"), literal(topic.definition, language="en"))
    for label in topic.alt_labels:
        yield (s, term(SKOS, "altLabel"), literal(label, language="en"))
    yield (s, term(SKOS, "inScheme"), topics)
    yield (s, schema("inDefinedTermSet"), topics)
    if topic.broader:
        yield (s, term(SKOS, "broader"), iri(topic.broader))
        yield (iri(topic.broader), term(SKOS, "narrower"), s)
    else:
        yield (s, term(SKOS, "topConceptOf"), topics)
        yield (topics, term(SKOS, "hasTopConcept"), s)
    yield from _same_as(s, topic.wikidata)


def map_topic_scheme(title: str) -> Iterator[TextTriple]:
    """The collection's own SKOS scheme of topics, titled as its configuration says."""
    s = named(active().scheme("topics"))
    yield from _types(s, term(SKOS, "ConceptScheme"), schema("DefinedTermSet"))
    yield (s, term(SKOS, "prefLabel"), literal(title, language="en"))
    yield (s, schema("name"), tagged(title, r.DEFAULT_LANGUAGE))


def map_membership(membership: r.Membership, corpus: r.Corpus) -> Iterator[TextTriple]:
    group = iri(membership.group)
    for member in membership.members:
        yield (group, schema("member"), iri(member))
        yield (iri(member), schema("memberOf"), group)
        if membership.start or membership.end:
            label = f"{_name_of(corpus, member)}, member of {_name_of(corpus, membership.group)}"
            yield from map_membership_period(membership, member, label)


def _name_of(corpus: r.Corpus, ref: r.Ref) -> str:
    record = corpus.resolve(ref)
    return str(getattr(record, "name", ref))


def map_membership_period(membership: r.Membership, member: r.Ref, label: str) -> Iterator[TextTriple]:
    """A dated membership: a ``pg:Membership`` node under the group, with the member, period and note."""
    node = mint(KINDS[membership.group.prefix], membership.group.key, "member", f"{member.prefix}-{member.key}")
    yield (iri(member), pg("membership"), node)
    yield from _types(node, pg("Membership"), schema("OrganizationRole"))
    yield (node, schema("roleName"), text("member"))
    yield (node, term(RDFS, "label"), tagged(label, r.DEFAULT_LANGUAGE))
    yield (node, pg("roleIn"), iri(membership.group))
    if membership.start:
        yield (node, schema("startDate"), date(membership.start))
    if membership.end:
        yield (node, schema("endDate"), date(membership.end))
    yield from _bounds(node, membership.start, membership.end)
    if membership.note:
        yield (node, schema("description"), text(membership.note))


#: The classes a deprecated identifier keeps, by its kind: the kind's own class where its shape asks
#: only for a name (the live record's details are gone), else only the schema.org class.
DEPRECATED_CLASSES: Final = {
    "doc": (None, "CreativeWork"),
    "org": ("Organization", "Organization"),
    "person": ("Person", "Person"),
    "place": ("Place", "Place"),
    "event": ("Event", "Event"),
    "position": (None, "Claim"),
    "topic": (None, "DefinedTerm"),
}


def map_deprecation(deprecation: r.Deprecation) -> Iterator[Triple]:
    """:func:`deprecation_triples` as Oxigraph's triples (what the identifiers stage compares with the graph's)."""
    return lines.triples(deprecation_triples(deprecation))


def deprecation_triples(deprecation: r.Deprecation) -> Iterator[TextTriple]:
    """A deprecated identifier still resolves: it keeps the classes of its kind, says it is deprecated,
    what it was, and what replaces it."""
    s = named(NamedNode(deprecation.key))
    yield (s, term(OWL, "deprecated"), literal("true", datatype="boolean"))
    if deprecation.ref is not None:
        ours, theirs = DEPRECATED_CLASSES[deprecation.ref.prefix]
        yield from _types(s, pg(ours) if ours else None, schema(theirs))
        yield (s, schema("name"), tagged(deprecation.label, r.DEFAULT_LANGUAGE))
    yield (s, term(RDFS, "label"), tagged(deprecation.label, r.DEFAULT_LANGUAGE))
    yield (s, term(RDFS, "comment"), text(deprecation.note))
    if deprecation.replaced_by:
        yield (s, term(DCTERMS, "isReplacedBy"), iri(deprecation.replaced_by))
        yield (iri(deprecation.replaced_by), term(DCTERMS, "replaces"), s)


def map_record(record: r.Record, corpus: r.Corpus) -> Iterable[TextTriple]:
    """The triples of one record of ``corpus`` (what :func:`map_corpus` maps it to)."""
    if isinstance(record, r.Document):
        return map_document(record, corpus)
    if isinstance(record, r.Position):
        return map_position(record, corpus)
    if isinstance(record, r.Membership):
        return map_membership(record, corpus)
    if isinstance(record, r.Deprecation):
        return deprecation_triples(record)
    return _MAPPERS[type(record)](record)


def map_corpus(corpus: r.Corpus, topic_scheme: str) -> Iterator[TextTriple]:
    """Every triple the records say, in no particular order (the serializers sort); the topics are
    in a scheme titled ``topic_scheme``, written when there are topics. The records' triples are
    chained rather than yielded from here: one generator fewer for each of them to pass through."""
    records: tuple[Iterable[Iterable[TextTriple]], ...] = (
        [map_topic_scheme(topic_scheme)] if corpus.topics else [],
        map(map_topic, corpus.topics.values()),
        (map_document(doc, corpus) for doc in corpus.documents.values()),
        map(map_organization, corpus.organizations.values()),
        map(map_person, corpus.people.values()),
        map(map_place, corpus.places.values()),
        map(map_event, corpus.events.values()),
        (map_membership(membership, corpus) for membership in corpus.memberships),
        (map_position(position, corpus) for position in corpus.positions.values()),
        map(deprecation_triples, corpus.deprecations.values()),
    )
    return itertools.chain.from_iterable(itertools.chain.from_iterable(records))


#: The mappers of the records that read no other record.
_MAPPERS: Final[dict[type, Callable[[Any], Iterator[TextTriple]]]] = {
    r.Organization: map_organization,
    r.Person: map_person,
    r.Place: map_place,
    r.Event: map_event,
    r.Topic: map_topic,
}
