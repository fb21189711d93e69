"""The pages people read, over HTTP from the real server and from the static site: profiles that
speak in human labels, lists downloadable as CSV and JSON, the dataset page with every file's size
and checksum, the search index, the sitemap; and pages that survive data in other shapes
(language-tagged names, dates given only as bounds, positions quoted from another document)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from peacegraph.pages import dataset, finding
from peacegraph.pages import render as pages
from peacegraph.pages.catalog import Catalog
from peacegraph.pages.describe import Identifier
from peacegraph.query import store
from peacegraph.rdf.namespaces import PG, PROV, SCHEMA

from ..conftest import SEEDS, select
from ..syria import ID
from .test_site import parsed

SOCHI = "id/document/civil-society-statement-on-sochi-2018"


@pytest.fixture(scope="module")
def base(release_server: str) -> str:
    return release_server


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as http:
        yield http


def visible_profile(html: str) -> str:
    """The text of a page before its folded raw statements, without tags and scripts."""
    html = html.split('<section class="raw"', 1)[0]
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_a_document_page_speaks_in_human_labels(client: httpx.Client) -> None:
    html = client.get("/" + SOCHI).text
    text = visible_profile(html)
    for label in ("Positions in this document", "Signatories", "Signed by", "Cites", "Source text"):
        assert label in text
    for noise in ("schema:", "pg:", "xsd:", "^^", "003_4e26f0f3ec9af921.txt"):
        assert noise not in text, noise
    signatories = html.split('id="signatories"')[1].split("</section>")[0]
    assert visible_profile(signatories).count("Kesh Malek") == 1, "each signatory once"
    assert html.index('id="positions"') < html.index('id="signatories"') < html.index('id="source-text"')
    assert "<details>" in html.split('<section class="raw"', 1)[1], "raw statements are folded"


def test_a_position_names_its_source_by_title(client: httpx.Client) -> None:
    html = client.get("/id/position/civil-society-statement-on-sochi-2018-sochi-legitimizes-assad-regime").text
    note = re.search(r'<p class="source-note">(.*?)</p>', html, re.S)
    assert note is not None
    assert "Sochi Conference Threatens Syria Peace Process" in note[1]
    assert ".txt" not in note[1]


def test_each_page_embeds_its_json_ld_and_a_canonical_link(client: httpx.Client) -> None:
    html = client.get("/id/organization/al-nusra-front").text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert data["@id"] == ID + "organization/al-nusra-front"
    assert "Jabhat al-Nusra" in data["alternateName"]
    assert '<link rel="canonical" href="https://w3id.org/peacegraph/id/organization/al-nusra-front">' in html


@pytest.mark.parametrize("kind", finding.LIST_KINDS)
def test_every_list_downloads_as_csv_and_json(client: httpx.Client, out_dir: Path, kind: str) -> None:
    expected = {e.iri for e in Catalog(store.open_store(out_dir)).of_kind(kind)}
    page = client.get(f"/id/{kind}/")
    assert page.status_code == 200
    assert f'href="/id/{kind}.csv"' in page.text
    assert page.text.count("<tr data-date=") == len(expected)
    table = client.get(f"/id/{kind}.csv")
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert {row["iri"] for row in rows} == expected
    listing = client.get(f"/id/{kind}.json").json()
    assert listing["count"] == len(expected)
    assert {row["iri"] for row in listing["rows"]} == expected


def test_unknown_lists_are_not_found(client: httpx.Client) -> None:
    assert client.get("/id/spaceship/").status_code == 404
    assert client.get("/id/organization.exe").status_code == 404
    assert client.get("/id/organization.csv/").status_code == 404


def test_the_dataset_page_lists_every_file_with_its_checksum(client: httpx.Client, out_dir: Path) -> None:
    html = client.get("/dataset", headers={"accept": "text/html"}).text
    for line in (out_dir / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert digest in html
        size = (out_dir / name).stat().st_size
        assert f"{size:,} bytes" in html
    embedded = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert embedded == json.loads((out_dir / "dataset.jsonld").read_text())
    assert "@misc{peacegraph_" in html
    assert '"type": "dataset"' in html.replace("&#34;", '"')
    assert "https://w3id.org/peacegraph/sparql" in html


def test_sitemap_and_robots(client: httpx.Client, out_dir: Path) -> None:
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {node.text for node in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert ID + "organization/baytna-syria" in locations
    assert all(loc and loc.startswith("https://w3id.org/peacegraph/") for loc in locations)
    robots = client.get("/robots.txt").text
    assert "Sitemap: https://w3id.org/peacegraph/sitemap.xml" in robots


def test_the_search_index_holds_names_alternate_names_and_quotes(client: httpx.Client) -> None:
    script = client.get("/search-index.js")
    assert script.headers["content-type"].startswith("text/javascript")
    body = script.text.removeprefix("window.peacegraphSearch = ").rstrip().removesuffix(";")
    entries = {entry[0]: entry for entry in json.loads(body)["entries"]}
    nusra = entries["id/organization/al-nusra-front"]
    assert nusra[1] == "al-Nusra Front"
    assert "Jabhat al-Nusra" in nusra[2]
    position = entries["id/position/civil-society-statement-on-sochi-2018-sochi-legitimizes-assad-regime"]
    assert "legitimacy to the Assad regime" in position[5]


def test_pages_read_data_in_other_shapes(out_dir: Path) -> None:
    """Names in several languages, a date given only by its bounds, a position quoted from another
    document: the pages pick the English name, sort by the earliest bound, name the original."""
    st = store.open_store(out_dir)
    org = NamedNode(ID + "organization/baytna-syria")
    for quad in list(st.quads_for_pattern(org, NamedNode(SCHEMA + "name"), None)):
        st.remove(quad)
    st.add(Quad(org, NamedNode(SCHEMA + "name"), Literal("بيتنا سوريا", language="ar")))
    st.add(Quad(org, NamedNode(SCHEMA + "name"), Literal("Baytna Syria", language="en")))
    event = NamedNode(ID + "event/issg-meeting-2015-10-30-vienna")
    for quad in list(st.quads_for_pattern(event, NamedNode(SCHEMA + "startDate"), None)):
        st.remove(quad)
    st.add(Quad(event, NamedNode(PG + "earliestDate"), Literal("2015-10-29")))
    st.add(Quad(event, NamedNode(PG + "latestDate"), Literal("2015-10-31")))
    position = NamedNode(ID + "position/civil-society-statement-on-sochi-2018-sochi-legitimizes-assad-regime")
    st.add(Quad(position, NamedNode(PROV + "wasQuotedFrom"), NamedNode(ID + "document/unscr-2254")))
    catalog = Catalog(st)
    assert catalog.entities[org.value].name == "Baytna Syria"
    assert "بيتنا سوريا" in catalog.entities[org.value].alternate_names
    assert catalog.entities[event.value].date == "2015-10-29"
    assert catalog.shown_date(event.value) == "between 2015-10-29 and 2015-10-31"
    linker = pages.Linker("x", static=False)
    ident = Identifier("position", "civil-society-statement-on-sochi-2018-sochi-legitimizes-assad-regime")
    html = pages.render_entity(st, catalog, ident, linker, SEEDS)
    assert "Originally in" in html
    assert "/id/document/unscr-2254" in html
    original = pages.render_entity(st, catalog, Identifier("document", "unscr-2254"), linker, SEEDS)
    assert "Positions quoted from this document" in original
    assert "<h1>" in pages.render_entity(st, catalog, Identifier("organization", "baytna-syria"), linker, SEEDS)
    meeting = pages.render_entity(st, catalog, Identifier("event", "issg-meeting-2015-10-30-vienna"), linker, SEEDS)
    assert "between 2015-10-29 and 2015-10-31" in meeting


def test_the_static_site_has_the_same_finding_pages(tmp_path: Path, out_dir: Path) -> None:
    from click.testing import CliRunner

    from peacegraph.cli import main

    site = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["site", "--out", str(site), "--release", str(out_dir), "--collection", str(SEEDS)]
    )
    assert result.exit_code == 0, result.output
    for name in ("search.html", "timeline.html", "dataset.html", "sitemap.xml", "robots.txt", "search-index.js"):
        assert (site / name).is_file(), name
    for kind in finding.LIST_KINDS:
        assert (site / "id" / kind / "index.html").is_file()
        assert (site / "id" / f"{kind}.csv").is_file()
        assert (site / "id" / f"{kind}.json").is_file()
    explorer = (site / "id/position/index.html").read_text()
    assert 'href="../../queries/positions-on-topic.rq"' in explorer
    assert (site / "queries/positions-on-topic.rq").is_file()


def test_every_link_to_a_place_in_a_page_of_the_real_site_lands_on_it(tmp_path: Path, out_dir: Path) -> None:
    """Links such as ``issg#member/org-…`` (a membership on its group's page) name an element that is there."""
    from click.testing import CliRunner

    from peacegraph.cli import main

    site = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["site", "--out", str(site), "--release", str(out_dir), "--collection", str(SEEDS)]
    )
    assert result.exit_code == 0, result.output
    ids: dict[Path, set[str]] = {}
    broken, checked = [], 0
    for page in sorted(site.rglob("*.html")):
        for link in parsed(page).links:
            parts = urlsplit(link)
            if parts.scheme or not parts.fragment:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            checked += 1
            if target not in ids:
                ids[target] = parsed(target).ids if target.is_file() else set()
            if unquote(parts.fragment) not in ids[target]:
                broken.append(f"{page.relative_to(site)} → {link}")
    assert broken == []
    assert checked > 500


