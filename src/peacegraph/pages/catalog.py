"""Everything the pages need to know, read from the store once.

A page about a document needs the names of its 133 signatories, the dates of what cites it and
the stances of its positions; asking the store for each of those, page after page, is what makes a
static site slow. A :class:`Catalog` walks the store once and keeps every triple about a named
node in two dictionaries (outgoing by subject, incoming by object), plus a summary of every
identifier (:class:`Entity`: kind, name, alternate names, date, description, Wikidata items). The
profile panels (``profiles.py``), the lists and the search index (``finding.py``) are built from it
with dictionary look-ups only.

The data is read tolerantly: a name may carry a language tag (English is preferred, then no tag,
then any), a date may be a full date, a month, a year, or only a pair of earliest and latest
bounds, and any value may be missing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Store

from ..rdf.namespaces import DCTERMS, OWL, PG, PROV, RDF, RDFS, SCHEMA, SKOS, WD, active
from .boundaries import Boundaries, countries
from .describe import Identifier

Term = NamedNode | Literal

TYPE = RDF + "type"
NAMES = (SCHEMA + "name", SKOS + "prefLabel", RDFS + "label")
ALTERNATE_NAMES = (SCHEMA + "alternateName", SKOS + "altLabel")
#: Spellings as a source prints them, typos included: a search finds a thing by them too.
PRINTED_VARIANTS = (PG + "printedVariant",)
DESCRIPTIONS = (SCHEMA + "description", SKOS + "definition", RDFS + "comment")
#: Where an entity's date is, in order of preference; bounds (``pg:earliestDate``/``pg:latestDate``) come last.
DATES = (SCHEMA + "datePublished", SCHEMA + "startDate", SCHEMA + "dateCreated", DCTERMS + "date")
END_DATES = (SCHEMA + "endDate",)
QUOTED_FROM = PROV + "wasQuotedFrom"
#: The generic class of each kind: a more specific class, when there is one, names the kind better.
GENERIC = {PG + c for c in ("Document", "Organization", "Person", "Place", "Event", "Position", "Topic")}


@dataclass
class Entity:
    """The summary of one identifier."""

    iri: str
    kind: str
    key: str
    name: str
    alternate_names: list[str] = field(default_factory=list)
    printed_variants: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    date: str = ""  # ISO 8601 (a date, month or year), or "" when undated; the earliest bound if only bounds
    latest: str = ""  # the latest bound, when the date is known only between two bounds
    end: str = ""
    description: str = ""
    wikidata: list[str] = field(default_factory=list)
    deprecated: bool = False
    printed_name: str = ""  # the name as printed, when :attr:`name` adds to it to tell it apart

    @property
    def path(self) -> str:
        return f"id/{self.kind}/{self.key}"


def pick_text(literals: Iterable[Term]) -> str:
    """The text of the best literal for an English reader: ``@en``, then untagged, then any."""
    best: tuple[int, str] | None = None
    for node in literals:
        if not isinstance(node, Literal):
            continue
        language = (node.language or "").lower()
        rank = 0 if language in ("en", "en-gb", "en-us") else 1 if not language else 2
        if best is None or (rank, node.value) < best:
            best = (rank, node.value)
    return best[1] if best else ""


def texts(literals: Iterable[Term]) -> list[str]:
    """Every distinct text among ``literals``, in order (a name in several languages counts once each)."""
    return list(dict.fromkeys(node.value for node in literals if isinstance(node, Literal)))


class Catalog:
    """The triples of the store about named nodes, indexed both ways, and a summary per identifier."""

    def __init__(self, st: Store, boundaries: Boundaries | None = None):
        #: The shapes the map draws: the release's regions over the package's countries (``boundaries.py``).
        self.boundaries = boundaries or countries()
        self.outgoing: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.incoming: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for quad in st.quads_for_pattern(None, None, None):
            subject, obj = quad.subject, quad.object
            if not isinstance(subject, NamedNode) or not isinstance(obj, NamedNode | Literal):
                continue
            self.outgoing[subject.value][quad.predicate.value].append(obj)
            if isinstance(obj, NamedNode):
                self.incoming[obj.value][quad.predicate.value].append(subject.value)
        self.entities: dict[str, Entity] = {}
        for iri in sorted(self.outgoing):
            ident = Identifier.parse(iri[len(active().id) :]) if iri.startswith(active().id) else None
            if ident is not None and not ident.part:
                self.entities[iri] = self._entity(iri, ident)
        for entity in self.entities.values():
            if entity.kind == "position" and not entity.date:  # dated by the document it appears in
                entity.date = next((self._date(d) for d in self.links(entity.iri, SCHEMA + "appearance")), "")
        self._distinct_titles()

    # --- reading ---------------------------------------------------------------------------------

    def objects(self, subject: str, *predicates: str) -> list[Term]:
        found = self.outgoing.get(subject)
        if not found:
            return []
        return [node for predicate in predicates for node in found.get(predicate, ())]

    def links(self, subject: str, *predicates: str) -> list[str]:
        """The IRIs ``subject`` links to by ``predicates``, each once, in order."""
        return list(dict.fromkeys(n.value for n in self.objects(subject, *predicates) if isinstance(n, NamedNode)))

    def subjects(self, obj: str, *predicates: str) -> list[str]:
        found = self.incoming.get(obj)
        if not found:
            return []
        return list(dict.fromkeys(s for predicate in predicates for s in found.get(predicate, ())))

    def text(self, subject: str, *predicates: str) -> str:
        return pick_text(self.objects(subject, *predicates))

    def name(self, iri: str) -> str:
        """A name for anything: an entity's, a term's label, or the end of its IRI."""
        entity = self.entities.get(iri)
        if entity is not None:
            return entity.name
        return self.text(iri, *NAMES) or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def date_of(self, iri: str) -> str:
        entity = self.entities.get(iri)
        return entity.date if entity is not None else self._date(iri)

    def kind_label(self, entity: Entity) -> str:
        """The most specific class of an entity, as a person would say it (``Joint statement``)."""
        ours = [t for t in entity.types if t.startswith(PG)]
        specific = [t for t in ours if t not in GENERIC] or ours
        labels = sorted(self.text(t, RDFS + "label") or t[len(PG) :] for t in specific)
        return labels[0] if labels else entity.kind.capitalize()

    def entity(self, ident: Identifier) -> Entity:
        """The summary of an identifier, even one the catalog did not list (it has no statements)."""
        iri = ident.owner.value
        return self.entities.get(iri) or self._entity(iri, ident)

    @staticmethod
    def search_names(entity: Entity) -> list[str]:
        """The names a search finds an entity by: its name, alternate names and printed variants."""
        return [entity.name, *entity.alternate_names, *entity.printed_variants]

    def listed(self) -> list[Entity]:
        """The entities that lists, counts and search show: all but the deprecated identifiers."""
        return [e for e in self.entities.values() if not e.deprecated]

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.listed() if e.kind == kind]

    # --- building --------------------------------------------------------------------------------

    def _distinct_titles(self) -> None:
        """Documents whose name says only what kind they are (``Joint Statement``), or that share a
        name, read with who issued them and when: ``Joint Statement (Baytna Syria and 11 others,
        2017-03-22)``. The name as printed stays in :attr:`Entity.printed_name`."""
        documents = self.of_kind("document")
        kinds = {self.kind_label(d).casefold() for d in documents}
        kinds |= {self.text(t, RDFS + "label").casefold() for d in documents for t in d.types}
        shared = Counter(d.name.casefold() for d in documents)
        for document in documents:
            if document.name.casefold() not in kinds and shared[document.name.casefold()] == 1:
                continue
            authors = [self.name(a) for a in self.links(document.iri, SCHEMA + "author")]
            by = authors[0] if len(authors) == 1 else f"{authors[0]} and {len(authors) - 1} others" if authors else ""
            qualifier = ", ".join(part for part in (by, document.date) if part)
            if qualifier:
                document.printed_name, document.name = document.name, f"{document.name} ({qualifier})"

    def _entity(self, iri: str, ident: Identifier) -> Entity:
        name = self.text(iri, *NAMES) or ident.key.replace("-", " ")
        alternates = [n for n in texts(self.objects(iri, *NAMES, *ALTERNATE_NAMES)) if n != name]
        return Entity(
            iri=iri,
            kind=ident.kind,
            key=ident.key,
            name=name,
            alternate_names=alternates,
            printed_variants=texts(self.objects(iri, *PRINTED_VARIANTS)),
            types=sorted(self.links(iri, TYPE)),
            date=self._date(iri),
            latest="" if self.text(iri, *DATES) else self._bound(iri, "latest", last=True),
            end=self.text(iri, *END_DATES),
            description=self.text(iri, *DESCRIPTIONS),
            wikidata=[link[len(WD) :] for link in self.links(iri, OWL + "sameAs") if link.startswith(WD)],
            deprecated=any(n.value == "true" for n in self.objects(iri, OWL + "deprecated")),
        )

    def _date(self, iri: str) -> str:
        found = self.text(iri, *DATES)
        if found:
            return found
        return self._bound(iri, "earliest", last=False)

    def _bound(self, iri: str, which: str, *, last: bool) -> str:
        """The earliest (or latest) day a date known only between two can be: ``pg:earliestDate``,
        ``pg:latestDate``, which the mapping gives every dated thing."""
        bounds = sorted(node.value for node in self.objects(iri, PG + which + "Date") if isinstance(node, Literal))
        return (bounds[-1] if last else bounds[0]) if bounds else ""

    def shown_date(self, iri: str) -> str:
        """A date as a reader sees it: ``2015-10-30``, or ``between 2015-10 and 2015-12``."""
        entity = self.entities.get(iri)
        if entity is None:
            return self._date(iri)
        if entity.latest and entity.latest != entity.date:
            return f"between {entity.date} and {entity.latest}"
        return entity.date
