"""The SPARQL 1.1 Protocol of ``peacegraph serve``: reading a request (GET or POST, the parameters
it may carry and the ones it may not), running its query (answers kept, admission, the worker pool,
the client gone), and writing the answer or the error as one line. The server's app routes
``/sparql`` here, and its transport answers plain GETs through :meth:`SparqlEndpoint.direct`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Coroutine
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import parse_qs, parse_qsl

from pyoxigraph import serialize
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ..errors import (
    InputError,
    NotAcceptableError,
    PeacegraphError,
    QueryLimitError,
    QueryTimeoutError,
    RefusedError,
    ResultTooLargeError,
)
from ..pages.links import EDITOR
from ..rdf.namespaces import active
from . import negotiation, transport
from . import service_description as description
from .admission import PREEMPTED, Admission, QueueFullError
from .answers import AnswerCache
from .clients import Connections, Proxies
from .settings import ServerSettings
from .workers import Answer as QueryAnswer
from .workers import QueryPool
from .workers import Request as QueryRequest

MAX_QUERY_BYTES = 100_000


CLIENT_GONE = 499  # nginx's "client closed request", for the access log: no client reads it


STATUS = {
    InputError: 400,
    RefusedError: 403,
    NotAcceptableError: 406,
    ResultTooLargeError: 422,
    QueryTimeoutError: 503,
    QueryLimitError: 503,
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


def _answer_response(answer: QueryAnswer) -> Response:
    return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept", **SECURITY_HEADERS})


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


class SparqlEndpoint:
    """The state of the endpoint: the worker pool, who waits for it, and the answers kept."""

    def __init__(self, settings: ServerSettings):
        self.settings = settings
        self.pool: QueryPool | None = None
        # Queries wait here, not in the thread pool that the pages use: pages stay quick when queries are busy.
        self.admission = Admission(settings.limits.workers, settings.max_queued)
        self.proxies = Proxies(settings.trusted_proxies)
        self.connections = Connections(settings.max_connections, settings.max_client_connections, self.proxies)
        self.backlog = transport.Backlog(settings.max_unsent)
        self.answers: AnswerCache[tuple[str, str | None], QueryAnswer] = AnswerCache(_answer_size)
        self.responses: AnswerCache[tuple[bytes, str | None], bytes] = AnswerCache(_response_size)

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
