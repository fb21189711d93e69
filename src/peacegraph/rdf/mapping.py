"""Map a checked corpus to RDF triples: one small function per kind of record.

Every function yields :class:`pyoxigraph.Triple`; no RDF is built as text. Auxiliary nodes
(signatures, roles, evidence, selectors, source texts) get IRIs minted under their owner's IRI,
so the dumps contain no blank nodes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Final

from pyoxigraph import Literal, NamedNode, Triple

from ..records import dates
from ..records import model as r
from .namespaces import (
    DCTERMS,
    KINDS,
    OA,
    OWL,
    PROV,
    RDF_TYPE,
    RDFS,
    SKOS,
    XSD,
    Space,
    active,
    mint,
    pg,
    schema,
    term,
    wikidata,
)
from .vocabulary import DOCUMENT_CLASSES, EVENT_CLASSES, ORGANIZATION_CLASSES, PLACE_CLASSES

CONTEXT_CHARS = 32  # characters of prefix and suffix kept by each TextQuoteSelector

_DATE_TYPES = {10: "date", 7: "gYearMonth", 4: "gYear"}


def iri(ref: r.Ref) -> NamedNode:
    """The IRI of a record of the active collection."""
    return _minted(active(), ref)


@functools.lru_cache(maxsize=1 << 16)  # records are referred to many times (signatories, authors)
def _minted(space: Space, ref: r.Ref) -> NamedNode:
    return space.mint(KINDS[ref.prefix], ref.key)


def text(value: str) -> Literal:
    return Literal(value)


def date(value: str) -> Literal:
    return Literal(value, datatype=term(XSD, _DATE_TYPES[len(value)]))


def day(value: str) -> Literal:
    return Literal(value, datatype=term(XSD, "date"))


def tagged(value: str, language: str) -> Literal:
    return Literal(value, language=language)


def _bounds(subject: NamedNode, first: str | None, last: str | None) -> Iterator[Triple]:
    """``pg:earliestDate``, the first day ``first`` may be, and ``pg:latestDate``, the last day ``last`` may be.

    Both are ``xsd:date``, whatever the precision of the dates they bound, so typed filters compare them.
    """
    if first:
        yield Triple(subject, pg("earliestDate"), day(dates.earliest(first).isoformat()))
    if last:
        yield Triple(subject, pg("latestDate"), day(dates.latest(last).isoformat()))


def integer(value: int, datatype: str = "integer") -> Literal:
    return Literal(str(value), datatype=term(XSD, datatype))


def _types(subject: NamedNode, *classes: NamedNode | None) -> Iterator[Triple]:
    for cls in classes:
        if cls is not None:
            yield Triple(subject, RDF_TYPE, cls)


def _classes(table: dict[str, tuple[str | None, str | None]], kind: str) -> tuple[NamedNode | None, NamedNode | None]:
    ours, theirs = table[kind]
    return (pg(ours) if ours else None, schema(theirs) if theirs else None)


def _names(subject: NamedNode, record: r.Entity | r.Document) -> Iterator[Triple]:
    """``schema:name`` and ``rdfs:label`` (for label-based tools), alternate names, each with its language."""
    (name, language), alternate = record.labelled_names()
    yield Triple(subject, schema("name"), tagged(name, language))
    yield Triple(subject, term(RDFS, "label"), tagged(name, language))
    for other, other_language in alternate:
        yield Triple(subject, schema("alternateName"), tagged(other, other_language))
    for variant in record.printed_variants:  # as a source prints it, in the name's language
        yield Triple(subject, pg("printedVariant"), tagged(variant, language))
    if record.description:
        yield Triple(subject, schema("description"), text(record.description))


def _links(subject: NamedNode, predicate: NamedNode, refs: Iterable[r.Ref | None]) -> Iterator[Triple]:
    for ref in refs:
        if ref is not None:
            yield Triple(subject, predicate, iri(ref))


def _same_as(subject: NamedNode, qid: str | None) -> Iterator[Triple]:
    if qid:
        yield Triple(subject, term(OWL, "sameAs"), wikidata(qid))


def map_organization(org: r.Organization) -> Iterator[Triple]:
    s = mint("organization", org.key)
    yield from _types(s, pg("Organization"), schema("Organization"), *_classes(ORGANIZATION_CLASSES, org.type))
    yield from _names(s, org)
    yield from _links(s, schema("location"), [org.country])
    yield from _same_as(s, org.wikidata)


def map_person(person: r.Person) -> Iterator[Triple]:
    s = mint("person", person.key)
    yield from _types(s, pg("Person"), schema("Person"))
    yield from _names(s, person)
    yield from _same_as(s, person.wikidata)
    for role in person.roles:
        node = mint("person", person.key, "role", role.key)
        yield Triple(s, pg("holdsRole"), node)
        yield Triple(s, schema("jobTitle"), text(role.title))
        yield from _types(node, pg("Role"), schema("OrganizationRole"))
        yield Triple(node, schema("roleName"), text(role.title))
        yield Triple(node, term(RDFS, "label"), tagged(role.title, r.DEFAULT_LANGUAGE))
        if role.organization:
            yield Triple(node, pg("roleIn"), iri(role.organization))
            yield Triple(s, schema("affiliation"), iri(role.organization))
        if role.start:
            yield Triple(node, schema("startDate"), date(role.start))
        if role.end:
            yield Triple(node, schema("endDate"), date(role.end))
        yield from _bounds(node, role.start, role.end)  # a role without an end may still be held
        if role.note:
            yield Triple(node, schema("description"), text(role.note))


def map_place(place: r.Place) -> Iterator[Triple]:
    s = mint("place", place.key)
    yield from _types(s, pg("Place"), schema("Place"), *_classes(PLACE_CLASSES, place.type))
    yield from _names(s, place)
    yield from _links(s, schema("containedInPlace"), dict.fromkeys([place.contained_in, place.country]))
    yield from _same_as(s, place.wikidata)
    if place.coordinates:
        yield from map_coordinates(s, mint("place", place.key, "geo"), place.coordinates)


def map_coordinates(place: NamedNode, node: NamedNode, point: r.Coordinates) -> Iterator[Triple]:
    """A place's point (schema:geo, a schema:GeoCoordinates) and the dataset feature it comes from."""
    yield Triple(place, schema("geo"), node)
    yield Triple(node, RDF_TYPE, schema("GeoCoordinates"))
    yield Triple(node, schema("latitude"), Literal(point.latitude, datatype=term(XSD, "decimal")))
    yield Triple(node, schema("longitude"), Literal(point.longitude, datatype=term(XSD, "decimal")))
    yield Triple(node, term(DCTERMS, "source"), text(point.source))


