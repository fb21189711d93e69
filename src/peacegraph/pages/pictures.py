"""Pictures where people would rather look than read: drawn on the server as SVG, no script.

Each :class:`Picture` is an SVG image (``role="img"``, titled), the same numbers as a table for
screen readers and for checking, and the data as CSV and JSON (``data:`` links, so that they work
in a static site and from disk too). Three kinds:

- :func:`positions_over_time`: positions on a topic per year, stacked by stance;
- :func:`years_overview` and :func:`months_of`: the timeline's items per year (each bar a link to
  its year) and, for a year, per month (the zoom);
- :func:`co_signatories`: who signs with whom, the documents and the signatories they share.

Colours are fixed per stance across the site (by how common the stance is in the whole dataset),
and text is drawn in ``currentColor``, so that a picture follows the page into dark mode.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from ..rdf.namespaces import PG, SCHEMA
from .catalog import Catalog
from .links import Linker

#: Fourteen colours that stay apart for most colour vision (Okabe and Ito's eight, then six of Paul
#: Tol's), one per stance of a collection's fourteen; more stances share a grey.
PALETTE = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#d55e00",
    "#56b4e9",
    "#8c6d1f",
    "#5d3a9b",
    "#999999",
    "#117733",
    "#882255",
    "#44aa99",
    "#ddcc77",
    "#aa4499",
)
OTHER = "#bbbbbb"
WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 16, 28


@dataclass(frozen=True)
class Picture:
    anchor: str
    title: str
    svg: Markup
    columns: list[str]
    rows: list[list[str]]  # the picture's numbers, as a table and as its downloads
    legend: list[tuple[str, str]]  # label, colour
    note: str = ""

    @property
    def csv_href(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows([self.columns, *self.rows])
        return "data:text/csv;charset=utf-8," + quote(buffer.getvalue())

    @property
    def json_href(self) -> str:
        records = [dict(zip(self.columns, row, strict=True)) for row in self.rows]
        return "data:application/json;charset=utf-8," + quote(json.dumps(records, ensure_ascii=False, indent=1))


def stance_colours(catalog: Catalog) -> dict[str, str]:
    """A colour per stance name, the commonest stances first, the same on every page."""
    counted = Counter(catalog.name(s) for p in catalog.of_kind("position") for s in catalog.links(p.iri, PG + "stance"))
    ranked = sorted(counted, key=lambda name: (-counted[name], name))
    return {name: PALETTE[at] if at < len(PALETTE) else OTHER for at, name in enumerate(ranked)}


def _svg(anchor: str, title: str, body: Iterable[str], *, width: int = WIDTH, height: int = HEIGHT) -> Markup:
    """An SVG image titled ``title``: an image, or a group when it holds links (an image has no controls)."""
    ident = f"{anchor}-svg-title"
    parts = list(body)
    role = "group" if any(part.startswith("<a ") for part in parts) else "img"
    head = (
        f'<svg class="chart" role="{role}" aria-labelledby="{ident}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12" fill="currentColor">'
        f'<title id="{ident}">{escape(title)}</title>'
    )
    return Markup(head + "".join(parts) + "</svg>")


def _ticks(top: int) -> list[int]:
    """A few round values from 0 to at least ``top`` for the vertical axis."""
    step = max(1, 10 ** int(math.log10(max(top, 1))))
    while top / step > 5:
        step *= 2
    return list(range(0, top + step, step)) if top else [0, 1]


def _bars(
    columns: Sequence[str],
    stacks: dict[str, Counter[str]],
    colours: dict[str, str],
    links: dict[str, str] | None = None,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> list[str]:
    """A stacked bar per column (``stacks[column][series]``), with axes, totals and a title per segment."""
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    ticks = _ticks(max((sum(stacks.get(c, Counter()).values()) for c in columns), default=0))
    scale = plot_h / ticks[-1]
    slot = plot_w / max(len(columns), 1)
    bar = max(2.0, min(slot * 0.7, 48.0))
    out = []
    for tick in ticks:
        y = TOP + plot_h - tick * scale
        out.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="currentColor" '
            f'stroke-opacity="0.2"/><text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    every = max(1, math.ceil(len(columns) / 16))  # labels that fit under the bars
    for at, column in enumerate(columns):
        x = LEFT + at * slot + (slot - bar) / 2
        y = TOP + plot_h
        parts = []
        for series, count in sorted(
            stacks.get(column, Counter()).items(),
            key=lambda item: list(colours).index(item[0]) if item[0] in colours else len(colours),
        ):
            h = count * scale
            y -= h
            label = escape(f"{column}: {count} {series}")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colours.get(series, OTHER)}"><title>{label}</title></rect>'
            )
        total = sum(stacks.get(column, Counter()).values())
        if total:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{total}</text>')
        if at % every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 8}" text-anchor="middle">{escape(column)}</text>')
        group = "".join(parts)
        href = (links or {}).get(column)
        out.append(f"<a href={quoteattr(href)}>{group}</a>" if href else f"<g>{group}</g>")
    return out


def _years(dates: Iterable[str]) -> list[str]:
    years = sorted({d[:4] for d in dates if d[:4].isdigit()})
    return [str(y) for y in range(int(years[0]), int(years[-1]) + 1)] if years else []


def positions_over_time(catalog: Catalog, positions: list[str], subject: str) -> Picture | None:
    """Positions per year, each year's bar stacked by stance."""
    colours = stance_colours(catalog)
    stacks: dict[str, Counter[str]] = defaultdict(Counter)
    undated = 0
    for position in positions:
        year = catalog.date_of(position)[:4]
        stance = catalog.name(next(iter(catalog.links(position, PG + "stance")), "")) or "no stance"
        if year.isdigit():
            stacks[year][stance] += 1
        else:
            undated += 1
    years = _years(stacks)
    if not years:
        return None
    used = [s for s in colours if any(s in stacks[y] for y in years)]
    title = f"Positions on {subject} per year, by stance"
    svg = _svg("over-time", title, _bars(years, stacks, colours))
    rows = [[year, stance, str(stacks[year][stance])] for year in years for stance in used if stacks[year][stance]]
    note = f"{undated} undated positions are not shown." if undated else ""
    legend = [(s, colours[s]) for s in used]
    return Picture("over-time", "Over time", svg, ["year", "stance", "positions"], rows, legend, note)


