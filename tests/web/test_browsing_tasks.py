"""Held-out browsing tasks: what a researcher or a journalist comes to find, done as they would do it,
in the real browser over the real dataset, at a desktop width and a phone's. Each task opens the
front page and from there only clicks, types and picks what a person would (no address typed after
the first), and must find its answer within a stated number of steps (a click, a typed text, a
choice in a list each count one)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .browsing import Watched


class Reader:
    """A person at the front page, counting what they do."""

    def __init__(self, page: Page, base: str):
        self.page = page
        self.steps = 0
        page.goto(base)

    def click(self, target: Locator) -> None:
        """A click that stays on the page (a fold, a filter, a download)."""
        target.click()
        self.steps += 1

    def follow(self, target: Locator) -> None:
        """A click that opens another page: done when that page has loaded (and its script has run)."""
        with self.page.expect_navigation():
            target.click()
        self.steps += 1

    def type(self, target: Locator, text: str) -> None:
        target.fill(text)
        self.steps += 1

    def choose(self, target: Locator, label: str) -> None:
        """Pick the option that reads ``label``, or ``label (N)`` where a list counts its rows."""
        shown = [o.strip() for o in target.locator("option").all_text_contents()]
        target.select_option(label=next(o for o in shown if o == label or o.startswith(label + " (")))
        self.steps += 1

    def search(self, text: str) -> None:
        """Type into the search box every page has, and press its button."""
        self.type(self.page.get_by_role("combobox", name="Search names and quotes"), text)
        self.follow(self.page.get_by_role("search").get_by_role("button", name="Search"))

    def go(self, menu_item: str) -> None:
        self.follow(self.page.get_by_role("navigation", name="Site").get_by_role("link", name=menu_item, exact=True))

    def unfold_filters(self) -> None:
        """On a phone a list's filters are folded under the results' count: one more step there."""
        fold = self.page.locator("form.controls details.fold")
        if fold.get_attribute("open") is None:
            self.click(fold.locator("summary"))


@pytest.fixture
def reader(browser: Browser, release_server: str, width: int) -> Iterator[Reader]:
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844})
    watched = Watched(context, release_server)
    yield Reader(watched.page, release_server)
    context.close()
    watched.check()


def test_what_was_asked_of_the_government_of_syria(reader: Reader) -> None:
    reader.search("government of syria")
    reader.follow(reader.page.locator("#search-results a", has_text="Government of Syria").first)
    panel = reader.page.locator("#targeted-by")
    reader.choose(panel.get_by_label("Stance", exact=True), "calls for")
    rows = panel.locator("tbody tr:visible")
    expect(rows).to_have_count(4)
    expect(rows.first.locator('td[data-label="Held by"]')).not_to_be_empty()
    assert reader.steps <= 4


def test_everything_the_astana_guarantors_were_asked_to_do(reader: Reader) -> None:
    reader.go("Positions")
    reader.unfold_filters()
    reader.choose(reader.page.get_by_label("Target"), "Astana talks on Syria")
    rows = reader.page.locator("#list tbody tr:visible")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="guarantors of Astana")).to_have_count(1)
    reader.follow(rows.filter(has_text="guarantors of Astana").get_by_role("link").first)
    expect(reader.page.locator("blockquote.source-text mark")).to_contain_text("guarantors")
    assert reader.steps <= 4


def test_who_else_signed_with_an_organization(reader: Reader) -> None:
    reader.search("baytna")
    reader.follow(reader.page.locator("#search-results a", has_text="Baytna Syria").first)
    together = reader.page.locator("#signs-with tbody tr")
    expect(together.first).to_contain_text("2")  # documents signed together
    expect(reader.page.locator("#signs-with")).to_contain_text("Kesh Malek")
    reader.follow(reader.page.locator("#documents a", has_text="Sochi").first)  # and who signed one of them
    expect(reader.page.locator("#signed-elsewhere")).to_contain_text("Kesh Malek")
    assert reader.steps <= 4


def test_positions_on_a_topic_over_time(reader: Reader) -> None:
    reader.follow(reader.page.get_by_role("link", name="Topics"))
    reader.follow(reader.page.get_by_role("link", name="Ceasefire and cessation of hostilities").first)
    figure = reader.page.locator("figure#over-time")
    expect(figure.locator("svg[role=img]")).to_be_visible()
    reader.click(figure.locator("details.data summary"))
    years = figure.locator("details.data tbody tr td:first-child").all_text_contents()
    assert len(set(years)) >= 2, years
    assert years == sorted(years)
    reader.choose(reader.page.get_by_label("Stance", exact=True), "calls for")
    for stance in reader.page.locator("#positions-table tbody tr:visible td[data-label='Stance']").all_text_contents():
        assert stance.strip() == "calls for"
    assert reader.steps <= 4


def test_the_exact_quote_behind_a_position_and_its_place_in_the_source(reader: Reader) -> None:
    reader.search("legitimacy to the Assad")
    reader.follow(reader.page.locator("#search-results a").first)
    mark = reader.page.locator("blockquote.source-text mark")
    expect(mark).to_contain_text("legitimacy to the Assad")
    expect(reader.page.locator(".source-note")).to_contain_text("Sochi Conference Threatens Syria Peace Process")
    expect(reader.page.locator(".source-note")).to_contain_text("characters")
    assert reader.steps <= 3


def test_cite_a_document_as_bibtex(reader: Reader) -> None:
    reader.go("Documents")
    reader.unfold_filters()
    reader.type(reader.page.get_by_label("Names containing"), "Sochi")
    reader.follow(reader.page.locator("#list tbody tr:visible a", has_text="Sochi Conference").first)
    reader.click(reader.page.locator("#cite summary", has_text="BibTeX"))
    bibtex = reader.page.locator("#cite-bibtex")
    expect(bibtex).to_be_visible()
    expect(bibtex).to_contain_text("@misc{")
    expect(bibtex).to_contain_text("title = {{Sochi Conference Threatens Syria Peace Process}}")
    expect(bibtex).to_contain_text(
        "url = {https://w3id.org/peacegraph/id/document/civil-society-statement-on-sochi-2018}"
    )
    assert reader.steps <= 5


def test_download_the_csv_of_filtered_positions(reader: Reader) -> None:
    reader.go("Positions")
    reader.unfold_filters()
    reader.choose(reader.page.get_by_label("Stance"), "condemns")
    shown = int((reader.page.locator(".shown").first.text_content() or "").split(" of ")[0])
    with reader.page.expect_download() as download:
        reader.click(reader.page.get_by_role("link", name="CSV"))
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == shown
    assert {row["stance"] for row in rows} == {"condemns"}
    assert reader.steps <= 4


def test_what_was_said_about_a_place_and_by_whom(reader: Reader) -> None:
    reader.search("idlib")
    reader.follow(reader.page.locator("#search-results a", has_text="Idlib").first)
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("Idlib")
    panel = reader.page.locator("#targeted-by")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Said about or asked of Idlib")
    assert panel.locator("tbody tr").count() >= 2
    expect(panel).to_contain_text("Staffan de Mistura")
    assert reader.steps <= 3


def test_the_meetings_of_a_year(reader: Reader) -> None:
    reader.go("Timeline")
    reader.click(reader.page.locator("figure#per-year svg a", has_text="2013").first)
    section = reader.page.locator("section#y2013")
    expect(section.locator("ol.timeline li", has_text="Friends of Syria meeting in Rome")).to_be_visible()
    assert reader.steps <= 2


def test_a_misspelt_name_still_finds_the_person(reader: Reader) -> None:
    reader.search("Kery")
    reader.follow(reader.page.locator("#search-results a", has_text="John Kerry").first)
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("John Kerry")
    documents = reader.page.locator("#positions td[data-label='Document']").all_text_contents()
    assert len(documents) == 10
    assert len(set(documents)) > 3, "each position names the remark it comes from, not one timeline's title"
    assert reader.steps <= 3


def test_which_organizations_signed_both_civil_society_letters(reader: Reader) -> None:
    reader.go("Documents")
    figure = reader.page.locator("figure#co-signatories")
    expect(figure.locator("svg[role=group]")).to_be_visible()
    reader.click(figure.locator("details.data summary"))
    rows = figure.locator("details.data tbody tr")
    signatories = {(row.locator("td").first.text_content() or "").strip() for row in rows.all()}
    assert len(signatories) == 8, signatories
    assert {"Baytna Syria", "Kesh Malek", "Syrian Network for Human Rights"} <= signatories
    assert reader.steps <= 2


def test_from_a_remark_to_the_interview_it_was_quoted_from(reader: Reader) -> None:
    reader.search("Lavrov")
    reader.follow(reader.page.locator("#search-results a", has_text="Sergey Lavrov").first)
    row = reader.page.locator("#positions tbody tr", has_text="violating the ceasefire")
    reader.follow(row.locator('td[data-label="Document"] a'))
    expect(reader.page.get_by_role("heading", level=1)).to_contain_text("Amanpour")
    quoted = reader.page.locator("#quoted")
    expect(quoted.get_by_role("heading", level=2)).to_contain_text("Positions quoted from this document")
    expect(quoted).to_contain_text("violating the ceasefire")
    assert reader.steps <= 4
