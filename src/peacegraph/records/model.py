"""Curated records as plain dataclasses: no RDF here, and every record knows where it came from."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple


@dataclass(frozen=True, order=True)
class Origin:
    """A place in a seed file, for error messages that a curator can act on."""

    file: Path
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Ref(NamedTuple):
    """A reference to another record, ``prefix:key`` in the YAML (a named tuple: hashed in C, and
    a build hashes references millions of times)."""

    prefix: str
    key: str

    def __str__(self) -> str:
        return f"{self.prefix}:{self.key}"


@dataclass(frozen=True)
class Record:
    key: str
    origin: Origin
    #: The line of each field, so errors about a value can point at it.
    lines: dict[str, int] = field(compare=False, repr=False)

    def where(self, field_name: str | None = None) -> Origin:
        line = self.lines.get(field_name, self.origin.line) if field_name else self.origin.line
        return Origin(self.origin.file, line)


DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Entity(Record):
    name: str
    alternate_names: tuple[str, ...] = ()
    #: Spellings exactly as a source prints them, typos included (searchable, shown as printed variants).
    printed_variants: tuple[str, ...] = ()
    description: str | None = None
    wikidata: str | None = None
    wikidata_candidates: tuple[str, ...] = ()
    #: The BCP 47 language of ``name``, and of each alternate name (same order; empty: all English).
    name_language: str = DEFAULT_LANGUAGE
    alternate_languages: tuple[str, ...] = ()

    def labelled_names(self) -> tuple[tuple[str, str], tuple[tuple[str, str], ...]]:
        """``(name, language)`` and the alternate names with their languages."""
        return _labelled(self.name, self.name_language, self.alternate_names, self.alternate_languages)


def _labelled(
    name: str, language: str, alternate: tuple[str, ...], languages: tuple[str, ...]
) -> tuple[tuple[str, str], tuple[tuple[str, str], ...]]:
    others = languages or (DEFAULT_LANGUAGE,) * len(alternate)
    return (name, language), tuple(zip(alternate, others, strict=True))


@dataclass(frozen=True)
class Organization(Entity):
    type: str = "other"
    country: Ref | None = None


@dataclass(frozen=True)
class Role:
    key: str
    title: str
    organization: Ref | None = None
    start: str | None = None
    end: str | None = None
    #: Where the period comes from when no source document states it (e.g. general knowledge).
    note: str | None = None


@dataclass(frozen=True)
class Person(Entity):
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True)
class Coordinates:
    """A point (WGS 84 decimal degrees, as written) and the dataset feature it was taken from."""

    latitude: str
    longitude: str
    source: str


@dataclass(frozen=True)
class Place(Entity):
    type: str = "other"
    contained_in: Ref | None = None
    country: Ref | None = None
    coordinates: Coordinates | None = None


@dataclass(frozen=True)
class Event(Entity):
    type: str = "other"
    start: str | None = None
    end: str | None = None
    #: Days that narrow a coarse date, when the source places the event between two dated entries.
    not_before: str | None = None
    not_after: str | None = None
    location: Ref | None = None
    attendees: tuple[Ref, ...] = ()
    organizers: tuple[Ref, ...] = ()
    super_event: Ref | None = None
    reported_in: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Signature:
    """A signatory's entry in a document's printed list: its place (rank) and its name as printed."""

    signatory: Ref
    rank: int
    printed: str | None = None


@dataclass(frozen=True)
class Document(Record):
    title: str
    type: str
    alternate_names: tuple[str, ...] = ()
    printed_variants: tuple[str, ...] = ()
    description: str | None = None
    wikidata: str | None = None
    wikidata_candidates: tuple[str, ...] = ()
    source: str | None = None
    date: str | None = None
    identifier: str | None = None
    url: str | None = None
    issuers: tuple[Ref, ...] = ()
    signatories: tuple[Ref, ...] = ()
    #: The printed list: each signatory (in ``signatories`` order) with its rank and printed name.
    signatures: tuple[Signature, ...] = ()
    recipients: tuple[Ref, ...] = ()
    copied_to: tuple[Ref, ...] = ()
    mentions: tuple[Ref, ...] = ()
    cites: tuple[Ref, ...] = ()
    about: tuple[Ref, ...] = ()
    language: str = DEFAULT_LANGUAGE
    #: The language of the title when it is not the document's language; of each alternate name.
    title_language: str | None = None
    alternate_languages: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.title

    def labelled_names(self) -> tuple[tuple[str, str], tuple[tuple[str, str], ...]]:
        """``(title, language)`` and the alternate names with their languages."""
        language = self.title_language or self.language
        return _labelled(self.title, language, self.alternate_names, self.alternate_languages)

    @functools.cached_property
    def authors(self) -> tuple[Ref, ...]:
        """Issuers then signatories, each once, in order (made once: a document with a long list of
        signatories has each of its positions ask)."""
        return tuple(dict.fromkeys(self.issuers + self.signatories))

    @functools.cached_property
    def author_set(self) -> frozenset[Ref]:
        """:attr:`authors` as a set, made once."""
        return frozenset(self.authors)


@dataclass(frozen=True)
class Quote:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Position(Record):
    name: str
    document: Ref
    stance: str
    topics: tuple[Ref, ...]
    quote: Quote
    holders: tuple[Ref, ...] = ()
    targets: tuple[Ref, ...] = ()
    point: str | None = None
    date: str | None = None
    #: The original document the quote comes from, when ``document`` quotes it second-hand.
    quoted_from: Ref | None = None
    #: Where the quote comes from, in words, when it is second-hand and the graph has no record of its original.
    quote_origin: str | None = None
    #: Where a fact comes from when the source does not state it (e.g. a date from general knowledge).
    note: str | None = None


@dataclass(frozen=True)
class Topic(Record):
    label: str
    definition: str
    alt_labels: tuple[str, ...] = ()
    broader: Ref | None = None
    wikidata: str | None = None

    @property
    def name(self) -> str:
        return self.label


@dataclass(frozen=True)
class Membership(Record):
    group: Ref
    members: tuple[Ref, ...]
    documents: tuple[Ref, ...] = ()
    start: str | None = None
    end: str | None = None
    #: Where the period comes from when no listed document states it (e.g. general knowledge).
    note: str | None = None


@dataclass(frozen=True)
class Deprecation(Record):
    """A published identifier whose record was removed or merged: it stays, marked deprecated.

    ``key`` is the full identifier; ``ref`` is set when the curator named it as ``prefix:key``.
    """

    label: str
    note: str
    ref: Ref | None = None
    replaced_by: Ref | None = None


@dataclass(frozen=True)
class SourceText:
    """A seed document's text, exactly as the offsets of quotes count it."""

    name: str
    text: str
    sha256: str
    size: int