def map_event(event: r.Event) -> Iterator[Triple]:
    s = mint("event", event.key)
    yield from _types(s, pg("Event"), schema("Event"), *_classes(EVENT_CLASSES, event.type))
    yield from _names(s, event)
    if event.start:
        yield Triple(s, schema("startDate"), date(event.start))
    if event.end:
        yield Triple(s, schema("endDate"), date(event.end))
    yield from _bounds(s, event.not_before or event.start, event.not_after or event.end or event.start)
    yield from _links(s, schema("location"), [event.location])
    yield from _links(s, schema("attendee"), event.attendees)
    yield from _links(s, schema("organizer"), event.organizers)
    yield from _links(s, schema("superEvent"), [event.super_event])
    for doc in event.reported_in:
        yield Triple(s, schema("subjectOf"), iri(doc))
        yield Triple(iri(doc), schema("mentions"), s)
    yield from _same_as(s, event.wikidata)


def map_document(doc: r.Document, corpus: r.Corpus) -> Iterator[Triple]:
    s = mint("document", doc.key)
    message = schema("Message") if doc.recipients or doc.copied_to else None
    yield from _types(s, schema("CreativeWork"), pg("Document"), *_classes(DOCUMENT_CLASSES, doc.type), message)
    yield from _names(s, doc)
    if doc.date:
        yield Triple(s, schema("datePublished"), date(doc.date))
    yield from _bounds(s, doc.date, doc.date)
    if doc.identifier:
        yield Triple(s, schema("identifier"), text(doc.identifier))
    if doc.url:
        yield Triple(s, schema("url"), NamedNode(doc.url))
    yield Triple(s, schema("inLanguage"), text(doc.language))
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
        yield from map_signature(doc, signature, signature.printed or _name_of(corpus, signature.signatory))
    source = corpus.sources.get(doc.key)
    if source is not None:
        yield from map_source_text(doc, source)