def years_overview(entries: dict[str, list[str]], linker_anchor: str = "#y") -> Picture | None:
    """The timeline's items per year (``entries[year]`` is their kinds), each bar a link to its year."""
    years = _years(entries)
    if not years:
        return None
    stacks = {year: Counter(entries.get(year, [])) for year in years}
    kinds = sorted({k for kinds in entries.values() for k in kinds})
    colours = {kind: PALETTE[at % len(PALETTE)] for at, kind in enumerate(kinds)}
    links = {year: linker_anchor + year for year in years if entries.get(year)}
    title = "Meetings, events and documents per year; each year links to its months"
    svg = _svg("per-year", title, _bars(years, stacks, colours, links))
    rows = [[year, kind, str(stacks[year][kind])] for year in years for kind in kinds if stacks[year][kind]]
    legend = [(k, colours[k]) for k in kinds]
    note = "Choose a year to see its months."
    return Picture("per-year", "Per year", svg, ["year", "kind", "items"], rows, legend, note)


def months_of(year: str, dated: list[tuple[str, str]], colours: dict[str, str]) -> Picture:
    """One year's items per month (``dated`` holds each item's ISO date and kind): the timeline zoomed in."""
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    stacks: dict[str, Counter[str]] = {m: Counter() for m in months}
    for date, kind in dated:
        if date[:7] in stacks:
            stacks[date[:7]][kind] += 1
    labels = [m[5:] for m in months]
    shown = {label: stacks[month] for label, month in zip(labels, months, strict=True)}
    svg = _svg(f"months-{year}", f"{year}, per month", _bars(labels, shown, colours, height=150), height=150)
    rows = [[m, k, str(n)] for m in months for k, n in sorted(stacks[m].items())]
    only_year = sum(1 for date, _ in dated if len(date) == 4)
    note = f"{only_year} dated only by the year are not shown by month." if only_year else ""
    legend = [(k, c) for k, c in colours.items() if any(k == kind for _, kind in dated)]
    return Picture(f"months-{year}", f"{year} by month", svg, ["month", "kind", "items"], rows, legend, note)


