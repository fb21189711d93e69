"""Profiles: what an identifier's page says, as a summary of key facts and a column of panels.

Like a Wikidata item page, a profile starts with what a reader wants first (kind, name, dates,
who issued or holds it, description, Wikidata); like a Scholia profile, the rest is panels, each a
table, a numbered list, a timeline, a grouped list, or a source text with its quoted passages
marked. Each kind of identifier has a function that picks its panels (``document``,
``organization``, ``event``, ``topic``, ``position``, ``place``); they read a :class:`Catalog`,
never the store, so that a page costs dictionary look-ups only.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from ..rdf.namespaces import DCTERMS, OA, PG, PROV, SCHEMA, SKOS, active
from . import describe, maps, pictures
from .catalog import Catalog, Entity
from .links import Linker, Value

S, P = SCHEMA, PG
FOLD_AFTER = 20  # list items shown before the rest is folded away
FOLD_FACT = 8  # values of a fact in the summary shown before the rest is folded away
KIND_ORDER = ["document", "event", "organization", "person", "place", "topic", "position", "scheme"]
LANGUAGES = {"en": "English", "ar": "Arabic", "fr": "French", "ru": "Russian", "de": "German", "tr": "Turkish"}
POSITION_COLUMNS = {
    "document": ["Position", "Held by", "Stance", "Topics", "Quote"],
    "organization": ["Position", "Date", "Stance", "Topics", "Document"],
    "topic": ["Position", "Date", "Held by", "Stance", "Document"],
    "target": ["Stance", "Position", "Held by", "Date", "Document"],
}
KIND_PLURALS = {
    "document": "Documents",
    "organization": "Organizations",
    "person": "People",
    "place": "Places",
    "event": "Meetings and events",
    "position": "Positions",
    "topic": "Topics",
    "scheme": "Concept schemes",
}


@dataclass(frozen=True)
class Fact:
    label: str
    values: list[Value]
    more: list[Value] = field(default_factory=list)  # folded away behind "and N more"


@dataclass(frozen=True)
class Row:
    cells: list[list[Value]]
    data: dict[str, str] = field(default_factory=dict)  # facet values, for filtering in the browser


@dataclass(frozen=True)
class Group:
    title: str
    items: list[Value]


@dataclass(frozen=True)
class Segment:
    text: str
    href: str = ""  # a quoted passage links to its position
    anchor: str = ""
    title: str = ""


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[tuple[str, int]]  # each value with the number of rows that have it


@dataclass
class Panel:
    title: str
    anchor: str
    kind: str  # "table", "list", "groups", "timeline", "text"
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    items: list[Value] = field(default_factory=list)
    ordered: bool = False
    groups: list[Group] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    note: str = ""
    open: bool = True  # a text panel is folded when False
    fold_groups: bool = False  # each group folded under its title
    picture: pictures.Picture | None = None  # a "picture" panel's image, table and downloads

    @property
    def count(self) -> int:
        return len(self.rows) or len(self.items) or sum(len(g.items) for g in self.groups)

    @property
    def counted(self) -> bool:
        return self.kind not in ("text", "picture")


@dataclass
class Profile:
    entity: Entity
    kind_label: str
    facts: list[Fact]
    panels: list[Panel]
    quote: describe.QuoteInContext | None = None
    quote_source: Value | None = None


class Builder:
    """Builds profiles for the pages of one linker (links are relative to the page)."""

    def __init__(self, catalog: Catalog, linker: Linker, seeds: Path | None):
        self.catalog, self.linker, self.seeds = catalog, linker, seeds

    # --- values ------------------------------------------------------------------------------------

    def link(self, iri: str, note: str = "") -> Value:
        entity = self.catalog.entities.get(iri)
        if entity is not None:
            return Value(entity.name, self.linker.to(entity.path), note=note, title=iri)
        return Value(self.catalog.name(iri), self.linker.iri(iri), note=note, title=iri)

    def links(self, iris: Iterable[str], *, dated: bool = False) -> list[Value]:
        """Values for ``iris``, by date (undated last) when ``dated``, else by name."""
        return [self.link(i, note=self._date_note(i) if dated else "") for i in self._sorted(iris, dated=dated)]

    def literal(self, node: NamedNode | Literal) -> Value:
        return self.link(node.value) if isinstance(node, NamedNode) else Value(node.value)

    def _sorted(self, iris: Iterable[str], *, dated: bool) -> list[str]:
        def key(iri: str) -> tuple[int, str, str]:
            date = self.catalog.date_of(iri) if dated else ""
            return (0 if date or not dated else 1, date, self.catalog.name(iri).casefold())

        return sorted(dict.fromkeys(iris), key=key)

    def _date_note(self, iri: str) -> str:
        return self.catalog.shown_date(iri)

    def grouped(self, iris: Iterable[str], *, dated: bool = True) -> list[Group]:
        """``iris`` grouped by kind (documents, events, organizations, …), each group sorted."""
        by_kind: dict[str, list[str]] = defaultdict(list)
        for iri in dict.fromkeys(iris):
            entity = self.catalog.entities.get(iri)
            by_kind[entity.kind if entity else "other"].append(iri)
        order = [*KIND_ORDER, "other"]
        return [
            Group(KIND_PLURALS.get(kind, "Other"), self.links(by_kind[kind], dated=dated))
            for kind in sorted(by_kind, key=order.index)
        ]

    # --- panels ----------------------------------------------------------------------------------

    def documents_table(self, title: str, anchor: str, iris: Iterable[str]) -> Panel | None:
        iris = self._sorted(iris, dated=True)
        rows = [
            Row([[Value(self.catalog.shown_date(i) or "undated")], [self.link(i)], [Value(self._kind_of(i))]])
            for i in iris
        ]
        return Panel(title, anchor, "table", ["Date", "Document", "Kind"], rows) if rows else None

    def _kind_of(self, iri: str) -> str:
        entity = self.catalog.entities.get(iri)
        return self.catalog.kind_label(entity) if entity else ""

    def timeline(self, title: str, anchor: str, iris: Iterable[str]) -> Panel | None:
        items = self.links(iris, dated=True)
        return Panel(title, anchor, "timeline", items=items) if items else None

    def positions_table(
        self, title: str, anchor: str, positions: Iterable[str], *, seen_from: str, view: str = ""
    ) -> Panel | None:
        """The positions as a table, with the columns that say something from where it is seen:
        from a ``document`` its holders, from a holder (``agent``) its document, from a ``topic`` both,
        and from what positions ``target``, their stances first."""
        c = self.catalog
        rows = []
        signatories = set(self._signatories(seen_from)) if seen_from.startswith(active().id + "document/") else set()
        in_text = seen_from.startswith(active().id + "document/") and not view
        ordered = sorted(positions, key=self._text_order) if in_text else self._sorted(positions, dated=True)
        for iri in ordered:
            holders = c.links(iri, S + "author")
            stance = c.name(next(iter(c.links(iri, P + "stance")), ""))
            topics = c.links(iri, S + "about")
            documents = c.links(iri, S + "appearance")
            date = c.shown_date(iri) or (c.shown_date(documents[0]) if documents else "")
            cells = {
                "Position": [self.link(iri)],
                "Date": [Value(date)],
                "Held by": self._holders(holders, signatories),
                "Stance": [Value(stance)],
                "Topics": self.links(topics),
                "Document": sources(c, iri, self.link),
                "Quote": [Value(_snippet(c.text(iri, S + "text")))],
            }
            data = {"stance": stance, "topic": "|".join(c.name(t) for t in topics)}
            data["holder"] = "|".join(c.name(h) for h in holders)
            rows.append((cells, data))
        if not rows:
            return None
        kind = view or seen_from.removeprefix(active().id).split("/", 1)[0]
        columns = POSITION_COLUMNS.get(kind, POSITION_COLUMNS["organization"])
        table = [Row([cells[column] for column in columns], data) for cells, data in rows]
        if kind == "target":  # grouped by stance, the commonest first, each by date
            counted = Counter(row.data["stance"] for row in table)
            table.sort(key=lambda row: (-counted[row.data["stance"]], row.data["stance"]))
        facets = [_facet(table, "stance", "Stance"), _facet(table, "topic", "Topic")]
        if kind in ("topic", "target"):
            facets.append(_facet(table, "holder", "Held by"))
        return Panel(title, anchor, "table", columns, table, facets=facets)

    def targeted(self, entity: Entity) -> Panel | None:
        """The positions that target an identifier: what was said about it or asked of it, by stance."""
        positions = self.catalog.subjects(entity.iri, P + "target")
        panel = self.positions_table(
            f"Said about or asked of {entity.name}", "targeted-by", positions, seen_from=entity.iri, view="target"
        )
        if panel is not None:
            counted = Counter(row.data["stance"] for row in panel.rows)
            stances = ", ".join(f"{n} {stance or 'no stance'}" for stance, n in counted.most_common())
            panel.note = f"The positions that name it as their target, by stance: {stances}."
        return panel

    def _signatories(self, document: str) -> list[str]:
        c = self.catalog
        signatures = c.links(document, P + "signature")
        ranked = sorted(signatures, key=lambda s: int(c.text(s, S + "position")) if _is_int(c, s) else 0)
        return [item for s in ranked for item in c.links(s, S + "item")]

    def _holders(self, holders: list[str], signatories: set[str]) -> list[Value]:
        if len(holders) > 3 and set(holders) == signatories:
            return [Value(f"All {len(holders)} signatories")]
        if len(holders) > 3:
            return [*self.links(holders[:3]), Value(f"and {len(holders) - 3} more")]
        return self.links(holders)

    def mentions(self, iri: str) -> Panel | None:
        groups = self.grouped(self.catalog.links(iri, S + "mentions"))
        return Panel("Mentions", "mentions", "groups", groups=groups) if groups else None

    def mentioned_in(self, iri: str, besides: Iterable[str] = ()) -> Panel | None:
        """The documents that mention ``iri``, but for those already listed (``besides``)."""
        found = [d for d in self.catalog.subjects(iri, S + "mentions") if "/document/" in d and d not in set(besides)]
        return self.documents_table("Mentioned in", "mentioned-in", found)

    # --- profiles ----------------------------------------------------------------------------------

    def profile(self, entity: Entity) -> Profile:
        build: Callable[[Entity], tuple[list[Fact], list[Panel | None]]] = {
            "document": self.document,
            "organization": self.agent,
            "person": self.agent,
            "event": self.event,
            "place": self.place,
            "topic": self.topic,
            "position": self.position,
            "scheme": self.scheme,
        }.get(entity.kind, self.generic)
        facts, panels = build(entity)
        facts = [_folded(fact) for fact in facts if fact.values]
        kept = [p for p in panels if p is not None]
        targeted = self.targeted(entity)
        if targeted is not None:  # near the top: after what it holds or contains, if that comes first
            kept.insert(1 if kept and kept[0].anchor == "positions" else 0, targeted)
        profile = Profile(entity, self.catalog.kind_label(entity), facts, kept)
        if entity.kind == "position":
            self._quote(profile)
        return profile

    def _common(self, entity: Entity) -> list[Fact]:
        return [
            Fact("Also known as", [Value(n) for n in entity.alternate_names]),
            Fact("Printed variants (as a source spells it)", [Value(n) for n in entity.printed_variants]),
            Fact("Replaced by", self.links(self.catalog.links(entity.iri, DCTERMS + "isReplacedBy"))),
        ]

    def generic(self, entity: Entity) -> tuple[list[Fact], list[Panel | None]]:
        return self._common(entity), [self.mentioned_in(entity.iri)]

    def document(self, entity: Entity) -> tuple[list[Fact], list[Panel | None]]:
        c, iri = self.catalog, entity.iri
        signatories = self._signatories(iri)
        authors = c.links(iri, S + "author")
        issuers = [a for a in authors if a not in set(signatories)]
        copied = c.links(iri, P + "copiedTo")
        addressees = [r for r in c.links(iri, S + "recipient") if r not in copied]
        facts = [
            Fact("Date", [Value(c.shown_date(iri))] if entity.date else []),
            Fact("Issued by", self.links(issuers)),
            Fact("Signed by", [Value(f"{len(signatories)} signatories", "#signatories")] if signatories else []),
            Fact("Addressed to", self.links(addressees)),
            Fact("Copied to", self.links(copied)),
            Fact("About", self.links(c.links(iri, S + "about"))),
            Fact("Identifier", [Value(t) for t in (c.text(iri, S + "identifier"),) if t]),
            Fact("Language", [Value(LANGUAGES.get(t, t)) for t in (c.text(iri, S + "inLanguage"),) if t]),
            Fact("Published at", [Value(u, u) for u in c.links(iri, S + "url")]),
            *self._common(entity),
        ]
        positions = c.subjects(iri, S + "appearance")
        quoting = [p for p in c.subjects(iri, PROV + "wasQuotedFrom") if p not in positions]
        panels: list[Panel | None] = [
            self.positions_table("Positions in this document", "positions", positions, seen_from=iri),
            self.signatories(iri, signatories),
            self.signed_elsewhere(iri, signatories),
            self.documents_table("Cites", "cites", c.links(iri, S + "citation")),
            self.documents_table("Cited by", "cited-by", c.subjects(iri, S + "citation")),
            self.timeline("Reports on", "reports-on", c.subjects(iri, S + "subjectOf")),
            self.positions_table("Positions quoted from this document", "quoted", quoting, seen_from=iri),
            self.mentions(iri),
            self.source_text(iri, positions),
        ]
        return facts, panels

    def _signed(self, agent: str) -> list[str]:
        """The documents an agent signed (is in the signature list of)."""
        c = self.catalog
        return [d for s in c.subjects(agent, S + "item") for d in c.subjects(s, P + "signature")]

    def signatories(self, document: str, signatories: list[str]) -> Panel | None:
        """The signatories in signing order, each marked when it also signed other documents."""
        if not signatories:
            return None
        items = []
        for agent in signatories:
            others = [d for d in dict.fromkeys(self._signed(agent)) if d != document]
            note = f"also signed {len(others)} other document{'s' if len(others) > 1 else ''}" if others else ""
            items.append(self.link(agent, note=note))
        marked = sum(1 for item in items if item.note)
        note = f"{marked} of them also signed other documents (see below)." if marked else ""
        return Panel("Signatories", "signatories", "list", items=items, ordered=True, note=note)

    def signed_elsewhere(self, document: str, signatories: list[str]) -> Panel | None:
        """Who else signed with them: the signatories that also signed other documents, and those documents."""
        rows = []
        for agent in signatories:
            others = [d for d in dict.fromkeys(self._signed(agent)) if d != document]
            if others:
                rows.append(Row([[self.link(agent)], self.links(others, dated=True)], {"signed": str(len(others))}))
        if not rows:
            return None
        note = "The signatories of this document that also signed others, with those documents."
        columns = ["Signatory", "Also signed"]
        return Panel("Also signed elsewhere", "signed-elsewhere", "table", columns, rows, note=note)

    def source_text(self, document: str, positions: list[str]) -> Panel | None:
        c = self.catalog
        source = next(iter(c.links(document, S + "encoding")), None)
        if source is None:
            return None
        file_name, sha256 = c.text(source, S + "name"), c.text(source, S + "sha256")
        text = describe.seed_text(self.seeds, file_name, sha256 or None)
        if text is None:
            return None
        spans = []
        for position in positions:
            start, end = self._offsets(position)
            if 0 <= start < end <= len(text):
                spans.append((start, end, position))
        segments = _segments(text, spans, lambda p: (self.linker.to(c.entities[p].path), c.name(p)))
        note = f"{len(text):,} characters; the {len(spans)} quoted passages are marked and link to their positions."
        return Panel("Source text", "source-text", "text", segments=segments, note=note, open=False)

    def _text_order(self, position: str) -> tuple[bool, int, int]:
        """Where a position's quote is in its document's text; those without offsets last."""
        start, end = self._offsets(position)
        return start < 0, start, end

    def _offsets(self, position: str) -> tuple[int, int]:
        c = self.catalog
        for evidence in c.links(position, P + "evidence"):
            for selector in c.links(evidence, OA + "hasSelector"):
                start, end = c.text(selector, OA + "start"), c.text(selector, OA + "end")
                if start.isdigit() and end.isdigit():
                    return int(start), int(end)
        return -1, -1

    def agent(self, entity: Entity) -> tuple[list[Fact], list[Panel | None]]:
        c, iri = self.catalog, entity.iri
        documents = [d for d in c.subjects(iri, S + "author") if "/document/" in d]
        positions = [p for p in c.subjects(iri, S + "author") if "/position/" in p]
        facts = [
            Fact("Based in", self.links(c.links(iri, S + "location"))),
            Fact("Job titles", [] if c.links(iri, P + "holdsRole") else self._job_titles(iri)),
            Fact("Affiliated with", self.links(c.links(iri, S + "affiliation"))),
            Fact("Member of", self.links(c.links(iri, S + "memberOf"))),
            Fact("Members", self.links(c.links(iri, S + "member"))),
            *self._common(entity),
        ]
        panels: list[Panel | None] = [
            self.roles(iri),
            self.documents_table("Documents signed or issued", "documents", documents),
            self.positions_table("Positions held", "positions", positions, seen_from=iri),
            self.timeline("Meetings attended", "attended", c.subjects(iri, S + "attendee")),
            self.timeline("Meetings organized", "organized", c.subjects(iri, S + "organizer")),
            self.co_signers(iri, documents),
            self.documents_table("Addressed in", "received", c.subjects(iri, S + "recipient")),
            self.mentioned_in(iri),
        ]
        return facts, panels

    def _job_titles(self, iri: str) -> list[Value]:
        return [Value(t) for t in dict.fromkeys(n.value for n in self.catalog.objects(iri, S + "jobTitle"))]

    def roles(self, iri: str) -> Panel | None:
        """A person's roles, or the roles held in an organization, in the order they began."""
        c = self.catalog
        held = [(role, c.links(role, P + "roleIn")) for role in c.links(iri, P + "holdsRole")]
        held += [(role, c.subjects(role, P + "holdsRole")) for role in c.subjects(iri, P + "roleIn")]
        if not held:
            return None
        held.sort(key=lambda item: (c.text(item[0], S + "startDate") or "~", c.text(item[0], S + "roleName")))
        rows = [
            Row(
                [
                    [Value(c.text(role, S + "roleName"))],
                    self.links(others),
                    [_period(c.text(role, S + "startDate"), c.text(role, S + "endDate"))],
                ]
            )
            for role, others in held
        ]
        person = "/person/" in iri
        return Panel("Roles", "roles", "table", ["Role", "In" if person else "Held by", "Period"], rows)

    def co_signers(self, iri: str, documents: list[str]) -> Panel | None:
        together: Counter[str] = Counter()
        for document in documents:
            together.update(a for a in set(self.catalog.links(document, S + "author")) if a != iri)
        ranked = sorted(together.items(), key=lambda item: (-item[1], self.catalog.name(item[0]).casefold()))[:10]
        rows = [Row([[self.link(other)], [Value(str(count))]]) for other, count in ranked]
        if not rows:
            return None
        note = "The ten it shares most documents with." if len(together) > 10 else ""
        return Panel(
            "Most often signs with", "signs-with", "table", ["Signatory", "Documents together"], rows, note=note
        )

    def event(self, entity: Entity) -> tuple[list[Fact], list[Panel | None]]:
        c, iri = self.catalog, entity.iri
        series = c.links(iri, S + "superEvent")
        facts = [
            Fact("Date", [_period(c.shown_date(iri), entity.end)] if entity.date else []),
            Fact("Place", self.links(c.links(iri, S + "location"))),
            Fact("Organized by", self.links(c.links(iri, S + "organizer"))),
            Fact("Part of", self.links(series)),
            *self._neighbours(iri, series),
            *self._common(entity),
        ]
        panels: list[Panel | None] = [
            self.timeline(
                "Events in this series" if S + "EventSeries" in entity.types else "Sub-events",
                "events",
                c.subjects(iri, S + "superEvent"),
            ),
            Panel("Attendees", "attendees", "groups", groups=self.grouped(c.links(iri, S + "attendee")))
            if c.links(iri, S + "attendee")
            else None,
            self.documents_table("Reported in", "reported-in", c.links(iri, S + "subjectOf")),
            self.mentioned_in(iri, besides=c.links(iri, S + "subjectOf")),
        ]
        return facts, panels

    def _neighbours(self, iri: str, series: list[str]) -> list[Fact]:
        facts = []
        for parent in series:
            siblings = self._sorted(self.catalog.subjects(parent, S + "superEvent"), dated=True)
            at = siblings.index(iri) if iri in siblings else -1
            if at > 0:
                facts.append(Fact("Previous", [self.link(siblings[at - 1], note=self._date_note(siblings[at - 1]))]))
            if 0 <= at < len(siblings) - 1:
                facts.append(Fact("Next", [self.link(siblings[at + 1], note=self._date_note(siblings[at + 1]))]))
        return facts

    def place(self, entity: Entity) -> tuple[list[Fact], list[Panel | None]]:
        c, iri = self.catalog, entity.iri
        here = c.subjects(iri, S + "location")
        facts = [Fact("Contained in", self.links(c.links(iri, S + "containedInPlace"))), *self._common(entity)]
        located = maps.place_map(c, self.linker, iri)
        panels: list[Panel | None] = [
            Panel("On the map", "map", "picture", picture=located) if located else None,
            Panel("Places in it", "contains", "list", items=self.links(c.subjects(iri, S + "containedInPlace")))
            if c.subjects(iri, S + "containedInPlace")
            else None,
            self.timeline("Events here", "events", [e for e in here if "/event/" in e]),
            Panel(
                "Organizations based here",
                "organizations",
                "list",
                items=self.links(o for o in here if "/organization/" in o),
            )
            if any("/organization/" in o for o in here)
            else None,
            self.mentioned_in(iri),
        ]
        return facts, panels

    def topic(self, entity: Entity) -> tuple[list[Fact], list[Panel | None]]:
        c, iri = self.catalog, entity.iri
        about = c.subjects(iri, S + "about")
        positions = [p for p in about if "/position/" in p]
        facts = [
            Fact("Broader topic", self.links(c.links(iri, SKOS + "broader"))),
            Fact("Narrower topics", self.links(c.links(iri, SKOS + "narrower"))),
            Fact("In scheme", self.links(c.links(iri, SKOS + "inScheme"))),
            *self._common(entity),
        ]
        picture = pictures.positions_over_time(c, positions, entity.name)
        panels: list[Panel | None] = [
            Panel("Positions over time", "over-time", "picture", picture=picture) if picture else None,
            self.positions_table("Positions on this topic, over time", "positions", positions, seen_from=iri),
            self._by(positions, "by-stance", "By stance", lambda p: c.links(p, P + "stance")),
            self._by(positions, "by-holder", "By holder", lambda p: c.links(p, S + "author")),
            self.documents_table("Documents about it", "documents", [d for d in about if "/document/" in d]),
        ]
        return facts, panels

    def _by(self, positions: list[str], anchor: str, title: str, keys: Callable[[str], list[str]]) -> Panel | None:
        """Positions grouped by a key (stance, holder); keys that share the same positions share a group."""
        buckets: dict[str, list[str]] = defaultdict(list)
        for position in positions:
            for key in keys(position):
                buckets[key].append(position)
        shared: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for key, held in buckets.items():
            shared[tuple(held)].append(key)
        ranked = sorted(shared.items(), key=lambda item: (-len(item[0]), -len(item[1]), self._names(item[1])))
        groups = [Group(f"{self._names(k)} ({len(v)})", self.links(v, dated=True)) for v, k in ranked]
        return Panel(title, anchor, "groups", groups=groups, fold_groups=True) if groups else None

    def _names(self, iris: list[str]) -> str:
        names = sorted((self.catalog.name(i) for i in iris), key=str.casefold)
        return ", ".join(names) if len(names) <= 3 else f"{', '.join(names[:3])} and {len(names) - 3} others"

    def position(self, entity: Entity) -> tuple[list[Fact], list[Panel | None]]:
        c, iri = self.catalog, entity.iri
        documents = c.links(iri, S + "appearance")
        facts = [
            self._held_by(c.links(iri, S + "author"), documents),
            Fact("Stance", self.links(c.links(iri, P + "stance"))),
            Fact("Topics", self.links(c.links(iri, S + "about"))),
            Fact("Date", [Value(c.shown_date(iri) or (c.shown_date(documents[0]) if documents else ""))]),
            Fact("In document", self.links(documents, dated=True)),
            Fact("Originally in", self.links(c.links(iri, PROV + "wasQuotedFrom"), dated=True)),
            Fact("Point", [Value(t) for t in dict.fromkeys(n.value for n in c.objects(iri, P + "point"))]),
            Fact("Targets", self.links(c.links(iri, P + "target"))),
            *self._common(entity),
        ]
        if facts[3].values == [Value("")]:
            facts[3] = Fact("Date", [])
        return facts, []

    def _held_by(self, holders: list[str], documents: list[str]) -> Fact:
        """The holders of a position; all the signatories of its document read as just that."""
        for document in documents:
            if len(holders) > FOLD_FACT and set(holders) == set(self._signatories(document)):
                target = self.link(document)
                everyone = Value(f"All {len(holders)} signatories of “{target.text}”", f"{target.href}#signatories")
                return Fact("Held by", [everyone])
        values = self.links(holders)
        return Fact("Held by", values[:FOLD_FACT], values[FOLD_FACT:])

    def _quote(self, profile: Profile) -> None:
        iri = profile.entity.iri
        profile.quote = self.quote_in_context(iri)
        documents = self.catalog.links(iri, S + "appearance")
        profile.quote_source = self.link(documents[0]) if documents else None

    def quote_in_context(self, position: str) -> describe.QuoteInContext | None:
        """The quote with the paragraphs around it from the seed text when it is at hand (and its
        SHA-256 is the dataset's), else with the selector's prefix and suffix."""
        c = self.catalog
        for evidence in c.links(position, P + "evidence"):
            source = next(iter(c.links(evidence, OA + "hasSource")), "")
            selectors = c.links(evidence, OA + "hasSelector")
            exact = next((c.text(s, OA + "exact") for s in selectors if c.text(s, OA + "exact")), "")
            prefix = next((c.text(s, OA + "prefix") for s in selectors if c.text(s, OA + "prefix")), "")
            suffix = next((c.text(s, OA + "suffix") for s in selectors if c.text(s, OA + "suffix")), "")
            start, end = self._offsets(position)
            file_name = c.text(source, S + "name")
            text = describe.seed_text(self.seeds, file_name, c.text(source, S + "sha256") or None)
            if text is not None and start >= 0 and text[start:end] == exact:
                before, after = describe.paragraphs_around(text, start, end)
                return describe.QuoteInContext(before, exact, after, file_name, start, end, full=True)
            if exact:
                return describe.QuoteInContext(prefix, exact, suffix, file_name, start, end, full=False)
        return None

    def scheme(self, entity: Entity) -> tuple[list[Fact], list[Panel | None]]:
        c, iri = self.catalog, entity.iri
        tops = c.links(iri, SKOS + "hasTopConcept")
        groups = [
            Group(c.name(top), self.links(c.links(top, SKOS + "narrower"))) for top in self._sorted(tops, dated=False)
        ]
        return self._common(entity), [
            Panel("Topics", "topics", "groups", groups=groups, note="Top topics, each with its narrower topics.")
        ]


