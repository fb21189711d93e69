"""A static site of the identifiers' pages, for any static host (``peacegraph site``).

The site holds, for every identifier ``id/<kind>/<key>``, the same page the server renders
(``.html``) and the same RDF (``.ttl``, ``.nt``, ``.jsonld``); the ontology in the same four
formats; the pages for finding things (``index.html``, the lists ``id/<kind>/index.html`` with
their CSV and JSON, ``search.html`` over ``search-index.js``, ``timeline.html``, ``dataset.html``),
``sitemap.xml`` and ``robots.txt``; the saved queries; the files of the release; and ``.htaccess``
redirect rules for Apache httpd, the server w3id.org itself runs. With them each identifier
answers ``303 See Other`` to the document in the format the ``Accept`` header names (HTML
otherwise), and an auxiliary node (``…/position/<key>/evidence``) to its owner's document. Pages
link to each other by relative ``.html`` paths, so the site also works on a host without the
rules, below any path, and straight from disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..query import store
from ..query.saved import SavedQuery, saved_queries
from ..rdf.formats import Format
from ..release.outdir import ONTOLOGY_FILE
from . import boundaries, describe, finding
from . import render as pages
from .catalog import Catalog
from .dataset import changelog_of, citation_of_release, published

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = ("peacegraph.css", "peacegraph.js")
_IDENTIFIER = r"id/[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*"


def files(release: Path, seeds: Path | None, queries: Path | None = None) -> Iterator[tuple[str, bytes]]:
    """Every file of the site: its path below the site's root, and its bytes."""
    st = store.open_store(release)
    catalog = Catalog(st, boundaries.of_release(release))
    names = describe.release_files(release)
    about = published(release)
    citation = citation_of_release(release)

    def linker(page: str) -> pages.Linker:
        return pages.Linker(page, static=True, release=names, published=about)

    for ident in describe.walk_identifiers(st):
        page = f"id/{ident.path}"
        html = pages.render_entity(st, catalog, ident, linker(page), seeds, citation)
        yield f"{page}.html", html.encode("utf-8")
        for fmt, data in describe.rdf_all(st, ident.owner).items():
            yield f"{page}.{fmt.extension}", data
    yield from _finding(catalog, linker, release, saved_queries(queries))
    yield from _ontology(release / ONTOLOGY_FILE, linker("ontology"))
    for name in names:
        yield name, (release / name).read_bytes()
    for name in STATIC_FILES:
        yield f"static/{name}", (STATIC / name).read_bytes()
    yield ".htaccess", htaccess().encode("utf-8")


def _finding(
    catalog: Catalog, linker: Callable[[str], pages.Linker], release: Path, queries: list[SavedQuery]
) -> Iterator[tuple[str, bytes]]:
    """The pages for finding things: where to start, the lists, search, timeline, the dataset page."""
    for page in ("index", "id/index"):
        yield f"{page}.html", pages.render_listing(catalog, linker(page)).encode("utf-8")
    for kind in finding.LIST_KINDS:  # every kind, even one with nothing yet: the pages link to each
        page = f"id/{kind}/index"
        listing = finding.Lists(catalog, linker(page)).kind_list(kind)
        yield f"{page}.html", pages.render_kind_list(catalog, linker(page), kind, queries, listing).encode("utf-8")
        yield f"id/{kind}.csv", finding.list_csv(listing)
        yield f"id/{kind}.json", finding.list_json(listing)
    yield "search.html", pages.render_search(linker("search")).encode("utf-8")
    yield "search-index.js", finding.search_index(catalog)
    yield "timeline.html", pages.render_timeline(catalog, linker("timeline")).encode("utf-8")
    dataset = pages.dataset_page(catalog, release, changelog_of(release), linker("dataset"))
    yield "dataset.html", dataset.encode("utf-8")
    yield "sitemap.xml", pages.sitemap(catalog)
    yield "robots.txt", pages.robots()
    for query in queries:
        yield f"queries/{query.name}.rq", query.text.encode("utf-8")


def _ontology(path: Path, linker: pages.Linker) -> Iterator[tuple[str, bytes]]:
    ontology = describe.ontology_store(path)
    yield "ontology.html", pages.render_ontology(ontology, linker).encode("utf-8")
    for fmt in (Format.NTRIPLES, Format.JSONLD):
        yield f"ontology.{fmt.extension}", describe.ontology_rdf(ontology, fmt)


