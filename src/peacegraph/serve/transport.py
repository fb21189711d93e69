"""The connection layer under the app: small answers go out at once, slow clients are let go.

HTTP/1.1 is parsed by httptools (llhttp, Node.js's parser, in C) on uvloop, through uvicorn's
``HttpToolsProtocol``: per request it costs a fraction of uvicorn's pure-Python h11 protocol
(``bench/serve.py``). On top of it:

- ``TCP_NODELAY`` on every connection. asyncio sets it only on sockets created with
  ``IPPROTO_TCP``; without it, a response written as headers then body waits for the client's
  delayed ACK (about 40 ms on Linux) before its second half leaves.
- A request deadline. uvicorn closes a keep-alive connection that stays idle after a response,
  but not one that opens and then sends its headers, or its body, a byte at a time: hundreds of
  such clients hold as many file descriptors for ever. Here a request must arrive whole within
  ``request_seconds`` of the connection opening or of the previous response; otherwise the
  connection is closed. The time the app takes to answer is not counted (queries have their own
  limit).
- A client must read its answers. One whose answer stops draining from the write buffer for
  ``request_seconds`` is disconnected, and what was waiting for it is dropped. The bytes waiting
  for clients that do not keep up are counted across connections (:class:`Backlog`): past the
  server's limit, new queries get a 503 until they drain. Without both, a few hundred clients that
  ask for large answers and read nothing hold gigabytes.
- A limit on the request head (request line and headers: ``MAX_HEAD_BYTES``, h11's default).
  llhttp sets none, so without it a client could send headers until memory runs out. Counted
  twice: the bytes of a head still incomplete after a read, and, once a head is parsed, its URL
  and headers (a head that arrives whole in one read is never incomplete). The trailer fields after
  a chunked body are held to the same limit (llhttp buffers them as it does headers), and dropped:
  a field sent after the body must not join the request's headers.
- At most ``MAX_PIPELINED`` requests waiting behind the one being answered on a connection. llhttp
  parses every request of a read at once (a read holds thousands of small ones), and uvicorn keeps
  each waiting; past the limit the request is answered 400 and the connection closed.
- A request whose transfer coding is anything but ``chunked`` alone is answered 400 and its
  connection closed (RFC 9112 §6.1): its body cannot be framed, and what follows must not be read
  as the next request.
- A request that expects anything but ``100-continue`` (``Expect: 200-ok``) is answered 417
  Expectation Failed and its connection closed (RFC 9110 §10.1.1): the only expectation HTTP
  defines is met by uvicorn, and the body of a request whose expectation failed is never read.
- A request that carries both ``Content-Length`` and ``Transfer-Encoding`` is answered (the
  transfer coding wins, RFC 9112 §6.3; llhttp is told to accept it rather than answer 400) and
  then its connection is closed, as RFC 9112 §6.1 asks: a proxy in front may have framed it the
  other way.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from itertools import chain
from operator import itemgetter
from typing import Any, NoReturn

import httptools
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.server import ServerState

from .clients import Connections
from .settings import ServerSettings

#: (query string, headers, client address) of a ``GET /sparql`` -> its whole response but the server's default headers
#: (status line, headers, blank line, body), or a coroutine that gives it; None: the request is not
#: one to answer directly (the app answers it)
DirectAnswer = bytes | Coroutine[Any, Any, bytes]
Direct = Callable[[bytes, list[tuple[bytes, bytes]], str], DirectAnswer | None]
INTERNAL_ERROR = (
    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 22\r\n"
    b"\r\nInternal Server Error\n"
)
# Why uvicorn is pinned exactly (pyproject.toml). The fast path answers a plain query without ASGI
# and bounds what uvicorn does not (the head, slow clients, connections per address); it does so by
# subclassing ``HttpToolsProtocol`` and using what its documentation does not promise: ``cycle``,
# ``pipeline``, ``flow.write_paused``, ``tasks``, ``server_state.default_headers`` and the parser
# callbacks. On public interfaces only (an ASGI app under stock uvicorn) none of that can be had,
# nor the answers kept sent without ASGI messages (``bench/serve.py``, the repeated rows), and
# rewriting the HTTP/1.1 connection handling ourselves on httptools would be more code to get
# wrong than a pin. So the version is pinned, and tests/web/test_uvicorn_pin.py
# fails loudly on any other: upgrading means reading uvicorn's changes to that class, then moving
# the pin and UVICORN_VERSION together.
UVICORN_VERSION = "0.54.0"
TOO_MANY_CONNECTIONS = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 94\r\n"
    b"connection: close\r\nretry-after: 1\r\n\r\n"
    b"Error: too many connections are open, from this client or in all, and none is idle; try again\n"
)
MAX_HEAD_BYTES = 16 * 1024
HEAD_TOO_LARGE = f"The request head is larger than {MAX_HEAD_BYTES} bytes."
MAX_PIPELINED = 64
TOO_MANY_PIPELINED = f"More than {MAX_PIPELINED} requests were sent ahead of their answers on one connection."
TRAILERS_TOO_LARGE = f"The request's trailer fields are larger than {MAX_HEAD_BYTES} bytes."
EXPECTATION_FAILED = "The only expectation this server meets is 100-continue (RFC 9110 section 10.1.1)."


class _RefusedRequestError(Exception):
    """A request answered 400 (or the status :meth:`BoundedProtocol._refuse` is given) and its connection
    closed; raised in a parser callback to stop parsing (httptools then raises ``HttpParserCallbackError``,
    which uvicorn answers through ``send_400_response`` and a close)."""


def _framed(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a request's body can be framed. RFC 9112 §6.1: not if its transfer coding is other
    than ``chunked`` alone (``gzip``, ``chunked, gzip``, an unknown coding); then it is a 400 and
    the connection is closed, so that what follows is never read as the next request."""
    codings = [
        coding.strip().lower()
        for name, value in headers
        if name == b"transfer-encoding"
        for coding in value.split(b",")
    ]
    return not codings or codings == [b"chunked"]


