"""Take what the map needs from Natural Earth, matched by Wikidata QID; never a coordinate by hand.

Run by a maintainer, not by a build. It reads Natural Earth files downloaded beforehand (any copy:
the layer and version are printed in each record's ``source``) and

- writes the package's boundary file (``--boundaries``): every 1:110m country, simplified and
  rounded, each with its ``wikidataid``; nothing of any one collection;
- writes a collection's regions file (``--regions-file``, named by ``map: regions:`` in its
  ``collection.yaml``): the 1:10m first-order regions (admin-1) of the countries named with
  ``--regions-of`` (ISO 3166-1 alpha-3), simplified and rounded, each with its ``wikidataid``;
- with ``--records``, adds a ``coordinates:`` mapping (latitude, longitude, source) under each place
  of a collection's YAML whose ``wikidata:`` is a Natural Earth feature's ``wikidataid``: a populated
  place's point, or a country's or region's label point. A place that already has coordinates, or
  whose QID Natural Earth does not carry, is left as it is and listed.

Reading shapefiles needs ``pyshp`` (``pip install pyshp``); it is not a dependency of peacegraph.
The package's boundary file, and the regions and points of the collection in ``seeds/``:

    python scripts/natural-earth.py --countries ne_110m_admin_0_countries.shp \\
        --boundaries src/peacegraph/pages/geo/natural-earth.json
    python scripts/natural-earth.py --regions ne_10m_admin_1.geojson --regions-of SYR \\
        --regions-file seeds/geo/regions.json
    python scripts/natural-earth.py --countries ne_110m_admin_0_countries.shp \\
        --regions ne_10m_admin_1.geojson --places ne_10m_populated_places.geojson \\
        --records seeds/records/places.yaml
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path
from typing import Any

Ring = list[tuple[float, float]]


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker: the fewest points that stay within ``tolerance`` degrees of the line."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    length = math.hypot(x2 - x1, y2 - y1)
    worst, at = 0.0, 0
    for index, (x, y) in enumerate(points[1:-1], start=1):
        cross = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1))
        distance = cross / length if length else math.hypot(x - x1, y - y1)
        if distance > worst:
            worst, at = distance, index
    if worst <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[: at + 1], tolerance)[:-1] + simplify(points[at:], tolerance)


def rings_of(geometry: dict[str, Any], tolerance: float, digits: int) -> list[list[list[float]]]:
    """The outer rings of a (multi)polygon, simplified and rounded; rings that vanish are dropped."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    rings = []
    for polygon in polygons:
        ring = simplify([(float(x), float(y)) for x, y in polygon[0][:-1]] + [tuple(polygon[0][0])], tolerance)
        rounded = list(dict.fromkeys((round(x, digits), round(y, digits)) for x, y in ring))
        if len(rounded) >= 3:
            rings.append([[x, y] for x, y in rounded])
    return rings


def read_features(path: Path) -> list[dict[str, Any]]:
    """GeoJSON features, or a shapefile's records as GeoJSON features (with pyshp)."""
    if path.suffix == ".shp":
        import shapefile  # type: ignore[import-not-found]

        reader = shapefile.Reader(str(path))
        return [
            {"properties": record.as_dict(), "geometry": shape.__geo_interface__}
            for shape, record in zip(reader.shapes(), reader.records(), strict=True)
        ]
    return list(json.loads(path.read_text(encoding="utf-8"))["features"])


def prop(feature: dict[str, Any], *names: str) -> Any:
    """A property under the first of ``names`` it has (Natural Earth's case varies between releases)."""
    properties = {k.lower(): v for k, v in feature["properties"].items()}
    return next((properties[n] for n in names if properties.get(n) not in (None, "")), None)


