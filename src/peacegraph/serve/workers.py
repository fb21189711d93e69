"""SPARQL for the endpoint, run in worker processes that are killed when a query hits the time limit.

Why processes. pyoxigraph's ``Store.query`` cannot be interrupted from Python, and solutions are
computed lazily while they are serialized, so no thread can enforce a time limit. A worker process
holds its own store; the server sends it the query and waits at most the time limit for the whole
answer (checked, evaluated, serialized), and otherwise kills it and starts a fresh one. Measured on
this dataset (15k triples, 2 cores): starting a worker and loading the dumps takes 0.45 s and
killing a runaway worker 15 ms. A round trip over the socket to a worker takes about 0.05 ms, and a
small new query about 0.2 ms in all, most of it the two processes waking each other: that, not the
query, is what a new ``ASK {}`` costs (``bench/serve.py`` prints the CPU time per request).

Why not ``oxigraph serve-read-only --timeout-s`` (the server binary on PyPI). With a 2 s limit it
stopped a ``COUNT`` over a cartesian product only after 44 s, and a streamed ``SELECT`` answered
``200 OK`` with 79 MB of partial CSV followed by an error message: a partial result that looks
complete, which is what we must never send.

The size limit counts the bytes of the serialized answer as they are written; past the limit the
answer is dropped and the client gets an error, never the first part of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import threading
from dataclasses import dataclass
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat, Store

from ..collection import space_of_release
from ..errors import (
    InputError,
    NotAcceptableError,
    PeacegraphError,
    QueryLimitError,
    QueryTimeoutError,
    ResultTooLargeError,
)
from ..query import cache, store
from ..rdf.namespaces import activate
from . import guard, negotiation, sandbox
from .settings import Limits

LOG = logging.getLogger("peacegraph.serve")

_Syntax = RdfFormat | QueryResultsFormat


@dataclass(frozen=True)
class Request:
    query: str
    accept: str | None


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes
    volatile: bool = False  # another run may give another answer (NOW, RAND, …): never kept


READY = "ready"
STARTUP_SECONDS = 120.0  # for a worker to load the dumps; not counted against any query
#: How long a worker whose query was abandoned may take to finish it before it is replaced. Most queries
#: take milliseconds: a new worker costs about 0.5 s of CPU, and a client that leaves often (a benchmark
#: that stops, a UI that re-runs) should not cost one each time.
ABANDONED_GRACE = 0.25
WAITED_TOO_LONG = "the query waited for a worker for its whole time limit and was not run; try again"
MEMORY_MESSAGE = "the query needed more than the {:,} bytes of memory a query may use and was stopped; ask for less"


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
    chosen = _chosen(isinstance(results, QueryTriples), accept)
    if chosen is None:
        kind = "an RDF graph" if isinstance(results, QueryTriples) else "SPARQL results"
        raise NotAcceptableError(f"the result is {kind}, and the Accept header allows none of its formats")
    return chosen


@functools.lru_cache(maxsize=256)  # clients send the same few Accept headers again and again
def _chosen(graph: bool, accept: str | None) -> tuple[str, _Syntax] | None:
    if graph:
        return negotiation.choose(accept, negotiation.QUERY_GRAPH_OFFERS)
    table = negotiation.choose(accept, negotiation.RESULTS_OFFERS)
    return None if table is None else (table[0], table[1].oxigraph)


def answer(st: Store, request: Request, max_bytes: int) -> Answer:
    """Check, run and serialize one query (in a worker; also usable in-process).

    Oxigraph evaluates lazily, while the answer is written: an evaluation error (``RuntimeError``:
    a function it does not have) may come from either step, and is the query's fault (400); a
    result that the chosen syntax cannot hold (``OSError`` from the writer: a triple term in
    JSON-LD) is a 406.
    """
    checked = guard.check(request.query)
    try:
        results = store.run(st, checked.text)
        media_type, fmt = _format(results, request.accept)
        return Answer(media_type, _serialized(results, fmt, max_bytes), volatile=checked.volatile)
    except RuntimeError as error:
        raise InputError(f"the query cannot be evaluated: {error}") from None


def _serialized(results: QuerySolutions | QueryBoolean | QueryTriples, fmt: _Syntax, max_bytes: int) -> bytes:
    if isinstance(results, QueryBoolean):  # a few bytes: no need to count them as they come
        data = results.serialize(format=fmt)  # type: ignore[arg-type]
        assert data is not None  # written to bytes when no output is given
        return data
    sink = _Sink(max_bytes)
    try:
        results.serialize(sink, format=fmt)  # type: ignore[arg-type]
    except _OverflowError:
        raise ResultTooLargeError(
            f"the result is larger than the limit of {max_bytes:,} bytes and was not sent; add a LIMIT or ask for less"
        ) from None
    except OSError as error:
        raise NotAcceptableError(f"the result cannot be written in the format asked for: {error}") from None
    return bytes(sink.data)


#: A message between the server and a worker: its length (8 bytes, big-endian), then its pickle.
_LENGTH = struct.Struct("!Q")


def _frame(message: object) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(payload)) + payload


def _receive(sock: socket.socket) -> object:
    """The next message, read with blocking calls (in a worker; or while a worker starts); EOFError at the end."""
    header = _exactly(sock, _LENGTH.size)
    return pickle.loads(_exactly(sock, _LENGTH.unpack(header)[0]))


def _exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(min(size - len(data), 1 << 20))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def _serve(sock: socket.socket, out: str, limits: Limits, folder: str | None) -> None:
    """A worker's life: wall itself in, open the release (its on-disk store in ``folder``, else the
    dumps loaded into memory), then answer requests until the server hangs up."""
    os.environ["RUST_BACKTRACE"] = "0"  # a query past the memory cap: one line in the log, not a backtrace
    walls = sandbox.isolate()
    sandbox.limit_memory(limits.max_memory)
    activate(space_of_release(Path(out)))  # relative IRIs in queries resolve against the release's endpoint
    # the release as published, as `peacegraph query` has it
    st = cache.open_folder(Path(out), None if folder is None else Path(folder))
    answer(st, Request("ASK {}", None), limits.max_bytes)  # the first query is not the slow one
    sock.sendall(_frame((READY, walls)))
    while True:
        try:
            request = _receive(sock)
        except (EOFError, ConnectionError):
            return
        assert isinstance(request, Request)
        try:
            reply: Answer | PeacegraphError = answer(st, request, limits.max_bytes)
        except PeacegraphError as error:
            reply = error
        except MemoryError:
            reply = QueryLimitError(MEMORY_MESSAGE.format(limits.max_memory or 0))
        except Exception as error:  # whatever else one query raises, the worker reports it and goes on
            reply = PeacegraphError(f"the query failed: {error}")
        sock.sendall(_frame(reply))


class _Worker:
    """A worker process and the server's end of the socket to it.

    Once ready, the socket is read on the event loop as bytes arrive (``_readable``), never with a
    blocking call: a large answer that a worker is still writing holds up no other client.
    """

    def __init__(self, context: SpawnContext, out: Path, limits: Limits, folder: Path | None):
        self.sock, theirs = socket.socketpair()
        where = None if folder is None else str(folder)
        self.process: SpawnProcess = context.Process(
            target=_serve, args=(theirs, str(out), limits, where), name="peacegraph-query", daemon=True
        )
        self.process.start()
        theirs.close()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reply: asyncio.Future[object] | None = None
        self._buffer = bytearray()  # what the worker has written that is not yet a whole message
        self.sent = False  # the whole of the last request reached the socket
        self.answered = True  # the whole answer to the last request has come back (read or dropped)

    def await_ready(self) -> bool:
        """Wait for the worker to load the dumps (never counted against a query); log its walls."""
        self.sock.settimeout(STARTUP_SECONDS)
        try:
            ready = _receive(self.sock)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            return False
        if not (isinstance(ready, tuple) and len(ready) == 2 and ready[0] == READY):
            return False
        walls: dict[str, str | None] = ready[1]
        missing = {wall: why for wall, why in walls.items() if why is not None}
        for wall, why in missing.items():
            LOG.warning("query worker %s: no %s (%s)", self.process.pid, wall, why)
        if len(missing) == len(walls):
            LOG.warning("query workers can reach the network: only the query guard keeps SERVICE out")
        return True

    async def ask(self, request: Request, timeout: float, limit: float) -> Answer | PeacegraphError:
        """The worker's answer within ``timeout`` s (what is left of the query's ``limit``), or the error
        it reports; raises if the worker itself fails."""
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            self.sock.setblocking(False)
            loop.add_reader(self.sock.fileno(), self._readable)
        reply = self._reply = loop.create_future()
        timer = loop.call_later(timeout, _time_out, reply, limit)
        self.sent = self.answered = False
        try:
            await loop.sock_sendall(self.sock, _frame(request))
            self.sent = True
            answer = await reply
        finally:
            timer.cancel()
            self._reply = None
        assert isinstance(answer, Answer | PeacegraphError)
        return answer

    async def finish(self, grace: float) -> bool:
        """Whether the worker, whose query was abandoned after it was sent, answers within ``grace`` s
        (its answer is dropped); False if it must be stopped."""
        if self.answered:  # its answer came in between the query's end and this
            return True
        if self._loop is None:  # detached: it died
            return False
        reply = self._reply = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(grace):
                await reply
        except (TimeoutError, EOFError, OSError):
            return False
        finally:
            self._reply = None
        return True

    def _readable(self) -> None:
        """Take what the worker has written; settle the pending reply once a whole message is in."""
        try:
            chunk = self.sock.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:  # the worker died: the query gets an error, the pool a new worker
            self.detach()
            self._settle(exception=EOFError())
            return
        self._buffer += chunk
        while len(self._buffer) >= _LENGTH.size:
            end = _LENGTH.size + _LENGTH.unpack_from(self._buffer)[0]
            if len(self._buffer) < end:
                return
            message = bytes(self._buffer[_LENGTH.size : end])
            del self._buffer[:end]
            self.answered = True
            try:
                self._settle(result=pickle.loads(message))
            except Exception as error:  # a worker wrote what it never writes
                self._settle(exception=OSError(f"unreadable reply from a query worker: {error}"))

    def _settle(self, result: object = None, exception: BaseException | None = None) -> None:
        reply = self._reply
        if reply is None or reply.done():
            return
        if exception is not None:
            reply.set_exception(exception)
        else:
            reply.set_result(result)

    def detach(self) -> None:
        """Stop reading the socket on the event loop; called on the loop before :meth:`stop`."""
        if self._loop is not None:
            self._loop.remove_reader(self.sock.fileno())
            self._loop = None

    def stop(self) -> None:
        """Kill the process and close the socket (in any thread, once detached)."""
        self.process.kill()
        self.process.join()
        self.sock.close()


def _time_out(reply: asyncio.Future[object], timeout: float) -> None:
    if not reply.done():
        reply.set_exception(
            QueryTimeoutError(
                f"the query ran past the time limit of {timeout:g} s (waiting for a worker included) and was stopped; "
                "nothing was returned"
            )
        )


class QueryPool:
    """A fixed number of workers; a worker that times out or dies is killed and replaced.

    A worker joins the idle ones only once it has loaded the dumps, so that after a worker is
    replaced the next query goes to one that is ready rather than waiting for the new one. The
    idle ones are in an ``asyncio.Queue`` (made on the event loop, which runs every query): a
    query cancelled while it waits for one takes none with it.
    """

    def __init__(self, out: Path, limits: Limits, folder: Path | None = None, started: Started | None = None):
        self._loop = asyncio.get_running_loop()
        self.out, self.limits, self.folder = Path(out), limits, folder
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._closed = False
        self._workers: set[_Worker] = set()
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._finishing: set[asyncio.Task[None]] = set()  # workers whose query was abandoned
        adopted = started.take(self.out, limits, folder) if started is not None else []
        for worker in adopted:
            self._start(worker)
        for _ in range(limits.workers - len(adopted)):
            self._start()

    def _start(self, worker: _Worker | None = None) -> None:
        """Start a worker (or adopt one started already) and let it join the idle ones once it is ready."""
        worker = worker or _Worker(self._context, self.out, self.limits, self.folder)
        with self._lock:
            self._workers.add(worker)
        threading.Thread(target=self._when_ready, args=(worker,), daemon=True).start()

    def _when_ready(self, worker: _Worker) -> None:
        if worker.await_ready():
            with contextlib.suppress(RuntimeError):  # the server has stopped
                self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)
            return
        LOG.error("a query worker did not start (exit code %s); queries wait for the others", worker.process.exitcode)
        with self._lock:
            self._workers.discard(worker)
        worker.stop()  # never attached to the event loop

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker that may still be busy, and start a fresh one in its place."""
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
            if self._closed:
                return
        self._start()

    async def _acquire(self, deadline: float) -> _Worker:
        """An idle worker, waiting for one (that starts in place of one retired) until ``deadline`` at most."""
        try:
            return self._idle.get_nowait()
        except asyncio.QueueEmpty:
            pass
        try:
            async with asyncio.timeout_at(min(deadline, self._loop.time() + STARTUP_SECONDS)):
                return await self._idle.get()
        except TimeoutError:
            raise QueryTimeoutError(WAITED_TOO_LONG) from None

    async def run(self, request: Request, deadline: float) -> Answer:
        """A worker's answer to ``request`` by ``deadline`` (loop time); a worker that times out or dies is replaced.

        Cancelled (the server stops, or the client has gone), the query's worker finishes it within
        ``ABANDONED_GRACE`` or is stopped and replaced.
        """
        worker = await self._acquire(deadline)
        timeout = deadline - self._loop.time()
        if timeout <= 0:
            self._idle.put_nowait(worker)
            raise QueryTimeoutError(WAITED_TOO_LONG)
        try:
            reply = await worker.ask(request, timeout, self.limits.timeout)
        except QueryLimitError:  # the time limit
            worker.detach()
            await asyncio.to_thread(self._retire, worker)
            raise
        except asyncio.CancelledError:  # the server stops, or the client went: the worker may still be busy
            if self._closed or not worker.sent:
                worker.detach()
                self._retire(worker)
            else:
                self._after_abandoned(worker)
            raise
        except (EOFError, OSError):
            worker.detach()
            await asyncio.to_thread(worker.process.join, 1.0)
            exit_code = worker.process.exitcode
            await asyncio.to_thread(self._retire, worker)
            raise QueryLimitError(self._death_message(exit_code)) from None
        self._idle.put_nowait(worker)
        if isinstance(reply, PeacegraphError):
            raise reply
        return reply

    def _after_abandoned(self, worker: _Worker) -> None:
        """A query nobody waits for any more: its worker goes back to the idle ones if it answers within
        ``ABANDONED_GRACE`` seconds (a quick query: cheaper than a new worker), else it is replaced."""

        async def finish() -> None:
            if await worker.finish(ABANDONED_GRACE):
                self._idle.put_nowait(worker)
                return
            worker.detach()
            await asyncio.to_thread(self._retire, worker)

        task = asyncio.get_running_loop().create_task(finish())
        self._finishing.add(task)
        task.add_done_callback(self._finishing.discard)

    def _death_message(self, exit_code: int | None) -> str:
        """Why a worker died under a query: Oxigraph aborts when an allocation fails."""
        if self.limits.max_memory is not None and exit_code == -signal.SIGABRT:
            return MEMORY_MESSAGE.format(self.limits.max_memory)
        LOG.error("a query worker died (exit code %s) and was replaced", exit_code)
        return "the query stopped unexpectedly and was not answered; the server goes on"

    def close(self) -> None:
        """Stop every worker (on the event loop's thread)."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, set()
        for worker in workers:
            worker.detach()
            worker.stop()


class Started:
    """Workers started before the server that will use them: ``peacegraph serve`` starts them first,
    so that they open the release while the server imports its modules and reads the release's pages
    (the first query is answered sooner). The pool takes them if they read what it would have them read."""

    def __init__(self, out: Path, limits: Limits, folder: Path | None):
        self.out, self.limits, self.folder = Path(out), limits, folder
        context = multiprocessing.get_context("spawn")
        self._workers = [_Worker(context, self.out, limits, folder) for _ in range(limits.workers)]

    def take(self, out: Path, limits: Limits, folder: Path | None) -> list[_Worker]:
        """The workers, to a pool of the same release, limits and store (else they are stopped: none)."""
        if (Path(out), limits, folder) != (self.out, self.limits, self.folder):
            self.stop()
        workers, self._workers = self._workers, []
        return workers

    def stop(self) -> None:
        """Stop the workers no pool has taken (the server did not start, or wants others)."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()