@dataclass(frozen=True, order=True)
class ReviewNote:
    """A ``review:`` note: a value a person must still check (drafted records carry them)."""

    origin: Origin
    record: str  # "org:key", the record the note is on
    note: str


#: The field of :class:`Corpus` that holds each kind of record, by reference prefix.
TABLES = {
    "doc": "documents",
    "org": "organizations",
    "person": "people",
    "place": "places",
    "event": "events",
    "position": "positions",
    "topic": "topics",
}


@dataclass
class Corpus:
    """Everything the records say, keyed by reference prefix and key."""

    documents: dict[str, Document] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    memberships: list[Membership] = field(default_factory=list)
    sources: dict[str, SourceText] = field(default_factory=dict)
    #: Deprecated identifiers, by identifier (IRI).
    deprecations: dict[str, Deprecation] = field(default_factory=dict)
    #: Open review notes, in file order; never mapped to RDF.
    reviews: list[ReviewNote] = field(default_factory=list)
    #: Records left out because their file reported errors for them: references to them are not errors too.
    unchecked: set[Ref] = field(default_factory=set)

    def table(self, prefix: str) -> dict[str, Any]:
        """The records of one kind, by key (values are of that kind's record class)."""
        table: dict[str, Any] = getattr(self, TABLES[prefix])
        return table

    def resolve(self, ref: Ref) -> Record | None:
        return self.table(ref.prefix).get(ref.key)

    def holders(self, position: Position) -> tuple[Ref, ...]:
        """Explicit holders, or else the authors of the position's document."""
        if position.holders:
            return position.holders
        return self.documents[position.document.key].authors

    def first_hand(self, position: Position) -> bool:
        """Whether the document is the holders' own (they issued or signed it), not a page quoting them."""
        authors = self.documents[position.document.key].author_set
        return bool(authors) and authors.issuperset(self.holders(position))

    def position_date(self, position: Position) -> str | None:
        """A position's own date: stated, else its original's, else (first-hand only) its document's.

        A position quoted second-hand never takes the date of the page that quotes it.
        """
        if position.date:
            return position.date
        if position.quoted_from:
            return self.documents[position.quoted_from.key].date
        if self.first_hand(position):
            return self.documents[position.document.key].date
        return None