def _unmet_expectation(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a request expects what the server does not meet: any member of ``Expect`` but
    ``100-continue`` (RFC 9110 §10.1.1, the only expectation it defines; empty members do not count)."""
    members = (member.strip().lower() for name, value in headers if name == b"expect" for member in value.split(b","))
    return any(member not in (b"", b"100-continue") for member in members)


def no_delay(sock: socket.socket | None) -> None:
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class BoundedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with ``TCP_NODELAY``, a head limit and a deadline for each request."""

    request_seconds = ServerSettings.request_seconds
    direct: Direct | None = None
    backlog: Backlog | None = None
    clients: Connections | None = None

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any], **kwargs: Any):
        super().__init__(config, server_state, app_state, **kwargs)
        self.parser.set_dangerous_leniencies(lenient_data_after_close=True, lenient_chunked_length=True)
        self._deadline: asyncio.TimerHandle | None = None  # fires at _expires, or before it (see _arm)
        self._expires = 0.0  # loop time by which the request on its way must have arrived whole
        self._head = 0  # bytes of the current request head received so far
        self._heads = 0  # request heads parsed whole on this connection
        self._answered = False  # the request being parsed is answered directly, not by the app
        self._defaults: tuple[list[tuple[bytes, bytes]], bytes] = ([], b"")  # the default headers, as bytes
        self._stalled: asyncio.TimerHandle | None = None  # checks that a paused write buffer drains
        self._unsent = 0  # bytes in the write buffer when last checked
        self._later: asyncio.Task[None] | None = None  # the direct answer being computed
        self._peer = ""  # the client's address
        self._refusal: str | None = None  # why the request being parsed is refused
        self._refusal_status = HTTPStatus.BAD_REQUEST  # and with which status
        self._receiving = False  # a request is on its way in
        self._trailing = False  # the last chunk's header came, and no body since: trailer fields follow

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        no_delay(transport.get_extra_info("socket"))
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if isinstance(peer, tuple) else ""
        if self.clients is not None and not self.clients.opened(self, self._peer):
            transport.write(TOO_MANY_CONNECTIONS)
            transport.close()
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._later is not None:  # nobody will read the answer: stop computing it (frees its worker)
            self._later.cancel()
        if self.clients is not None:
            self.clients.closed(self)
        self._disarm()
        self._stop_watching_writes()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        """The write buffer is past its high-water mark: the client is slow to read, or not reading."""
        super().pause_writing()
        if self.backlog is not None:
            self.backlog.add(self.transport)
        self._unsent = self.transport.get_write_buffer_size()
        self._stalled = self.loop.call_later(self.request_seconds, self._check_progress)

    def resume_writing(self) -> None:
        self._stop_watching_writes()
        super().resume_writing()

    def _stop_watching_writes(self) -> None:
        if self.backlog is not None:
            self.backlog.discard(self.transport)
        if self._stalled is not None:
            self._stalled.cancel()
            self._stalled = None

    def _check_progress(self) -> None:
        """Disconnect a client that has read nothing of its answer for ``request_seconds``."""
        unsent = self.transport.get_write_buffer_size()
        if unsent >= self._unsent:
            self._stalled = None
            self.transport.abort()  # drops what waits in the buffer
            return
        self._unsent = unsent
        self._stalled = self.loop.call_later(self.request_seconds, self._check_progress)

    def data_received(self, data: bytes) -> None:
        heads, in_head, trailing = self._heads, self._in_head(), self._trailing
        super().data_received(data)
        if self.transport.is_closing():
            return
        if in_head and self._heads == heads:
            self._head += len(data)  # all of it was head, and the head is still not whole
            if self._head > MAX_HEAD_BYTES:
                self.send_400_response(HEAD_TOO_LARGE)
        elif trailing and self._trailing:
            self._head += len(data)  # all of it was trailer fields, and they have not ended
            if self._head > MAX_HEAD_BYTES:
                self.send_400_response(TRAILERS_TOO_LARGE)

    def on_chunk_header(self) -> None:
        self._trailing = True  # until a body comes: only the last chunk (size 0) has none

    def on_chunk_complete(self) -> None:
        self._trailing = False

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._trailing:
            super().on_header(name, value)

    def send_400_response(self, msg: str) -> None:
        """The 400 with the reason a callback gave, if one did, rather than uvicorn's 'Invalid HTTP request';
        or the other status the callback refused the request with."""
        refusal, self._refusal = self._refusal, None
        status, self._refusal_status = self._refusal_status, HTTPStatus.BAD_REQUEST
        if status == HTTPStatus.BAD_REQUEST:
            super().send_400_response(refusal or msg)
            return
        body = (refusal or msg).encode("ascii")
        self._respond(
            f"HTTP/1.1 {status.value} {status.phrase}\r\ncontent-type: text/plain; charset=utf-8\r\n".encode("ascii")
            + b"content-length: %d\r\n\r\n" % len(body)
            + body,
            close=True,
        )
        self.transport.close()

    def _refuse(self, reason: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST) -> NoReturn:
        self._refusal, self._refusal_status = reason, status
        raise _RefusedRequestError(reason)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._receiving = True

    def _in_head(self) -> bool:
        """Whether the bytes that come next belong to a request head (no request, or the last one is whole)."""
        return self.cycle is None or not self.cycle.more_body

    def on_headers_complete(self) -> None:
        self._heads += 1
        self._head = 0
        headers = self.headers
        # The head may have come whole in one read, which data_received does not count: count what was
        # parsed ("name: value\r\n" per header). Every request pays for both checks: in C, not in a loop.
        if len(self.url) + sum(map(len, chain.from_iterable(headers))) + 4 * len(headers) > MAX_HEAD_BYTES:
            self._refuse(HEAD_TOO_LARGE)
        if len(self.pipeline) >= MAX_PIPELINED:
            self._refuse(TOO_MANY_PIPELINED)
        names = list(map(itemgetter(0), headers))  # lower case, as uvicorn gives them
        if names.count(b"host") != 1 and self.parser.get_http_version() == "1.1":
            self._refuse("An HTTP/1.1 request carries exactly one Host header (RFC 9112 section 3.2).")
        if b"transfer-encoding" in names and not _framed(headers):
            self._refuse("A request may be sent with Transfer-Encoding: chunked only (RFC 9112 section 6.1).")
        if b"expect" in names and _unmet_expectation(headers):
            self._refuse(EXPECTATION_FAILED, HTTPStatus.EXPECTATION_FAILED)
        # A response that went out while this request was parsed (a kept answer, in the same packet)
        # armed the keep-alive timeout: the connection is no longer idle, and uvicorn cancels it only
        # when more data arrives.
        self._unset_keepalive_if_required()
        if self._answer_directly():
            return
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:
            one = OneWrite(self.transport, cycle)
            cycle.transport = one  # type: ignore[assignment]
            cycle.on_response = one.then(cycle.on_response)

    def _answer_directly(self) -> bool:
        """Answer a plain ``GET /sparql`` without the app: no ASGI scope, messages or middleware.

        ``direct`` gives the response bytes at once (a kept answer) or a coroutine that computes
        them (a query for a worker). Only when nothing else is in flight on the connection and it
        stays open (HTTP/1.1 keep-alive); otherwise the request takes the usual way through the
        app, which answers it the same.
        """
        if self.direct is None or self.parser.get_method() != b"GET" or self.pipeline or self.flow.write_paused:
            return False
        if self.cycle is not None and not self.cycle.response_complete:
            return False
        if self.parser.get_http_version() != "1.1" or self.parser.should_upgrade():
            return False
        if not self.parser.should_keep_alive() or self._too_busy():
            return False
        url = httptools.parse_url(self.url)
        if url.path != b"/sparql":
            return False
        answer = self.direct(url.query or b"", self.headers, self._peer)
        if answer is None:
            return False
        self._answered = True
        if isinstance(answer, bytes):
            self._respond(answer)
            self.on_response_complete()
        else:
            pending = _Pending()
            self.cycle = pending  # type: ignore[assignment]  # what uvicorn's protocol asks of a cycle, no more
            task = self._later = self.loop.create_task(self._answer_later(pending, answer))
            task.add_done_callback(self._answered_later)
            self.tasks.add(task)
        return True

    def _answered_later(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if self._later is task:
            self._later = None

    def _too_busy(self) -> bool:
        """Past uvicorn's ``limit_concurrency``: the app's way answers 503."""
        limit = self.limit_concurrency
        return limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit)

    def _respond(self, answer: bytes, close: bool = False) -> None:
        """Write a response, with the server's default headers (Date, Server) after its status line, and
        ``connection: close`` at the end of its head if the connection closes after it (as uvicorn does)."""
        if self._defaults[0] is not self.server_state.default_headers:  # uvicorn makes a new list every second
            headers = self.server_state.default_headers
            self._defaults = (headers, b"".join([name + b": " + value + b"\r\n" for name, value in headers]))
        line = answer.index(b"\r\n") + 2
        view = memoryview(answer)
        parts: tuple[bytes | memoryview, ...]
        if close:
            end = answer.index(b"\r\n\r\n") + 2
            parts = (view[:line], self._defaults[1], view[line:end], b"connection: close\r\n", view[end:])
        else:
            parts = (view[:line], self._defaults[1], view[line:])
        # One writev, no copy: a response that waits for a slow client is the kept answer itself.
        self.transport.writelines(parts)

    async def _answer_later(self, pending: _Pending, answer: Coroutine[Any, Any, bytes]) -> None:
        try:
            data = await answer
        except Exception:  # a bug, not a query's fault: what uvicorn does for an app that raises
            self.logger.exception("Exception in the direct answer to a query")
            data = INTERNAL_ERROR
            pending.keep_alive = False
        pending.response_complete = True
        if self.transport.is_closing():
            return
        self._respond(data, close=not pending.keep_alive)
        if not pending.keep_alive:  # the server is shutting down, or the answer failed
            self.transport.close()
            return
        self.on_response_complete()

    def on_body(self, body: bytes) -> None:
        self._trailing = False
        if not self._answered:
            super().on_body(body)

    def on_message_complete(self) -> None:
        self._receiving = False
        if self._answered:
            self._answered = False
        else:
            super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    @property
    def idle(self) -> bool:
        """Whether this connection waits for a next request (then it is closed first when connections are
        full): asked then only, so that no request pays for it."""
        cycle = self.cycle
        return not self._receiving and (cycle is None or cycle.response_complete)

    @property
    def waiting_on_client(self) -> bool:
        """Idle, a request still arriving, or an answer the client does not read (:class:`clients.Connections`)."""
        return self.idle or self._receiving or self.flow.write_paused

    def close(self) -> None:
        """Close the connection (:class:`clients.Connections` closes idle ones when full)."""
        self.transport.close()

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _arm(self) -> None:
        """The next request must arrive whole within ``request_seconds`` from now. The timer is not made
        again for every request (that cost a timer and a cancel per kept answer): it fires when it was
        set to, and waits again for what is left if the deadline has moved since."""
        self._expires = self.loop.time() + self.request_seconds
        if self._deadline is None:
            self._deadline = self.loop.call_at(self._expires, self._expire)

    def _waiting_for_the_app(self) -> bool:
        """Whether a request has arrived whole and its answer is not yet sent (or one waits behind it)."""
        cycle = self.cycle
        if self.pipeline:
            return True  # reading is paused until the answers are out
        return cycle is not None and not cycle.response_complete and not cycle.more_body

    def _expire(self) -> None:
        """Close the connection if its request has not arrived whole; the app's own time is not counted."""
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.loop.time() < self._expires:  # a response since: the deadline moved on
            self._deadline = self.loop.call_at(self._expires, self._expire)
        elif self._waiting_for_the_app():
            self._arm()
        else:
            self.transport.close()


