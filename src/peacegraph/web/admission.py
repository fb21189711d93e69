"""Which query runs next: the workers and the queue shared fairly between client addresses.

A query is admitted, then waits for a worker, then runs. Three rules keep one client from
holding the endpoint:

- **A share of each.** One address may run at most :attr:`Admission.running_share` queries at
  once (half the workers, rounded up) and have at most :attr:`Admission.waiting_share` waiting
  (a quarter of the queue, at least one). Past its share a query is answered 503 at once; other
  addresses still find room. A share is a hard cap, not a priority: a client that takes every
  worker before anyone else comes would make the next one wait for its queries' time limit.
- **Round robin.** A freed worker goes to the address that waited longest for its turn, not to
  the query that came first: an address that queued ten queries does not go ten times before one
  that queued one.
- **A deadline.** The wait counts against the query's time limit (``deadline``): a query that
  waited its whole limit is answered 503 without running.

A query whose client has gone is cancelled by the server (``server.py``): while it waits, it
simply leaves the queue here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator

from ..errors import QueryLimitError, QueryTimeoutError


class QueueFullError(QueryLimitError):
    """Every worker is busy and the queue is full, or this client has its share: try again in a second."""


class Admission:
    """The workers and the queue, by client address (one per event loop)."""

    def __init__(self, workers: int, max_queued: int):
        self.workers, self.max_queued = workers, max_queued
        self.running_share = max(1, -(-workers // 2))
        self.waiting_share = max(1, max_queued // 4)
        self._free = workers
        self._running: Counter[str] = Counter()
        self._waiting: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()
        self._queued = 0

    def _refusal(self, address: str) -> QueueFullError | None:
        waiting = self._waiting.get(address)
        if self._running[address] < self.running_share and self._free > 0 and not self._startable_others(address):
            return None
        if self._queued >= self.max_queued:
            return QueueFullError("every query worker is busy and the queue is full; try again")
        if waiting is not None and len(waiting) >= self.waiting_share:
            return QueueFullError(
                f"this client already has {self._running[address] + len(waiting)} queries running or waiting; "
                "wait for their answers"
            )
        return None

    def _startable_others(self, address: str) -> bool:
        """Whether another address waits for a worker that it may take (it goes first)."""
        return any(other != address and self._running[other] < self.running_share for other in self._waiting)

    @contextlib.asynccontextmanager
    async def turn(self, address: str, deadline: float) -> AsyncIterator[None]:
        """Hold a worker for a query of ``address``: at once, or after waiting until ``deadline`` (loop time)."""
        refusal = self._refusal(address)
        if refusal is not None:
            raise refusal
        if self._running[address] < self.running_share and self._free > 0 and not self._startable_others(address):
            self._grant(address)
        else:
            await self._wait(address, deadline)
        try:
            yield
        finally:
            self._release(address)

    async def _wait(self, address: str, deadline: float) -> None:
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(address, deque()).append(turn)
        self._queued += 1
        try:
            async with asyncio.timeout_at(deadline):
                await turn
        except BaseException as error:
            if turn.done() and not turn.cancelled():  # granted, but its query leaves: the next one goes
                self._release(address)
            else:
                self._leave(address, turn)
            if isinstance(error, TimeoutError):
                raise QueryTimeoutError(
                    "the query waited for a worker for its whole time limit and was not run; try again"
                ) from None
            raise

    def _leave(self, address: str, turn: asyncio.Future[None]) -> None:
        waiting = self._waiting[address]
        waiting.remove(turn)
        self._queued -= 1
        if not waiting:
            del self._waiting[address]

    def _grant(self, address: str) -> None:
        self._free -= 1
        self._running[address] += 1

    def _release(self, address: str) -> None:
        self._running[address] -= 1
        if self._running[address] <= 0:
            del self._running[address]
        self._free += 1
        self._next()

    def _next(self) -> None:
        """Give free workers to the addresses that waited longest for their turn, within their share."""
        for address in list(self._waiting):
            if self._free <= 0:
                return
            if self._running[address] >= self.running_share:
                continue
            waiting = self._waiting.pop(address)
            turn = waiting.popleft()
            self._queued -= 1
            if waiting:
                self._waiting[address] = waiting  # to the end of the round
            self._grant(address)
            turn.set_result(None)
