"""The connection layer under the app: small answers go out at once, slow clients are let go.

- ``TCP_NODELAY`` on every connection. asyncio sets it only on sockets created with
  ``IPPROTO_TCP``; without it, a response written as headers then body waits for the client's
  delayed ACK (about 40 ms on Linux) before its second half leaves.
- A request deadline. uvicorn closes a keep-alive connection that stays idle after a response,
  but not one that opens and then sends its headers, or its body, a byte at a time: hundreds of
  such clients hold as many file descriptors for ever. Here a request must arrive whole within
  ``request_seconds`` of the connection opening or of the previous response; otherwise the
  connection is closed. The time the app takes to answer is not counted (queries have their own
  limit).
- A request that carries both ``Content-Length`` and ``Transfer-Encoding`` is answered (the
  transfer coding wins, RFC 9112 §6.3) and then its connection is closed, as RFC 9112 §6.1 asks:
  a proxy in front may have framed it the other way.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

REQUEST_SECONDS = 10.0


def no_delay(sock: socket.socket | None) -> None:
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class BoundedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with ``TCP_NODELAY`` and a deadline for each request to arrive."""

    request_seconds = REQUEST_SECONDS

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any], **kwargs: Any):
        super().__init__(config, server_state, app_state, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        no_delay(transport.get_extra_info("socket"))
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_seconds, self._expire)

    def _expire(self) -> None:
        """Close the connection if its request has not arrived whole; the app's own time is not counted."""
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
            self.transport.close()
        else:
            self._arm()


def bounded_protocol(request_seconds: float) -> type[BoundedH11Protocol]:
    return type("BoundedH11Protocol", (BoundedH11Protocol,), {"request_seconds": request_seconds})


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
