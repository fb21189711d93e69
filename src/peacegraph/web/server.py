"""The local SPARQL endpoint and the pages of our identifiers, over a built release (``peacegraph serve``).

HTTP stack: Starlette on uvicorn, with httptools (llhttp) on uvloop under it (``transport.py``).
All are small, well kept and widely used, and Starlette brings routing, static files and a thread
pool for blocking work. The stdlib ``http.server`` warns that it only implements basic security
checks and is not meant for production, and werkzeug's development server says the same of itself.
A plain ``GET /sparql?query=…`` is answered by the transport itself (:meth:`Handlers.direct`):
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

import asyncio
import contextlib
import dataclasses
import re
import socket
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from http import HTTPStatus
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, parse_qsl

from pyoxigraph import NamedNode, serialize
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from ..errors import (
    InputError,
    NotAcceptableError,
    PeacegraphError,
    QueryLimitError,
    QueryTimeoutError,
    RefusedError,
    ResultTooLargeError,
)
from ..query import cache
from ..query.saved import saved_queries
from ..rdf.formats import Format
from ..rdf.namespaces import active
from ..release.files import ONTOLOGY_FILE, SHAPES_FILE
from . import caching, describe, description, finding, negotiation, pages, reconciliation, transport
from .admission import PREEMPTED, Admission, QueueFullError
from .answers import AnswerCache
from .catalog import Catalog
from .clients import Connections, Proxies
from .dataset import changelog_of, citation_of_release, published
from .describe import Identifier
from .lazy import Once
from .links import EDITOR
from .settings import ServerSettings
from .workers import Answer as QueryAnswer
from .workers import QueryPool
from .workers import Request as QueryRequest

STATIC = Path(__file__).resolve().parent / "static"
MAX_QUERY_BYTES = 100_000
KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this
CLIENT_GONE = 499  # nginx's "client closed request", for the access log: no client reads it
EXTENSIONS = {"html": None, **{fmt.extension: fmt for fmt in Format}}
STATUS = {
    InputError: 400,
    RefusedError: 403,
    NotAcceptableError: 406,
    ResultTooLargeError: 422,
    QueryTimeoutError: 503,
    QueryLimitError: 503,
}
#: Media types of the release files that are not RDF (``Format`` knows those).
RELEASE_MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".gz": "application/gzip",
    ".cff": "application/x-yaml; charset=utf-8",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}


def status_of(error: PeacegraphError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_response(error: PeacegraphError) -> Response:
    headers = {**SECURITY_HEADERS, "Retry-After": "1"} if isinstance(error, QueueFullError) else SECURITY_HEADERS
    return PlainTextResponse(f"Error: {one_line(str(error))}\n", status_code=status_of(error), headers=headers)


#: What must not reach an error body as it is: line breaks (a client could add lines, or headers in a
#: log or a naive client), other control characters, and in a quoted text the quote and backslash.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_UNQUOTABLE = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029"\\]')
MAX_QUOTED = 200


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return "\\" + char if char in '"\\' else f"\\u{ord(char):04x}"


def one_line(message: str) -> str:
    """A message with its control characters escaped: one line, whatever text it carries."""
    return _CONTROL.sub(_escape, message)


def quoted(text: str) -> str:
    """A client's text for an error message: in double quotes, escaped, at most ``MAX_QUOTED`` characters."""
    cut = text[:MAX_QUOTED]
    return '"' + _UNQUOTABLE.sub(_escape, cut) + '"' + ("…" if len(text) > MAX_QUOTED else "")


