"""SPARQL for the endpoint, run in worker processes that are killed when a query hits the time limit.

Why processes. pyoxigraph's ``Store.query`` cannot be interrupted from Python, and solutions are
computed lazily while they are serialized, so no thread can enforce a time limit. A worker process
holds its own store; the server sends it the query and waits at most the time limit for the whole
answer (checked, evaluated, serialized), and otherwise kills it and starts a fresh one. Measured on
this dataset (15k triples, 2 cores): starting a worker and loading the dumps takes 0.45 s, a round
trip to a worker adds under 0.1 ms to a query, and killing a runaway worker takes 15 ms.

Why not ``oxigraph serve-read-only --timeout-s`` (the server binary on PyPI). With a 2 s limit it
stopped a ``COUNT`` over a cartesian product only after 44 s, and a streamed ``SELECT`` answered
``200 OK`` with 79 MB of partial CSV followed by an error message: a partial result that looks
complete, which is what we must never send.

The size limit counts the bytes of the serialized answer as they are written; past the limit the
answer is dropped and the client gets an error, never the first part of it.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat, Store

from ..errors import NotAcceptableError, PeacegraphError, QueryLimitError, QueryTimeoutError, ResultTooLargeError
from ..query import store
from . import guard, negotiation

_Syntax = RdfFormat | QueryResultsFormat


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds for checking, evaluating and serializing one query
    max_bytes: int = 10_000_000  # of one serialized answer
    workers: int = 2  # queries that run at the same time


@dataclass(frozen=True)
class Request:
    query: str
    accept: str | None


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes


READY = "ready"
STARTUP_SECONDS = 120.0  # for a worker to load the dumps; not counted against any query


class _OverflowError(Exception):
    pass


class _Sink:
    """A binary writer that refuses to hold more than ``limit`` bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        self.data += chunk
        if len(self.data) > self.limit:
            raise _OverflowError
        return len(chunk)

    def flush(self) -> None:
        pass


def _format(results: QuerySolutions | QueryBoolean | QueryTriples, accept: str | None) -> tuple[str, _Syntax]:
    """The media type and syntax to write ``results`` in, as the client prefers."""
    if isinstance(results, QueryTriples):
        graph = negotiation.choose(accept, negotiation.GRAPH_OFFERS)
        if graph is not None:
            return graph[0], graph[1].oxigraph
    else:
        table = negotiation.choose(accept, negotiation.RESULTS_OFFERS)
        if table is not None:
            return table[0], table[1].oxigraph
    kind = "an RDF graph" if isinstance(results, QueryTriples) else "SPARQL results"
    raise NotAcceptableError(f"the result is {kind}, and the Accept header allows none of its formats")


def answer(st: Store, request: Request, max_bytes: int) -> Answer:
    """Check, run and serialize one query (in a worker; also usable in-process)."""
    guard.check(request.query)
    results = store.run(st, request.query)
    media_type, fmt = _format(results, request.accept)
    sink = _Sink(max_bytes)
    try:
        results.serialize(sink, format=fmt)  # type: ignore[arg-type]
    except _OverflowError:
        raise ResultTooLargeError(
            f"the result is larger than the limit of {max_bytes:,} bytes and was not sent; add a LIMIT or ask for less"
        ) from None
    return Answer(media_type, bytes(sink.data))


def _serve(conn: Connection, out: str, max_bytes: int) -> None:
    """A worker's life: load the dumps, then answer requests until the pipe closes."""
    st = store.open_store(Path(out))
    guard.check("ASK {}")  # warm the parser up, so that the first query is not the slow one
    conn.send(READY)
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        try:
            reply: Answer | PeacegraphError = answer(st, request, max_bytes)
        except PeacegraphError as error:
            reply = error
        except Exception as error:  # whatever else one query raises, the worker reports it and goes on
            reply = PeacegraphError(f"the query failed: {error}")
        conn.send(reply)


class _Worker:
    def __init__(self, context: SpawnContext, out: Path, max_bytes: int):
        self.conn, child = context.Pipe()
        self.process: SpawnProcess = context.Process(
            target=_serve, args=(child, str(out), max_bytes), name="peacegraph-query", daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def _await_ready(self) -> None:
        """Wait for the worker to load the dumps, so that loading never counts against a query."""
        if not self.ready:
            if not self.conn.poll(STARTUP_SECONDS) or self.conn.recv() != READY:
                raise QueryLimitError("a query worker did not start; see the server's log")
            self.ready = True

    def ask(self, request: Request, timeout: float) -> Answer | PeacegraphError:
        """The worker's answer, or the error it reports; raises if the worker itself fails."""
        self._await_ready()
        self.conn.send(request)
        if not self.conn.poll(timeout):
            raise QueryTimeoutError(
                f"the query ran longer than the time limit of {timeout:g} s and was stopped; nothing was returned"
            )
        reply = self.conn.recv()
        assert isinstance(reply, Answer | PeacegraphError)
        return reply

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class QueryPool:
    """A fixed number of workers; a worker that times out or dies is killed and replaced."""

    def __init__(self, out: Path, limits: Limits):
        self.out, self.limits = Path(out), limits
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._closed = False
        self._workers: set[_Worker] = set()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(limits.workers):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.out, self.limits.max_bytes)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker that may still be busy, and put a fresh one in its place."""
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
            if self._closed:
                return
        self._idle.put(self._start())

    def _acquire(self) -> _Worker:
        try:
            return self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            raise QueryTimeoutError(
                f"every query worker stayed busy for the time limit of {self.limits.timeout:g} s; try again later"
            ) from None

    def run(self, request: Request) -> Answer:
        worker = self._acquire()
        try:
            reply = worker.ask(request, self.limits.timeout)
        except QueryLimitError:  # the time limit, or a worker that never started
            self._retire(worker)
            raise
        except (EOFError, OSError):
            self._retire(worker)
            raise QueryLimitError("the query stopped unexpectedly (out of memory?); nothing was returned") from None
        self._idle.put(worker)
        if isinstance(reply, PeacegraphError):
            raise reply
        return reply

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, set()
        for worker in workers:
            worker.stop()