def co_signatories(catalog: Catalog, linker: Linker) -> Picture | None:
    """Who signs with whom: the documents with signatories in a column on the left, the signatories
    that signed more than one in a column on the right (grouped by the documents they signed), a
    line for each signature; those who signed one document only are counted under it."""
    signed: dict[str, list[str]] = defaultdict(list)  # signatory -> documents
    for document in sorted(e.iri for e in catalog.of_kind("document")):
        for signature in catalog.links(document, PG + "signature"):
            for agent in catalog.links(signature, SCHEMA + "item"):
                if document not in signed[agent]:
                    signed[agent].append(document)
    documents = sorted({d for docs in signed.values() for d in docs}, key=lambda d: (catalog.date_of(d), d))
    shared = sorted(
        (a for a, docs in signed.items() if len(docs) > 1),
        key=lambda a: ([documents.index(d) for d in signed[a]], catalog.name(a).casefold()),
    )
    if len(documents) < 2 or not shared:
        return None
    row, gap = 20, 80  # the lowest document's count sits 24 px under its square, inside the picture
    height = TOP + max(len(shared) * row, len(documents) * gap) + 10
    left, right = 30, WIDTH * 0.55
    doc_y = {d: TOP + 24 + at * (height - TOP - 60) / max(len(documents) - 1, 1) for at, d in enumerate(documents)}
    agent_y = {a: TOP + 10 + at * row + (height - TOP - 10 - len(shared) * row) / 2 for at, a in enumerate(shared)}
    edges = [
        f'<line x1="{left + 9}" y1="{doc_y[d]:.1f}" x2="{right:.1f}" y2="{agent_y[a]:.1f}" '
        f'stroke="currentColor" stroke-opacity="0.3"/>'
        for a in shared
        for d in signed[a]
    ]
    nodes = []
    for d in documents:
        y, name = doc_y[d], catalog.name(d)
        everyone = sum(1 for docs in signed.values() if d in docs)
        alone = sum(1 for docs in signed.values() if docs == [d])
        nodes.append(
            f'<a href={quoteattr(linker.iri(d) or "#")}><rect x="{left - 9}" y="{y - 9:.1f}" width="18" height="18" '
            f'fill="{PALETTE[1]}"/><text x="{left - 9}" y="{y - 14:.1f}" font-weight="bold">'
            f"{escape(name[:48] + ('…' if len(name) > 48 else ''))}</text>"
            f'<text x="{left - 9}" y="{y + 24:.1f}">{everyone} signatories, {alone} only here</text></a>'
        )
    for a in shared:
        y = agent_y[a]
        nodes.append(
            f'<a href={quoteattr(linker.iri(a) or "#")}><circle cx="{right:.1f}" cy="{y:.1f}" r="5" '
            f'fill="{PALETTE[0]}"/><text x="{right + 10:.1f}" y="{y + 4:.1f}">{escape(catalog.name(a))}</text></a>'
        )
    title = f"Who signs with whom: {len(shared)} signatories shared by {len(documents)} documents"
    svg = _svg("co-signatories", title, [*edges, *nodes], height=int(height))
    rows = [[catalog.name(a), a, catalog.name(d), d] for a in shared for d in signed[a]]
    legend = [("document, with its signatories", PALETTE[1]), ("a signatory of more than one", PALETTE[0])]
    columns = ["signatory", "signatory_iri", "document", "document_iri"]
    return Picture("co-signatories", "Who signs with whom", svg, columns, rows, legend)
