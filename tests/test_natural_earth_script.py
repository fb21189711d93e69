"""``scripts/natural-earth.py``: points are matched to places by Wikidata QID only, written with their
source under the place's ``wikidata:`` line and nowhere else, never twice; boundaries are simplified."""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "natural-earth.py"


@pytest.fixture(scope="module")
def ne() -> ModuleType:
    spec = importlib.util.spec_from_file_location("natural_earth", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_simplify_keeps_the_ends_and_the_corners_and_drops_what_is_within_the_tolerance(ne: ModuleType) -> None:
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (2.0, 2.0)]
    assert ne.simplify(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0)]
    assert ne.simplify(line, 0.0) == line


def _features(path: Path, *features: tuple[str, float, float, dict[str, str]]) -> Path:
    items = [
        {"type": "Feature", "properties": {"wikidataid": q, "LATITUDE": y, "LONGITUDE": x, **extra}, "geometry": None}
        for q, y, x, extra in features
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": items}), encoding="utf-8")
    return path


RECORDS = """\
organizations:
  - key: town-council
    name: "Town Council"
    wikidata: Q100
places:
  - key: town
    name: "Town"
    type: city
    wikidata: Q100
    country: place:land
  - key: land
    name: "Land"
    type: country
    wikidata: Q200
  - key: nowhere
    name: "Nowhere"
    type: city
"""


def test_points_go_under_the_matching_places_with_their_source_once(ne: ModuleType, tmp_path: Path) -> None:
    places = _features(tmp_path / "places.geojson", ("Q100", 36.2, 37.16, {}), ("Q300", 1.0, 2.0, {}))
    regions = _features(tmp_path / "regions.geojson", ("Q100", 9.0, 9.0, {}))  # a populated place wins
    countries = _features(tmp_path / "countries.geojson", ("Q200", 0.0, 0.0, {"LABEL_Y": "35", "LABEL_X": "38"}))
    args = argparse.Namespace(
        places=places,
        places_source="Places layer",
        regions=regions,
        regions_source="Regions layer",
        countries=countries,
        countries_source="Countries layer",
    )
    found = ne.points(args)
    assert found["Q100"] == (36.2, 37.16, "Places layer (Q100)")
    assert found["Q200"] == (35.0, 38.0, "Countries layer, label point (Q200)")
    records = tmp_path / "records.yaml"
    records.write_text(RECORDS, encoding="utf-8")
    added, left = ne.add_coordinates(records, found)
    assert (added, left) == (2, ["nowhere"])
    text = records.read_text(encoding="utf-8")
    assert text.count("coordinates:") == 2  # not under the organization that shares the QID
    assert (
        '    wikidata: Q100\n    coordinates: {latitude: "36.2", longitude: "37.16", source: "Places layer (Q100)"}\n'
        in text.split("places:")[1]
    )
    assert ne.add_coordinates(records, found) == (0, ["nowhere"])  # run again: nothing twice
    assert records.read_text(encoding="utf-8") == text


def _shape(qid: str, country: str, x: float) -> dict[str, object]:
    ring = [[x, 0.0], [x + 1, 0.0], [x + 1, 1.0], [x, 1.0], [x, 0.0]]
    return {
        "properties": {"wikidataid": qid, "name": qid, "adm0_a3": country},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_the_package_gets_countries_and_a_collection_its_regions_one_shape_a_line(
    ne: ModuleType, tmp_path: Path
) -> None:
    args = argparse.Namespace(countries_source="Countries layer", regions_source="Regions layer", regions_of=["AAA"])
    countries = ne.countries_file([_shape("Q2", "AAA", 0.0), _shape("Q1", "BBB", 5.0)], args)
    assert sorted(countries) == ["countries", "licence", "source"]
    regions = ne.regions_file([_shape("Q20", "AAA", 0.0), _shape("Q10", "BBB", 5.0), _shape("Q11", "AAA", 2.0)], args)
    assert [r["wikidata"] for r in regions["regions"]] == ["Q11", "Q20"]  # only AAA's, by QID
    ne.write_shapes(tmp_path / "geo" / "regions.json", regions, "regions")
    lines = (tmp_path / "geo" / "regions.json").read_text(encoding="utf-8").splitlines()
    assert json.loads("\n".join(lines)) == regions
    assert [json.loads(line.rstrip(","))["wikidata"] for line in lines[1:-1]] == ["Q11", "Q20"]
