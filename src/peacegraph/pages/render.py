"""HTML pages for people: an identifier's page (a profile, ``profiles.py``), the lists, search,
the timeline, the dataset's page, the ontology, the query UI; and the sitemap and robots.txt.

The views are plain dataclasses built from a :class:`Catalog` (and, for the folded raw statements,
from the store); Jinja2 templates (``templates/``, autoescaped) turn them into HTML. A
:class:`Linker` (``links.py``) decides where links point, so that the live server and the static
site render the same pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from pyoxigraph import Literal, NamedNode, Store, Triple

from ..query.saved import SavedQuery
from ..rdf.formats import Format
from ..rdf.namespaces import ONTOLOGY, PG, RDF_TYPE, SCHEMA, WD, active, schema
from ..rdf.serialize import compact_iri
from . import describe, finding, labels, maps, pictures, profiles
from .catalog import Catalog, Entity
from .dataset import Citation, DatasetView, dataset_view
from .describe import Identifier
from .links import EDITOR, Value
from .links import Linker as Linker  # the server, the site and the tests make their linkers here

FORMAT_NAMES = {Format.TURTLE: "Turtle", Format.NTRIPLES: "N-Triples", Format.JSONLD: "JSON-LD"}

_ENVIRONMENT = Environment(
    loader=PackageLoader("peacegraph.pages", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def value_html(value: Value) -> Markup:
    """A value as HTML: a link when it has somewhere to go, its note (a language, a date) beside it.
    (A filter rather than a template macro: pages have thousands of values, and this is 10x faster.)"""
    text = escape(value.text)
    if value.href:
        title = f' title="{escape(value.title)}"' if value.title else ""
        html = f'<a href="{escape(value.href)}"{title}>{text}</a>'
    else:
        html = f'<span class="literal">{text}</span>'
    return Markup(html + f' <span class="note">{escape(value.note)}</span>' if value.note else html)


def values_html(values: Iterable[Value], separator: str = ", ") -> Markup:
    return Markup(separator).join(value_html(v) for v in values)


_ENVIRONMENT.filters["value"] = value_html
_ENVIRONMENT.filters["values"] = values_html
_ENVIRONMENT.globals["editor"] = "/" + EDITOR  # the query editor of ``serve`` (a static site has none)


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
    replaced_by: list[Value] | None = None  # None: current; a list (maybe empty): deprecated


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
        """A signature reads as its rank and signatory (``3. Example Network``), a role as its title."""
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
        ours = node.value.startswith(active().id)
        label = self.name(node) if (ours or node.value.startswith(PG)) else None
        if label is None and ours:
            label = node.value[len(active().id) :]
        return Value(label or compact_iri(node.value), href, title=node.value)

    def predicate(self, node: NamedNode, *, inverse: bool = False) -> Value:
        label = labels.inverse(node.value) if inverse else labels.forward(node.value)
        return Value(label, self.linker.iri(node.value), note=compact_iri(node.value), title=node.value)

    def statements(self, triples: Iterable[Triple], *, pick: str = "object") -> list[Statement]:
        grouped: dict[str, tuple[NamedNode, list[Value]]] = {}
        for triple in triples:
            if triple.predicate == RDF_TYPE and pick == "object":
                continue
            node = triple.object if pick == "object" else triple.subject
            grouped.setdefault(triple.predicate.value, (triple.predicate, []))[1].append(self.term(node))
        return [
            Statement(self.predicate(predicate, inverse=pick != "object"), sorted(values, key=_natural_order))
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
    """A literal's language, if it has one; datatypes are for machines, not readers."""
    return node.language or ""


def _predicate_order(iri: str) -> tuple[int, str]:
    first = {schema("name").value: 0, schema("alternateName").value: 1, schema("description").value: 2}
    return (first.get(iri, 3), compact_iri(iri))


def entity_view(st: Store, ident: Identifier, linker: Linker) -> EntityView:
    """Every statement about an identifier, grouped by node, for the folded "All statements"."""
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


# --- rendering -----------------------------------------------------------------------------------


def _render(template: str, linker: Linker, **context: object) -> str:
    return _ENVIRONMENT.get_template(template).render(link=linker, **context)


def render_entity(
    st: Store, catalog: Catalog, ident: Identifier, linker: Linker, seeds: Path | None, citation: Citation | None = None
) -> str:
    """An identifier's page: its profile (summary and panels), how to cite it, then its raw statements, folded."""
    view = entity_view(st, ident, linker)
    entity = catalog.entity(ident)
    profile = profiles.Builder(catalog, linker, seeds).profile(entity)
    formats = [
        Value(fmt.media_type, linker.file(f"id/{ident.path}.{fmt.extension}"), note=FORMAT_NAMES[fmt]) for fmt in Format
    ]
    return _render(
        "profile.html",
        linker,
        p=profile,
        sections=view.sections,
        referrers=view.referrers,
        formats=formats,
        replaced_by=view.replaced_by,
        jsonld=script_json(entity_jsonld(catalog, entity)),
        citation=citation,
    )


