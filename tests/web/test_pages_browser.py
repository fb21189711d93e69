"""The pages people read, in a real browser (Debian's chromium, driven by playwright), over the real
dataset: each kind of page at a desktop width and a phone's, without sideways scrolling, console
errors or requests to other hosts, and clean under axe-core's WCAG 2.1 A and AA rules; search by a
partial or alternate name; the positions explorer's filters; the Sochi statement's page short, with
its signatories folded and its positions near the top; and the static site over ``file://``."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, expect

from peacegraph.cli import main

from ..conftest import SEEDS
from .browsing import Watched

AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
AXE_PATH = "__tests__/axe.min.js"
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
    "documents": "id/document/",
    "explorer": "id/position/",
    "search": "search?q=nusra",
    "timeline": "timeline",
    "dataset": "dataset",
    "ontology": "ontology",
    "query": "sparql-editor",
    "front": "",
}


@pytest.fixture(scope="module")
def base(release_server: str) -> str:
    return release_server


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
    page.get_by_role("combobox", name="Search names and quotes").fill(typed)
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
        "href", "/sparql-editor?tab=positions-on-topic"
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
    result = CliRunner().invoke(
        main, ["site", "--out", str(site), "--release", str(out_dir), "--collection", str(SEEDS)]
    )
    assert result.exit_code == 0, result.output
    context = browser.new_context(viewport={"width": 390, "height": 844})
    watched = Watched(context, site.as_uri())
    page = watched.page
    page.goto((site / "id/organization/baytna-syria.html").as_uri())
    page.get_by_role("combobox", name="Search names and quotes").fill("Nusrah")
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
    expect(page.locator("table.data").first).to_contain_text("peacegraph.nt")
    context.close()
    watched.check()


def test_query_results_link_to_our_pages_with_names(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "?tab=repeat-signatories")  # an old link: the editor moved from the front page
    expect(page).to_have_url(base + "sparql-editor?tab=repeat-signatories")
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


def test_what_was_said_about_or_asked_of_an_organization(watched: Watched, base: str, width: int) -> None:
    page = watched.page
    page.goto(base + "id/organization/government-of-syria")
    panel = page.locator("#targeted-by")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Said about or asked of Government of Syria")
    expect(panel.locator("tbody tr")).to_have_count(27)
    expect(panel.locator(".note")).to_contain_text("by stance:")
    expect(page.locator("nav.toc")).to_contain_text("Said about or asked of")
    undated = panel.locator("td[data-label='Date']:has(> .literal:empty)")
    assert undated.count() > 0
    if width < 600:  # rows stack on a phone: an empty cell says nothing, not "Date:"
        expect(undated.first).to_be_hidden()
    else:
        expect(undated.first).to_be_visible()
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


def test_a_printed_page_has_everything(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + SOCHI)
    page.emulate_media(media="print")
    expect(page.locator("#signatories li:visible")).to_have_count(133)
    expect(page.locator("#source-text .source-text")).to_be_visible()
    expect(page.locator("#source-text .source-text")).to_contain_text("Sochi")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("#signatories summary")).to_be_hidden()
    page.goto(base + "id/position/")
    page.emulate_media(media="print")
    rows = page.locator("#list tbody tr")
    expect(page.locator("#list tbody tr:visible")).to_have_count(rows.count())  # every page of the list
    expect(page.locator(".pager")).to_be_hidden()


def test_dark_mode_follows_the_system_and_stays_readable(browser: Browser, base: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="dark")
    watched = Watched(context, base, {AXE_PATH: AXE})
    page = watched.page
    for path in ("id/organization/government-of-syria", "id/position/", "dataset", ""):
        page.goto(base + path)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(20, 23, 28)", path
        assert axe_violations(page, base) == [], path
    context.close()
    watched.check()


def test_serve_starts_at_the_browse_page_and_the_editor_waits_to_be_chosen(
    watched: Watched, base: str, width: int
) -> None:
    page = watched.page
    page.goto(base)
    expect(page.get_by_role("heading", level=1)).to_have_text("peacegraph: the Syria peace process as linked data")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Query").click()
    expect(page).to_have_url(base + "sparql-editor")
    editor = page.locator(".tabPanel.active .CodeMirror")
    expect(editor).to_be_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("!document.activeElement.closest('.CodeMirror')"), "the editor takes no focus by itself"
    query = page.locator(".tabPanel.active .CodeMirror").first.text_content()
    page.locator(".tabPanel.active .CodeMirror textarea").focus()
    page.keyboard.press("Tab")  # moves on, as everywhere else on the page: no keyboard trap
    assert page.evaluate("!document.activeElement.matches('.CodeMirror textarea')")
    assert page.locator(".tabPanel.active .CodeMirror").first.text_content() == query, "Tab typed into the query"
    run = page.locator(".tabPanel.active .yasqe_queryButton").bounding_box()
    share = page.locator(".tabPanel.active .yasqe_share").bounding_box()
    lines = page.locator(".tabPanel.active .CodeMirror-scroll").bounding_box()  # where the query shows
    assert run is not None
    assert share is not None
    assert lines is not None
    for button in (run, share):
        overlaps = button["x"] < lines["x"] + lines["width"] and lines["x"] < button["x"] + button["width"]
        overlaps = (
            overlaps and button["y"] < lines["y"] + lines["height"] and lines["y"] < button["y"] + button["height"]
        )
        if width < 600:
            assert not overlaps, "on a phone the buttons sit apart from the query"


def test_the_dataset_page_groups_downloads_and_cites_first(watched: Watched, base: str) -> None:
    page = watched.page
    watched.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base + "dataset")
    headings = page.locator("main h2").all_text_contents()
    assert headings.index("How to cite") < headings.index("Downloads")
    groups = page.locator("#downloads h3").all_text_contents()
    assert groups == ["Dumps", "Tables", "Model and metadata"]
    expect(page.locator("#downloads")).to_contain_text("sha256sum -c --ignore-missing SHA256SUMS")
    sizes = page.locator('#downloads td[data-label="Size"]').all_text_contents()
    assert all(size.endswith(("bytes", "kB", "MB")) for size in sizes)
    assert not any("," in size for size in sizes)
    for label in ("BibTeX", "CSL-JSON", "RIS"):
        page.locator("#cite summary", has_text=label).click()
    expect(page.locator("#cite-ris")).to_contain_text("TY  - DATA")
    page.locator("#cite button.copy").first.click()
    expect(page.locator("#cite .copied")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()").startswith("The peacegraph project (")
    assert axe_violations(page, base) == []


def test_every_entity_page_says_how_to_cite_it(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/person/john-kerry")
    cite = page.locator("#cite")
    expect(cite.get_by_role("heading", level=2)).to_have_text("Cite this page")
    expect(cite).to_contain_text("John Kerry. In: The peacegraph project (")
    expect(cite).to_contain_text("https://w3id.org/peacegraph/id/person/john-kerry")
    expect(cite.get_by_role("button", name="Copy").first).to_be_visible()
    cite.locator("summary", has_text="BibTeX").click()
    expect(cite.locator("#cite-bibtex")).to_contain_text("title = {{John Kerry}}")
    expect(cite.locator("#cite-bibtex")).to_contain_text("url = {https://w3id.org/peacegraph/id/person/john-kerry}")
    variants = page.locator("dl.facts div", has_text="Printed variants")
    expect(variants).to_contain_text("John Kerrry")
    expect(page.locator("dl.facts div", has_text="Also known as")).not_to_contain_text("Kerrry")


def test_a_link_to_a_membership_lands_on_it(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/organization/arab-league")
    link = page.locator('a[href*="/id/organization/issg#member/"]').first
    href = link.get_attribute("href") or ""
    page.goto(base + href.lstrip("/"))
    expect(page.locator(f'[id="{href.split("#")[1]}"]')).to_be_visible()


def data_link(page: Page, selector: str) -> str:
    """The text a ``data:`` download link holds."""
    href = page.locator(selector).get_attribute("href") or ""
    header, _, data = href.partition(",")
    assert header.startswith("data:")
    return unquote(data)


def test_a_topic_draws_its_positions_over_time_by_stance(watched: Watched, base: str, width: int) -> None:
    page = watched.page
    page.goto(base + "id/topic/political-process")
    figure = page.locator("figure#over-time")
    chart = figure.locator("svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_contain_text("Positions on Political process per year, by stance")
    box = figure.locator(".chart-box").bounding_box()  # on a phone the picture scrolls in its box, not the page
    assert box is not None
    assert box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    counts = [int(n) for n in figure.locator("details.data tbody tr td:nth-child(3)").all_text_contents()]
    dated = page.locator("#positions-table tbody tr td[data-label='Date']").all_text_contents()
    assert sum(counts) == len([d for d in dated if d.strip()[:4].isdigit()])
    assert chart.locator("rect").count() == len(counts)
    assert figure.locator("ul.legend li").count() >= 2
    colours = figure.locator("ul.legend li rect").evaluate_all("rs => rs.map(r => r.getAttribute('fill'))")
    assert len(set(colours)) == len(colours), "two stances share a colour"
    rows = list(csv.reader(io.StringIO(data_link(page, "figure#over-time a[download$='.csv']"))))
    assert rows[0] == ["year", "stance", "positions"]
    assert sum(int(r[2]) for r in rows[1:]) == sum(counts)
    assert len(json.loads(data_link(page, "figure#over-time a[download$='.json']"))) == len(counts)
    assert axe_violations(page, base) == []


def test_the_timeline_zooms_into_a_year(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "timeline")
    overview = page.locator("figure#per-year svg[role=group]")  # a group: its bars are links
    expect(overview).to_be_visible()
    bars = overview.locator("a")
    assert bars.count() >= 5
    href = bars.nth(2).get_attribute("href") or ""
    year = href.removeprefix("#y")
    bars.nth(2).click()
    expect(page).to_have_url(base + "timeline" + href)
    section = page.locator(f"section#y{year}")
    section.locator("details.zoom > summary").click()
    months = section.locator(f"figure#months-{year} svg[role=img]")  # no links: an image
    expect(months).to_be_visible()
    listed = section.locator("ol.timeline li").count()
    by_month = sum(int(n) for n in section.locator("details.data tbody td:nth-child(3)").all_text_contents())
    assert 0 < by_month <= listed
    rows = list(csv.reader(io.StringIO(data_link(page, f"figure#months-{year} a[download$='.csv']"))))
    assert sum(int(r[-1]) for r in rows[1:]) == by_month
    years = page.locator("figure#per-year details.data tbody tr td:first-child").all_text_contents()
    assert len(set(years)) == bars.count()  # the picture's numbers, as a table
    assert axe_violations(page, base) == []


def test_the_documents_list_draws_who_signs_with_whom(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/document/")
    figure = page.locator("figure#co-signatories")
    expect(figure.locator("svg[role=group]")).to_be_visible()
    shared = {
        row[1] for row in list(csv.reader(io.StringIO(data_link(page, "#co-signatories a[download$='.csv']"))))[1:]
    }
    assert len(shared) >= 2
    organizations = {iri for iri in shared if "/id/organization/" in iri}
    assert figure.locator("svg.chart a[href^='/id/organization/']").count() == len(organizations)
    expect(figure.locator("svg.chart")).to_contain_text("only here")
    height = float((figure.locator("svg.chart").get_attribute("viewBox") or "").split()[3])
    lowest = figure.locator("svg.chart").evaluate(
        "s => Math.max(...[...s.querySelectorAll('text')].map(t => {const b = t.getBBox(); return b.y + b.height; }))"
    )
    assert lowest <= height, f"a label ends at {lowest}, below the picture's {height}"
    assert axe_violations(page, base) == []


def test_search_forgives_a_typo_matches_whole_words_and_groups_by_kind(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "search?q=Kery")
    expect(page.locator("#search-results")).to_contain_text("John Kerry")
    page.goto(base + "search?q=baytna")
    expect(page.locator("#search-results li").first).to_contain_text("Baytna Syria")
    assert "Kafr Batna" not in (page.locator("#search-results").text_content() or ""), "no guesses beside a match"
    page.goto(base + "search?q=EU")
    expect(page.locator("#search-results li").first).to_be_visible()
    for item in page.locator("#search-results li").all_text_contents():
        assert re.search(r"\beu", item, re.IGNORECASE), f"{item!r} matches EU only inside a word"
    page.goto(base + "search?q=syria")
    headings = page.locator("#search-results h2").all_text_contents()
    assert len(headings) >= 3
    kinds = [h.rsplit(" (", 1)[0] for h in headings]
    assert len(kinds) == len(set(kinds)), "one group per kind"
    assert axe_violations(page, base) == []


def test_the_search_box_suggests_as_you_type(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/")
    page.get_by_role("combobox", name="Search names and quotes").press_sequentially("baytn")
    options = page.locator("#site-search-suggestions option")
    expect(options.first).to_have_attribute("value", "Baytna Syria")


def test_a_position_names_the_item_it_comes_from(watched: Watched, base: str) -> None:
    """A position taken from a timeline names the remark it quotes (its own record, or the words
    that describe it), never the timeline's title nor a made-up "Origin of the quote of …"."""
    page = watched.page
    page.goto(base + "id/organization/government-of-syria")
    row = page.locator("#targeted-by tbody tr", has_text="De Mistura asks Russia and Syria to halt bombing")
    document = row.locator('td[data-label="Document"] a')
    expect(document).to_have_text(re.compile(r"^A tweet quoting de Mistura at his press conference of 6 October 2016"))
    expect(document).to_have_attribute("href", "/id/document/peace-process-timeline")
    expect(page.locator("#targeted-by")).not_to_contain_text("Origin of the quote")
    page.goto(base + "id/person/john-kerry")
    documents = page.locator("#positions td[data-label='Document']").all_text_contents()
    timeline = page.request.get(base + "id/document/peace-process-timeline").text()
    title = re.search(r"<h1>([^<]+)</h1>", timeline)
    assert title is not None
    assert title.group(1) not in documents
    page.goto(base + "id/position/")
    open_filters(page)
    expect(page.get_by_label("Document").locator("option", has_text="Origin of the quote")).to_have_count(0)
    expect(page.locator("#list")).not_to_contain_text("Origin of the quote")


