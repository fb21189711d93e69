"""Which query runs next: the workers and the queue shared fairly between client addresses.

A query is admitted, then waits for a worker, then runs. Four rules keep one client from holding
the endpoint:

- **A share of the queue.** One address may have at most :attr:`Admission.waiting_share` queries
  waiting (a quarter of the queue, at least one); past it, a query is answered 503 at once, and
  other addresses still find room.
- **A share of the workers, when others want them.** Alone, a client may use every worker (a
  single client, a benchmark, loses nothing). When a query from an address that runs less than
  :attr:`Admission.running_share` (half the workers, rounded up) must wait because every worker
  is busy, the newest query of an address that runs more than its share is stopped (a 503 that
  says why) and its worker goes to the newcomer.
- **Round robin.** A freed worker goes to the waiting address under its share that waited
  longest for its turn, not to the query that came first: an address that queued ten queries does
  not go ten times before one that queued one.
- **A deadline.** The wait counts against the query's time limit (``deadline``): a query that
  waited its whole limit is answered 503 without running.

A query whose client has gone is cancelled by the server (``server.py``): while it waits, it
simply leaves the queue here.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from ..errors import QueryLimitError, QueryTimeoutError
from .workers import WAITED_TOO_LONG

T = TypeVar("T")


class Turns(Generic[T]):
    """Requests waiting for their turn, by client address, in rounds: the address that waited longest
    for its turn goes first, then to the end of the round (the queries here, the pages in ``fair.py``)."""

    def __init__(self) -> None:
        self._by_address: OrderedDict[str, deque[asyncio.Future[T]]] = OrderedDict()
        self.count = 0  # turns waiting, of every address

    def __bool__(self) -> bool:
        return bool(self._by_address)

    def of(self, address: str) -> int:
        """How many turns ``address`` has waiting."""
        waiting = self._by_address.get(address)
        return len(waiting) if waiting is not None else 0

    def addresses(self) -> list[str]:
        """The addresses waiting, in the order of their turns."""
        return list(self._by_address)

    def add(self, address: str, turn: asyncio.Future[T]) -> None:
        self._by_address.setdefault(address, deque()).append(turn)
        self.count += 1

    def drop(self, address: str, turn: asyncio.Future[T]) -> None:
        """``turn`` leaves the queue (its request has gone), if :meth:`pop` has not dropped it already."""
        waiting = self._by_address.get(address)
        if waiting is None or turn not in waiting:
            return
        waiting.remove(turn)
        self.count -= 1
        if not waiting:
            del self._by_address[address]

    def pop(self, address: str) -> asyncio.Future[T] | None:
        """The next turn of ``address`` that is still awaited; the address goes to the end of the round.

        A turn cancelled with its task (the client has gone) stays queued until that task runs
        again, which may be after a slot is freed in the same instant (clients that leave
        together): it is dropped here, never given the slot, which would be lost with it.
        """
        waiting = self._by_address.pop(address)
        turn = None
        while waiting and turn is None:
            candidate = waiting.popleft()
            self.count -= 1
            turn = None if candidate.done() else candidate
        if waiting:
            self._by_address[address] = waiting
        return turn

    def due(
        self, free: Callable[[], int], running: Mapping[str, int], share: int
    ) -> Iterator[tuple[str, asyncio.Future[T]]]:
        """The turns to give a free slot, while ``free()`` says one is left (the caller takes it before
        asking for the next): the addresses that waited longest first, those under their ``share`` of
        ``running`` slots before the others (whom no one else then competes with)."""
        for within_share in (True, False):
            for address in self.addresses():
                if free() <= 0:
                    return
                if within_share and running.get(address, 0) >= share:
                    continue
                turn = self.pop(address)
                if turn is not None:
                    yield address, turn


class QueueFullError(QueryLimitError):
    """Every worker is busy and the queue is full, or this client has its share: try again in a second."""


class Grant:
    """A worker held for one query, by the task that runs it; :meth:`Admission._take_back` cancels
    that task, and :attr:`taken_back` tells the task why (see ``server.Handlers.answer``)."""

    def __init__(self, address: str, task: asyncio.Task[Any] | None):
        self.address, self.task = address, task
        self.taken_back = False

    def take_back(self) -> None:
        if not self.taken_back and self.task is not None:
            self.taken_back = True
            self.task.cancel()


PREEMPTED = (
    "the query was stopped to give another client a worker: this client was running more than its share of them; "
    "try again"
)


class Admission:
    """The workers and the queue, by client address (one per event loop)."""

    def __init__(self, workers: int, max_queued: int):
        self.workers, self.max_queued = workers, max_queued
        self.running_share = max(1, -(-workers // 2))
        self.waiting_share = max(1, max_queued // 4)
        self._free = workers
        self._running: Counter[str] = Counter()
        self._grants: dict[str, list[Grant]] = {}
        self._waiting: Turns[Grant] = Turns()

    def _refusal(self, address: str) -> QueueFullError | None:
        waiting = self._waiting.of(address)
        if self._waiting.count >= self.max_queued:
            return QueueFullError("every query worker is busy and the queue is full; try again")
        if waiting >= self.waiting_share:
            return QueueFullError(
                f"this client already has {self._running[address] + waiting} queries running or waiting; "
                "wait for their answers"
            )
        return None

    async def enter(self, address: str, deadline: float) -> Grant:
        """A worker held for a query of ``address``: at once, or after waiting until ``deadline`` (loop
        time). Give it back with :meth:`leave`."""
        if self._free > 0 and not self._waiting:
            return self._grant(address, asyncio.current_task())
        refusal = self._refusal(address)
        if refusal is not None:
            raise refusal
        return await self._wait(address, deadline)

    def leave(self, grant: Grant) -> None:
        self._release(grant)

    async def _wait(self, address: str, deadline: float) -> Grant:
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[Grant] = loop.create_future()
        self._waiting.add(address, turn)
        if self._free > 0:
            self._next()
        elif self._running[address] < self.running_share:
            self._take_back()
        # The deadline ends the turn itself (a timer, no asyncio.timeout: most queries wait when
        # clients are many, and that costs a Python object and several calls on each).
        timer = loop.call_at(deadline, _too_late, turn)
        try:
            grant = await turn
            grant.task = asyncio.current_task()
            return grant
        except BaseException as error:
            if turn.done() and not turn.cancelled() and turn.exception() is None:  # granted, but its query leaves
                self._release(turn.result())  # the next one goes
            else:
                self._waiting.drop(address, turn)
            if isinstance(error, TimeoutError):
                raise QueryTimeoutError(WAITED_TOO_LONG) from None
            raise
        finally:
            timer.cancel()

    def _take_back(self) -> None:
        """Stop the newest query of the address furthest past its share, if one is."""
        address, running = max(self._running.items(), key=lambda item: item[1], default=("", 0))
        if running > self.running_share:
            self._grants[address][-1].take_back()

    def _grant(self, address: str, task: asyncio.Task[Any] | None) -> Grant:
        self._free -= 1
        self._running[address] += 1
        grant = Grant(address, task)
        self._grants.setdefault(address, []).append(grant)
        return grant

    def _release(self, grant: Grant) -> None:
        address = grant.address
        self._grants[address].remove(grant)
        self._running[address] -= 1
        if self._running[address] <= 0:
            del self._running[address]
            del self._grants[address]
        self._free += 1
        self._next()

    def _next(self) -> None:
        """Give free workers to the addresses that waited longest for their turn: those under their
        share first, then (no one else wants them) the others."""
        if not self._waiting:  # the usual case, after every query
            return
        for address, turn in self._waiting.due(lambda: self._free, self._running, self.running_share):
            turn.set_result(self._grant(address, None))  # its task is told when it wakes


def _too_late(turn: asyncio.Future[Grant]) -> None:
    """A query's deadline came while it waited for a worker (a turn given or dropped is left alone)."""
    if not turn.done():
        turn.set_exception(TimeoutError())
