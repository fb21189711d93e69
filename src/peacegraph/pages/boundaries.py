"""The shapes the map draws: the countries shipped with peacegraph, and a collection's own regions.

The package holds only what is the same for every collection: Natural Earth's 1:110m countries
(``geo/natural-earth.json``, see the README beside it). Finer shapes are a collection's data: its
``collection.yaml`` names a regions file (``map: {regions: geo/regions.json}``), which a build checks
and copies into the release as :data:`REGIONS_FILE`, so that ``serve`` and ``site`` draw them from
the release alone. A regions file is JSON::

    {"source": "Natural Earth 5.1, 1:10m admin 1 states and provinces", "licence": "public domain",
     "regions": [{"wikidata": "Q1689560", "name": "Daraa", "rings": [[[35.77, 32.748], ...]]}, ...]}

``source`` says where the shapes come from (the map's table cites it for every shape); each region
has the Wikidata QID a place's ``wikidata:`` matches, a name, and outer rings of (longitude,
latitude) in degrees. ``scripts/natural-earth.py --regions-file`` writes one from Natural Earth.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..errors import InputError, raise_all
from ..records.verdict import passes
from ..release.files import REGIONS_FILE

COUNTRIES: Final = Path(__file__).parent / "geo" / "natural-earth.json"
#: A regions file is read whole: this is far above a country's regions simplified for a page.
MAX_REGIONS_BYTES: Final = 16 * 2**20
#: Mistakes reported at once (a broken file can have millions).
MAX_ERRORS: Final = 100

JsonPath = tuple[str | int, ...]
Point = tuple[float, float]  # longitude, latitude
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

_TEXT: Final = {"type": "string", "minLength": 1}
#: A ring's points are checked by :func:`_point_problem`: JSON Schema takes 50 µs a point, and a country's
#: regions have hundreds of thousands.
_RING: Final = {"type": "array", "minItems": 3}
SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source", "regions"],
    "properties": {
        "source": _TEXT,
        "licence": _TEXT,
        "regions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["wikidata", "name", "rings"],
                "properties": {
                    "wikidata": {"type": "string", "pattern": r"^Q[1-9][0-9]*$"},
                    "name": _TEXT,
                    "iso_a3": _TEXT,
                    "rings": {"type": "array", "minItems": 1, "items": _RING},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Shape:
    """A country or region: its QID, name, and outer rings of (lon, lat); where it comes from."""

    qid: str
    name: str
    layer: str  # "country" or "region"
    rings: tuple[tuple[Point, ...], ...]
    source: str = ""

    @functools.cached_property
    def bounds(self) -> Box:
        return bounds_of(p for ring in self.rings for p in ring)

    @functools.cached_property
    def main(self) -> Box:
        """The bounds of its largest ring: the mainland, without islands across the antimeridian."""
        return max((bounds_of(ring) for ring in self.rings), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))


def bounds_of(points: Iterable[Point]) -> Box:
    listed = list(points)
    xs, ys = [x for x, _ in listed], [y for _, y in listed]
    return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True)
class Boundaries:
    """Every shape the map may draw, by QID: a collection's regions over the package's countries."""

    shapes: dict[str, Shape]

    def countries(self) -> Iterator[Shape]:
        return (shape for shape in self.shapes.values() if shape.layer == "country")


def _shapes(items: Iterable[dict[str, Any]], layer: str, source: str) -> Iterator[Shape]:
    for item in items:
        rings = tuple(tuple((float(x), float(y)) for x, y in ring) for ring in item["rings"])
        yield Shape(item["wikidata"], item["name"], layer, rings, source)


@functools.cache
def countries() -> Boundaries:
    """The package's countries alone: the map of a collection without regions."""
    data = json.loads(COUNTRIES.read_text(encoding="utf-8"))
    return Boundaries({shape.qid: shape for shape in _shapes(data["countries"], "country", data["source"])})


def with_regions(regions: dict[str, Any] | None) -> Boundaries:
    """The countries, and over them the regions of a checked regions file (``None``: none)."""
    if regions is None:
        return countries()
    own = {shape.qid: shape for shape in _shapes(regions["regions"], "region", regions["source"])}
    return Boundaries({**countries().shapes, **own})


def of_release(out: Path) -> Boundaries:
    """The shapes for the pages of the release in ``out``: with its regions file, if it has one."""
    path = Path(out) / REGIONS_FILE
    return with_regions(read_regions(path) if path.exists() else None)


def read_regions(path: Path, shown: Path | None = None) -> dict[str, Any]:
    """A regions file, read within bounds and checked; every mistake is an error at its file and line."""
    return checked(path, shown)[1]