class Handlers:
    """The state the handlers share: the store for pages, the worker pool for SPARQL."""

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
        self._catalog = Once(lambda: Catalog(self.store))
        self._search_index = Once(lambda: finding.search_index(self.catalog))
        self.pool: QueryPool | None = None
        # Queries wait here, not in the thread pool that the pages use: pages stay quick when queries are busy.
        self.admission = Admission(settings.limits.workers, settings.max_queued)
        self.proxies = Proxies(settings.trusted_proxies)
        self.connections = Connections(settings.max_connections, settings.max_client_connections, self.proxies)
        self.backlog = transport.Backlog(settings.max_unsent)
        self.answers: AnswerCache[tuple[str, str | None], QueryAnswer] = AnswerCache(_answer_size)
        self.responses: AnswerCache[tuple[bytes, str | None], bytes] = AnswerCache(_response_size)

    @property
    def catalog(self) -> Catalog:
        return self._catalog.get()

    @property
    def search_index(self) -> bytes:
        return self._search_index.get()

    def linker(self, page: str) -> pages.Linker:
        return pages.Linker(page, static=False, release=self.release, published=self.published)

    # --- SPARQL ----------------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        try:
            query = await protocol_query(request)
        except PeacegraphError as error:
            return error_response(error)
        if query is None:
            if prefers_html(request):
                return RedirectResponse("/" + EDITOR, status_code=303)
            if request.method == "POST":
                return error_response(InputError("no query: send one as `query`, by GET or POST"))
            return self.service_description(request)
        reply = await _unless_gone(request, self.answer(query, accept_of(request), self.client_of(request)))
        if reply is None:  # the client has gone and the query was stopped; nobody reads this
            return Response(status_code=CLIENT_GONE)
        if isinstance(reply, PeacegraphError):
            return error_response(reply)
        return _answer_response(reply)

    def client_of(self, request: Request) -> str:
        """The client's address, as the per-client limits count it (``clients.py``)."""
        return self.proxies.client(request.client.host if request.client else "", request.headers.raw)

    async def answer(self, query: str, accept: str | None, client: str) -> QueryAnswer | PeacegraphError:
        """The answer kept for this query, else a worker's; or the error to send.

        The time limit runs from here: waiting for a worker counts. Cancelled (the client has
        gone), the query leaves the queue, or its worker is stopped and replaced.
        """
        known = self.answers.get((query, accept))
        if known is not None:
            return known
        assert self.pool is not None
        if self.backlog.full():
            return QueueFullError("the server holds too many answers that their clients do not read; try again")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.limits.timeout
        try:
            grant = await self.admission.enter(client, deadline)
        except PeacegraphError as error:
            return error
        try:
            answer = await self.pool.run(QueryRequest(query, accept), deadline)
        except PeacegraphError as error:
            return error
        except asyncio.CancelledError:
            if not grant.taken_back:
                raise  # the client has gone, or the server stops
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
            return QueueFullError(PREEMPTED)
        finally:
            self.admission.leave(grant)
        if not answer.volatile:
            self.answers.put((query, accept), answer)
        return answer

    def direct(
        self, query_string: bytes, headers: list[tuple[bytes, bytes]], peer: str
    ) -> transport.DirectAnswer | None:
        """``GET /sparql?<query_string>`` as the transport answers it without the app (``transport.Direct``).

        The same steps as :meth:`sparql`: the same parameters, the same answers kept, the same
        workers, the same bytes. Requests that need more go on to the app: one without a query or
        with a parameter error, one with an ``Origin`` header (CORS answers it) or a body framing
        (``transport.CloseAmbiguousFraming``).
        """
        plain, accept = _plain_accept(headers)
        if not plain:
            return None
        key = (query_string, accept)
        kept = self.responses.get(key)
        if kept is not None:
            return kept
        try:
            query = _one_query(url_params(query_string))
        except PeacegraphError:
            return None
        if query is None:
            return None
        known = self.answers.get((query, accept))
        if known is not None:
            return self._keep_response(key, known)
        return self._direct_later(key, query, accept, self.proxies.client(peer, headers))

    async def _direct_later(self, key: tuple[bytes, str | None], query: str, accept: str | None, client: str) -> bytes:
        reply = await self.answer(query, accept, client)
        if isinstance(reply, PeacegraphError):
            return wire(error_response(reply))
        return self._keep_response(key, reply)

    def _keep_response(self, key: tuple[bytes, str | None], answer: QueryAnswer) -> bytes:
        """An answer as the bytes of a whole response, kept for the same raw request."""
        response = wire(_answer_response(answer))
        if not answer.volatile:
            self.responses.put(key, response)
        return response

    def service_description(self, request: Request) -> Response:
        """The SPARQL 1.1 Service Description, for a GET of the endpoint without a query."""
        chosen = negotiation.choose(accept_of(request), negotiation.GRAPH_OFFERS)
        if chosen is None:
            return error_response(NotAcceptableError("offered as " + ", ".join(negotiation.GRAPH_OFFERS)))
        body = serialize(description.service_description(), format=chosen[1].oxigraph, prefixes=description.PREFIXES)
        return Response(body, media_type=chosen[0], headers={"Vary": "Accept", **SECURITY_HEADERS})

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