class OneWrite:
    """The transport as one response sees it: its head waits for the first part of its body.

    uvicorn writes the status line and headers, then the body: two writes, two packets with
    ``TCP_NODELAY``, two wake-ups of the client. Held back until the body comes (or the response
    ends without one, or the connection closes), a small response leaves in one write.

    Once the connection is closed, writes are dropped. uvicorn lets a response that waited for a
    client to read (``FlowControl.drain``) go on writing when the client leaves, if a request behind
    it was parsed since; uvloop then raises, and the app's error lands in the log with a traceback.
    """

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle):
        self._transport, self._cycle = transport, cycle
        self._held: bytes | None = None
        self._started = False

    def write(self, data: bytes) -> None:
        if self._transport.is_closing():
            self._held = None
            return
        if self._held is not None:
            held, self._held = self._held, None
            if len(data) >= 65536:  # a large body: one more write costs less than a copy
                self._transport.write(held)
            else:
                data = held + data
        elif not self._started and self._cycle.response_started:  # the head (not a 100 Continue)
            self._started = True
            self._held = data
            return
        self._transport.write(data)

    def flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(held)

    def then(self, on_response: Callable[[], None]) -> Callable[[], None]:
        """``on_response`` (the response is complete), after what is held is written (a HEAD has no body)."""

        def complete() -> None:
            self.flush()
            on_response()

        return complete

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)