def map_signature(doc: r.Document, signature: r.Signature, shown: str) -> Iterator[Triple]:
    """One entry of the printed list of signatories: who, at which rank, and the name as printed
    (labelled ``rank. name``, with the name as printed, or else the signatory's)."""
    signatory = signature.signatory
    node = mint("document", doc.key, "signature", f"{signatory.prefix}-{signatory.key}")
    yield Triple(mint("document", doc.key), pg("signature"), node)
    yield from _types(node, pg("Signature"), schema("ListItem"))
    yield Triple(node, schema("item"), iri(signatory))
    yield Triple(node, schema("position"), integer(signature.rank, "positiveInteger"))
    yield Triple(node, term(RDFS, "label"), tagged(f"{signature.rank}. {shown}", doc.language))
    if signature.printed:
        yield Triple(node, pg("printedName"), tagged(signature.printed, doc.language))


def map_source_text(doc: r.Document, source: r.SourceText) -> Iterator[Triple]:
    s = mint("document", doc.key, "text")
    yield Triple(mint("document", doc.key), schema("encoding"), s)
    yield from _types(s, pg("SourceText"), schema("TextObject"))
    yield Triple(s, schema("name"), text(source.name))
    yield Triple(s, schema("encodingFormat"), text("text/plain; charset=utf-8"))
    yield Triple(s, schema("sha256"), text(source.sha256))
    yield Triple(s, schema("contentSize"), text(f"{source.size} bytes"))


def map_position(position: r.Position, corpus: r.Corpus) -> Iterator[Triple]:
    s = mint("position", position.key)
    doc = iri(position.document)
    quoted = None if corpus.first_hand(position) else pg("QuotedPosition")
    yield from _types(s, pg("Position"), schema("Claim"), quoted)
    yield Triple(s, schema("name"), tagged(position.name, r.DEFAULT_LANGUAGE))
    yield Triple(s, term(RDFS, "label"), tagged(position.name, r.DEFAULT_LANGUAGE))
    yield from _links(s, schema("author"), corpus.holders(position))
    yield Triple(s, schema("appearance"), doc)
    if position.quoted_from:
        yield Triple(s, term(PROV, "wasQuotedFrom"), iri(position.quoted_from))
        yield Triple(s, schema("isBasedOn"), iri(position.quoted_from))
    if position.quote_origin:
        yield from map_quote_origin(position, position.quote_origin)
    yield from _links(s, schema("about"), position.topics)
    yield Triple(s, pg("stance"), pg(position.stance))
    yield from _links(s, pg("target"), position.targets)
    yield from _links(s, schema("mentions"), position.targets)
    if position.point:
        yield Triple(s, pg("point"), text(position.point))
    when = corpus.position_date(position)
    if when:
        yield Triple(s, schema("datePublished"), date(when))
        yield from _bounds(s, when, when)
    if position.note:
        yield Triple(s, schema("description"), text(position.note))
    yield Triple(s, schema("text"), text(position.quote.text))
    yield from map_evidence(position, corpus.sources[position.document.key])