#: Bytes that holding one kept answer costs beyond its texts (the key's tuple, the objects, the map's
#: entry): about 400 measured with tracemalloc; a few-byte answer must not count as nothing.
ENTRY_OVERHEAD = 512


def _answer_size(key: tuple[str, str | None], answer: QueryAnswer) -> int:
    """What an answer kept costs: the ``Accept`` header counts too (a client may send up to 16 KiB of it)."""
    return _response_size(key, answer.body) + len(answer.media_type)


def _response_size(key: tuple[str | bytes, str | None], response: bytes) -> int:
    return ENTRY_OVERHEAD + len(key[0]) + len(key[1] or "") + len(response)


def prefers_html(request: Request) -> bool:
    """Whether the client would rather read HTML than plain text (a browser, not curl)."""
    chosen = negotiation.choose(accept_of(request), {"text/plain": False, negotiation.HTML: True})
    return chosen is not None and chosen[1]


T = TypeVar("T")


async def _unless_gone(request: Request, work: Coroutine[Any, Any, T]) -> T | None:
    """What ``work`` gives, or None (and ``work`` cancelled) if the client disconnects first."""
    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnect(request))
    try:
        await asyncio.wait((task, gone), return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # the server stops
        task.cancel()
        raise
    finally:
        gone.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None


async def _disconnect(request: Request) -> None:
    """Until the client disconnects (the request's body, if any, is already read)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _html(html: str, status_code: int = 200) -> Response:
    return Response(html, status_code=status_code, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _answer_response(answer: QueryAnswer) -> Response:
    return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept", **SECURITY_HEADERS})


def _rdf(data: bytes, fmt: Format) -> Response:
    return Response(data, media_type=fmt.media_type, headers=dict(SECURITY_HEADERS))


async def protocol_query(request: Request) -> str | None:
    """The query of a SPARQL 1.1 Protocol request; updates are refused before anything is parsed."""
    params = url_params(request.scope["query_string"])
    if request.method in ("GET", "HEAD"):
        return _one_query(params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await _body(request)
    if content_type == "application/sparql-update":
        raise RefusedError("updates are refused: this endpoint is read-only")
    charset = request.headers.get("content-type", "").lower().partition("charset=")[2].split(";")[0].strip(' "')
    if charset not in ("", "utf-8", "utf8"):
        raise InputError(f"the request body is in {quoted(charset)}; the SPARQL Protocol asks for UTF-8")
    try:
        if content_type == "application/sparql-query":
            return _one_query([*params, ("query", body.decode("utf-8"))])
        if content_type == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
            fields = [(k, v) for k, values in form.items() for v in values]
            return _one_query([*params, *fields])
    except UnicodeDecodeError:
        raise InputError("the request body is not UTF-8 (a form must be percent-encoded UTF-8)") from None
    raise InputError("send a query by GET, or by POST as application/x-www-form-urlencoded or application/sparql-query")


def url_params(query_string: bytes) -> list[tuple[str, str]]:
    """The parameters of a request's query string, as Starlette reads them, but its percent-escapes must
    be UTF-8 (SPARQL 1.1 Protocol §2.1.1), as a form's are: a query with U+FFFD in place of the bytes a
    client sent is not the query it sent."""
    try:
        return parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise InputError("the query string is not UTF-8 (percent-encode the query's UTF-8 bytes)") from None


#: ``default-graph-uri`` values that denote this dataset's one graph (rdflib's Dataset sends the first).
def this_dataset() -> frozenset[str]:
    """The graph names that mean this endpoint's one dataset."""
    return frozenset(("urn:x-rdflib:default", active().dataset))


def _one_query(params: list[tuple[str, str]]) -> str | None:
    names = [name for name, _value in params]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise RefusedError("updates are refused: this endpoint is read-only")
    for name, value in params:
        if name == "named-graph-uri":
            raise InputError(
                f"named-graph-uri {quoted(value)}: this dataset has no named graphs, and nothing is fetched"
            )
        if name == "default-graph-uri" and value not in this_dataset():
            raise InputError(
                f"default-graph-uri {quoted(value)}: this endpoint serves one dataset, <{active().dataset}>, "
                "and fetches nothing"
            )
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise InputError("give one query, not several")
    return queries[0] if queries else None


async def _body(request: Request) -> bytes:
    body = b""
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_QUERY_BYTES:
                raise HTTPException(413, f"a request may carry at most {MAX_QUERY_BYTES:,} bytes")
    except ClientDisconnect:
        raise InputError("the client went away before the request ended") from None
    return body


_NOT_PLAIN = frozenset((b"origin", b"content-length", b"transfer-encoding"))


def _plain_accept(headers: list[tuple[bytes, bytes]]) -> tuple[bool, str | None]:
    """Whether a GET needs no CORS and no framing care, and its ``Accept`` header (as :func:`accept_of` reads it)."""
    accepts = []
    for name, value in headers:
        if name in _NOT_PLAIN:
            return False, None
        if name == b"accept":
            accepts.append(value.decode("latin-1"))
    return True, _one_list(accepts)


def accept_of(request: Request) -> str | None:
    return _one_list(request.headers.getlist("accept"))


def _one_list(accepts: list[str]) -> str | None:
    """Several ``Accept`` headers are one list (RFC 9110 §5.3), not the first alone."""
    return ", ".join(accepts) if accepts else None


def wire(response: Response) -> bytes:
    """A response as the app sends it to a request without ``Origin`` (``transport.Direct``), but the
    server's default headers: ``CORSMiddleware`` adds ``Origin`` to ``Vary``, for caches in between."""
    status = HTTPStatus(response.status_code)
    headers = MutableHeaders(raw=list(response.raw_headers))
    headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])
    head = [b"HTTP/1.1 %d %s\r\n" % (status.value, status.phrase.encode())]
    head += [name + b": " + value + b"\r\n" for name, value in headers.raw]
    return b"".join((*head, b"\r\n", response.body))