def source_of(c: Catalog, position: str) -> list[str]:
    """Where a position comes from, most precisely: the dated remark or document it was quoted
    from, else the document it appears in."""
    return c.links(position, PROV + "wasQuotedFrom") or c.links(position, S + "appearance")


def sources(c: Catalog, position: str, link: Callable[[str], Value]) -> list[Value]:
    """Where a position comes from (``source_of``), to show: an original with no record of its own
    (a remark known only as quoted) in the words that describe it, linked to the document quoting it."""
    values = []
    for source in source_of(c, position):
        described = c.text(source, S + "description") if source not in c.entities else ""
        if not described:
            values.append(link(source))
            continue
        within = [link(d) for d in c.links(position, S + "appearance")]
        href = within[0].href if within else None
        values.append(Value(described[:1].upper() + described[1:], href, title=within[0].text if within else ""))
    return values


def _folded(fact: Fact) -> Fact:
    """A fact with many values shows the first few, and the rest folded."""
    if fact.more or len(fact.values) <= FOLD_FACT + 4:
        return fact
    return Fact(fact.label, fact.values[:FOLD_FACT], fact.values[FOLD_FACT:])


def _is_int(c: Catalog, node: str) -> bool:
    return c.text(node, S + "position").isdigit()


def _period(start: str, end: str) -> Value:
    if start and end and start != end:
        return Value(f"{start} – {end}")  # noqa: RUF001 (an en dash)
    if start:
        return Value(start)
    return Value(f"until {end}" if end else "")


def _snippet(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")] + " …"


def _facet(rows: list[Row], name: str, label: str) -> Facet:
    counted = Counter(v for row in rows for v in row.data.get(name, "").split("|") if v)
    return Facet(name, label, [(option, counted[option]) for option in sorted(counted, key=str.casefold)])


def _segments(text: str, spans: list[tuple[int, int, str]], target: Callable[[str], tuple[str, str]]) -> list[Segment]:
    """The text cut at every quote's start and end; a piece inside a quote links to the first
    position (by start) that quotes it, and the first piece of each quote carries its anchor."""
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    ordered = sorted(spans)
    anchored: set[str] = set()
    segments = []
    for begin, finish in itertools.pairwise(cuts):
        covering = [p for s, e, p in ordered if s <= begin and finish <= e]
        if not covering:
            segments.append(Segment(text[begin:finish]))
            continue
        href, title = target(covering[0])
        fresh = [p for p in covering if p not in anchored]
        anchored.update(fresh)
        anchor = "quote-" + fresh[0].rsplit("/", 1)[-1] if fresh else ""
        segments.append(Segment(text[begin:finish], href, anchor, title))
    return segments
