"""`peacegraph site`: the same pages and RDF as the server, as static files whose links all resolve,
and `.htaccess` rules that Apache httpd (Debian's apache2, started for real) turns into 303 See
Other redirects by the Accept header, at the root of a host and below a path."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import NamedNode

from peacegraph import pipeline
from peacegraph.cli import main
from peacegraph.pages import render as pages
from peacegraph.pages.catalog import Catalog
from peacegraph.pages.describe import Identifier
from peacegraph.query import store

from ..conftest import MINI
from ..live import serving
from ..servers import free_port

APACHE = "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
ID = "https://w3id.org/peacegraph/id/"
ACCEPT = {
    "text/turtle": ".ttl",
    "application/n-triples": ".nt",
    "application/ld+json": ".jsonld",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": ".html",
    "*/*": ".html",
}


@pytest.fixture(scope="module")
def release(mini_built: pipeline.BuildResult) -> Path:
    return next(iter(mini_built.files.values())).parent


@pytest.fixture(scope="module")
def site(release: Path) -> Iterator[Path]:
    """The site, in a directory every user may read (Apache serves it as an unprivileged user)."""
    root = Path(tempfile.mkdtemp(prefix="peacegraph-site-"))
    try:
        target = root / "site"
        args = ["site", "--out", str(target), "--release", str(release), "--collection", str(MINI / "seeds")]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield target
    finally:
        shutil.rmtree(root)


class Links(HTMLParser):
    """A page's links and anchors, and the text of its ``<main>``."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.in_main = False

    def handle_endtag(self, tag: str) -> None:
        self.in_main = self.in_main and tag != "main"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_main = self.in_main or tag == "main"
        found = dict(attrs)
        for name in ("href", "src"):
            if found.get(name):
                self.links.append(str(found[name]))
        if found.get("id"):
            self.ids.add(str(found["id"]))

    def handle_data(self, data: str) -> None:
        if self.in_main:
            self.text.append(data)


def parsed(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_identifier_has_a_page_and_its_rdf(site: Path, release: Path) -> None:
    st = store.open_store(release)
    subjects = {q.subject.value for q in st.quads_for_pattern(None, None, None) if isinstance(q.subject, NamedNode)}
    owners = {Identifier.parse(s[len(ID) :]) for s in subjects if s.startswith(ID)}
    assert {i.path for i in owners if i is not None} >= {"organization/alpha-group", "position/mini-statement-1"}
    for ident in owners:
        assert ident is not None
        for extension in (".html", ".ttl", ".nt", ".jsonld"):
            assert (site / "id" / (ident.path + extension)).is_file(), ident.path + extension
    for name in ("index.html", "ontology.html", "ontology.nt", "ontology.jsonld", ".htaccess", "peacegraph.ttl"):
        assert (site / name).is_file(), name


def test_every_link_between_the_static_pages_resolves(site: Path) -> None:
    broken, checked = [], 0
    for page in site.rglob("*.html"):
        links = parsed(page)
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            checked += 1
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} → {link}")
            elif parts.fragment and unquote(parts.fragment) not in parsed(target).ids:
                broken.append(f"{page.relative_to(site)} → {link} (no such anchor)")
    assert broken == []
    assert checked > 200


def test_the_static_files_are_what_the_server_serves(site: Path, release: Path, tmp_path: Path) -> None:
    with serving(release, tmp_path / "serve.log", "--collection", str(MINI / "seeds")) as base:
        for path in ("id/organization/alpha-group", "id/position/mini-statement-1", "id/document/mini-statement"):
            for extension in (".ttl", ".nt", ".jsonld"):
                served = httpx.get(base + path + extension)
                assert served.content == (site / (path + extension)).read_bytes(), path + extension
            served_page = Links()
            served_page.feed(httpx.get(base + path + ".html").text)
            assert served_page.text == parsed(site / (path + ".html")).text, "the pages read the same"


def test_page_text_is_escaped(mini_seeds: Path, tmp_path: Path) -> None:
    records = mini_seeds / "records" / "mini.yaml"
    text = records.read_text(encoding="utf-8").replace('name: "Beta Network"', 'name: "<script>alert(1)</script>"')
    records.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=out))
    st = store.open_store(out)
    ident = Identifier("organization", "beta-network")
    linker = pages.Linker("id/organization/beta-network", static=True)
    html = pages.render_entity(st, Catalog(st), ident, linker, None)
    assert "<script>" not in html
    assert "\\u003cscript\\u003ealert(1)" in html, "the embedded JSON-LD cannot end its script early"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- the redirect rules, under Apache httpd --------------------------------------------------------

CONFIG = """\
ServerRoot "{root}"
DefaultRuntimeDir "{root}"
PidFile "{root}/httpd.pid"
ErrorLog "{root}/error.log"
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule dir_module {modules}/mod_dir.so
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule filter_module {modules}/mod_filter.so
LoadModule deflate_module {modules}/mod_deflate.so
{user}
TypesConfig /etc/mime.types
DocumentRoot "{docroot}"
<Directory "/">
  AllowOverride None
  Require all denied
</Directory>
<Directory "{docroot}">
  AllowOverride All
  Require all granted
</Directory>
"""