def entity_jsonld(catalog: Catalog, entity: Entity) -> dict[str, object]:
    """A small schema.org description of an entity for the page's ``<script type="application/ld+json">``."""
    types = [t[len(SCHEMA) :] for t in entity.types if t.startswith(SCHEMA)] or ["Thing"]
    data: dict[str, object] = {
        "@context": "https://schema.org/",
        "@id": entity.iri,
        "@type": types[0] if len(types) == 1 else types,
        "name": entity.printed_name or entity.name,
        "url": entity.iri,
    }
    if entity.alternate_names:
        data["alternateName"] = entity.alternate_names
    if entity.description:
        data["description"] = entity.description
    if entity.wikidata:
        data["sameAs"] = [WD + qid for qid in entity.wikidata]
    if entity.date:
        data["startDate" if entity.kind == "event" else "datePublished"] = entity.date
    if entity.end:
        data["endDate"] = entity.end
    authors = catalog.links(entity.iri, SCHEMA + "author")
    if authors:
        data["author"] = [{"@id": a, "name": catalog.name(a)} for a in authors]
    data["isPartOf"] = {"@id": active().dataset, "@type": "Dataset"}
    return data


def web_page(linker: Linker, name: str, kind: str) -> str:
    """The JSON-LD of a page that is not about one identifier: a schema.org page of the dataset."""
    data = {"@context": "https://schema.org/", "@type": kind, "@id": linker.canonical, "name": name}
    return script_json({**data, "url": linker.canonical, "isPartOf": {"@id": active().dataset, "@type": "Dataset"}})


def script_json(data: object) -> str:
    """JSON safe to put inside a ``<script>`` element (no ``</script>`` can end it early)."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_ontology(st: Store, linker: Linker) -> str:
    view = ontology_view(st, linker)
    return _render("entity.html", linker, view=view, jsonld=web_page(linker, view.title, "WebPage"))


def render_listing(catalog: Catalog, linker: Linker) -> str:
    """The page to start browsing from: the kinds of identifier with their counts, and the ways in."""
    jsonld = web_page(linker, f"Browse {linker.published.title}", "CollectionPage")
    mapped = any(place.anchor for place in maps.places(catalog))
    return _render("listing.html", linker, kinds=finding.kind_counts(catalog), jsonld=jsonld, mapped=mapped)


def render_kind_list(
    catalog: Catalog, linker: Linker, kind: str, queries: list[SavedQuery], listing: finding.KindList | None = None
) -> str:
    """The list of one kind (``/id/document/``); for positions, the positions explorer."""
    listing = listing or finding.Lists(catalog, linker).kind_list(kind)
    title = "Positions explorer" if kind == "position" else listing.title
    downloads = {ext: linker.file(f"id/{kind}.{ext}") for ext in ("csv", "json")}
    wanted = [q for q in queries if q.name in finding.POSITION_QUERIES]
    links = [Value(q.title, query_link(linker, q.name)) for q in wanted]
    jsonld = web_page(linker, title, "CollectionPage")
    return _render(
        "kind_list.html",
        linker,
        listing=listing,
        title=title,
        downloads=downloads,
        queries=links,
        jsonld=jsonld,
        pictures=kind_pictures(catalog, linker, kind),
    )


def kind_pictures(catalog: Catalog, linker: Linker, kind: str) -> list[pictures.Picture]:
    """The pictures above a list: who signs with whom over documents, the map over places."""
    if kind == "document":
        picture = pictures.co_signatories(catalog, linker)
        return [picture] if picture else []
    return maps.places_maps(catalog, linker) if kind == "place" else []


def query_link(linker: Linker, name: str) -> str:
    """Where a saved query opens: in the query UI on the server, as its ``.rq`` file in a static site."""
    return linker.file(f"queries/{name}.rq") if linker.static else f"/{EDITOR}?tab={name}"


def render_search(linker: Linker) -> str:
    return _render("search.html", linker, jsonld=web_page(linker, "Search", "SearchResultsPage"))


def render_timeline(catalog: Catalog, linker: Linker) -> str:
    jsonld = web_page(linker, "Timeline", "CollectionPage")
    years = finding.timeline(catalog, linker)
    overview = finding.timeline_pictures(years)
    return _render("timeline.html", linker, years=years, overview=overview, jsonld=jsonld)


def render_dataset(view: DatasetView, linker: Linker) -> str:
    return _render("dataset.html", linker, d=view, jsonld=script_json(view.schema_org))


def dataset_page(catalog: Catalog, release: Path, changelog: Path | None, linker: Linker) -> str:
    counts = {title: count for _kind, title, count in finding.kind_counts(catalog)}
    return render_dataset(dataset_view(release, changelog, counts), linker)


def sitemap(catalog: Catalog) -> bytes:
    """The pages' persistent IRIs, for search engines (``sitemap.xml``)."""
    pages = ["", "dataset", "timeline", "search", "ontology", "id/"]
    pages += [f"id/{kind}/" for kind, _title, _count in finding.kind_counts(catalog)]
    pages += [e.path for e in catalog.entities.values()]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{xml_escape(active().base + page)}</loc></url>" for page in pages]
    return ("\n".join([*lines, "</urlset>"]) + "\n").encode("utf-8")


def robots() -> bytes:
    return f"User-agent: *\nAllow: /\nDisallow: /sparql\nSitemap: {active().base}sitemap.xml\n".encode()


def render_query_ui(linker: Linker, queries: list[SavedQuery]) -> str:
    saved = [{"name": q.name, "title": q.title, "query": q.text} for q in queries]
    return _render("query.html", linker, saved=saved, jsonld=web_page(linker, "Query the dataset", "WebPage"))


def render_not_found(linker: Linker, what: str) -> str:
    return _render("not_found.html", linker, what=what)
