"""The map of places in a real browser (Debian's chromium through playwright), at a desktop's width
and a phone's, in light and dark: drawn, with a dot for each place with coordinates, links that reach
the places' pages, its data as a table and as CSV and JSON, no sideways scrolling, clean under axe,
and no request to any other host (the boundaries are in the page; ``Watched`` blocks and records
any request elsewhere)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from peacegraph.pages import maps

from .browsing import WIDTHS, Watched
from .test_pages_browser import AXE, AXE_PATH, axe_violations, data_link


@pytest.fixture(params=[(w, scheme) for w in WIDTHS for scheme in ("light", "dark")], ids=lambda p: f"{p[0]}-{p[1]}")
def watched(request: pytest.FixtureRequest, browser: Browser, release_server: str) -> Iterator[Watched]:
    width, scheme = WIDTHS[request.param[0]], request.param[1]
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = Watched(context, release_server, {AXE_PATH: AXE})
    yield page
    context.close()
    page.check()  # nothing fetched from elsewhere, no errors


def _rows(watched: Watched, figure: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(data_link(watched.page, f"figure#{figure} a[download$='.csv']"))))
    assert rows[0] == maps.COLUMNS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_places_list_draws_a_map_of_its_places(watched: Watched) -> None:
    page, base = watched.page, watched.base
    page.goto(base + "id/place/")
    figure = page.locator("figure#map")
    svg = figure.locator("svg[role=group]")
    expect(svg).to_be_visible()
    expect(svg.locator("title").first).to_contain_text("on the map")
    description = svg.locator("desc").first.text_content() or ""
    assert "Geneva" in description
    rows = _rows(watched, "map")
    points = [r for r in rows if r["drawn_as"] == "point"]
    shapes = [r for r in rows if r["drawn_as"] == "shape"]
    assert len(points) >= 10
    assert len(shapes) >= 5
    assert all(r["source"].startswith("Natural Earth") for r in points + shapes)
    assert svg.locator("circle").count() == len(points)
    assert svg.locator("a").count() == len(points) + len(shapes)  # every place drawn is a link
    assert any(r["drawn_as"] == "outside this view" for r in rows)  # far places are listed, not squeezed in
    assert len(json.loads(data_link(page, "figure#map a[download$='.json']"))) == len(rows)
    geneva = svg.locator("a", has=page.locator("title", has_text="Geneva"))
    href = geneva.first.get_attribute("href") or ""
    assert href.endswith("id/place/geneva")
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the map scrolls in its box
    box = figure.locator(".chart-box").bounding_box()
    assert box is not None
    assert box["width"] <= width
    expect(page.locator("figure#map-close svg.map")).to_be_visible()  # the crowded middle, closer
    assert axe_violations(page, base) == []
    geneva.first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "id/place/geneva")


def test_a_place_page_shows_it_on_a_small_map(watched: Watched) -> None:
    page, base = watched.page, watched.base
    page.goto(base + "id/place/aleppo")
    figure = page.locator("figure#place-map")
    expect(figure.locator("svg[role=group]")).to_be_visible()
    expect(figure.locator("svg text[font-weight=bold]")).to_have_text("Aleppo")
    rows = {r["place"]: r for r in _rows(watched, "place-map")}
    assert rows["Aleppo"]["drawn_as"] == "point"
    assert rows["Aleppo Governorate"]["drawn_as"] == "shape"
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page, base) == []


def test_a_place_without_coordinates_or_boundary_has_no_map(watched: Watched) -> None:
    page, base = watched.page, watched.base
    page.goto(base + "id/place/madaya")
    expect(page.get_by_role("heading", level=1)).to_have_text("Madaya")
    expect(page.locator("figure#place-map")).to_have_count(0)


def test_the_browse_page_leads_to_the_map(watched: Watched) -> None:
    page, base = watched.page, watched.base
    page.goto(base + "id/")
    page.get_by_role("link", name="The map of places").click()
    expect(page).to_have_url(base + "id/place/#map")
    expect(page.locator("figure#map svg.map")).to_be_in_viewport()