def test_list_downloads_are_safe_in_a_spreadsheet(mini_seeds: Path, tmp_path: Path) -> None:
    """A name that a spreadsheet would run as a formula is written as text."""
    from peacegraph import pipeline

    records = mini_seeds / "records" / "mini.yaml"
    hostile = "=HYPERLINK('http://evil.example/','click')"
    records.write_text(
        records.read_text(encoding="utf-8").replace('name: "Beta Network"', f'name: "{hostile}"'), encoding="utf-8"
    )
    out = tmp_path / "out"
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=out))
    catalog = Catalog(store.open_store(out))
    listing = finding.Lists(catalog, pages.Linker("id/organization/", static=False)).kind_list("organization")
    rows = list(csv.reader(io.StringIO(finding.list_csv(listing).decode("utf-8"))))
    names = [row[1] for row in rows[1:]]
    assert "'" + hostile in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
    data = json.loads(finding.list_json(listing))
    assert hostile in [row["name"] for row in data["rows"]], "JSON keeps the name as it is"


def test_an_entity_shows_what_was_said_about_or_asked_of_it(client: httpx.Client, real_store: Store) -> None:
    """Every position that targets an identifier is on its page, grouped by stance, with holders and dates."""
    most = "SELECT ?t (COUNT(?p) AS ?n) WHERE { ?p pg:target ?t } GROUP BY ?t ORDER BY DESC(?n) LIMIT 1"
    rows = select(real_store, most)
    target, count = rows[0][0] or "", int(rows[0][1] or 0)
    html = client.get("/" + target.removeprefix(ID.removesuffix("id/"))).text
    panel = html.split('id="targeted-by"')[1].split("</section>")[0]
    assert panel.count("<tr") == count + 1
    assert "by stance:" in panel
    stances = re.findall(r'<tr data-stance="([^"]*)"', panel)
    assert [s for s, _ in itertools.groupby(stances)] == list(dict.fromkeys(stances)), "grouped by stance"
    assert '<th scope="col">Held by</th>' in panel
    assert '<th scope="col">Date</th>' in panel


