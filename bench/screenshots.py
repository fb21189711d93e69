"""Screenshots of each kind of page, at a desktop width (1280 px) and a phone's (390 px), to judge
the design by eye. Not committed: they are written to a folder you name.

    .venv/bin/python bench/screenshots.py --into /tmp/peacegraph-shots            # the static site of out/
    .venv/bin/python bench/screenshots.py --into /tmp/shots --full-page           # whole pages, not the first screen

It writes the static site of the release (``peacegraph site``) into a temporary folder, opens each
page over ``file://`` in Debian's chromium (playwright), and saves ``<page>-<width>.png``. It also
prints each page's height and whether it scrolls sideways.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "browse": "index.html",
    "document-sochi": "id/document/civil-society-statement-on-sochi-2018.html",
    "document-resolution": "id/document/unscr-2254.html",
    "organization": "id/organization/baytna-syria.html",
    "organization-issg": "id/organization/issg.html",
    "organization-targeted": "id/organization/government-of-syria.html",
    "person-kerry": "id/person/john-kerry.html",
    "person": "id/person/robert-stephen-ford.html",
    "event": "id/event/issg-meeting-2015-10-30-vienna.html",
    "series": "id/event/issg-meetings.html",
    "place": "id/place/aleppo.html",
    "places-map": "id/place/index.html",
    "place-country": "id/place/syria.html",
    "topic": "id/topic/political-process.html",
    "position": "id/position/civil-society-statement-on-sochi-2018-sochi-legitimizes-assad-regime.html",
    "positions-explorer": "id/position/index.html",
    "positions-explorer-target": "id/position/index.html?target=Government+of+Syria",
    "positions-explorer-empty": "id/position/index.html?q=no+such+words+anywhere",
    "documents": "id/document/index.html",
    "organizations": "id/organization/index.html",
    "search": "search.html?q=baytna",
    "timeline": "timeline.html",
    "dataset": "dataset.html",
}
WIDTHS = (1280, 390)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, required=True, help="folder for the PNG files")
    parser.add_argument("--release", type=Path, default=ROOT / "out")
    parser.add_argument("--collection", type=Path, default=ROOT / "seeds")
    parser.add_argument("--full-page", action="store_true", help="capture whole pages")
    parser.add_argument("--only", nargs="*", help="page names to capture (default: all)")
    parser.add_argument("--dark", action="store_true", help="as a system in dark mode shows them (-dark.png)")
    parser.add_argument("--print", action="store_true", help="as printed, whole pages (-print.png)")
    args = parser.parse_args()
    args.into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="peacegraph-shots-") as tmp:
        site = Path(tmp) / "site"
        command = [sys.executable, "-m", "peacegraph", "site", "--out", str(site)]
        subprocess.run([*command, "--release", str(args.release), "--collection", str(args.collection)], check=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            for width in WIDTHS:
                scheme = "dark" if args.dark else "light"
                viewport = {"width": width, "height": 900 if width > 600 else 844}
                context = browser.new_context(viewport=viewport, color_scheme=scheme)
                page = context.new_page()
                for name, path in PAGES.items():
                    if args.only and name not in args.only:
                        continue
                    page.goto((site / path.split("?")[0]).as_uri() + ("?" + path.split("?")[1] if "?" in path else ""))
                    page.wait_for_timeout(150)
                    if args.print:
                        page.emulate_media(media="print")
                    size = page.evaluate(
                        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
                    )
                    variant = "-dark" if args.dark else "-print" if args.print else ""
                    target = args.into / f"{name}-{width}{variant}.png"
                    page.screenshot(path=target, full_page=args.full_page or args.print)
                    sideways = " SCROLLS SIDEWAYS" if size[0] > width else ""
                    print(f"{target.name}: {size[0]}x{size[1]} px{sideways}")
                context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