class _Pending:
    """A request answered directly whose answer is still being computed, as uvicorn's protocol sees it."""

    def __init__(self) -> None:
        self.response_complete = False
        self.more_body = False  # a plain GET has no body
        self.keep_alive = True  # uvicorn sets it False to close the connection after the answer (shutdown)
        self.disconnected = False
        self.message_event = asyncio.Event()


class Backlog:
    """The bytes that answers hold while their clients do not keep up, across connections.

    Only connections whose write buffer is past its high-water mark (64 KiB) count: the others
    hold little. ``full`` is asked before a new query is admitted.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._slow: set[asyncio.BaseTransport] = set()

    def add(self, transport: asyncio.BaseTransport) -> None:
        self._slow.add(transport)

    def discard(self, transport: asyncio.BaseTransport) -> None:
        self._slow.discard(transport)

    def unsent(self) -> int:
        return sum(transport.get_write_buffer_size() for transport in self._slow)  # type: ignore[attr-defined]

    def full(self) -> bool:
        return self.unsent() > self.limit


def bounded_protocol(
    request_seconds: float,
    direct: Direct | None = None,
    backlog: Backlog | None = None,
    clients: Connections | None = None,
) -> type[BoundedProtocol]:
    attributes = {
        "request_seconds": request_seconds,
        "direct": staticmethod(direct) if direct else None,
        "backlog": backlog,
        "clients": clients,
    }
    return type("BoundedProtocol", (BoundedProtocol,), attributes)


class CloseAmbiguousFraming:
    """ASGI middleware: answer a request framed by both Content-Length and Transfer-Encoding, then close."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _both_framings(scope["headers"]):
            await self.app(scope, receive, send)
            return

        async def send_and_close(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_and_close)


def _both_framings(headers: list[tuple[bytes, bytes]]) -> bool:
    names = {name.lower() for name, _value in headers}
    return b"content-length" in names and b"transfer-encoding" in names


class WithHeaders:
    """ASGI middleware: these headers on every response of ``app`` (e.g. the security headers on static files)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]):
        self.app = app
        self.raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.raw]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
