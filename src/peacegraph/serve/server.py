"""The local SPARQL endpoint and the pages of our identifiers, over a built release (``peacegraph serve``).

HTTP stack: Starlette on uvicorn, with httptools (llhttp) on uvloop under it (``transport.py``).
All are small, well kept and widely used, and Starlette brings routing, static files and a thread
pool for blocking work. The stdlib ``http.server`` warns that it only implements basic security
checks and is not meant for production, and werkzeug's development server says the same of itself.
A plain ``GET /sparql?query=…`` is answered by the transport itself (:meth:`protocol.SparqlEndpoint.direct`):
the same bytes, without ASGI messages, middleware or routing, and at once if the answer is kept.

======================================  =========================================================
``GET /``                               the query UI (YASGUI, served from the package) with the
                                        saved queries in tabs
``GET, POST /sparql``                   SPARQL 1.1 Protocol, read-only; queries run in worker
                                        processes with a time and a size limit (``workers.py``)
``GET /id/``                            where to start browsing: the kinds, with counts
``GET /id/<kind>/``                     the list of a kind, sortable and filterable (for positions:
                                        the positions explorer); ``/id/<kind>.csv``, ``.json``
``GET /search``, ``/timeline``          search (over ``/search-index.js``), the timeline
``GET /sitemap.xml``, ``/robots.txt``   for search engines
``GET /id/<kind>/<key>``                an identifier: HTML, Turtle, JSON-LD or N-Triples by the
                                        ``Accept`` header, or by extension (``…/<key>.ttl``)
``GET /id/<kind>/<key>/<part>``         an auxiliary node: 303 See Other to its owner
``GET /ontology``, ``/shapes``          the ontology (HTML or RDF) and the shapes (Turtle)
``GET /dataset``                        the dataset's page, or a dump by the ``Accept`` header
``GET, POST /reconcile``                the Reconciliation Service API for OpenRefine
                                        (``reconciliation.py``)
``GET /peacegraph.ttl``, …              the files of the release (and ``/tables/<name>.csv``)
======================================  =========================================================
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from pyoxigraph import NamedNode
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope

from ..errors import (
    InputError,
    NotAcceptableError,
)
from ..lazy import Once
from ..pages import boundaries, describe, finding
from ..pages import render as pages
from ..pages.catalog import Catalog
from ..pages.dataset import changelog_of, citation_of_release, published
from ..pages.describe import Identifier
from ..pages.links import EDITOR
from ..query import cache
from ..query.saved import saved_queries
from ..rdf.formats import Format
from ..rdf.namespaces import active
from ..reconcile import service as reconciliation
from ..release.files import ONTOLOGY_FILE, SHAPES_FILE
from . import caching, negotiation, transport
from .fair import FairPages
from .protocol import (
    SECURITY_HEADERS,
    SparqlEndpoint,
    accept_of,
    error_response,
    prefers_html,
    quoted,
)
from .settings import ServerSettings
from .workers import QueryPool, Started

STATIC = Path(__file__).resolve().parents[1] / "pages" / "static"
KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this
EXTENSIONS = {"html": None, **{fmt.extension: fmt for fmt in Format}}
#: Media types of the release files that are not RDF (``Format`` knows those).
RELEASE_MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".gz": "application/gzip",
    ".cff": "application/x-yaml; charset=utf-8",
}


class Handlers:
    """The state the pages share: the store, the catalog and search index made from it; and the endpoint."""

    def __init__(self, settings: ServerSettings):
        self.settings = settings
        self.out = Path(settings.out)
        # A large release is read from its on-disk store, which opens at once; what pages need of it
        # (the catalog, the search index) is made when a page first asks, not before the first query.
        self.store = cache.open_folder(self.out, cache.serving_folder(self.out, ontology=True), ontology=True)
        self.queried = cache.serving_folder(self.out)  # the release as published, for the query workers
        self.ontology = describe.ontology_store(self.out / ONTOLOGY_FILE)
        self.release = describe.release_files(self.out)
        self.published = published(self.out)
        self.citation = citation_of_release(self.out)
        self.boundaries = boundaries.of_release(self.out)  # small: a bad regions file stops the start
        self._catalog = Once(lambda: Catalog(self.store, self.boundaries))
        self._search_index = Once(lambda: finding.search_index(self.catalog))
        self.endpoint = SparqlEndpoint(settings)  # the SPARQL Protocol (``protocol.py``)

    @property
    def catalog(self) -> Catalog:
        return self._catalog.get()

    @property
    def search_index(self) -> bytes:
        return self._search_index.get()

    def client_of(self, scope: Scope) -> str:
        """A request's client address, as the per-client limits count it (``clients.py``)."""
        client = scope.get("client")
        return self.endpoint.proxies.client(str(client[0]) if client else "", scope["headers"])

    def linker(self, page: str) -> pages.Linker:
        return pages.Linker(page, static=False, release=self.release, published=self.published)

    # --- SPARQL ----------------------------------------------------------------------------------

    # --- pages -----------------------------------------------------------------------------------

    def query_ui(self, request: Request) -> Response:
        html = pages.render_query_ui(self.linker(EDITOR), saved_queries(self.settings.queries))
        return _html(html)

    def front(self, request: Request) -> Response:
        """The browse page, as in a static site; an old link to a saved query (``/?tab=…``) goes to the editor."""
        if "tab" in request.query_params:
            return RedirectResponse(f"/{EDITOR}?{request.url.query}", status_code=301)
        return _html(pages.render_listing(self.catalog, self.linker("")))

    def listing(self, request: Request) -> Response:
        return _html(pages.render_listing(self.catalog, self.linker("id/")))

    def kind_list(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in finding.LIST_KINDS:
            return self.not_found(request, f"id/{kind}/")
        return _html(
            pages.render_kind_list(self.catalog, self.linker(f"id/{kind}/"), kind, saved_queries(self.settings.queries))
        )

    def kind_download(self, request: Request) -> Response:
        kind, extension = request.path_params["kind"], request.path_params["extension"]
        if kind not in finding.LIST_KINDS or extension not in ("csv", "json"):
            return self.not_found(request, f"id/{kind}.{extension}")
        listing = finding.Lists(self.catalog, self.linker(f"id/{kind}/")).kind_list(kind)
        listing = finding.filtered(listing, request.query_params)
        if extension == "csv":
            return Response(finding.list_csv(listing), media_type="text/csv; charset=utf-8", headers=SECURITY_HEADERS)
        return Response(finding.list_json(listing), media_type="application/json", headers=SECURITY_HEADERS)

    def search(self, request: Request) -> Response:
        return _html(pages.render_search(self.linker("search")))

    def search_script(self, request: Request) -> Response:
        return Response(self.search_index, media_type="text/javascript; charset=utf-8", headers=SECURITY_HEADERS)

    def timeline(self, request: Request) -> Response:
        return _html(pages.render_timeline(self.catalog, self.linker("timeline")))

    def sitemap(self, request: Request) -> Response:
        return Response(pages.sitemap(self.catalog), media_type="application/xml", headers=SECURITY_HEADERS)

    def robots(self, request: Request) -> Response:
        return PlainTextResponse(pages.robots(), headers=SECURITY_HEADERS)

    def identifier(self, request: Request) -> Response:
        path = request.path_params["path"]
        stem, dot, extension = path.rpartition(".") if "." in path.rsplit("/", 1)[-1] else (path, "", "")
        ident = Identifier.parse(stem)
        if ident is None or not describe.exists(self.store, NamedNode(active().id + stem)):
            return self.not_found(request, path)
        if ident.part:
            where = f"/id/{ident.path}" + (f".{extension}" if dot else "") + f"#{ident.part}"
            return RedirectResponse(where, status_code=303)
        return self.negotiate(
            request, extension if dot else None, f"id/{ident.path}", lambda fmt: self.entity(ident, fmt)
        )

    def negotiate(
        self, request: Request, extension: str | None, path: str, represent: Callable[[Format | None], Response]
    ) -> Response:
        """The representation an extension names, or else the one the ``Accept`` header prefers."""
        if extension is not None:
            if extension not in EXTENSIONS:
                return self.not_found(request, f"{path}.{extension}")
            return represent(EXTENSIONS[extension])
        chosen = negotiation.choose(accept_of(request), negotiation.PAGE_OFFERS)
        if chosen is None:
            return error_response(NotAcceptableError("offered as " + ", ".join(negotiation.PAGE_OFFERS)))
        response = represent(chosen[1])
        response.headers["Vary"] = "Accept"
        response.headers["Content-Location"] = f"/{path}.{chosen[1].extension if chosen[1] else 'html'}"
        return response

    def entity(self, ident: Identifier, fmt: Format | None) -> Response:
        if fmt is None:
            linker = self.linker("id/" + ident.path)
            citation = self.citation
            return _html(pages.render_entity(self.store, self.catalog, ident, linker, self.settings.seeds, citation))
        return _rdf(describe.rdf(self.store, ident.owner, fmt), fmt)

    def ontology_page(self, request: Request) -> Response:
        return self.negotiate(request, request.path_params.get("extension"), "ontology", self.ontology_in)

    def ontology_in(self, fmt: Format | None) -> Response:
        if fmt is None:
            return _html(pages.render_ontology(self.ontology, self.linker("ontology")))
        if fmt is Format.TURTLE:
            return _rdf((self.out / ONTOLOGY_FILE).read_bytes(), fmt)
        return _rdf(describe.ontology_rdf(self.ontology, fmt), fmt)

    def shapes(self, request: Request) -> Response:
        return _rdf((self.out / SHAPES_FILE).read_bytes(), Format.TURTLE)

    def dataset(self, request: Request) -> Response:
        def represent(fmt: Format | None) -> Response:
            if fmt is None:
                html = pages.dataset_page(self.catalog, self.out, changelog_of(self.out), self.linker("dataset"))
                return _html(html)
            return self.release_file(fmt.dump_name())

        return self.negotiate(request, None, "dataset", represent)

    def release_file(self, name: str) -> Response:
        try:
            media_type = Format.from_path(Path(name)).media_type
        except ValueError:
            media_type = RELEASE_MEDIA_TYPES.get(Path(name).suffix, "text/plain; charset=utf-8")
        headers = {**SECURITY_HEADERS, "Access-Control-Allow-Origin": "*"}  # e.g. the JSON-LD context, from a page
        return FileResponse(self.out / name, media_type=media_type, headers=headers)

    def release_route(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in self.release:
            return self.not_found(request, name)
        return self.release_file(name)

    def not_found(self, request: Request, what: str) -> Response:
        if prefers_html(request):
            html = pages.render_not_found(self.linker("id/"), what)
            return _html(html, status_code=404)
        message = f"Error: nothing here by the name {quoted(what)}\n"
        return PlainTextResponse(message, status_code=404, headers=SECURITY_HEADERS)


def _html(html: str, status_code: int = 200) -> Response:
    return Response(html, status_code=status_code, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _rdf(data: bytes, fmt: Format) -> Response:
    return Response(data, media_type=fmt.media_type, headers=dict(SECURITY_HEADERS))


def create_app(settings: ServerSettings, started: Started | None = None) -> tuple[ASGIApp, Handlers]:
    """The ASGI app, and its handlers (for the transport); the worker pool (with the workers ``started``
    already, if any) lives as long as the app runs."""
    handlers = Handlers(settings)
    reconciling = reconciliation.Service(
        handlers.store, settings.public(), handlers.published.title, settings.reconcile
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        handlers.endpoint.pool = QueryPool(handlers.out, settings.limits, handlers.queried, started)
        # What pages need is made beside the first queries, not before them; a page that asks sooner waits.
        threading.Thread(
            target=lambda: (handlers.catalog, handlers.search_index, reconciling.index), daemon=True
        ).start()
        try:
            yield
        finally:
            handlers.endpoint.pool.close()

    routes = [
        Route("/", handlers.front),
        Route("/" + EDITOR, handlers.query_ui),
        Route("/sparql", handlers.endpoint.sparql, methods=["GET", "POST"]),
        Route("/id", lambda request: RedirectResponse("/id/", status_code=301)),
        Route("/id/", handlers.listing),
        Route("/id/{kind:str}/", handlers.kind_list),
        Route("/id/{kind:str}.{extension:str}", handlers.kind_download),
        Route("/search", handlers.search),
        Route("/search-index.js", handlers.search_script),
        Route("/timeline", handlers.timeline),
        Route("/sitemap.xml", handlers.sitemap),
        Route("/robots.txt", handlers.robots),
        Route("/id/{path:path}", handlers.identifier),
        Route("/ontology", handlers.ontology_page),
        Route("/ontology.{extension}", handlers.ontology_page),
        Route("/shapes", handlers.shapes),
        Route("/dataset", handlers.dataset),
        Mount("/static", transport.WithHeaders(StaticFiles(directory=STATIC), SECURITY_HEADERS), name="static"),
        *reconciling.routes(),
        Route("/{name:path}", handlers.release_route),
    ]
    # The data is public and read-only: any page may query it. Redirects name paths only, never the Host header.
    cors = Middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "POST"], allow_headers=["*"], max_age=86400
    )
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        # pages only, not SPARQL: compressed, validated, and made in turn, fairly between clients
        middleware=[
            cors,
            Middleware(caching.Compressed),
            Middleware(caching.Validators),
            Middleware(FairPages, client_of=handlers.client_of),
            # reconciliation in turn too, fairly between clients, in its own gate: off the pages' path
            Middleware(
                FairPages,
                client_of=handlers.client_of,
                slots=settings.reconcile.workers,
                paths=("/reconcile",),
                most_waiting=max(1, settings.reconcile.waiting // 4),
                most_queued=settings.reconcile.waiting,
                seconds=settings.reconcile.seconds,
                refuse=lambda problem: reconciliation.error(str(problem), None, 503),
            ),
        ],
    )
    app.router.redirect_slashes = False
    return transport.CloseAmbiguousFraming(app), handlers


def listen(host: str, port: int) -> socket.socket:
    """A listening socket (``port`` 0 lets the system choose a free one)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    transport.no_delay(sock)  # accepted connections inherit it
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def serve(settings: ServerSettings, ready: Callable[[str], None], started: Started | None = None) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM); ``ready`` is told the URL once the socket listens.
    ``started``: the query workers, if they were started before (see :class:`workers.Started`)."""
    import uvicorn

    sock = listen(settings.host, settings.port)
    settings = dataclasses.replace(settings, port=sock.getsockname()[1])  # port 0: the one the system chose
    app, handlers = create_app(settings, started)
    direct = None if settings.access_log else handlers.endpoint.direct  # what the transport answers is not logged
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    ready(f"http://{host}:{sock.getsockname()[1]}/")
    config = uvicorn.Config(
        app,
        loop="uvloop",
        http=transport.bounded_protocol(
            settings.request_seconds, direct, handlers.endpoint.backlog, handlers.endpoint.connections
        ),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # Connections are counted and capped by ``clients.Connections`` (oldest idle closed first), not by
        # uvicorn, which would answer 503 to every request past its count, kept answers included.
        limit_concurrency=None,
        proxy_headers=False,  # X-Forwarded-For is read from the proxies the operator trusts only (clients.py)
        log_level="info",
        access_log=settings.access_log,
    )
    uvicorn.Server(config).run(sockets=[sock])