def create_app(settings: ServerSettings) -> tuple[ASGIApp, Handlers]:
    """The ASGI app, and its handlers (for the transport); the worker pool lives as long as the app runs."""
    handlers = Handlers(settings)
    reconciling = reconciliation.Service(
        handlers.store, settings.public(), handlers.published.title, settings.reconcile
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        handlers.pool = QueryPool(handlers.out, settings.limits, handlers.queried)
        # What pages need is made beside the first queries, not before them; a page that asks sooner waits.
        threading.Thread(
            target=lambda: (handlers.catalog, handlers.search_index, reconciling.index), daemon=True
        ).start()
        try:
            yield
        finally:
            handlers.pool.close()

    routes = [
        Route("/", handlers.front),
        Route("/" + EDITOR, handlers.query_ui),
        Route("/sparql", handlers.sparql, methods=["GET", "POST"]),
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
        middleware=[cors, Middleware(caching.Compressed), Middleware(caching.Validators)],  # pages only, not SPARQL
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


def serve(settings: ServerSettings, ready: Callable[[str], None]) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM); ``ready`` is told the URL once the socket listens."""
    import uvicorn

    sock = listen(settings.host, settings.port)
    settings = dataclasses.replace(settings, port=sock.getsockname()[1])  # port 0: the one the system chose
    app, handlers = create_app(settings)
    direct = None if settings.access_log else handlers.direct  # what the transport answers is not logged
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    ready(f"http://{host}:{sock.getsockname()[1]}/")
    config = uvicorn.Config(
        app,
        loop="uvloop",
        http=transport.bounded_protocol(settings.request_seconds, direct, handlers.backlog, handlers.connections),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # Connections are counted and capped by ``clients.Connections`` (oldest idle closed first), not by
        # uvicorn, which would answer 503 to every request past its count, kept answers included.
        limit_concurrency=None,
        proxy_headers=False,  # X-Forwarded-For is read from the proxies the operator trusts only (clients.py)
        log_level="info",
        access_log=settings.access_log,
    )
    uvicorn.Server(config).run(sockets=[sock])
