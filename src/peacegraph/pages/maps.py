"""A map of a collection's places, drawn on the server as SVG: no tiles, no script, no request elsewhere.

The boundaries are the catalog's (``boundaries.py``): Natural Earth's countries (public domain),
shipped in ``geo/natural-earth.json``, and the regions the collection's release carries, each with
its Wikidata QID. A place is drawn as a shape when its ``owl:sameAs`` is one of them, and as a point
when it has ``schema:geo`` coordinates (whose source the records name); anything else is listed as
not on the map.

The view fits the places themselves: those far from the rest (more than :data:`FAR` times the
median distance from their median point) are left out of the overview and listed under it, and
a close-up follows when most places crowd into a small part of it. Projection is
equirectangular, its width scaled by the cosine of the middle latitude (Natural Earth's data is
in degrees; for the extent of a region the distortion is small). Labels are placed greedily,
beside their point where there is room, and left out (the name stays in the point's title and in
the table) where every side would overlap another.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from ..rdf.namespaces import OWL, SCHEMA, WD
from .boundaries import Boundaries, Box, Point, Shape
from .catalog import Catalog, Entity
from .links import Linker
from .pictures import PALETTE, Picture

WIDTH = 720
FAR = 2.0  # a place further than FAR times the median distance from the middle is left out of the overview
CLOSE = 0.25  # a close-up holds the places within CLOSE times the median distance
MIN_SPAN = 3.0  # degrees: the smallest view
PLACE_SPAN = 8.0  # degrees: the smallest view around one place (the boundaries are drawn at 1:110m)
CHAR_WIDTH, LABEL_HEIGHT, FONT = 6.2, 12.0, 11  # an estimate of a label's size, in the SVG's units


@dataclass(frozen=True)
class Place:
    """A place of the collection as the map sees it."""

    iri: str
    name: str
    kind: str
    point: Point | None  # its coordinates, when the records give them
    source: str  # where the point comes from
    shape: Shape | None  # its boundary, when its QID is in the boundary file

    @property
    def anchor(self) -> Point | None:
        """Where its label goes: its point, or the middle of its shape."""
        if self.point:
            return self.point
        if self.shape:
            x0, y0, x1, y1 = self.shape.main
            return (x0 + x1) / 2, (y0 + y1) / 2
        return None


def places(catalog: Catalog) -> list[Place]:
    """Every place of the catalog, with its point and shape where it has them, by name."""
    known = catalog.boundaries.shapes
    found = []
    for entity in catalog.of_kind("place"):
        qids = [q.removeprefix(WD) for q in catalog.links(entity.iri, OWL + "sameAs") if q.startswith(WD)]
        shape = next((known[q] for q in qids if q in known), None)
        point, source = None, ""
        for geo in catalog.links(entity.iri, SCHEMA + "geo"):
            lat, lon = catalog.text(geo, SCHEMA + "latitude"), catalog.text(geo, SCHEMA + "longitude")
            point, source = (float(lon), float(lat)), catalog.text(geo, "http://purl.org/dc/terms/source")
        found.append(Place(entity.iri, entity.name, _kind(catalog, entity), point, source, shape))
    return sorted(found, key=lambda p: (p.name.casefold(), p.iri))


def _kind(catalog: Catalog, entity: Entity) -> str:
    """The kind of place (``Governorate``), or its schema.org class (``City``) where ours is only ``Place``."""
    ours = catalog.kind_label(entity)
    theirs = sorted(t.removeprefix(SCHEMA) for t in entity.types if t.startswith(SCHEMA) and t != SCHEMA + "Place")
    return theirs[0] if ours == "Place" and theirs else ours


def distance(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def core(points: list[Point], within: float) -> list[Point]:
    """The points within ``within`` times the median distance from their median point."""
    if len(points) < 3:
        return points
    middle = (statistics.median(x for x, _ in points), statistics.median(y for _, y in points))
    distances = [distance(middle, p) for p in points]
    limit = max(statistics.median(distances) * within, 1.0)
    return [p for p, d in zip(points, distances, strict=True) if d <= limit]


@dataclass(frozen=True)
class View:
    """A rectangle of longitude and latitude drawn ``width`` by ``height`` units."""

    west: float
    south: float
    east: float
    north: float
    width: int = WIDTH
    height: int = 400

    def project(self, point: Point) -> tuple[float, float]:
        lon, lat = point
        x = (lon - self.west) / (self.east - self.west) * self.width
        y = (self.north - lat) / (self.north - self.south) * self.height
        return x, y

    def holds(self, point: Point) -> bool:
        return self.west <= point[0] <= self.east and self.south <= point[1] <= self.north

    def meets(self, bounds: Box) -> bool:
        x0, y0, x1, y1 = bounds
        return x0 <= self.east and x1 >= self.west and y0 <= self.north and y1 >= self.south


def fit(
    points: Iterable[Point], *, width: int = WIDTH, min_height: int = 260, max_height: int = 560, span: float = MIN_SPAN
) -> View:
    """The view that holds ``points`` with a margin, its sides in proportion (cosine of the middle latitude)."""
    listed = list(points)
    xs, ys = [x for x, _ in listed], [y for _, y in listed]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    pad_x = max((east - west) * 0.08, span / 2 - (east - west) / 2)
    pad_y = max((north - south) * 0.08, span / 2 - (north - south) / 2)
    west, east, south, north = west - pad_x, east + pad_x, max(south - pad_y, -85.0), min(north + pad_y, 85.0)
    squash = math.cos(math.radians((north + south) / 2))
    wide, tall = (east - west) * squash, north - south
    height = int(min(max(width * tall / wide, min_height), max_height))
    if wide / tall > width / height:  # too wide for the height: add latitude
        grow = (wide * height / width - tall) / 2
        south, north = south - grow, north + grow
    else:  # too tall: add longitude
        grow = (tall * width / height / squash - (east - west)) / 2
        west, east = west - grow, east + grow
    return View(west, south, east, north, width, height)


def _path(view: View, shape: Shape) -> str:
    parts = []
    for ring in shape.rings:
        xy = [view.project(p) for p in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    return "".join(parts)


@dataclass
class Labels:
    """Label boxes placed so far; a new label takes the first side of its point where it meets none."""

    view: View
    taken: list[Box] = field(default_factory=list)

    def place(self, x: float, y: float, text: str, gap: float = 6.0) -> tuple[float, float, str] | None:
        w, h = len(text) * CHAR_WIDTH, LABEL_HEIGHT
        sides = [
            (x + gap, y + h / 3, "start", (x + gap, y - h / 2, x + gap + w, y + h / 2)),
            (x - gap, y + h / 3, "end", (x - gap - w, y - h / 2, x - gap, y + h / 2)),
            (x, y - gap, "middle", (x - w / 2, y - gap - h, x + w / 2, y - gap)),
            (x, y + gap + h * 0.8, "middle", (x - w / 2, y + gap, x + w / 2, y + gap + h)),
        ]
        for tx, ty, anchor, box in sides:
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= self.view.width and box[3] <= self.view.height
            if inside and not any(_overlap(box, other) for other in self.taken):
                self.taken.append(box)
                return tx, ty, anchor
        return None


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _link(href: str, title: str, body: str) -> str:
    return f"<a href={quoteattr(href)}><title>{escape(title)}</title>{body}</a>"


def _shapes(view: View, shown: list[Place], focus: str, linker: Linker, countries: Iterable[Shape]) -> Iterator[str]:
    """The countries in view, then the collection's shapes (regions over countries)."""
    own = {p.shape.qid for p in shown if p.shape}
    for shape in countries:
        if shape.qid not in own and view.meets(shape.bounds):
            yield (
                f'<path d="{_path(view, shape)}" fill="currentColor" fill-opacity="0.06" '
                f'stroke="currentColor" stroke-opacity="0.35" stroke-width="0.6"/>'
            )
    for place in sorted(shown, key=lambda p: (p.shape is None or p.shape.layer != "country", p.iri)):
        if place.shape and view.meets(place.shape.bounds):
            colour = PALETTE[2] if place.shape.layer == "country" else PALETTE[1]
            opacity = 0.5 if place.iri == focus else 0.22
            body = (
                f'<path d="{_path(view, place.shape)}" fill="{colour}" fill-opacity="{opacity}" '
                f'stroke="currentColor" stroke-opacity="0.6" stroke-width="0.8"/>'
            )
            yield _link(linker.iri(place.iri) or "#", f"{place.name} ({place.kind})", body)


