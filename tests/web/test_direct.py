"""Plain ``GET /sparql`` requests answered by the transport (``BoundedProtocol._answer_directly``), as a
demanding client sees them: pipelined behind other requests, left unread, cut off, or caught by a shutdown.
The app's way (``Origin`` header, HTTP/1.0) is the reference: the same answer, the same connection handling."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from peacegraph import pipeline

from .. import live
from ..live import serving

#: Longer than uvicorn's keep-alive timeout (``server.KEEP_ALIVE_SECONDS``, 5 s), so that a query can
#: outlast it.
TIMEOUT = 6.0
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LARGE = "SELECT ?s ?p ?o ?n WHERE { ?s ?p ?o VALUES ?n { " + " ".join(map(str, range(20))) + " } } #direct-large"


@pytest.fixture(scope="module")
def server(mini_built: pipeline.BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = next(iter(mini_built.files.values())).parent
    log = tmp_path_factory.mktemp("direct") / "serve.log"
    with serving(out, log, "--timeout", str(TIMEOUT), "--workers", "2") as url:
        yield url, log


def _get(query: str, *headers: str) -> bytes:
    lines = [f"GET /sparql?query={quote(query)} HTTP/1.1", "Host: x", *headers, "", ""]
    return "\r\n".join(lines).encode()


def test_a_kept_answer_pipelined_before_a_slow_query_does_not_cut_the_query_off(server: tuple[str, Path]) -> None:
    """The kept answer goes out at once; the keep-alive timeout it starts must not close the connection
    while the query behind it still runs (directly or through the app): the query gets its 503."""
    base, _log = server
    kept = _get("ASK { ?s ?p ?o } #kept-before-slow")
    with socket.create_connection(("127.0.0.1", live.port_of(base)), timeout=30) as sock:
        sock.sendall(kept)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    socks = [socket.create_connection(("127.0.0.1", live.port_of(base)), timeout=TIMEOUT + 10) for _ in range(2)]
    try:
        socks[0].sendall(kept + _get(ENDLESS + " #direct"))
        socks[1].sendall(kept + _get(ENDLESS + " #app", "Origin: https://elsewhere.example"))
        for sock in socks:
            sock.settimeout(TIMEOUT + 10)
            received = b""
            while b"time limit" not in received:
                chunk = sock.recv(65536)
                assert chunk, received  # closed before the query's answer
                received += chunk
            assert received.count(b"HTTP/1.1 200 OK") == 1
            assert b"HTTP/1.1 503 Service Unavailable" in received
    finally:
        for sock in socks:
            sock.close()


def test_a_query_pending_at_shutdown_is_answered_with_connection_close(
    mini_built: pipeline.BuildResult, tmp_path: Path
) -> None:
    """SIGTERM while a worker computes a direct answer: the answer still comes, and says the connection
    closes after it, as the app's answers do (uvicorn adds ``connection: close`` once shutdown begins)."""
    out = next(iter(mini_built.files.values())).parent
    with live.started(out, tmp_path / "serve.log", "--timeout", "2") as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
            sock.sendall(_get(ENDLESS + " #at-shutdown"))
            time.sleep(0.5)
            served.process.send_signal(signal.SIGTERM)
            received = live.read_until_closed(sock)
        served.process.wait(timeout=30)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503")
    assert b"\r\nconnection: close" in head
    assert b"time limit" in body
    assert not received.endswith(b"<still open>")


def test_a_client_that_pipelines_large_answers_and_leaves_leaves_no_traceback(server: tuple[str, Path]) -> None:
    """Answers waiting for a client that reads nothing are dropped when it goes, without an error logged."""
    base, log = server
    request = _get(LARGE, "Accept: text/csv")
    with socket.create_connection(("127.0.0.1", live.port_of(base)), timeout=30) as sock:
        sock.sendall(request)
        assert sock.recv(100).startswith(b"HTTP/1.1 200")  # the answer is kept from now on
    before = log.read_text()
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", live.port_of(base)), timeout=30) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            for _ in range(40):  # in several packets: some requests wait in the pipeline, one for the client
                sock.sendall(request)
                time.sleep(0.005)
            time.sleep(0.3)
        time.sleep(0.3)
    with socket.create_connection(("127.0.0.1", live.port_of(base)), timeout=30) as sock:
        sock.sendall(_get("ASK { ?s ?p ?o } #after-leaving-unread"))
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    logged = log.read_text()[len(before) :]
    assert "Traceback" not in logged
    assert "Exception" not in logged


@pytest.mark.parametrize("version", ["1.1", "1.0"])
@pytest.mark.parametrize("escapes", ["%FF", "%C3", "%ED%A0%80"])
def test_a_query_string_that_is_not_utf8_is_a_400_as_a_body_is(
    server: tuple[str, Path], version: str, escapes: str
) -> None:
    """Percent-escapes that decode to no UTF-8 are an error, by GET as by POST: not a query with U+FFFD in
    their place, which is not the query the client sent."""
    base, _log = server
    target = f"/sparql?query=ASK%20%7B%20FILTER(%22{escapes}%22%20!%3D%20%22%22)%20%7D%20%23{version}"
    request = f"GET {target} HTTP/{version}\r\nHost: x\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", live.port_of(base)), timeout=3) as sock:
        sock.sendall(request)
        received = live.read_until_closed(sock)
    head, _, body = received.removesuffix(b"<still open>").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), received
    assert body == b"Error: the query string is not UTF-8 (percent-encode the query's UTF-8 bytes)\n"


def _rss(pid: int) -> int:
    """Resident memory of a process, in bytes (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:", 1)[1].split()[0]) * 1024


def test_clients_that_read_nothing_hold_no_copy_of_a_kept_answer_each(
    mini_built: pipeline.BuildResult, tmp_path: Path
) -> None:
    """A kept answer waiting in a connection's write buffer is the kept bytes themselves (the app's way
    shares them too): a thousand clients that ask for it and read nothing must not cost a thousand copies."""
    out = next(iter(mini_built.files.values())).parent
    request = _get(LARGE, "Accept: text/csv")
    with live.started(out, tmp_path / "serve.log") as served:
        size = 0
        for _ in range(2):  # the second time, the answer is kept
            with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
                sock.sendall(request.replace(b"Host: x", b"Host: x\r\nConnection: close"))
                size = len(live.read_until_closed(sock))
        assert 300_000 < size < 1 << 20, size  # large, and kept (answers.MAX_ENTRY)
        before = _rss(served.process.pid)
        socks = []
        try:
            for _ in range(30):
                sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                sock.sendall(request * 200)
                socks.append(sock)
            time.sleep(3)
            grown = _rss(served.process.pid) - before
        finally:
            for sock in socks:
                sock.close()
    assert grown < 30 * size  # a copy per connection: about 1.5 times as much
