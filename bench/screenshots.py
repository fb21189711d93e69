"""Screenshots of each kind of page and of each feature people asked for (the panel of what was said
about or asked of an organization, the explorer's filters, search suggestions, the pictures, the
dataset page, print, dark mode), at a desktop width (1280 px) and a phone's (390 px), to judge the
design by eye. Not committed: they are written to a folder you name.

    .venv/bin/python bench/screenshots.py --into /tmp/peacegraph-shots            # everything
    .venv/bin/python bench/screenshots.py --into /tmp/shots --only dataset topic-chart

It starts ``peacegraph serve`` over the release (the server has every page the static site has, and
the query editor too), opens each page in Debian's chromium (playwright), does what a reader would
(type into the search box, pick a filter, open a fold), and saves ``<shot>-<width>[-dark|-print].png``:
the first screen, a whole page (``print``), or one part of it (a panel, a picture). It prints each
file's path beside the item it shows, the page's height, and whether it scrolls sideways.
"""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from serve import running  # a server started and waited for, as bench/serve.py does

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1280, 390)
SOCHI = "id/document/civil-society-statement-on-sochi-2018"


def _type_into_search(page: Page) -> None:
    box = page.get_by_role("combobox", name="Search names and quotes")
    box.press_sequentially("baytn")
    page.locator("#site-search-suggestions option").first.wait_for(state="attached")


def _open_filters(page: Page) -> None:
    fold = page.locator("form.controls details.fold")
    if fold.count() and fold.get_attribute("open") is None:
        fold.locator("summary").click()


def _zoom_year(page: Page) -> None:
    page.locator("figure#per-year svg a").nth(2).click()
    page.locator("section:target details.zoom > summary").click()


def _unfold_signatories(page: Page) -> None:
    page.locator("#signatories summary").click()


def _source_text(page: Page) -> None:
    page.locator("#source-text summary").click()
    page.locator("#source-text a.quoted").first.click()


def _member_anchor(page: Page) -> None:
    href = page.locator('a[href*="/id/organization/issg#member/"]').first.get_attribute("href") or ""
    page.goto(page.url.split("/id/")[0] + href)


@dataclass(frozen=True)
class Shot:
    """One picture: what it shows (an item of the pages' wish list), where, and how to get there."""

    name: str
    item: str
    path: str
    part: str | None = None  # a selector: only that part of the page (a panel, a picture)
    act: Callable[[Page], None] | None = None
    media: str = "screen"  # "print": as printed, the whole page
    scheme: str = "light"
    #: Elements whose values to print beside the path: what a screenshot cannot show (a datalist's pop-up).
    values: str | None = None


