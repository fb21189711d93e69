"""The pages people read, in a real browser (Debian's chromium, driven by playwright), over the real
dataset: each kind of page at a desktop width and a phone's, without sideways scrolling, console
errors or requests to other hosts, and clean under axe-core's WCAG 2.1 A and AA rules; search by a
partial or alternate name; the positions explorer's filters; the Sochi statement's page short, with
its signatories folded and its positions near the top; and the static site over ``file://``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, expect

from peacegraph.cli import main

from ..conftest import SEEDS
from .browsing import Watched, chromium

AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
AXE_PATH = "__tests__/axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 390}
SOCHI = "id/document/civil-society-statement-on-sochi-2018"
#: One page of each kind, and the pages for finding things.
PAGES = {
    "document": SOCHI,
    "resolution": "id/document/unscr-2254",
    "organization": "id/organization/baytna-syria",
    "group": "id/organization/issg",
    "person": "id/person/robert-stephen-ford",
    "event": "id/event/issg-meeting-2015-10-30-vienna",
    "series": "id/event/issg-meetings",
    "place": "id/place/aleppo",
    "topic": "id/topic/political-process",
    "scheme": "id/scheme/topics",
    "position": "id/position/civil-society-statement-on-sochi-2018-sochi-legitimizes-assad-regime",
    "browse": "id/",
    "list": "id/organization/",
    "explorer": "id/position/",
    "search": "search?q=nusra",
    "timeline": "timeline",
    "dataset": "dataset",
    "ontology": "ontology",
    "query": "",
}


@pytest.fixture(scope="module")
def base(release_server: str) -> str:
    return release_server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> int:
    return WIDTHS[request.param]


@pytest.fixture
def watched(browser: Browser, base: str, width: int) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844})
    page = Watched(context, base, {AXE_PATH: AXE})
    yield page
    context.close()
    page.check()


def axe_violations(page: Page, base: str) -> list[str]:
    """axe-core's violations of the WCAG 2.1 A and AA rules, one line each."""
    page.add_script_tag(url=base + AXE_PATH)
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map("
        "v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))",
        tags,
    )
    return list(found)


def open_filters(page: Page) -> None:
    """Unfold a list's filters (folded on a phone, so that the results come first)."""
    fold = page.locator("form.controls details.fold")
    if fold.get_attribute("open") is None:
        fold.locator("summary").click()


@pytest.mark.parametrize("name", list(PAGES))
def test_each_kind_of_page_fits_the_screen_and_passes_axe(watched: Watched, base: str, width: int, name: str) -> None:
    page = watched.page
    response = page.goto(base + PAGES[name])
    assert response is not None
    assert response.status == 200
    if name == "query":
        expect(page.locator(".tabPanel.active .CodeMirror")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls sideways: {scroll} px wide at {width} px"
    assert page.locator("a.skip").get_attribute("href") == "#main"
    expect(page.get_by_role("navigation", name="Site")).to_be_visible()
    expect(page.get_by_role("search").first).to_be_attached()
    data = json.loads(page.locator('script[type="application/ld+json"]').first.text_content() or "")
    assert data["@context"] == "https://schema.org/"
    canonical = page.locator('link[rel="canonical"]').get_attribute("href") or ""
    assert canonical.startswith("https://w3id.org/peacegraph/")
    assert axe_violations(page, base) == []


def test_the_sochi_statement_is_short_with_its_positions_first(watched: Watched, base: str, width: int) -> None:
    page = watched.page
    page.goto(base + SOCHI)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < (9000 if width < 600 else 5000), f"{height} px tall at {width} px"
    positions = page.locator("#positions")
    expect(positions.get_by_role("heading", level=2)).to_contain_text("Positions in this document")
    top = positions.bounding_box()
    signatories = page.locator("#signatories").bounding_box()
    assert top is not None
    assert signatories is not None
    assert top["y"] < signatories["y"]
    if width > 600:
        assert top["y"] < 900, "the positions start on the first screen"
    expect(positions.locator("tbody tr")).to_have_count(16)
    expect(positions.locator("tbody tr", has_text="All 133 signatories")).not_to_have_count(0)
    listed = page.locator("#signatories li")
    expect(listed).to_have_count(133)  # each signatory once, in signing order
    expect(page.locator("#signatories li:visible")).to_have_count(20)
    expect(listed.nth(0)).to_have_text("Agriculture Engineering Syndicate of Daraa")  # rank 1 in the source
    expect(listed.nth(1)).to_have_text("Al-Gouta Youth Volunteering Team")
    page.locator("#signatories summary").click()
    expect(page.locator("#signatories li:visible")).to_have_count(133)
    page.get_by_label("Filter the 133 signatories").fill("daraa")
    shown = page.locator("#signatories li:visible")
    assert 1 < shown.count() < 20
    for text in shown.all_text_contents():
        assert "daraa" in text.lower()
    assert page.locator("#signatories ol").first.get_attribute("start") in (None, "1")


def test_the_source_text_marks_each_quote_and_links_it(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + SOCHI)
    page.locator("#source-text summary").click()
    marks = page.locator("#source-text a.quoted")
    assert marks.count() >= 16
    first = marks.first
    href = first.get_attribute("href") or ""
    assert href.startswith("/id/position/civil-society-statement-on-sochi-2018-")
    first.click()
    expect(page.locator("blockquote.source-text mark")).to_be_visible()
    expect(page.locator(".source-note")).to_contain_text("Sochi Conference Threatens Syria Peace Process")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("baytn", "Baytna Syria"),
        ("Jabhat al-Nusra", "al-Nusra Front"),
        ("nusra", "al-Nusra Front"),
        ("ISSG", "International Syria Support Group"),
    ],
)
def test_search_finds_an_organization_by_part_or_alternate_name(
    watched: Watched, base: str, typed: str, found: str
) -> None:
    page = watched.page
    page.goto(base + "id/organization/baytna-syria")
    page.get_by_role("searchbox", name="Search names and quotes").fill(typed)
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(base + "search?q=" + quote(typed).replace("%20", "+"))
    results = page.locator("#search-results li")
    expect(results.first).to_be_visible()
    expect(page.locator("#search-results")).to_contain_text(found)


