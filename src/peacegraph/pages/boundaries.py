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
from ..release.files import REGIONS_FILE

COUNTRIES: Final = Path(__file__).parent / "geo" / "natural-earth.json"
#: A regions file is read whole: this is far above a country's regions simplified for a page.
MAX_REGIONS_BYTES: Final = 16 * 2**20
#: Mistakes reported at once (a broken file can have millions).
MAX_ERRORS: Final = 100

Point = tuple[float, float]  # longitude, latitude
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

_TEXT: Final = {"type": "string", "minLength": 1}
_RING: Final = {"type": "array", "minItems": 3, "items": {"$ref": "#/$defs/point"}}
_POINT: Final = {
    "type": "array",
    "prefixItems": [
        {"type": "number", "minimum": -180, "maximum": 180},
        {"type": "number", "minimum": -90, "maximum": 90},
    ],
    "minItems": 2,
    "maxItems": 2,
}
SCHEMA: Final[dict[str, Any]] = {
    "$defs": {"point": _POINT},
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
    from ..records.limits import read_bounded, utf8_line

    display = shown or path
    raw = read_bounded(path, MAX_REGIONS_BYTES, file=display, line=1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not valid UTF-8", display, utf8_line(raw, exc)) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", display, exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON: {str(exc)[:80] or 'nested too deeply'}", display, 1) from None
    raise_all(list(_errors(data, text, display)))
    return raw, dict(data)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _errors(data: Any, text: str, file: Path) -> Iterator[InputError]:
    """The schema's complaints, then regions given twice, each at the line of the value it is about."""
    from ..records.schemacheck import Validator

    lines = _Lines(text)
    for error in itertools.islice(Validator(SCHEMA).iter_errors(data), MAX_ERRORS):
        path = tuple(error.absolute_path)
        where = "/".join(str(p) for p in path) or "top level"
        yield InputError(f"{where}: {_message(error, path)}", file, lines.of(path))
    if isinstance(data, dict) and isinstance(data.get("regions"), list):
        seen: set[str] = set()
        for index, item in enumerate(data["regions"]):
            qid = item.get("wikidata") if isinstance(item, dict) else None
            if isinstance(qid, str) and qid in seen:
                yield InputError(f"regions/{index}: {qid} is given twice", file, lines.of(("regions", index)))
            seen.add(str(qid))


def _message(error: Any, path: tuple[str | int, ...]) -> str:
    if error.validator == "pattern":
        return f"{error.instance!r} is not a Wikidata item id such as Q858"
    if error.validator in ("minimum", "maximum"):
        what = "a longitude in degrees (-180 to 180)" if path[-1] == 0 else "a latitude in degrees (-90 to 90)"
        return f"{error.instance!r} is not {what}"
    if error.validator == "additionalProperties":
        return f"{error.message}; the keys are {', '.join(error.schema.get('properties', {}))}"
    return str(error.message)


class _Lines:
    """The line of a value of a JSON text, by its path: the text is valid JSON, which YAML reads too,
    with the line of every node (no anchors or aliases are possible in it)."""

    def __init__(self, text: str):
        self.text = text
        self._root: Any = None

    def of(self, path: tuple[str | int, ...]) -> int:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            node = self._root = self._root or yaml.compose(self.text, Loader=loader)
        except yaml.YAMLError:
            return 1
        for step in path:
            found = _child(node, step)
            if found is None:
                break
            node = found
        return int(node.start_mark.line) + 1 if node is not None else 1


def _child(node: Any, step: str | int) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == step), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]
    return None