def _points(view: View, shown: list[Place], focus: str, linker: Linker, labels: Labels) -> Iterator[str]:
    """A dot for each place drawn as a point, and the labels that fit: the focus first, then points, then shapes."""
    dots = [p for p in shown if p.point and not p.shape and view.holds(p.point)]
    for place in dots:
        x, y = view.project(place.point or (0, 0))
        labels.taken.append((x - 4, y - 4, x + 4, y + 4))
    ranked = sorted(shown, key=lambda p: (p.iri != focus, p.shape is not None, p.shape and p.shape.layer, p.name))
    named: dict[str, str] = {}
    for place in ranked:
        anchor = place.anchor
        if anchor is None or not view.holds(anchor):
            continue
        x, y = view.project(anchor)
        spot = labels.place(x, y, place.name, gap=6.0 if place in dots else 0.0)
        if spot:
            tx, ty, side = spot
            weight = ' font-weight="bold"' if place.iri == focus else ""
            style = ' font-style="italic"' if place.shape else ""
            named[place.iri] = (
                f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{side}"{weight}{style}>{escape(place.name)}</text>'
            )
    for place in dots:
        x, y = view.project(place.point or (0, 0))
        radius = 5.5 if place.iri == focus else 4
        dot = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{PALETTE[0]}" stroke="currentColor" '
            f'stroke-width="0.8"/>'
        )
        yield _link(linker.iri(place.iri) or "#", f"{place.name} ({place.kind})", dot + named.pop(place.iri, ""))
    yield from (f'<g aria-hidden="true">{text}</g>' for text in named.values())


