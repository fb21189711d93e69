"""Pages shared fairly between client addresses, and never made for a client that has gone.

Pages and files are made in Starlette's thread pool, first come first served. Without this, a
few hundred requests for a page that takes a tenth of a second to make, sent from a handful of
addresses (or sent and abandoned at once), keep every other client waiting for seconds.

:class:`FairGate` lets :data:`PAGE_SLOTS` pages be made at once. A client alone may use them all;
when others wait, a freed slot goes to the address that waited longest among those using less
than their share (round robin), as ``admission.py`` does for queries; an address that already
has as many pages waiting as there are slots is answered 503 at once (its connections then fall
idle, and are closed first when the server is full). :class:`FairPages` holds a
slot from a request's turn until its answer starts (not while a slow client reads it), and drops
a request whose client leaves while it waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .admission import QueueFullError, Turns
from .caching import SKIP
from .protocol import error_response

#: Pages made at once: they are made under the GIL, so more would not make them sooner, and each more
#: thread making one slows the event loop (every connection, every kept answer) further.
PAGE_SLOTS = 2


class FairGate:
    """At most ``slots`` at once; while others wait, no address gets more than ``share`` of them."""

    def __init__(self, slots: int = PAGE_SLOTS, most_waiting: int | None = None, most_queued: int | None = None):
        self.free = slots
        self.most_queued = most_queued  # requests that may wait in all (None: as many as connections)
        self.share = max(1, slots // 2)
        self.most_waiting = most_waiting or slots  # requests of one address that may wait
        self._running: Counter[str] = Counter()
        self._waiting: Turns[None] = Turns()

    async def enter(self, address: str) -> None:
        """A slot for ``address``, at once or in its turn; give it back with :meth:`leave`."""
        if self.try_enter(address):
            return
        if self.most_queued is not None and self._waiting.count >= self.most_queued:
            raise QueueFullError("every slot is busy and the queue is full; try again")
        waiting = self._waiting.of(address)
        if waiting >= self.most_waiting:
            raise QueueFullError(f"this client already has {waiting} requests waiting; wait for their answers")
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.add(address, turn)
        self._next()
        try:
            await turn
        except BaseException:
            if turn.done() and not turn.cancelled():
                self.leave(address)  # its turn came, but it leaves: the next one goes
            else:
                self._waiting.drop(address, turn)
            raise

    def try_enter(self, address: str) -> bool:
        """A slot for ``address`` if one is free and nobody waits for it."""
        if self.free > 0 and not self._waiting:
            self._take(address)
            return True
        return False

    def leave(self, address: str) -> None:
        self._running[address] -= 1
        if self._running[address] <= 0:
            del self._running[address]
        self.free += 1
        self._next()

    def _take(self, address: str) -> None:
        self.free -= 1
        self._running[address] += 1

    def _next(self) -> None:
        """Free slots to the addresses that waited longest: those under their share first."""
        for address, turn in self._waiting.due(lambda: self.free, self._running, self.share):
            self._take(address)
            turn.set_result(None)


class FairPages:
    """ASGI middleware: each page or file (not SPARQL, not reconciliation) waits for its turn at the
    gate; or, given ``paths``, each request below them (the reconciliation service's own gate)."""

    def __init__(
        self,
        app: ASGIApp,
        client_of: Callable[[Scope], str],
        slots: int = PAGE_SLOTS,
        paths: tuple[str, ...] | None = None,
        most_waiting: int | None = None,
        most_queued: int | None = None,
        seconds: float | None = None,
        refuse: Callable[[QueueFullError], ASGIApp] = error_response,
    ):
        self.app, self.client_of, self.paths, self.refuse = app, client_of, paths, refuse
        self.seconds = seconds  # the longest a request may wait for its turn
        self.gate = FairGate(slots, most_waiting, most_queued)

    def _gated(self, scope: Scope) -> bool:
        if scope["type"] != "http":
            return False
        path = str(scope["path"])
        return path.startswith(self.paths) if self.paths is not None else not path.startswith(SKIP)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._gated(scope):
            await self.app(scope, receive, send)
            return
        address = self.client_of(scope)
        first = await receive()  # the request's body: a page's is empty
        if first["type"] == "http.disconnect":
            return
        try:
            if not self.gate.try_enter(address):
                async with asyncio.timeout(self.seconds):  # only a wait counts: a free slot is taken at once
                    if not await self._turn(address, first, receive):
                        return
        except TimeoutError:
            await self.refuse(QueueFullError(f"waited {self.seconds:g} s for a turn; try again"))(scope, receive, send)
            return
        except QueueFullError as error:
            await self.refuse(error)(scope, receive, send)
            return
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.gate.leave(address)

        pending: list[Message] = [first]

        async def replay() -> Message:
            return pending.pop() if pending else await receive()

        async def send_and_release(message: Message) -> None:
            release()  # the page is made; its client may read it as slowly as it likes
            await send(message)

        try:
            await self.app(scope, replay, send_and_release)
        finally:
            release()

    async def _turn(self, address: str, first: Message, receive: Receive) -> bool:
        """Wait for a slot; False (and no slot held) if the client leaves first."""
        if first.get("more_body", False):  # a body still coming: what follows is not a disconnect
            await self.gate.enter(address)
            return True
        turn = asyncio.ensure_future(self.gate.enter(address))
        gone = asyncio.ensure_future(receive())  # after an empty body: only the client's leaving
        try:
            await asyncio.wait((turn, gone), return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # cancelled (the wait's time is up, or the server stops)
            gone.cancel()
            if turn.done() and not turn.cancelled() and turn.exception() is None:
                self.gate.leave(address)  # its turn came just then
            turn.cancel()
            raise
        gone.cancel()
        if not turn.done():  # the client has gone
            turn.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await turn
            return False
        turn.result()  # the gate's refusal, if it refused
        if gone.done() and not gone.cancelled():  # the client left as its turn came
            self.gate.leave(address)
            return False
        return True
