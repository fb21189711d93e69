"""HTML pages for people: an identifier's page, the ontology, the list of everything, the query UI.

The views are plain dataclasses built from the store; Jinja2 templates (``templates/``, autoescaped)
turn them into HTML. A :class:`Linker` decides where links point, so that the live server and the
static site render the same pages: the server links to extensionless paths and lets content
negotiation choose, the static site links to ``.html`` files by relative paths, so that it works
on any host, below any path, and straight from disk.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from pyoxigraph import Literal, NamedNode, Store, Triple

from ..query.saved import SavedQuery
from ..rdf.formats import Format
from ..rdf.namespaces import BASE, ID, PG, RDF_TYPE, XSD, schema
from ..rdf.serialize import compact_iri
from . import describe
from .describe import Identifier, QuoteInContext

ONTOLOGY = BASE + "ontology"
SHAPES = BASE + "shapes"
KIND_TITLES = {
    "document": "Documents",
    "organization": "Organizations",
    "person": "People",
    "place": "Places",
    "event": "Meetings and events",
    "position": "Positions",
    "topic": "Topics",
    "scheme": "Concept schemes",
}

_ENVIRONMENT = Environment(
    loader=PackageLoader("peacegraph.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Linker:
    """Where the links of the page at ``page`` (a path below the site root, without extension) go."""

    page: str
    static: bool
    release: tuple[str, ...] = ()  # the files of the release, linked from every page

    def to(self, target: str, fragment: str = "") -> str:
        """A link to the page at ``target`` (``""`` is the list of everything)."""
        anchor = f"#{fragment}" if fragment else ""
        if not self.static:
            return ("/" + target if target else "/id/") + anchor
        return self.file((target or "index") + ".html") + anchor

    def file(self, target: str) -> str:
        """A link to a file (a dump, a stylesheet, another format of a page)."""
        if not self.static:
            return "/" + target
        return posixpath.relpath(target, posixpath.dirname(self.page) or ".")

    def iri(self, iri: str) -> str | None:
        """Our identifiers lead to our pages; another IRI is its own link if it is on the web."""
        if iri.startswith(ID):
            ident = Identifier.parse(iri[len(ID) :])
            if ident is not None:
                return self.to("id/" + ident.path, ident.part)
        if iri == ONTOLOGY or iri.startswith(ONTOLOGY + "#"):
            return self.to("ontology", iri.partition("#")[2])
        if iri.startswith(SHAPES):
            return self.file("shapes.ttl")
        return iri if iri.startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class Value:
    text: str
    href: str | None = None
    note: str = ""  # a literal's language or datatype
    title: str = ""  # shown on hover: the full IRI


@dataclass(frozen=True)
class Statement:
    predicate: Value
    values: list[Value]


@dataclass(frozen=True)
class Section:
    anchor: str  # "" for the thing itself, else the auxiliary node's path below it
    title: str
    types: list[Value]
    statements: list[Statement]


@dataclass(frozen=True)
class EntityView:
    iri: str
    title: str
    kind: str
    sections: list[Section]
    referrers: list[Statement]
    wikidata: list[Value]
    formats: list[Value]
    quote: QuoteInContext | None = None
    replaced_by: list[Value] | None = None  # None: current; a list (maybe empty): deprecated


@dataclass(frozen=True)
class Listing:
    title: str
    anchor: str
    entries: list[Value] = field(default_factory=list)


class _Views:
    """Turns terms of the store into values for the templates, with names looked up once."""

    def __init__(self, st: Store, linker: Linker):
        self.st, self.linker = st, linker
        self._names: dict[str, str | None] = {}

    def name(self, node: NamedNode) -> str | None:
        if node.value not in self._names:
            self._names[node.value] = describe.name(self.st, node) or self._part_name(node)
        return self._names[node.value]

    def _part_name(self, node: NamedNode) -> str | None:
        """A signature reads as its rank and signatory (``3. Baytna Syria``), a role as its title."""
        item = describe.objects(self.st, node, schema("item"))
        rank = describe.objects(self.st, node, schema("position"))
        if item and rank and isinstance(item[0], NamedNode):
            return f"{rank[0].value}. {self.name(item[0]) or item[0].value}"
        role = describe.objects(self.st, node, schema("roleName"))
        return role[0].value if role else None

    def term(self, node: object) -> Value:
        if isinstance(node, Literal):
            return Value(node.value, note=_literal_note(node))
        if not isinstance(node, NamedNode):
            return Value(str(node))
        href = self.linker.iri(node.value)
        ours = node.value.startswith(ID)
        label = self.name(node) if (ours or node.value.startswith(PG)) else None
        if label is None and ours:
            label = node.value[len(ID) :]
        return Value(label or compact_iri(node.value), href, title=node.value)

    def predicate(self, node: NamedNode) -> Value:
        return Value(compact_iri(node.value), self.linker.iri(node.value), title=self.name(node) or node.value)

    def statements(self, triples: Iterable[Triple], *, pick: str = "object") -> list[Statement]:
        grouped: dict[str, tuple[NamedNode, list[Value]]] = {}
        for triple in triples:
            if triple.predicate == RDF_TYPE and pick == "object":
                continue
            node = triple.object if pick == "object" else triple.subject
            grouped.setdefault(triple.predicate.value, (triple.predicate, []))[1].append(self.term(node))
        return [
            Statement(self.predicate(predicate), sorted(values, key=_natural_order))
            for _key, (predicate, values) in sorted(grouped.items(), key=lambda item: _predicate_order(item[0]))
        ]

    def section(self, node: NamedNode, anchor: str, title: str) -> Section:
        triples = describe.outgoing(self.st, node)
        types = sorted((self.term(t.object) for t in triples if t.predicate == RDF_TYPE), key=lambda v: v.text)
        return Section(anchor, title, types, self.statements(triples))


def _natural_order(value: Value) -> tuple[list[tuple[int, str]], str]:
    """Text order, with runs of digits compared as numbers (``2. …`` before ``10. …``)."""
    runs = re.split(r"(\d+)", value.text.casefold())
    return [(int(run), "") if run.isdigit() else (-1, run) for run in runs], value.note


def _literal_note(node: Literal) -> str:
    if node.language:
        return "@" + node.language
    if node.datatype.value == XSD + "string":
        return ""
    return compact_iri(node.datatype.value)


def _predicate_order(iri: str) -> tuple[int, str]:
    first = {schema("name").value: 0, schema("alternateName").value: 1, schema("description").value: 2}
    return (first.get(iri, 3), compact_iri(iri))


def entity_view(st: Store, ident: Identifier, linker: Linker, seeds: Path | None) -> EntityView:
    views = _Views(st, linker)
    owner = ident.owner
    title = views.name(owner) or ident.key
    sections = [views.section(owner, "", title)]
    for node in describe.parts(st, owner):
        part = node.value[len(owner.value) + 1 :]
        sections.append(views.section(node, part, views.name(node) or part))
    return EntityView(
        iri=owner.value,
        title=title,
        kind=ident.kind,
        sections=sections,
        referrers=views.statements(describe.incoming(st, owner), pick="subject"),
        wikidata=[Value(qid, f"https://www.wikidata.org/wiki/{qid}") for qid in describe.wikidata_links(st, owner)],
        formats=[Value(fmt.media_type, linker.file(f"id/{ident.path}.{fmt.extension}")) for fmt in Format],
        quote=describe.quote_in_context(st, owner, seeds) if ident.kind == "position" else None,
        replaced_by=_replacements(views, describe.deprecation(st, owner)),
    )


def _replacements(views: _Views, replaced_by: list[NamedNode] | None) -> list[Value] | None:
    return None if replaced_by is None else [views.term(node) for node in replaced_by]


def ontology_view(st: Store, linker: Linker) -> EntityView:
    """The ontology as one page with a section per term (``#Position``, ``#supports``, …)."""
    views = _Views(st, linker)
    ontology = NamedNode(ONTOLOGY)
    terms = sorted(
        {
            q.subject.value
            for q in st.quads_for_pattern(None, None, None)
            if isinstance(q.subject, NamedNode) and q.subject.value.startswith(PG)
        },
        key=lambda iri: (_term_rank(st, NamedNode(iri)), iri.casefold()),
    )
    sections = [views.section(ontology, "", views.name(ontology) or "Ontology")]
    sections += [views.section(NamedNode(iri), iri[len(PG) :], compact_iri(iri)) for iri in terms]
    formats = [Value(fmt.media_type, linker.file(f"ontology.{fmt.extension}")) for fmt in Format]
    return EntityView(ONTOLOGY, sections[0].title, "ontology", sections, [], [], formats)


def _term_rank(st: Store, node: NamedNode) -> int:
    types = {q.object.value for q in st.quads_for_pattern(node, RDF_TYPE, None) if isinstance(q.object, NamedNode)}
    order = ["http://www.w3.org/2002/07/owl#Class", "http://www.w3.org/2002/07/owl#ObjectProperty"]
    order += ["http://www.w3.org/2002/07/owl#DatatypeProperty", "http://www.w3.org/2004/02/skos/core#ConceptScheme"]
    return min((order.index(t) for t in types if t in order), default=len(order))


def listing_views(st: Store, linker: Linker) -> list[Listing]:
    views = _Views(st, linker)
    listings = {kind: Listing(title, kind) for kind, title in KIND_TITLES.items()}
    for ident in describe.walk_identifiers(st):
        listings[ident.kind].entries.append(views.term(ident.owner))
    for listing in listings.values():
        listing.entries.sort(key=lambda v: v.text.casefold())
    return [listing for listing in listings.values() if listing.entries]


# --- rendering -----------------------------------------------------------------------------------


def _render(template: str, linker: Linker, **context: object) -> str:
    return _ENVIRONMENT.get_template(template).render(link=linker, **context)


def render_entity(st: Store, ident: Identifier, linker: Linker, seeds: Path | None) -> str:
    return _render("entity.html", linker, view=entity_view(st, ident, linker, seeds))


def render_ontology(st: Store, linker: Linker) -> str:
    return _render("entity.html", linker, view=ontology_view(st, linker))


def render_listing(st: Store, linker: Linker) -> str:
    return _render("listing.html", linker, listings=listing_views(st, linker))


def render_query_ui(linker: Linker, queries: list[SavedQuery]) -> str:
    saved = [{"name": q.name, "title": q.title, "query": q.text} for q in queries]
    return _render("query.html", linker, saved=saved)


def render_not_found(linker: Linker, what: str) -> str:
    return _render("not_found.html", linker, what=what)