def checked(path: Path, shown: Path | None = None) -> tuple[bytes, dict[str, Any]]:
    """A regions file's bytes and values, checked (errors name ``shown``, by default ``path``)."""
    from ..records.limits import read_utf8

    display = shown or path
    text = read_utf8(path, MAX_REGIONS_BYTES, file=display, line=1)
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", display, exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON: {str(exc)[:80] or 'nested too deeply'}", display, 1) from None
    raise_all(_errors(data, text, display))
    return text.encode("utf-8"), dict(data)  # the file's bytes: it is valid UTF-8


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _errors(data: Any, text: str, file: Path) -> list[InputError]:
    """The schema's complaints, then regions given twice, each at the line of the value it is about."""
    found: list[tuple[JsonPath, str]] = []
    if not passes(SCHEMA, data):
        from ..records.schemacheck import Validator

        for error in itertools.islice(Validator(SCHEMA).iter_errors(data), MAX_ERRORS):
            found.append((tuple(error.absolute_path), _message(error)))
    if isinstance(data, dict) and isinstance(data.get("regions"), list):
        found += itertools.islice(_region_errors(data["regions"]), MAX_ERRORS)
    lines = _lines(text, [path for path, _ in found]) if found else {}
    return [
        InputError(f"{'/'.join(map(str, path)) or 'top level'}: {message}", file, _line(lines, path))
        for path, message in found
    ]


def _region_errors(regions: list[Any]) -> Iterator[tuple[JsonPath, str]]:
    """Regions given twice, and points that are not a longitude and a latitude in degrees."""
    seen: set[str] = set()
    for index, item in enumerate(regions):
        if not isinstance(item, dict):
            continue
        qid = item.get("wikidata")
        if isinstance(qid, str) and qid in seen:
            yield ("regions", index), f"{qid} is given twice"
        seen.add(str(qid))
        rings = item.get("rings")
        for number, ring in enumerate(rings if isinstance(rings, list) else ()):
            for at, point in enumerate(ring if isinstance(ring, list) else ()):
                problem = _point_problem(point)
                if problem:
                    yield ("regions", index, "rings", number, at), problem


def _point_problem(point: Any) -> str:
    """What is wrong with a point of a ring, or "" when it is a longitude and a latitude in degrees."""
    if not isinstance(point, list) or len(point) != 2:
        return f"{str(point)[:40]} is not a point [longitude, latitude]"
    if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in point):
        return f"{str(point)[:40]} is not a point of two numbers [longitude, latitude]"
    lon, lat = point
    if not -180 <= lon <= 180:
        return f"{lon!r} is not a longitude in degrees (-180 to 180)"
    if not -90 <= lat <= 90:
        return f"{lat!r} is not a latitude in degrees (-90 to 90)"
    return ""


def _message(error: Any) -> str:
    if error.validator == "pattern":
        return f"{error.instance!r} is not a Wikidata item id such as Q858"
    if error.validator == "additionalProperties":
        return f"{error.message}; the keys are {', '.join(error.schema.get('properties', {}))}"
    return str(error.message)


@dataclass
class _Open:
    """A mapping or sequence of the JSON text being read, and where in it the reading is."""

    path: JsonPath
    mapping: bool
    index: int = 0
    key: Any = None
    awaiting_key: bool = True

    def child(self) -> JsonPath:
        return (*self.path, self.key if self.mapping else self.index)

    def advance(self) -> None:
        if self.mapping:
            self.awaiting_key = True
        else:
            self.index += 1


def _lines(text: str, paths: list[JsonPath]) -> dict[JsonPath, int]:
    """The line of each value of a JSON text named by ``paths`` (or of the nearest value above it that
    is there), in one pass over the text as YAML events, which carry lines (the text is valid JSON,
    which YAML reads too, so it holds no anchors or aliases; and nothing but the open containers is kept)."""
    import yaml

    wanted = {path[:end] for path in paths for end in range(len(path) + 1)}
    found: dict[JsonPath, int] = {}
    open_: list[_Open] = []
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                open_.pop()
                if open_:
                    open_[-1].advance()
            elif isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if open_ and open_[-1].mapping and open_[-1].awaiting_key:
                    open_[-1].key, open_[-1].awaiting_key = getattr(event, "value", None), False
                    continue
                here = open_[-1].child() if open_ else ()
                if here in wanted and event.start_mark is not None:
                    found.setdefault(here, event.start_mark.line + 1)
                if isinstance(event, yaml.ScalarEvent):
                    if open_:
                        open_[-1].advance()
                else:
                    open_.append(_Open(here, isinstance(event, yaml.MappingStartEvent)))
            if len(found) == len(wanted):
                break
    except yaml.YAMLError:
        pass
    return found


def _line(lines: dict[JsonPath, int], path: JsonPath) -> int:
    """The line of ``path``, or of the nearest value above it that was found; 1 if none."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1