def map_quote_origin(position: r.Position, origin: str) -> Iterator[Triple]:
    """The original of a second-hand quote that has no record of its own, described in words."""
    s = mint("position", position.key)
    node = mint("position", position.key, "origin")
    yield Triple(s, term(PROV, "wasQuotedFrom"), node)
    yield Triple(s, schema("isBasedOn"), node)
    yield from _types(node, pg("QuoteOrigin"), schema("CreativeWork"))
    yield Triple(node, term(RDFS, "label"), tagged(f"Origin of the quote of {position.name}", r.DEFAULT_LANGUAGE))
    yield Triple(node, schema("description"), text(origin))


def map_evidence(position: r.Position, source: r.SourceText) -> Iterator[Triple]:
    quote = position.quote
    evidence = mint("position", position.key, "evidence")
    by_text = mint("position", position.key, "evidence", "quote")
    by_offset = mint("position", position.key, "evidence", "offsets")
    yield Triple(mint("position", position.key), pg("evidence"), evidence)
    yield from _types(evidence, term(OA, "SpecificResource"))
    yield Triple(evidence, term(RDFS, "label"), tagged(f"Evidence of {position.name}", r.DEFAULT_LANGUAGE))
    yield Triple(evidence, term(OA, "hasSource"), mint("document", position.document.key, "text"))
    yield Triple(evidence, term(OA, "hasSelector"), by_text)
    yield Triple(evidence, term(OA, "hasSelector"), by_offset)
    yield from _types(by_text, term(OA, "TextQuoteSelector"))
    yield Triple(by_text, term(RDFS, "label"), tagged(f"The quote in {source.name}", r.DEFAULT_LANGUAGE))
    yield Triple(by_text, term(OA, "exact"), text(quote.text))
    yield Triple(by_text, term(OA, "prefix"), text(source.text[max(0, quote.start - CONTEXT_CHARS) : quote.start]))
    yield Triple(by_text, term(OA, "suffix"), text(source.text[quote.end : quote.end + CONTEXT_CHARS]))
    yield from _types(by_offset, term(OA, "TextPositionSelector"))
    label = f"Characters {quote.start} to {quote.end} of {source.name}"
    yield Triple(by_offset, term(RDFS, "label"), tagged(label, r.DEFAULT_LANGUAGE))
    yield Triple(by_offset, term(OA, "start"), integer(quote.start, "nonNegativeInteger"))
    yield Triple(by_offset, term(OA, "end"), integer(quote.end, "nonNegativeInteger"))


def map_topic(topic: r.Topic) -> Iterator[Triple]:
    s = mint("topic", topic.key)
    topics = active().scheme("topics")
    yield from _types(s, pg("Topic"), term(SKOS, "Concept"), schema("DefinedTerm"))
    yield Triple(s, term(SKOS, "prefLabel"), tagged(topic.label, r.DEFAULT_LANGUAGE))
    yield Triple(s, term(RDFS, "label"), tagged(topic.label, r.DEFAULT_LANGUAGE))
    yield Triple(s, schema("name"), tagged(topic.label, r.DEFAULT_LANGUAGE))
    yield Triple(s, term(SKOS, "definition"), Literal(topic.definition, language="en"))
    for label in topic.alt_labels:
        yield Triple(s, term(SKOS, "altLabel"), Literal(label, language="en"))
    yield Triple(s, term(SKOS, "inScheme"), topics)
    yield Triple(s, schema("inDefinedTermSet"), topics)
    if topic.broader:
        yield Triple(s, term(SKOS, "broader"), iri(topic.broader))
        yield Triple(iri(topic.broader), term(SKOS, "narrower"), s)
    else:
        yield Triple(s, term(SKOS, "topConceptOf"), topics)
        yield Triple(topics, term(SKOS, "hasTopConcept"), s)
    yield from _same_as(s, topic.wikidata)