def draw(
    view: View,
    shown: list[Place],
    title: str,
    description: str,
    anchor: str,
    linker: Linker,
    focus: str = "",
    countries: Iterable[Shape] = (),
) -> Markup:
    """The SVG: a clipped frame of ``countries``, the places' shapes, their points and labels."""
    ident = f"{anchor}-svg"
    body = [
        *_shapes(view, shown, focus, linker, countries),
        *_points(view, shown, focus, linker, Labels(view)),
    ]
    head = (
        f'<svg class="chart map" role="group" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc" '
        f'viewBox="0 0 {view.width} {view.height}" xmlns="http://www.w3.org/2000/svg" font-size="{FONT}" '
        f'fill="currentColor"><title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
        f'<clipPath id="{ident}-clip"><rect width="{view.width}" height="{view.height}"/></clipPath>'
        f'<rect width="{view.width}" height="{view.height}" fill="none" stroke="currentColor" stroke-opacity="0.3"/>'
        f'<g clip-path="url(#{ident}-clip)">'
    )
    return Markup(head + "".join(body) + "</g></svg>")


COLUMNS = ["place", "place_iri", "kind", "latitude", "longitude", "drawn_as", "source"]


def drawn_as(place: Place, view: View) -> str:
    """How ``view`` shows ``place``: as its shape, as a point, or not at all (and why)."""
    if place.shape and view.meets(place.shape.bounds):
        return "shape"
    if place.point and not place.shape and view.holds(place.point):
        return "point"
    return "outside this view" if place.anchor else "not on the map: no coordinates or boundary"