def test_an_event_lists_each_document_once(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/event/issg-meeting-2015-11-14-vienna")
    reported = page.locator("#reported-in tbody td[data-label='Document'] a").evaluate_all(
        "as => as.map(a => a.pathname)"
    )
    mentioned = page.locator("#mentioned-in tbody td[data-label='Document'] a").evaluate_all(
        "as => as.map(a => a.pathname)"
    )
    assert reported
    assert mentioned
    assert not set(reported) & set(mentioned)


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("id/organization/european-union", "Political and economic union of European states"),
        ("id/organization/baytna-syria", "one of the eight that signed both"),
        ("id/person/john-kerry", "United States Secretary of State from February 2013 to January 2017"),
        ("id/place/idlib", "City in north-western Syria"),
    ],
)
def test_a_main_entity_says_what_it_is(watched: Watched, base: str, path: str, said: str) -> None:
    page = watched.page
    page.goto(base + path)
    description = page.locator("header.entity p.description")
    expect(description).to_be_visible()
    expect(description).to_contain_text(said)
    if "general knowledge" in (description.text_content() or ""):
        expect(description).to_contain_text("(general knowledge added by the curator; the sources do not state it)")


def test_documents_have_distinct_display_titles(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/document/")
    titles = page.locator("#list tbody tr td[data-label='Document']").all_text_contents()
    assert len(titles) > 50
    assert len(set(titles)) == len(titles), "two documents read alike in the list"
    assert "Joint Statement" not in titles
    expect(page.locator("#list")).to_contain_text("Joint Statement (Working Group for Syrian Detainees and 11 others")


@pytest.mark.parametrize("name", ["document", "organization", "person", "event", "place", "topic", "position"])
def test_every_kind_of_entity_page_has_cite_this_page(watched: Watched, base: str, name: str) -> None:
    page = watched.page
    page.goto(base + PAGES[name])
    cite = page.locator("#cite")
    expect(cite.get_by_role("heading", level=2)).to_have_text("Cite this page")
    expect(cite).to_contain_text("https://w3id.org/peacegraph/" + PAGES[name])


def test_an_event_shows_what_was_said_about_or_asked_of_it(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/event/astana-talks")
    panel = page.locator("#targeted-by")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Said about or asked of Astana talks on Syria")
    expect(panel.locator("tbody tr")).to_have_count(2)
    expect(panel.locator("tbody tr").first.locator('td[data-label="Held by"]')).to_contain_text("Syrian Women")
    assert axe_violations(page, base) == []


@pytest.mark.parametrize(
    ("path", "typo"),
    [
        ("id/person/john-kerry", "John Kerrry"),
        ("id/organization/syrian-arab-red-crescent", "Syrian Red Cresent"),
        ("id/organization/issg-humanitarian-access-task-force", "ISSG humantiarian task force"),
    ],
)
def test_a_source_typo_is_a_printed_variant_not_another_name(watched: Watched, base: str, path: str, typo: str) -> None:
    page = watched.page
    page.goto(base + path)
    name = page.get_by_role("heading", level=1).text_content() or ""
    expect(page.locator("dl.facts div", has_text="Printed variants")).to_contain_text(typo)
    expect(page.locator("dl.facts div", has_text="Also known as")).not_to_contain_text(typo)
    page.get_by_role("combobox", name="Search names and quotes").fill(typo)  # still found by it
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.locator("#search-results li").first).to_contain_text(name)


def test_pages_arrive_compressed_with_validators_and_come_back_from_the_cache(watched: Watched, base: str) -> None:
    page = watched.page
    response = page.goto(base + "id/position/")
    assert response is not None
    served = response.all_headers()
    assert served["content-encoding"] == "gzip"
    assert served["cache-control"].startswith("public, max-age=")
    assert served["etag"].startswith('W/"')
    again = page.request.get(base + "id/position/", headers={"if-none-match": served["etag"]})
    assert again.status == 304
