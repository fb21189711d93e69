"""The map's parts on their own: the boundary file, projection and fit, labels that do not overlap,
and places matched to Natural Earth's shapes by their Wikidata QID over a real build, the regions
coming from the collection's own file by way of its release."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from peacegraph import pipeline
from peacegraph.pages import boundaries, maps
from peacegraph.pages.catalog import Catalog
from peacegraph.pages.links import Linker
from peacegraph.query import store

from ..syria import ID, SEEDS


def test_the_boundary_file_says_where_it_comes_from_and_carries_only_countries() -> None:
    """What the package ships is the same for every collection: countries, never one collection's regions."""
    data = json.loads(boundaries.COUNTRIES.read_text(encoding="utf-8"))
    assert data["source"].startswith("Natural Earth")
    readme = (boundaries.COUNTRIES.parent / "README.md").read_text(encoding="utf-8")
    assert "public domain" in readme
    assert sorted(data) == ["countries", "licence", "source"]
    assert all(item["wikidata"].startswith("Q") for item in data["countries"])
    assert len(data["countries"]) > 150
    assert boundaries.COUNTRIES.stat().st_size < 400_000  # simplified: small enough to ship in the package
    assert {shape.layer for shape in boundaries.countries().shapes.values()} == {"country"}


def test_projection_puts_the_corners_at_the_corners_and_keeps_proportions() -> None:
    view = maps.View(west=30.0, south=30.0, east=40.0, north=40.0, width=700, height=500)
    assert view.project((30.0, 40.0)) == (0.0, 0.0)
    assert view.project((40.0, 30.0)) == (700.0, 500.0)
    assert view.project((35.0, 35.0)) == (350.0, 250.0)
    fitted = maps.fit([(35.0, 33.0), (37.0, 36.0)])
    squash = math.cos(math.radians((fitted.north + fitted.south) / 2))
    ratio = (fitted.east - fitted.west) * squash / (fitted.north - fitted.south)
    assert ratio == pytest.approx(fitted.width / fitted.height, rel=0.01)  # a degree east is cos(lat) of one north
    assert fitted.holds((35.0, 33.0))
    assert fitted.holds((37.0, 36.0))
    single = maps.fit([(6.14, 46.21)])
    assert single.east - single.west >= maps.MIN_SPAN
    assert single.holds((6.14, 46.21))


def test_the_overview_leaves_out_what_is_far_from_the_rest() -> None:
    near = [(float(lon), 0.0) for lon in range(10)]  # the median point is at 4.5°, the median distance 2.5°
    far = (60.0, 0.0)
    kept = maps.core([*near, far], maps.FAR)
    assert far not in kept
    assert set(near) <= set(kept)


def test_labels_never_overlap_and_give_up_rather_than_cover_another() -> None:
    labels = maps.Labels(maps.View(0, 0, 10, 10, width=200, height=100))
    first = labels.place(50, 50, "Damascus")
    second = labels.place(50, 50, "Darayya")  # the same spot: another side
    assert first is not None
    assert second is not None
    assert first[2] != second[2] or first[:2] != second[:2]
    for _ in range(4):
        labels.place(50, 50, "Douma")
    assert labels.place(50, 50, "Zabadani") is None  # every side is taken
    boxes = labels.taken
    assert not any(maps._overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert labels.place(195, 50, "Far east") is not None  # near the edge: the label goes to the left
    assert labels.taken[-1][2] <= 200


@pytest.fixture(scope="module")
def catalog(out_dir: Path) -> Catalog:
    return Catalog(store.open_store(out_dir), boundaries.of_release(out_dir))


def test_places_are_matched_to_shapes_by_qid_and_points_keep_their_source(catalog: Catalog) -> None:
    found = {p.iri.rsplit("/", 1)[-1]: p for p in maps.places(catalog)}
    assert found["syria"].shape is not None
    assert found["syria"].shape.qid == "Q858"
    idlib = found["idlib-governorate"].shape
    assert idlib is not None
    assert idlib.layer == "region"
    assert idlib.source.startswith("Natural Earth")
    assert found["geneva"].point == pytest.approx((6.14, 46.21), abs=0.01)
    assert found["geneva"].source.startswith("Natural Earth")
    assert found["geneva"].shape is None  # a city: no boundary in the file
    assert found["madaya"].anchor is None  # no verified QID, so nothing matched and nothing invented


def test_a_shape_without_a_point_is_labelled_in_its_middle() -> None:
    box = boundaries.Shape("Q1", "Box", "region", (((0.0, 0.0), (2.0, 0.0), (2.0, 4.0), (0.0, 4.0)),))
    place = maps.Place("https://example.org/id/place/box", "Box", "Region", None, "", box)
    assert box.bounds == (0.0, 0.0, 2.0, 4.0)
    assert place.anchor == (1.0, 2.0)
    assert maps.Place("https://example.org/id/place/x", "X", "City", None, "", None).anchor is None


def test_a_country_across_the_antimeridian_is_framed_by_its_mainland() -> None:
    mainland = ((30.0, 50.0), (180.0, 50.0), (180.0, 70.0), (30.0, 70.0))
    across = ((-180.0, 65.0), (-170.0, 65.0), (-170.0, 68.0))
    shape = boundaries.Shape("Q2", "Wide", "country", (mainland, across))
    assert shape.bounds[0] == -180.0
    assert shape.main == (30.0, 50.0, 180.0, 70.0)


def test_a_collection_is_drawn_from_its_own_records_and_nothing_else(mini_seeds: Path, tmp_path: Path) -> None:
    """A country matched by its QID is drawn as its shape; a city is a point only once its record
    has coordinates with a source; the small map of a place without either is not drawn."""
    linker = Linker("id/place/", static=False)
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "before"))
    before = Catalog(store.open_store(tmp_path / "before"))
    [overview] = maps.places_maps(before, linker)
    assert [row[5] for row in overview.rows] == ["not on the map: no coordinates or boundary", "shape"]
    assert "<circle" not in overview.svg
    assert maps.place_map(before, linker, ID + "place/aleppo") is None
    records = mini_seeds / "records" / "mini.yaml"
    text = records.read_text(encoding="utf-8")
    point = '    coordinates: {latitude: "36.2", longitude: "37.16", source: "a test gazetteer (Q41183)"}\n'
    records.write_text(text.replace("    wikidata: Q41183\n", "    wikidata: Q41183\n" + point), encoding="utf-8")
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "after"))
    after = Catalog(store.open_store(tmp_path / "after"))
    [overview] = maps.places_maps(after, linker)
    rows = {row[0]: row for row in overview.rows}
    assert rows["Aleppo"][3:7] == ["36.2", "37.16", "point", "a test gazetteer (Q41183)"]
    assert overview.svg.count("<circle") == 1
    small = maps.place_map(after, linker, ID + "place/aleppo")
    assert small is not None
    assert 'font-weight="bold">Aleppo<' in small.svg


def test_the_regions_come_from_the_collection_by_way_of_its_release(out_dir: Path) -> None:
    """The package draws no region: Syria's governorates are the Syria collection's file, copied into
    its release, and a catalog without them has none."""
    assert (out_dir / "regions.json").read_bytes() == (SEEDS / "geo" / "regions.json").read_bytes()
    found = {p.iri.rsplit("/", 1)[-1]: p for p in maps.places(Catalog(store.open_store(out_dir)))}
    assert found["idlib-governorate"].shape is None
    assert found["syria"].shape is not None