@contextlib.contextmanager
def apache(docroot: Path) -> Iterator[str]:
    root = Path(tempfile.mkdtemp(prefix="peacegraph-httpd-"))
    port = free_port()
    user = "User nobody\nGroup nogroup" if os.geteuid() == 0 else ""
    config = root / "httpd.conf"
    config.write_text(CONFIG.format(root=root, port=port, modules=MODULES, user=user, docroot=docroot))
    process = subprocess.Popen([APACHE, "-f", str(config), "-DFOREGROUND"], stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=5)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"apache2 did not start: {(root / 'error.log').read_text()}") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(root)


@pytest.fixture(scope="module", params=["", "peacegraph/"], ids=["at the root", "below a path"])
def hosted(request: pytest.FixtureRequest, site: Path) -> Iterator[str]:
    """The site's URL under Apache httpd, at the root of the host or below a path."""
    below: str = request.param
    docroot = site.parent / "docroot"
    if docroot.exists():
        shutil.rmtree(docroot)
    shutil.copytree(site, docroot / below if below else docroot)
    for path in [docroot, *docroot.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    with apache(docroot) as url:
        yield url + below


def test_a_hosted_site_is_compressed_and_cached(hosted: str) -> None:
    page = httpx.get(hosted + "id/organization/alpha-group.html", headers={"accept-encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["cache-control"] == "public, max-age=3600"
    assert page.headers["etag"]  # (httpd adds -gzip to it, and then cannot revalidate it: its bug 45023)
    plain = httpx.get(hosted + "id/organization/alpha-group.html", headers={"accept-encoding": "identity"})
    again = httpx.get(
        hosted + "id/organization/alpha-group.html",
        headers={"if-none-match": plain.headers["etag"], "accept-encoding": "identity"},
    )
    assert again.status_code == 304
    dump = httpx.get(hosted + "peacegraph.nt.gz", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in dump.headers, "a gzipped file is sent as it is"


def see_other(url: str, accept: str) -> str:
    response = httpx.get(url, headers={"accept": accept})
    assert response.status_code == 303, (url, accept, response.status_code)
    return response.headers["location"]


@pytest.mark.parametrize("accept", sorted(ACCEPT))
def test_an_identifier_sees_other_by_accept_header(hosted: str, accept: str, site: Path) -> None:
    location = see_other(hosted + "id/organization/alpha-group", accept)
    assert location == hosted + "id/organization/alpha-group" + ACCEPT[accept]
    document = httpx.get(location)
    assert document.status_code == 200
    assert document.content == (site / ("id/organization/alpha-group" + ACCEPT[accept])).read_bytes()
    media_type = "text/html" if ACCEPT[accept] == ".html" else accept
    assert document.headers["content-type"].split(";")[0] == media_type
    if media_type != "text/html":
        graph = rdflib.Graph().parse(data=document.content, format=media_type)
        assert (rdflib.URIRef(ID + "organization/alpha-group"), None, None) in graph


def test_an_auxiliary_node_sees_its_owner(hosted: str) -> None:
    path = "id/position/mini-statement-1"
    assert see_other(hosted + path + "/evidence/quote", "text/html") == hosted + path + ".html#evidence/quote"
    assert see_other(hosted + path + "/evidence", "text/turtle") == hosted + path + ".ttl"


@pytest.mark.parametrize(
    ("path", "accept", "target"),
    [
        ("ontology", "text/turtle", "ontology.ttl"),
        ("ontology", "text/html", "ontology.html"),
        ("dataset", "application/n-triples", "peacegraph.nt"),
        ("dataset", "text/html", "dataset.html"),
        ("shapes", "*/*", "shapes.ttl"),
        ("timeline", "text/html", "timeline.html"),
        ("search", "*/*", "search.html"),
    ],
)
def test_the_ontology_dataset_and_shapes_see_other(hosted: str, path: str, accept: str, target: str) -> None:
    location = see_other(hosted + path, accept)
    assert location == hosted + target
    assert httpx.get(location).status_code == 200


def test_rdf_may_be_fetched_from_other_origins(hosted: str) -> None:
    response = httpx.get(hosted + "id/organization/alpha-group.jsonld")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["content-type"].startswith("application/ld+json")


def test_the_redirect_rules_name_every_rdf_format() -> None:
    from peacegraph.pages.site import htaccess
    from peacegraph.rdf.formats import Format

    rules = htaccess()
    for fmt in Format:
        assert re.search(rf"RewriteRule .* %{{ENV:BASE}}\$1\.{fmt.extension} \[R=303", rules), fmt


def test_a_deprecated_identifier_says_what_replaces_it(mini_seeds: Path, tmp_path: Path) -> None:
    records = mini_seeds / "records" / "mini.yaml"
    records.write_text(
        records.read_text(encoding="utf-8")
        + """
deprecated:
  - ref: org:alpha-collective
    label: "Alpha Collective"
    replaced_by: org:alpha-group
    note: "Merged: the same group was curated twice."
  - iri: https://w3id.org/peacegraph/id/person/jane-envoy/role/envoy
    label: "Jane Envoy as envoy"
    note: "Removed: the source does not state this role."
""",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=out))
    site = tmp_path / "site"
    assert CliRunner().invoke(main, ["site", "--out", str(site), "--release", str(out)]).exit_code == 0
    merged = parsed(site / "id/organization/alpha-collective.html")
    text = " ".join(merged.text)
    assert "This identifier is deprecated." in text
    assert "Merged: the same group was curated twice." in text
    assert "../../id/organization/alpha-group.html" in merged.links
    person = parsed(site / "id/person/jane-envoy.html")
    assert "role/envoy" in person.ids
    assert "Removed: the source does not state this role." in " ".join(person.text)
