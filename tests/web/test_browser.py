"""What a person sees, in a real headless browser (Debian's chromium, driven by playwright): an
identifier's page, and a saved query run in the query UI. Nothing may be fetched from anywhere
but the server itself, and the browser may report no errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from peacegraph import pipeline

from ..conftest import MINI
from ..live import serving
from .browsing import Watched


@pytest.fixture(scope="module")
def base(mini_built: pipeline.BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = next(iter(mini_built.files.values())).parent
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(out, log, "--collection", str(MINI / "seeds")) as url:
        yield url


@pytest.fixture
def watched(browser: Browser, base: str, tmp_path: Path) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = Watched(context, base)
    yield page
    page.page.screenshot(path=tmp_path / "last.png", full_page=True)
    context.close()
    page.check()


def test_a_position_page_reads_as_a_person_expects(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "id/position/mini-statement-1")
    expect(page.get_by_role("heading", level=1)).to_have_text("A ceasefire in Aleppo now")
    quote = page.locator("blockquote.source-text mark")
    expect(quote).to_have_text("We call for an immediate ceasefire in Aleppo.")
    expect(quote).to_be_visible()
    expect(page.locator("blockquote.source-text")).to_contain_text("2. We support the UN-led political process")
    expect(page.locator("table.statements").first).to_contain_text("schema:author")
    page.get_by_role("link", name="Joint Statement on Testing").first.click()
    expect(page).to_have_url(base + "id/document/mini-statement")
    expect(page.get_by_role("heading", level=1)).to_have_text("Joint Statement on Testing")
    expect(page.get_by_role("link", name="Alpha Group").first).to_be_visible()


def test_a_saved_query_runs_in_the_query_ui(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "sparql-editor")
    tab = page.get_by_role("tab", name="Who signed which statements")
    expect(tab).to_be_visible()
    tab.click()
    panel = page.locator(".tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_contain_text("pg:signature")
    panel.locator(".yasqe_queryButton").click()
    rows = panel.locator(".yasr table.dataTable tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Alpha Group")
    expect(rows.nth(1)).to_contain_text("Beta Network")
    expect(rows.nth(0)).to_contain_text("Joint Statement on Testing")


def test_a_refused_query_says_why_in_the_ui(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base + "sparql-editor")
    panel = page.locator(".tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_be_visible()
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    panel.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(query)
    panel.locator(".yasqe_queryButton").click()
    expect(panel.locator(".yasr")).to_contain_text("SERVICE is refused")
    watched.errors = [e for e in watched.errors if "403" not in e]  # the browser logs the refused request