def _row(place: Place, view: View) -> list[str]:
    lon, lat = place.point or (None, None)
    drawn = drawn_as(place, view)
    sources = [place.source] if place.source else []
    if place.shape:
        sources.append(f"{place.shape.source} (boundary, {place.shape.qid})")
    latitude, longitude = ("", "") if lat is None or lon is None else (f"{lat:g}", f"{lon:g}")
    return [place.name, place.iri, place.kind, latitude, longitude, drawn, "; ".join(sources)]


def picture(
    shown: list[Place],
    view: View,
    *,
    anchor: str,
    title: str,
    linker: Linker,
    boundaries: Boundaries,
    focus: str = "",
    note: str = "",
) -> Picture:
    inside = [p for p in shown if drawn_as(p, view) in ("shape", "point")]
    sources = sorted({shape.source for shape in boundaries.countries()} | {p.shape.source for p in inside if p.shape})
    description = (
        f"{len(inside)} places on a map (boundaries from {'; '.join(sources)}): "
        + "; ".join(p.name for p in inside)
        + ". Each is a link to its page; the same places are listed in the table below."
    )
    svg = draw(view, shown, title, description, anchor, linker, focus, boundaries.countries())
    legend = [
        ("a place with coordinates", PALETTE[0]),
        ("a country of the collection", PALETTE[2]),
        ("a region of the collection", PALETTE[1]),
    ]
    rows = [_row(p, view) for p in shown]
    return Picture(anchor, title, svg, COLUMNS, rows, legend, note)


def places_maps(catalog: Catalog, linker: Linker) -> list[Picture]:
    """The map of every place with a point or shape, and a close-up where most of them crowd together."""
    everything, known = places(catalog), catalog.boundaries
    located = [p for p in everything if p.anchor]
    if not located:
        return []
    anchors = [p.anchor for p in located if p.anchor]
    view = fit(core(anchors, FAR))
    away = [p.name for p in located if drawn_as(p, view) == "outside this view"]
    missing = [p.name for p in everything if not p.anchor]
    note = " ".join(
        part
        for part in (
            f"Far from the rest, outside this view: {'; '.join(away).rstrip('.')}." if away else "",
            f"No coordinates or boundary yet: {'; '.join(missing).rstrip('.')}." if missing else "",
        )
        if part
    )
    title = f"Places: {len(located) - len(away)} of {len(everything)} on the map"
    shown = [picture(everything, view, anchor="map", title=title, linker=linker, boundaries=known, note=note)]
    close = fit(core(anchors, CLOSE))
    if len(core(anchors, CLOSE)) >= 3 and (close.east - close.west) < (view.east - view.west) / 3:
        crowded = [p for p in everything if p.anchor and close.holds(p.anchor)]
        title = f"Close up: {len(crowded)} places"
        shown.append(picture(crowded, close, anchor="map-close", title=title, linker=linker, boundaries=known))
    return shown


def place_map(catalog: Catalog, linker: Linker, iri: str) -> Picture | None:
    """A small map around one place: itself, the places in it, and the collection's places nearby."""
    everything, known = places(catalog), catalog.boundaries
    here = next((p for p in everything if p.iri == iri), None)
    if here is None or here.anchor is None:
        return None
    inside = set(catalog.subjects(iri, SCHEMA + "containedInPlace"))
    if here.shape:
        x0, y0, x1, y1 = here.shape.main
        corners: list[Point] = [(x0, y0), (x1, y1)]
    else:
        corners = [here.anchor]
    corners += [p.anchor for p in everything if p.iri in inside and p.anchor]
    view = fit(corners, min_height=220, max_height=420, span=PLACE_SPAN)
    nearby = [p for p in everything if (p.anchor and view.holds(p.anchor)) or p.iri == iri]
    title = f"{here.name} on the map"
    return picture(nearby, view, anchor="place-map", title=title, linker=linker, boundaries=known, focus=iri)