def map_topic_scheme(title: str) -> Iterator[Triple]:
    """The collection's own SKOS scheme of topics, titled as its configuration says."""
    s = active().scheme("topics")
    yield from _types(s, term(SKOS, "ConceptScheme"), schema("DefinedTermSet"))
    yield Triple(s, term(SKOS, "prefLabel"), Literal(title, language="en"))
    yield Triple(s, schema("name"), tagged(title, r.DEFAULT_LANGUAGE))


def map_membership(membership: r.Membership, corpus: r.Corpus) -> Iterator[Triple]:
    group = iri(membership.group)
    for member in membership.members:
        yield Triple(group, schema("member"), iri(member))
        yield Triple(iri(member), schema("memberOf"), group)
        if membership.start or membership.end:
            label = f"{_name_of(corpus, member)}, member of {_name_of(corpus, membership.group)}"
            yield from map_membership_period(membership, member, label)


def _name_of(corpus: r.Corpus, ref: r.Ref) -> str:
    record = corpus.resolve(ref)
    return str(getattr(record, "name", ref))


def map_membership_period(membership: r.Membership, member: r.Ref, label: str) -> Iterator[Triple]:
    """A dated membership: a ``pg:Membership`` node under the group, with the member, period and note."""
    node = mint(KINDS[membership.group.prefix], membership.group.key, "member", f"{member.prefix}-{member.key}")
    yield Triple(iri(member), pg("membership"), node)
    yield from _types(node, pg("Membership"), schema("OrganizationRole"))
    yield Triple(node, schema("roleName"), text("member"))
    yield Triple(node, term(RDFS, "label"), tagged(label, r.DEFAULT_LANGUAGE))
    yield Triple(node, pg("roleIn"), iri(membership.group))
    if membership.start:
        yield Triple(node, schema("startDate"), date(membership.start))
    if membership.end:
        yield Triple(node, schema("endDate"), date(membership.end))
    yield from _bounds(node, membership.start, membership.end)
    if membership.note:
        yield Triple(node, schema("description"), text(membership.note))


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
    """A deprecated identifier still resolves: it keeps the classes of its kind, says it is deprecated,
    what it was, and what replaces it."""
    s = NamedNode(deprecation.key)
    yield Triple(s, term(OWL, "deprecated"), Literal("true", datatype=term(XSD, "boolean")))
    if deprecation.ref is not None:
        ours, theirs = DEPRECATED_CLASSES[deprecation.ref.prefix]
        yield from _types(s, pg(ours) if ours else None, schema(theirs))
        yield Triple(s, schema("name"), tagged(deprecation.label, r.DEFAULT_LANGUAGE))
    yield Triple(s, term(RDFS, "label"), tagged(deprecation.label, r.DEFAULT_LANGUAGE))
    yield Triple(s, term(RDFS, "comment"), text(deprecation.note))
    if deprecation.replaced_by:
        yield Triple(s, term(DCTERMS, "isReplacedBy"), iri(deprecation.replaced_by))
        yield Triple(iri(deprecation.replaced_by), term(DCTERMS, "replaces"), s)


def map_corpus(corpus: r.Corpus, topic_scheme: str) -> Iterator[Triple]:
    """Every triple the records say, in no particular order (the serializers sort); the topics are
    in a scheme titled ``topic_scheme``, written when there are topics."""
    if corpus.topics:
        yield from map_topic_scheme(topic_scheme)
    for topic in corpus.topics.values():
        yield from map_topic(topic)
    for doc in corpus.documents.values():
        yield from map_document(doc, corpus)
    for org in corpus.organizations.values():
        yield from map_organization(org)
    for person in corpus.people.values():
        yield from map_person(person)
    for place in corpus.places.values():
        yield from map_place(place)
    for event in corpus.events.values():
        yield from map_event(event)
    for membership in corpus.memberships:
        yield from map_membership(membership, corpus)
    for position in corpus.positions.values():
        yield from map_position(position, corpus)
    for deprecation in corpus.deprecations.values():
        yield from map_deprecation(deprecation)
