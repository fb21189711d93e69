"""Finding things: a list per kind (sortable, filterable, paged, as CSV and JSON), the positions
explorer (the list of positions with a filter per facet and a date range), a timeline, and the
search index that the search box reads, on the server and in a static site without one.

Everything here is built from a :class:`Catalog`. The lists are whole tables in the HTML, so they
read without JavaScript; ``static/peacegraph.js`` adds sorting, filters and paging in place.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from ..rdf.namespaces import PG, PROV, SCHEMA, SKOS
from . import pictures
from .catalog import Catalog, Entity
from .links import Linker, Value
from .profiles import KIND_ORDER, KIND_PLURALS, sources

S = SCHEMA
LIST_KINDS = [k for k in KIND_ORDER if k != "scheme"]
#: The saved queries that ask the positions explorer's questions in SPARQL.
POSITION_QUERIES = ["positions-on-topic", "about-organization"]


@dataclass(frozen=True)
class Cell:
    values: list[Value]
    sort: str = ""  # what the column sorts by ("" sorts by the text)

    @property
    def text(self) -> str:
        return "; ".join(v.text for v in self.values if v.text)


@dataclass
class ListRow:
    entity: Entity
    cells: list[Cell]
    facets: dict[str, list[str]] = field(default_factory=dict)
    search: str = ""  # the names (and quote) the text filter looks in


@dataclass
class KindList:
    kind: str
    title: str
    columns: list[str]
    rows: list[ListRow]
    facets: list[tuple[str, str, list[tuple[str, int]]]]  # name, label, options with their number of rows
    dated: bool


class Lists:
    """The per-kind lists of one catalog, with links for one page."""

    def __init__(self, catalog: Catalog, linker: Linker):
        self.catalog, self.linker = catalog, linker

    def link(self, iri: str) -> Value:
        entity = self.catalog.entities.get(iri)
        if entity is not None:
            return Value(entity.name, self.linker.to(entity.path), title=iri)
        return Value(self.catalog.name(iri), self.linker.iri(iri), title=iri)

    def names(self, iris: list[str], limit: int = 3) -> Cell:
        values = [self.link(i) for i in iris[:limit]]
        if len(iris) > limit:
            values.append(Value(f"and {len(iris) - limit} more"))
        return Cell(values, sort=str(len(iris)).zfill(6))

    def count(self, n: int) -> Cell:
        return Cell([Value(str(n))], sort=str(n).zfill(6))

    def kind_list(self, kind: str) -> KindList:
        build: Callable[[Entity], tuple[list[Cell], dict[str, list[str]]]] = getattr(self, "_" + kind)
        columns = COLUMNS[kind]
        rows = []
        entities = sorted(self.catalog.of_kind(kind), key=lambda e: (e.date == "", e.date, e.name.casefold()))
        for entity in entities:
            cells, own = build(entity)
            head = Cell(
                [Value(entity.name, self.linker.to(entity.path), title=entity.iri)], sort=entity.name.casefold()
            )
            words = self.catalog.search_names(entity)
            if kind == "position":
                words.append(self.catalog.text(entity.iri, S + "text"))
            facets = {"kind": [self.catalog.kind_label(entity)], **own}
            rows.append(ListRow(entity, [head, *cells], facets, " ".join(words)))
        labels = {"kind": "Kind", "holder": "Held by", "stance": "Stance", "topic": "Topic", "document": "Document"}
        labels["target"] = "Target"
        facet_names = list(dict.fromkeys(name for row in rows for name in row.facets))
        choices = []
        for name in facet_names:
            counted = Counter(v for row in rows for v in row.facets.get(name, []))
            if len(counted) > 1:
                options = [(option, counted[option]) for option in sorted(counted, key=str.casefold)]
                choices.append((name, labels.get(name, name.capitalize()), options))
        dated = any(row.entity.date for row in rows)
        return KindList(kind, KIND_PLURALS[kind], columns, rows, choices, dated)

    def _date(self, entity: Entity) -> Cell:
        return Cell([Value(self.catalog.shown_date(entity.iri))], sort=entity.date or "~")

    def _document(self, e: Entity) -> tuple[list[Cell], dict[str, list[str]]]:
        c = self.catalog
        authors = c.links(e.iri, S + "author")
        positions = c.subjects(e.iri, S + "appearance")
        return [self._date(e), Cell([Value(c.kind_label(e))]), self.names(authors), self.count(len(positions))], {}

    def _organization(self, e: Entity) -> tuple[list[Cell], dict[str, list[str]]]:
        c = self.catalog
        made = c.subjects(e.iri, S + "author")
        documents = [d for d in made if "/document/" in d]
        places = c.links(e.iri, S + "location")
        cells = [
            Cell([Value(c.kind_label(e))]),
            self.names(places),
            self.count(len(documents)),
            self.count(len(made) - len(documents)),
        ]
        return cells, {"place": [c.name(p) for p in places]}

    def _person(self, e: Entity) -> tuple[list[Cell], dict[str, list[str]]]:
        c = self.catalog
        made = c.subjects(e.iri, S + "author")
        titles = list(dict.fromkeys(n.value for n in c.objects(e.iri, S + "jobTitle")))
        return [
            Cell([Value("; ".join(titles))]),
            self.names(c.links(e.iri, S + "affiliation")),
            self.count(len(made)),
        ], {}

    def _place(self, e: Entity) -> tuple[list[Cell], dict[str, list[str]]]:
        c = self.catalog
        return [Cell([Value(c.kind_label(e))]), self.names(c.links(e.iri, S + "containedInPlace"))], {}

    def _event(self, e: Entity) -> tuple[list[Cell], dict[str, list[str]]]:
        c = self.catalog
        series = c.links(e.iri, S + "superEvent")
        cells = [
            self._date(e),
            Cell([Value(c.kind_label(e))]),
            self.names(c.links(e.iri, S + "location")),
            self.names(series),
            self.count(len(c.links(e.iri, S + "attendee"))),
        ]
        return cells, {"series": [c.name(s) for s in series]}

    def _topic(self, e: Entity) -> tuple[list[Cell], dict[str, list[str]]]:
        c = self.catalog
        about = c.subjects(e.iri, S + "about")
        positions = [p for p in about if "/position/" in p]
        return [self.names(c.links(e.iri, SKOS + "broader")), self.count(len(positions))], {}

    def _position(self, e: Entity) -> tuple[list[Cell], dict[str, list[str]]]:
        c = self.catalog
        holders = c.links(e.iri, S + "author")
        stances = c.links(e.iri, PG + "stance")
        topics = c.links(e.iri, S + "about")
        documents = list(dict.fromkeys(c.links(e.iri, S + "appearance") + c.links(e.iri, PROV + "wasQuotedFrom")))
        targets = c.links(e.iri, PG + "target")
        date = e.date or (c.date_of(documents[0]) if documents else "")
        quote = c.text(e.iri, S + "text")
        cells = [
            Cell([Value(c.shown_date(e.iri) or date)], sort=date or "~"),
            self.names(holders, limit=2),
            Cell([Value(c.name(s)) for s in stances]),
            Cell([self.link(t) for t in topics]),
            Cell(sources(c, e.iri, self.link)[:1]),
            Cell([Value(quote if len(quote) < 160 else quote[:157].rsplit(" ", 1)[0] + " …")]),
        ]
        facets = {
            "holder": [c.name(h) for h in holders],
            "stance": [c.name(s) for s in stances],
            "topic": [c.name(t) for t in topics],
            "document": [c.name(d) for d in documents if d in c.entities],  # not an original known only as quoted
            "target": [c.name(t) for t in targets],
        }
        return cells, facets


COLUMNS = {
    "document": ["Document", "Date", "Kind", "Authors and signatories", "Positions"],
    "organization": ["Organization", "Kind", "Based in", "Documents", "Positions"],
    "person": ["Person", "Job titles", "Affiliated with", "Documents and positions"],
    "place": ["Place", "Kind", "Contained in"],
    "event": ["Event", "Date", "Kind", "Place", "Series", "Attendees"],
    "topic": ["Topic", "Broader topic", "Positions"],
    "position": ["Position", "Date", "Held by", "Stance", "Topics", "Document", "Quote"],
}


# --- filters -----------------------------------------------------------------------------------------

#: The parameters of a list's address that are not facets: the text filter, the date range, the sort.
FILTER_WORDS = ("q", "from", "to", "sort")


def folded_words(text: str) -> list[str]:
    """The words of a text as the filters compare them: no accents, no case, no punctuation
    (as ``fold`` in ``static/peacegraph.js``)."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    plain = re.sub("[\u2018\u2019'`\u00b4]", "", plain.lower()).replace("&", " and ")
    return re.sub("[^a-z0-9\u0600-\u06ff]+", " ", plain).split()


def filtered(listing: KindList, params: Mapping[str, str]) -> KindList:
    """The rows of a list that its page's filters keep (``?stance=condemns&from=2018``): the same
    address gives the same rows in the page and in its downloads."""
    needles = folded_words(params.get("q", ""))
    wanted = {name: params[name] for name, _label, _options in listing.facets if params.get(name)}
    start, end = params.get("from", ""), params.get("to", "")

    def keep(row: ListRow) -> bool:
        text = " ".join(folded_words(row.search))
        if any(needle not in text for needle in needles):
            return False
        if any(value not in row.facets.get(name, []) for name, value in wanted.items()):
            return False
        date = row.entity.date
        return not ((start and (not date or date < start)) or (end and (not date or date[: len(end)] > end)))

    return replace(listing, rows=[row for row in listing.rows if keep(row)])


# --- downloads ---------------------------------------------------------------------------------------


def list_csv(listing: KindList) -> bytes:
    """The list as CSV: the identifier, then each column as text (several values joined by ``; ``),
    safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["iri", *[_column_key(c) for c in listing.columns], "alternate_names"])
    for row in listing.rows:
        cells = [*[cell.text for cell in row.cells], "; ".join(row.entity.alternate_names)]
        writer.writerow([row.entity.iri, *map(spreadsheet_safe, cells)])
    return buffer.getvalue().encode("utf-8")


def list_json(listing: KindList) -> bytes:
    """The list as JSON: one object per row, with the IRIs of linked identifiers kept."""
    rows = []
    for row in listing.rows:
        record: dict[str, object] = {"iri": row.entity.iri}
        for column, cell in zip(listing.columns, row.cells, strict=True):
            linked = [v.title for v in cell.values if v.title]
            record[_column_key(column)] = linked if linked and column != listing.columns[0] else cell.text
        record["name"] = row.entity.name
        record["alternate_names"] = row.entity.alternate_names
        rows.append(record)
    data = {"kind": listing.kind, "title": listing.title, "count": len(rows), "rows": rows}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP's CSV injection advice): text starting
    with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _column_key(column: str) -> str:
    return column.lower().replace(" ", "_")


# --- the search index --------------------------------------------------------------------------------


def search_index(catalog: Catalog) -> bytes:
    """Every identifier's names (and a position's quote) as a script that sets
    ``window.peacegraphSearch``: a script, not JSON, so that a page opened from disk (``file://``,
    where ``fetch`` is refused) can load it too."""
    entries = []
    for entity in sorted(catalog.listed(), key=lambda e: (KIND_ORDER.index(e.kind), e.name.casefold())):
        quote = catalog.text(entity.iri, S + "text") if entity.kind == "position" else ""
        entries.append(
            [entity.path, entity.name, catalog.search_names(entity)[1:], catalog.kind_label(entity), entity.date, quote]
        )
    kinds = {kind: KIND_PLURALS[kind] for kind in KIND_ORDER}
    body = json.dumps({"entries": entries, "kinds": kinds}, ensure_ascii=False, separators=(",", ":"))
    body = body.replace("<", "\\u003c")
    return f"window.peacegraphSearch = {body};\n".encode()


# --- the timeline -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Year:
    year: str
    entries: list[tuple[str, Value, str]]  # date, link, kind
    dated: list[tuple[str, str]] = field(default_factory=list)  # each entry's ISO date and kind of identifier
    months: pictures.Picture | None = None


def timeline(catalog: Catalog, linker: Linker) -> list[Year]:
    """Events and documents by date, grouped by year (undated ones are left out)."""
    dated = sorted(
        (e for e in catalog.listed() if e.kind in ("event", "document") and e.date),
        key=lambda e: (e.date, e.name.casefold()),
    )
    years: dict[str, Year] = {}
    for e in dated:
        shown = catalog.shown_date(e.iri)
        date = f"{shown} – {e.end}" if e.end and e.end != e.date else shown  # noqa: RUF001 (an en dash)
        value = Value(e.name, linker.to(e.path), title=e.iri)
        year = years.setdefault(e.date[:4], Year(e.date[:4], []))
        year.entries.append((date, value, catalog.kind_label(e)))
        year.dated.append((e.date, KIND_PLURALS[e.kind]))
    return list(years.values())


def timeline_pictures(years: list[Year]) -> pictures.Picture | None:
    """The timeline's overview (items per year) and, in each year, its months (the zoom)."""
    overview = pictures.years_overview({y.year: [kind for _, kind in y.dated] for y in years})
    colours = dict(overview.legend) if overview else {}
    for at, year in enumerate(years):
        years[at] = replace(year, months=pictures.months_of(year.year, year.dated, colours))
    return overview


def kind_counts(catalog: Catalog) -> list[tuple[str, str, int]]:
    """The kinds of identifier with how many there are: kind, title, count."""
    counted = Counter(e.kind for e in catalog.listed())
    return [(k, KIND_PLURALS[k], counted[k]) for k in LIST_KINDS if counted[k]]