def _pattern(media_type: str) -> str:
    return media_type.replace(".", r"\.").replace("+", r"\+")


def _negotiated(pattern: str, target: str, default: str, prefix: str, flags: str = "R=303,L") -> list[str]:
    """Rules sending ``pattern`` to ``prefix`` + ``target`` with the extension the Accept header names, else
    to ``prefix`` + ``default``."""
    lines = []
    for fmt in Format:
        lines.append(f"RewriteCond %{{HTTP_ACCEPT}} {_pattern(fmt.media_type)}")
        lines.append(f"RewriteRule {pattern} {prefix}{target.format(ext=fmt.extension)} [{flags}]")
    lines.append(f"RewriteRule {pattern} {prefix}{default} [{flags}]")
    return lines


def see_other_rules(prefix: str) -> list[str]:
    """The 303 See Other rules from each identifier and stable path to a document about it below ``prefix``
    (a URL, or ``%{ENV:BASE}``): the site's own, and those w3id.org runs for a collection (``web/w3id.py``)."""
    return [
        "# An auxiliary node (…/id/<kind>/<key>/<part>) is described in its owner's document.",
        *_negotiated(f"^({_IDENTIFIER})/(.+)$", "$1.{ext}", "$1.html#$2", prefix, flags="R=303,NE,L"),
        "",
        "# An identifier, and the ontology.",
        *_negotiated(f"^({_IDENTIFIER}|ontology)$", "$1.{ext}", "$1.html", prefix),
        "",
        "# The dataset: a dump, or its page.",
        *_negotiated("^dataset$", "peacegraph.{ext}", "dataset.html", prefix),
        "",
        "# The pages for finding things.",
        f"RewriteRule ^(search|timeline)$ {prefix}$1.html [R=303,L]",
        "",
        f"RewriteRule ^shapes$ {prefix}shapes.ttl [R=303,L]",
    ]


def htaccess() -> str:
    """Redirect rules for Apache httpd: 303 See Other from each identifier to a document about it."""
    rules = [
        "# Written by `peacegraph site`. Redirect rules for Apache httpd (as on w3id.org): each identifier",
        "# answers 303 See Other with the document in the format the Accept header names, else HTML.",
        "# Needs mod_rewrite and `AllowOverride All`; works at the root of a host or below any path.",
        "Options -MultiViews",
        "DirectoryIndex index.html",
        *(f"AddType {fmt.media_type} .{fmt.extension}" for fmt in Format),
        "AddType text/csv .csv",
        "AddType application/x-yaml .cff",
        "AddType application/gzip .gz",
        "RemoveEncoding .gz",
        "AddCharset utf-8 .html .csv .cff " + " ".join(f".{fmt.extension}" for fmt in Format),
        "<IfModule mod_headers.c>",
        '  Header set Access-Control-Allow-Origin "*"',
        "  # a release never changes under its version: keep for an hour, then revalidate (ETag)",
        '  Header set Cache-Control "public, max-age=3600"',
        "</IfModule>",
        "<IfModule mod_deflate.c>",
        "  AddOutputFilterByType DEFLATE text/html text/css text/javascript text/csv application/json "
        + " ".join(sorted({fmt.media_type for fmt in Format})),
        "</IfModule>",
        "RewriteEngine On",
        "",
        "# BASE: the URL path of this directory, so that redirects stay below it.",
        "RewriteCond %{REQUEST_URI}::$1 ^(.*?/)(.*)::\\2$",
        "RewriteRule ^(.*)$ - [E=BASE:%1]",
        "",
        *see_other_rules("%{ENV:BASE}"),
    ]
    return "\n".join(rules) + "\n"


def write(release: Path, out: Path, seeds: Path | None, queries: Path | None = None) -> int:
    """Write the site of ``release`` into ``out`` (files already there are overwritten, others kept);
    return the number of files written."""
    count = 0
    folders: set[Path] = set()
    for name, data in files(release, seeds, queries):
        target = out / name
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        # a release file written into the release itself (``--out`` the release folder) stays as it is
        if "/" in name or target.resolve() != (release / name).resolve():
            target.write_bytes(data)
        count += 1
    return count