def test_a_signatory_list_marks_who_also_signed_elsewhere(client: httpx.Client) -> None:
    html = client.get("/" + SOCHI).text
    listed = html.split('id="signatories"')[1].split("</section>")[0]
    marked = re.findall(r"also signed (\d+) other document", listed)
    assert marked
    table = html.split('id="signed-elsewhere"')[1].split("</section>")[0]
    assert table.count("<tr") == len(marked) + 1
    assert "/id/document/" in table


def test_pages_are_compressed_with_validators_and_sparql_is_left_alone(client: httpx.Client) -> None:
    page = client.get("/id/position/", headers={"accept-encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert int(page.headers["content-length"]) < len(page.content) / 4, "the explorer shrinks at least fourfold"
    assert page.headers["cache-control"] == "public, max-age=3600"
    etag = page.headers["etag"]
    assert etag.startswith('W/"')
    again = client.get("/id/position/", headers={"if-none-match": etag, "accept-encoding": "gzip"})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    plain = client.get("/id/position/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["etag"] == etag, "one ETag for both forms (a weak one)"
    answer = client.get(
        "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 200"}, headers={"accept-encoding": "gzip"}
    )
    assert answer.status_code == 200
    assert "content-encoding" not in answer.headers
    assert "etag" not in answer.headers


def test_the_front_page_is_the_browse_page_and_the_editor_has_its_own(client: httpx.Client) -> None:
    front = client.get("/")
    assert front.status_code == 200
    assert "<h1>peacegraph: the Syria peace process as linked data</h1>" in front.text
    assert 'href="/sparql-editor"' in front.text
    old = client.get("/?tab=positions-on-topic")
    assert old.status_code == 301
    assert old.headers["location"] == "/sparql-editor?tab=positions-on-topic"
    editor = client.get("/sparql-editor").text
    assert 'id="saved-queries"' in editor
    assert client.get("/sparql", headers={"accept": "text/html"}).headers["location"] == "/sparql-editor"


def test_the_changelog_is_rendered_and_its_html_is_not_run(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(
        "# Changelog\n\nReleases of `out/`.\n\n## 1.0.0 (2026-01-01)\n\n- one `pg:Person` more <script>x</script>\n\n"
        "| class | added |\n|---|---|\n| `pg:Person` | 1 |\n",
        encoding="utf-8",
    )
    html = dataset.changelog_html(changelog)
    assert "<h1" not in html
    assert "Changelog" not in html, "the page has its own heading"
    assert '<h3 id="100-2026-01-01">1.0.0 (2026-01-01)</h3>' in html
    assert "<code>pg:Person</code>" in html
    assert "<table>" in html
    assert "`" not in html
    assert "<script>" not in html


def test_sizes_read_as_people_read_them() -> None:
    assert [dataset.human_size(n) for n in (0, 999, 1000, 212_345, 3_612_245, 2_000_000_000)] == [
        "0 bytes",
        "999 bytes",
        "1.0 kB",
        "212.3 kB",
        "3.6 MB",
        "2.0 GB",
    ]