def test_search_finds_a_quote(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "search?q=" + quote("providing legitimacy to the Assad"))
    expect(page.locator("#search-results li").first).to_contain_text("Sochi")


def test_the_positions_explorer_filters(watched: Watched, base: str, width: int) -> None:
    page = watched.page
    page.goto(base + "id/position/")
    rows = page.locator("#list tbody tr")
    total = rows.count()
    assert total > 100
    per_page = 50 if width > 600 else 20  # rows stack on a phone: shorter pages
    expect(page.locator("#list tbody tr:visible")).to_have_count(per_page)  # the first page
    if width < 600:
        expect(page.get_by_label("Stance")).to_be_hidden()  # folded away on a phone
    open_filters(page)
    page.get_by_label("Stance").select_option("condemns")
    visible = page.locator("#list tbody tr:visible")
    count = visible.count()
    assert 0 < count < per_page
    for stance in visible.locator('td[data-label="Stance"]').all_text_contents():
        assert stance.strip() == "condemns"
    expect(page).to_have_url(base + "id/position/?stance=condemns")
    page.get_by_label("Held by").select_option("Baytna Syria")
    fewer = page.locator("#list tbody tr:visible").count()
    assert 0 < fewer <= count
    page.get_by_label("Held by").select_option("")
    page.get_by_label("Stance").select_option("")
    page.get_by_label("From").fill("2018-01-01")
    page.get_by_label("to", exact=True).fill("2018-01-31")
    dates = page.locator("#list tbody tr:visible td[data-label='Date']").all_text_contents()
    assert dates
    assert all("2018-01" in d for d in dates)
    page.get_by_label("Topic").select_option("Detainees and missing persons")
    for topics in page.locator("#list tbody tr:visible td[data-label='Topics']").all_text_contents():
        assert "Detainees" in topics
    expect(page.get_by_role("link", name="Positions on a topic (ceasefires), by holder, over time")).to_have_attribute(
        "href", "/?tab=positions-on-topic"
    )


def test_lists_sort_page_and_download(watched: Watched, base: str, width: int) -> None:
    page = watched.page
    page.goto(base + "id/organization/")
    expect(page.locator("#list tbody tr:visible")).to_have_count(50 if width > 600 else 20)
    page.get_by_role("button", name="Next page").click()
    expect(page.locator(".page-of")).to_contain_text("Page 2 of")
    if width > 600:
        page.get_by_role("button", name="Documents").click()
        page.get_by_role("button", name="Documents").click()  # descending: the most documents first
    else:  # the table's head is hidden on a phone, where rows stack; the form sorts
        open_filters(page)
        page.get_by_label("Sort by").select_option(label="Documents, descending")
    first = page.locator("#list tbody tr:visible").first
    expect(first.locator('td[data-label="Documents"]')).not_to_have_text("0")
    csv_link = page.get_by_role("link", name="CSV")
    response = page.request.get(base + (csv_link.get_attribute("href") or "").lstrip("/"))
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text().splitlines()[0].startswith("iri,organization,kind,")


