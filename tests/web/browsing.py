"""A real browser for the tests: Debian's chromium driven by playwright, and a page that may fetch
nothing but what it is given and may report no errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
#: The widths every page is tested at: a desktop's and a phone's.
WIDTHS = {"desktop": 1280, "phone": 390}
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Watched:
    """A page that blocks and records requests to anywhere but ``base``, and records errors.

    ``files`` are served as if the server had them (paths below ``base``), so that a test can add a
    script such as axe-core while the pages' Content-Security-Policy stays on.
    """

    def __init__(self, context: BrowserContext, base: str, files: Mapping[str, Path] | None = None):
        self.page: Page = context.new_page()
        self.base = base
        self.files = dict(files or {})
        self.elsewhere: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route: Route) -> None:
        url = route.request.url
        local = url.removeprefix(self.base) if url.startswith(self.base) else None
        if local in self.files:
            route.fulfill(body=self.files[local].read_bytes(), content_type="text/javascript")
        elif local is not None or url.startswith("data:"):
            route.continue_()
        else:
            self.elsewhere.append(url)
            route.abort()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def check(self) -> None:
        assert self.elsewhere == [], "the page fetched from elsewhere"
        assert self.errors == [], f"the browser reported errors: {self.errors}"