SHOTS = (
    Shot("front", "browse page at /", ""),
    Shot("editor", "query editor at /sparql-editor", "sparql-editor"),
    Shot("document-sochi", "a document: positions first, signatories folded", SOCHI),
    Shot("signed-elsewhere", "who else signed with them", SOCHI, "#signed-elsewhere"),
    Shot("signatories-open", "the signatory list unfolded, filtered", SOCHI, "#signatories", _unfold_signatories),
    Shot("source-quote", "a quote inside its source paragraph", SOCHI, "blockquote.source-text", _source_text),
    Shot("document-resolution", "a resolution", "id/document/unscr-2254"),
    Shot("organization", "an organization with its description", "id/organization/baytna-syria"),
    Shot("target-panel", "said about or asked of X (panel)", "id/organization/government-of-syria", "#targeted-by"),
    Shot("target-panel-event", "said about or asked of an event", "id/event/astana-talks", "#targeted-by"),
    Shot("target-panel-place", "said about or asked of a place", "id/place/idlib", "#targeted-by"),
    Shot("person-kerry", "description and printed variants", "id/person/john-kerry", "header.entity"),
    Shot("document-column", "document column: the item a position comes from", "id/person/john-kerry", "#positions"),
    Shot("cite-this-page", "cite this page", "id/person/john-kerry", "#cite"),
    Shot("event", "an event: reported in / mentioned in once", "id/event/issg-meeting-2015-10-30-vienna"),
    Shot("anchor", "a link to a membership lands on it", "id/organization/arab-league", act=_member_anchor),
    Shot("place", "a place", "id/place/aleppo"),
    Shot("places-map", "places: a map", "id/place/"),
    Shot("place-country", "a country's page, its small map", "id/place/syria"),
    Shot("topic-chart", "topic: positions over time by stance", "id/topic/political-process", "figure#over-time"),
    Shot("co-signatories", "co-signatory network", "id/document/", "figure#co-signatories"),
    Shot("timeline", "timeline: events and documents by year", "timeline"),
    Shot("timeline-zoom", "timeline zoomed into a year", "timeline", "section:target", _zoom_year),
    Shot("explorer", "positions explorer", "id/position/"),
    Shot("explorer-counts", "explorer filters with counts", "id/position/", "form.controls", _open_filters),
    Shot(
        "explorer-filtered", "explorer filtered (URL state), filters folded on a phone", "id/position/?stance=demands"
    ),
    Shot("explorer-target", "explorer's Target filter", "id/position/?target=Government+of+Syria"),
    Shot("explorer-empty", "explorer: an empty result in words", "id/position/?q=no+such+words+anywhere"),
    Shot("documents", "documents list: distinct display titles", "id/document/"),
    Shot("organizations", "a list", "id/organization/"),
    Shot(
        "search-suggest",
        "search suggestions as you type",
        "id/",
        act=_type_into_search,
        values="#site-search-suggestions option",
    ),
    Shot("search-typo", "search forgives one typo", "search?q=Kery"),
    Shot("search-groups", "search results grouped by kind", "search?q=syria"),
    Shot("dataset", "dataset page: citation first", "dataset"),
    Shot("dataset-downloads", "dataset downloads grouped, with sizes", "dataset", "#downloads"),
    Shot("print-sochi", "print: everything", SOCHI, media="print"),
    Shot("print-explorer", "print: every row", "id/position/?stance=demands", media="print"),
    Shot("dark-organization", "dark mode", "id/organization/government-of-syria", scheme="dark"),
    Shot("dark-topic-chart", "dark mode: a picture", "id/topic/political-process", "figure#over-time", scheme="dark"),
    Shot("dark-explorer", "dark mode: the explorer", "id/position/", scheme="dark"),
    Shot("dark-dataset", "dark mode: the dataset page", "dataset", scheme="dark"),
)


def take(page: Page, base: str, shot: Shot, width: int, into: Path) -> str:
    page.emulate_media(media="screen", color_scheme=shot.scheme)  # type: ignore[arg-type]
    page.goto(base + shot.path)
    page.wait_for_timeout(150)
    if shot.act:
        shot.act(page)
        page.wait_for_timeout(150)
    if shot.media == "print":
        page.emulate_media(media="print")
    variant = "-dark" if shot.scheme == "dark" else "-print" if shot.media == "print" else ""
    target = into / f"{shot.name}-{width}{variant}.png"
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    if shot.part and page.locator(shot.part).count():
        page.locator(shot.part).first.screenshot(path=target)
    elif shot.part:
        return f"{shot.item} → MISSING: no {shot.part} on {shot.path or '/'}"
    else:
        page.screenshot(path=target, full_page=shot.media == "print")
    sideways = " SCROLLS SIDEWAYS" if size[0] > width else ""
    shown = page.locator(shot.values).evaluate_all("es => es.map(e => e.value)") if shot.values else []
    said = f"; offers: {', '.join(shown)}" if shown else ""
    return f"{shot.item} → {target} ({size[0]}x{size[1]} px{sideways}{said})"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--into", type=Path, required=True, help="folder for the PNG files")
    parser.add_argument("--release", type=Path, default=ROOT / "out")
    parser.add_argument("--collection", type=Path, default=ROOT / "seeds")
    parser.add_argument("--only", nargs="*", help="shot names to take (default: all)")
    args = parser.parse_args()
    args.into.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    command = [sys.executable, "-m", "peacegraph", "serve", "--port", str(port), "--workers", "1"]
    command += ["--release", str(args.release), "--collection", str(args.collection)]
    shots = [s for s in SHOTS if not args.only or s.name in args.only]
    with running(command, port, "/sparql"), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for width in WIDTHS:
            viewport = {"width": width, "height": 900 if width > 600 else 844}
            context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
            page = context.new_page()
            for shot in shots:
                print(take(page, f"http://127.0.0.1:{port}/", shot, width, args.into), flush=True)
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