def test_the_static_site_works_offline_from_disk(browser: Browser, out_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["site", "--out", str(site), "--release", str(out_dir), "--seeds", str(SEEDS)])
    assert result.exit_code == 0, result.output
    context = browser.new_context(viewport={"width": 390, "height": 844})
    watched = Watched(context, site.as_uri())
    page = watched.page
    page.goto((site / "id/organization/baytna-syria.html").as_uri())
    page.get_by_role("searchbox", name="Search names and quotes").fill("Nusrah")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.locator("#search-results")).to_contain_text("al-Nusra Front")
    page.locator("#search-results a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("al-Nusra Front")
    page.goto((site / "id/position/index.html").as_uri())
    open_filters(page)
    page.get_by_label("Stance").select_option("welcomes")
    for stance in page.locator("#list tbody tr:visible td[data-label='Stance']").all_text_contents():
        assert stance.strip() == "welcomes"
    page.goto((site / "dataset.html").as_uri())
    expect(page.locator("table.data")).to_contain_text("peacegraph.nt")
    context.close()
    watched.check()


def test_query_results_link_to_our_pages_with_names(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "?tab=repeat-signatories")
    panel = page.locator(".tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_contain_text("SELECT")
    panel.locator(".yasqe_queryButton").click()
    table = panel.locator(".yasr table.dataTable")
    expect(table.locator("tbody tr").first).to_be_visible()
    link = table.locator("a.iri").first
    assert (link.get_attribute("href") or "").startswith("/id/")
    expect(link).not_to_contain_text("https://")
    assert "^^" not in (table.text_content() or ""), "literals show no datatype"
    assert "xsd:" not in (table.text_content() or "")
    assert axe_violations(page, base) == []


def test_long_tables_fold_until_asked(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/topic/political-process")
    rows = page.locator("#positions-table tbody tr")
    assert rows.count() > 40
    expect(page.locator("#positions-table tbody tr:visible")).to_have_count(20)
    page.get_by_role("button", name=f"Show all {rows.count()} rows").click()
    expect(page.locator("#positions-table tbody tr:visible")).to_have_count(rows.count())
    page.goto(base + "id/topic/political-process")
    page.get_by_label("Stance", exact=True).select_option("supports")  # a filter sees every row, folded or not
    for stance in page.locator("#positions-table tbody tr:visible td[data-label='Stance']").all_text_contents():
        assert stance.strip() == "supports"


def test_what_was_said_about_or_asked_of_an_organization(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/organization/government-of-syria")
    panel = page.locator("#targeted-by")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Said about or asked of Government of Syria")
    expect(panel.locator("tbody tr")).to_have_count(27)
    expect(panel.locator(".note")).to_contain_text("by stance:")
    expect(page.locator("nav.toc")).to_contain_text("Said about or asked of")
    panel.get_by_label("Stance", exact=True).select_option("demands")
    visible = panel.locator("tbody tr:visible")
    assert 0 < visible.count() < 27
    for stance in visible.locator('td[data-label="Stance"]').all_text_contents():
        assert stance.strip() == "demands"
    assert axe_violations(page, base) == []


def test_the_explorer_filters_by_target_with_counts(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/position/")
    open_filters(page)
    target = page.get_by_label("Target")
    expect(target.locator("option", has_text="Government of Syria (27)")).to_have_count(1)
    target.select_option("Government of Syria")
    expect(page).to_have_url(base + "id/position/?target=Government+of+Syria")
    expect(page.locator(".shown").first).to_contain_text("27 of")
    page.goto(base + "id/position/?target=Government+of+Syria")
    expect(page.get_by_label("Target")).to_have_value("Government of Syria")


def test_a_signatory_list_answers_who_else_signed_with_them(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + SOCHI)
    marked = page.locator("#signatories li", has_text="also signed")
    assert marked.count() > 0
    rows = page.locator("#signed-elsewhere tbody tr")
    expect(rows).to_have_count(marked.count())
    rows.first.locator('td[data-label="Also signed"] a').first.click()
    expect(page.locator("#signatories")).to_be_visible()


def test_a_filtered_list_downloads_its_rows_and_keeps_its_sort_in_the_address(
    watched: Watched, base: str, width: int
) -> None:
    page = watched.page
    page.goto(base + "id/position/")
    open_filters(page)
    page.get_by_label("Stance").select_option("condemns")
    shown = page.locator("#list tbody tr").filter(visible=True)
    page.get_by_label("Sort by").select_option(label="Date, descending")
    expect(page).to_have_url(base + "id/position/?stance=condemns&sort=1%3Adesc")
    kept = int((page.locator(".shown").first.text_content() or "").split(" of ")[0])
    csv_href = page.get_by_role("link", name="CSV").get_attribute("href") or ""
    assert csv_href.endswith("?stance=condemns")
    rows = list(csv.reader(io.StringIO(page.request.get(base + csv_href.lstrip("/")).text())))
    assert len(rows) == kept + 1
    assert {row[rows[0].index("stance")] for row in rows[1:]} == {"condemns"}
    json_href = page.get_by_role("link", name="JSON").get_attribute("href") or ""
    assert page.request.get(base + json_href.lstrip("/")).json()["count"] == kept
    assert shown.count() > 0
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("1:desc")
    dates = page.locator("#list tbody tr:visible td[data-label='Date']").all_text_contents()
    assert dates == sorted(dates, reverse=True)
    page.get_by_label("Names and quotes containing").fill("zzzz no such words")
    expect(page.locator("p.empty")).to_be_visible()
    expect(page.locator("p.empty")).to_contain_text("No positions match these filters")
    assert axe_violations(page, base) == []


def test_a_document_lists_its_positions_in_text_order(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + SOCHI)
    hrefs = page.locator("#positions tbody tr td:first-child a").evaluate_all("as => as.map(a => a.pathname)")
    page.locator("#source-text summary").click()
    marked = page.locator("#source-text a.quoted").evaluate_all("as => as.map(a => a.pathname)")
    assert len(hrefs) >= len(set(marked)) > 10
    assert [h for h in hrefs if h in marked] == list(dict.fromkeys(marked))  # a quote inside another has no mark