def countries_file(countries: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    """The package's boundary file: every country with a QID, outer rings rounded to 0.01°."""
    return {
        "source": args.countries_source,
        "licence": "public domain",
        "countries": sorted(
            (
                {
                    "wikidata": prop(f, "wikidataid"),
                    "name": prop(f, "name"),
                    "iso_a3": prop(f, "adm0_a3"),
                    "rings": rings_of(f["geometry"], 0.0, 2),
                }
                for f in countries
                if prop(f, "wikidataid")
            ),
            key=lambda c: c["wikidata"],
        ),
    }


def regions_file(regions: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    """A collection's regions file: the regions of ``--regions-of`` with a QID, simplified to 0.01°."""
    wanted = set(args.regions_of)
    return {
        "source": args.regions_source,
        "licence": "public domain",
        "regions": sorted(
            (
                {
                    "wikidata": prop(f, "wikidataid"),
                    "name": prop(f, "name_en", "name"),
                    "iso_a3": prop(f, "adm0_a3"),
                    "rings": rings_of(f["geometry"], 0.01, 3),
                }
                for f in regions
                if prop(f, "adm0_a3") in wanted and prop(f, "wikidataid")
            ),
            key=lambda c: c["wikidata"],
        ),
    }


def write_shapes(path: Path, data: dict[str, Any], layer: str) -> None:
    """``data`` as JSON with one shape a line, so that an error, and a diff, points at the shape."""
    head = {key: value for key, value in data.items() if key != layer}
    lines = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in data[layer]]
    body = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{body},"{layer}":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    print(f"{path}: {len(data[layer])} {layer}")


def points(args: argparse.Namespace) -> dict[str, tuple[float, float, str]]:
    """QID -> (latitude, longitude, source) from populated places, then label points of regions and countries."""
    found: dict[str, tuple[float, float, str]] = {}
    layers = [
        (args.places, args.places_source, ("latitude",), ("longitude",)),
        (args.regions, args.regions_source + ", label point", ("latitude",), ("longitude",)),
        (args.countries, args.countries_source + ", label point", ("label_y",), ("label_x",)),
    ]
    for path, source, lat, lon in layers:
        for feature in read_features(path) if path else []:
            qid, y, x = prop(feature, "wikidataid"), prop(feature, *lat), prop(feature, *lon)
            if qid and y is not None and x is not None and qid not in found:
                found[qid] = (round(float(y), 4), round(float(x), 4), f"{source} ({qid})")
    return found


def add_coordinates(records: Path, found: dict[str, tuple[float, float, str]]) -> tuple[int, list[str]]:
    """Insert ``coordinates:`` after each place's ``wikidata:`` line; returns how many, and the places left."""
    lines = records.read_text(encoding="utf-8").splitlines(keepends=True)
    out, added, keys, placed, key = [], 0, [], set(), ""
    section = ""
    for line in lines:  # the places that have coordinates already, wherever in the record they are
        if match := re.match(r"\s*- key: (\S+)", line):
            key = match.group(1)
        if re.match(r"\s+coordinates:", line):
            placed.add(key)
    for line in lines:
        if top := re.match(r"([a-z_]+):", line):
            section = top.group(1)
        if section != "places":
            out.append(line)
            continue
        if match := re.match(r"\s*- key: (\S+)", line):
            key = match.group(1)
            keys.append(key)
        out.append(line)
        match = re.match(r"(\s+)wikidata: (Q\d+)\s*$", line)
        if match and key not in placed and match.group(2) in found:
            lat, lon, source = found[match.group(2)]
            point = f'latitude: "{lat}", longitude: "{lon}", source: {json.dumps(source)}'
            out.append(f"{match.group(1)}coordinates: {{{point}}}\n")
            placed.add(key)
            added += 1
    records.write_text("".join(out), encoding="utf-8")
    return added, [k for k in keys if k not in placed]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--countries", type=Path, help="Natural Earth 1:110m admin 0 countries")
    parser.add_argument("--countries-source", default="Natural Earth 5.1.1, 1:110m admin 0 countries")
    parser.add_argument("--regions", type=Path, help="Natural Earth 1:10m admin 1 states, provinces")
    parser.add_argument("--regions-source", default="Natural Earth 5.1, 1:10m admin 1 states and provinces")
    parser.add_argument("--regions-of", nargs="*", default=[], help="countries (ISO alpha-3) whose regions to keep")
    parser.add_argument("--places", type=Path, help="Natural Earth 1:10m populated places")
    parser.add_argument("--places-source", default="Natural Earth 4 (2017), 1:10m populated places")
    parser.add_argument("--boundaries", type=Path, help="the package's boundary file to write (countries)")
    parser.add_argument("--regions-file", type=Path, help="a collection's regions file to write")
    parser.add_argument("--records", type=Path, nargs="*", default=[], help="YAML records to add coordinates to")
    args = parser.parse_args()
    if args.boundaries and not args.countries:
        parser.error("--boundaries needs --countries")
    if args.regions_file and not (args.regions and args.regions_of):
        parser.error("--regions-file needs --regions and --regions-of")
    if args.boundaries:
        write_shapes(args.boundaries, countries_file(read_features(args.countries), args), "countries")
    if args.regions_file:
        write_shapes(args.regions_file, regions_file(read_features(args.regions), args), "regions")
    found = points(args) if args.records else {}
    for records in args.records:
        added, left = add_coordinates(records, found)
        print(
            f"{records}: coordinates added to {added} places; no Natural Earth feature for: {', '.join(left) or 'none'}"
        )


if __name__ == "__main__":
    main()
