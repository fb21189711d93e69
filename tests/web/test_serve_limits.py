"""`peacegraph serve` under load and abuse: memory cap, slow clients, a full queue, bad requests."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from peacegraph import pipeline
from peacegraph.query.store import format_results, open_store, run

from .. import live
from ..live import serving

#: Each BIND doubles a string: 16 bytes become 16 GiB, far past any cap, in a 1 KB query.
NAMES = [f"?v{i}" for i in range(31)]
DOUBLING = (
    f'SELECT (STRLEN({NAMES[-1]}) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?v0) '
    + " ".join(f"BIND(CONCAT({a}, {a}) AS {b})" for a, b in itertools.pairwise(NAMES))
    + " }"
)
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
REQUEST_SECONDS = 2.0
POST_HEAD = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"


@pytest.fixture(scope="module")
def base(mini_built: pipeline.BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = next(iter(mini_built.files.values())).parent
    options = (
        *("--max-memory", str(512 << 20), "--workers", "2", "--queue", "2"),
        *("--timeout", "3", "--request-timeout", str(REQUEST_SECONDS)),
    )
    with serving(out, tmp_path_factory.mktemp("limits") / "serve.log", *options) as url:
        yield url


def ask(base: str, query: str = "ASK {}", **kwargs: object) -> httpx.Response:
    return httpx.get(base + "sparql", params={"query": query}, timeout=60, **kwargs)  # type: ignore[arg-type]


def raw(base: str, request: bytes, wait: float = 5.0) -> bytes:
    """Send bytes as they are and read until the server closes or ``wait`` passes."""
    with socket.create_connection(("127.0.0.1", live.port_of(base)), timeout=wait) as sock:
        sock.sendall(request)
        return live.read_until_closed(sock)


def test_a_query_past_the_memory_cap_gets_one_line_and_the_next_query_answers_at_once(base: str) -> None:
    response = httpx.post(base + "sparql", data={"query": DOUBLING}, timeout=60)
    assert response.status_code == 503
    assert response.text.count("\n") == 1
    assert "memory" in response.text
    start = time.monotonic()
    assert ask(base, "ASK { ?s a ?type }").json()["boolean"] is True  # a new query: a worker answers it
    assert time.monotonic() - start < 0.4  # the other worker, not the one still starting


def test_a_full_queue_is_503_with_retry_after_and_pages_stay_quick(base: str) -> None:
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(ask(base, ENDLESS).status_code)) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    start = time.monotonic()
    page = httpx.get(base + "id/", timeout=60)
    page_seconds = time.monotonic() - start
    full = ask(base, "ASK { ?s ?p ?o }")  # not asked before: no answer is kept for it
    for thread in threads:
        thread.join()
    assert page.status_code == 200
    assert page_seconds < 2.0  # behind the queries, it would wait for their 3 s limit
    assert full.status_code == 503
    assert full.headers["retry-after"] == "1"
    assert statuses.count(503) == 8  # 2 run and time out, 2 wait (and time out), 4 find the queue full


def test_a_client_that_sends_nothing_is_let_go(base: str) -> None:
    start = time.monotonic()
    assert raw(base, b"", wait=REQUEST_SECONDS + 5) == b""
    assert time.monotonic() - start < REQUEST_SECONDS + 2


def test_a_client_that_drips_its_headers_is_let_go(base: str) -> None:
    port = live.port_of(base)
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_SECONDS + 5) as sock:
        start = time.monotonic()
        closed = False
        for byte in b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.1)
        assert closed or sock.recv(100) == b""
        assert time.monotonic() - start < REQUEST_SECONDS + 2


def test_a_client_that_drips_its_body_is_let_go(base: str) -> None:
    headers = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 50\r\n\r\n"
    )
    start = time.monotonic()
    assert raw(base, headers + b"ASK", wait=REQUEST_SECONDS + 5) == b""
    assert time.monotonic() - start < REQUEST_SECONDS + 2


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/sparql-query", b"ASK { ?s ?p '\xff\xfe' }"),
        ("application/x-www-form-urlencoded", b"query=ASK%20%7B%20%3Fs%20%3Fp%20%27%FF%27%20%7D"),
        ("application/x-www-form-urlencoded", b"query=ASK {} \xff"),
    ],
)
def test_a_body_that_is_not_utf8_is_a_one_line_400(base: str, content_type: str, body: bytes) -> None:
    response = httpx.post(base + "sparql", content=body, headers={"content-type": content_type}, timeout=60)
    assert response.status_code == 400
    assert response.text == "Error: the request body is not UTF-8 (a form must be percent-encoded UTF-8)\n"


def test_a_client_that_leaves_mid_body_does_not_hurt(base: str) -> None:
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK"
    )
    port = live.port_of(base)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request)
    assert ask(base).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s a schema:Organization . " + " ".join(f"?s schema:name ?n{i} ." for i in range(89)) + " }",
        "SELECT * WHERE { " + "{ " * 40 + "?s ?p ?o " + "} " * 40 + "} LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 40 + "}" * 40 + " } LIMIT 1",
    ],
)
def test_large_and_deep_legitimate_queries_simply_work(base: str, query: str) -> None:
    response = httpx.post(base + "sparql", data={"query": query}, timeout=60)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("query", ["", "   \n\t", "# nothing but a comment", "# one\n# two\r\n"])
def test_an_empty_query_is_a_400(base: str, query: str) -> None:
    for response in (ask(base, query), httpx.post(base + "sparql", data={"query": query}, timeout=60)):
        assert response.status_code == 400
        assert "empty" in response.text


def test_both_content_length_and_transfer_encoding_closes_the_connection(base: str) -> None:
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n"
    )
    answer = raw(base, request)
    assert answer.startswith(b"HTTP/1.1 200")
    assert b"connection: close" in answer.lower()
    assert not answer.endswith(b"<still open>")


@pytest.mark.parametrize("path", ["/id", "/sparql/", "/shapes/", "/id/organization/"])
def test_redirects_do_not_reflect_the_host_header(base: str, path: str) -> None:
    response = httpx.get(base.rstrip("/") + path, headers={"host": "evil.example"}, timeout=60)
    assert "evil.example" not in response.headers.get("location", "")
    assert "evil.example" not in response.text


def test_uvicorn_answers_many_connections_at_once(base: str) -> None:
    """A hundred idle connections do not keep others out; each is let go after the request deadline."""
    port = live.port_of(base)
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
    try:
        assert ask(base).status_code == 200
    finally:
        for sock in idle:
            sock.close()


def test_a_query_asked_again_is_answered_while_every_worker_is_busy(base: str) -> None:
    """The release never changes while the server runs, so a complete answer is kept and given again."""
    query = "SELECT ?name WHERE { ?o a schema:Organization ; schema:name ?name } ORDER BY ?name"
    first = ask(base, query)
    assert first.status_code == 200
    busy = [threading.Thread(target=ask, args=(base, ENDLESS)) for _ in range(2)]
    for thread in busy:
        thread.start()
    time.sleep(0.5)
    start = time.monotonic()
    again = ask(base, query)
    seconds = time.monotonic() - start
    for thread in busy:
        thread.join()
    assert again.status_code == 200
    assert again.content == first.content
    assert seconds < 1.0  # the workers stay busy for 3 s


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { BIND('" + "\\'" * 40000 + " AS ?x) }",  # escaped quotes and no closing one
        'SELECT * { BIND("""' + '""a' * 30000 + " AS ?x) }",
        "SELECT * { " + "<a" * 40000 + " }",
    ],
)
def test_a_hostile_text_is_read_in_one_pass(base: str, query: str) -> None:
    """Answered 400 at once, not after the time limit: the guard never rescans the text."""
    response = httpx.post(base + "sparql", content=query, headers={"content-type": "application/sparql-query"})
    assert response.status_code == 400, response.text


def _without_date(response: bytes) -> bytes:
    return b"\r\n".join(line for line in response.split(b"\r\n") if not line.lower().startswith(b"date:"))


def test_a_kept_answer_is_the_same_bytes_as_the_first_and_the_connection_stays_usable(base: str) -> None:
    """The second ask is answered at once by the transport (``transport.BoundedProtocol._answer_at_once``)."""
    port = live.port_of(base)
    request = b"GET /sparql?query=ASK%20%7B%20%3Fs%20a%20%3Ft%20%7D%20%23kept HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        answers = []
        for _ in range(3):
            sock.sendall(request)
            received = b""
            while not received.endswith(b'"boolean":true}'):
                chunk = sock.recv(65536)
                assert chunk, received
                received += chunk
            answers.append(_without_date(received))
    assert answers[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert answers[0] == answers[1] == answers[2]
    assert b"content-length: 26\r\n" in answers[0]


def test_a_kept_answer_asked_from_a_page_elsewhere_still_gets_cors(base: str) -> None:
    query = "ASK { ?s a ?t } #cors"
    assert ask(base, query).status_code == 200
    again = ask(base, query, headers={"origin": "https://elsewhere.example"})
    assert again.headers["access-control-allow-origin"] == "*"
    assert again.json()["boolean"] is True


def test_a_request_head_past_the_limit_is_a_400(base: str) -> None:
    """httptools sets no limit on headers; the transport allows 16 KiB, as h11 did."""
    port = live.port_of(base)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        with contextlib.suppress(ConnectionError):  # the server may close while we still send
            for _ in range(40):
                sock.sendall(b"X-Part: " + b"a" * 1000 + b"\r\n")
                time.sleep(0.005)
        assert sock.recv(65536).startswith(b"HTTP/1.1 400")


def test_pipelined_requests_are_answered_in_order_kept_or_not(base: str) -> None:
    kept = "ASK { ?s ?p ?o } #pipelined"
    assert ask(base, kept).status_code == 200
    port = live.port_of(base)
    new, known = (
        f"GET /sparql?query={quote(q)} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n".encode()
        for q in ("SELECT (1 AS ?n) {} #pipelined", kept)
    )
    known = known.replace(b"Accept: text/csv\r\n", b"")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(new + known + known)
        received = b""
        while received.count(b'"boolean":true}') < 2:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
    assert received.startswith(b"HTTP/1.1 200")
    assert received.index(b"n\r\n1\r\n") < received.index(b'"boolean":true}')


def test_the_access_log_has_every_request(mini_built: pipeline.BuildResult, tmp_path: Path) -> None:
    """Off by default; with ``--access-log`` every request is a line (uvicorn's, on standard output)."""
    out = next(iter(mini_built.files.values())).parent
    with live.started(out, tmp_path / "serve.log", "--access-log") as served:
        for _ in range(3):
            assert ask(served.url, "ASK { ?s ?p ?o } #logged").status_code == 200
        live.stop(served.process)
        assert served.process.stdout is not None
        assert served.process.stdout.read().count("GET /sparql?query=ASK+%7B+%3Fs+%3Fp+%3Fo+%7D+%23logged") == 3


def _head_and_body(response: bytes) -> tuple[str, list[bytes], bytes]:
    """Status line, headers in order but Date and Connection, and body of one raw response."""
    head, _, body = response.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    headers = [line for line in lines if not line.lower().startswith((b"date:", b"connection:"))]
    return status.decode(), headers, body


@pytest.mark.parametrize(
    ("query", "accept", "status"),
    [
        ("SELECT ?s WHERE { ?s a ?t } ORDER BY ?s #same-bytes", "text/csv", "200 OK"),
        ("SELECT ?s WHERE { ?s a #same-bytes", "text/csv", "400 Bad Request"),
        ("ASK { ?s ?p ?o } #same-bytes", "text/turtle", "406 Not Acceptable"),
    ],
)
def test_the_transport_and_the_app_answer_a_query_with_the_same_bytes(
    base: str, query: str, accept: str, status: str
) -> None:
    """A plain HTTP/1.1 GET is answered by the transport (``Handlers.direct``), an HTTP/1.0 one by the app."""
    target = f"/sparql?query={quote(query)}"
    answers = []
    for version in ("1.1", "1.0", "1.1"):  # the second 1.1 is the answer kept, for a 200
        request = f"GET {target} HTTP/{version}\r\nHost: x\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
        if version == "1.1":
            request = request.replace("Connection: close\r\n", "")
        received = raw(base, request.encode(), wait=3.0).removesuffix(b"<still open>")
        answers.append(_head_and_body(received))
    assert answers[0][0] == f"HTTP/1.1 {status}"
    assert answers[0] == answers[1] == answers[2]


def test_a_large_answer_arrives_whole_by_every_way(base: str, mini_built: pipeline.BuildResult) -> None:
    """Megabytes from a worker, read by the event loop as they come: the same as Oxigraph's own."""
    query = "SELECT ?s ?p ?o ?n WHERE { ?s ?p ?o VALUES ?n { " + " ".join(map(str, range(60))) + " } } #large"
    by_get = ask(base, query, headers={"accept": "text/csv"})
    by_post = httpx.post(base + "sparql", data={"query": query}, headers={"accept": "text/csv"}, timeout=60)
    by_get_again = ask(base, query, headers={"accept": "text/csv"})
    out = next(iter(mini_built.files.values())).parent
    expected = format_results(run(open_store(out, ontology=False), query), "csv")
    assert by_get.status_code == by_post.status_code == by_get_again.status_code == 200
    assert len(by_get.content) > 2 << 20
    assert by_get.content == by_post.content == by_get_again.content == expected


def test_a_client_that_leaves_while_its_query_runs_does_not_hurt(base: str) -> None:
    with socket.create_connection(("127.0.0.1", live.port_of(base)), timeout=10) as sock:
        sock.sendall(f"GET /sparql?query={quote(ENDLESS + ' #left')} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert ask(base, "ASK { ?s ?p ?o } #after-leaving").json()["boolean"] is True
    time.sleep(3.5)  # the time limit: the worker under the abandoned query is replaced
    assert ask(base, "ASK { ?s ?p ?o } #after-the-limit").json()["boolean"] is True


#: About 8.8 MB of CSV over the small seed set: more than the kernel's buffers hold for one connection.
UNREAD = "SELECT ?s ?p ?o ?n WHERE { ?s ?p ?o VALUES ?n { " + " ".join(map(str, range(200))) + " } }"


def _reader_that_reads_nothing(port: int, query: str) -> socket.socket:
    """A connection with a small receive window, that asks for ``query`` as CSV and then reads nothing."""
    most = int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])  # a send buffer grows up to this
    if most >= 8_000_000:
        pytest.skip(f"the kernel may buffer {most:,} bytes for a connection: the whole answer, not just part")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: the window stays small
    sock.settimeout(30)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n".encode())
    return sock


def test_a_client_that_stops_reading_its_answer_is_let_go(base: str) -> None:
    """Nothing read for ``--request-timeout`` seconds: the connection is dropped with what waited for it."""
    with _reader_that_reads_nothing(live.port_of(base), UNREAD + " #stops-reading") as sock:
        time.sleep(3 * REQUEST_SECONDS + 1)  # the answer is computed, then left unread past the limit
        received = 0
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(1 << 20):
                received += len(chunk)
    assert 0 < received < 8_000_000  # what the kernel held, not the whole answer
    assert ask(base, "ASK { ?s ?p ?o } #after-an-unread-answer").json()["boolean"] is True


def test_a_client_that_reads_slowly_but_on_keeps_its_answer(base: str) -> None:
    query = "SELECT ?s ?p ?o ?n WHERE { ?s ?p ?o VALUES ?n { " + " ".join(map(str, range(60))) + " } } #slow-reader"
    with _reader_that_reads_nothing(live.port_of(base), query) as sock:
        received = b""
        while not received.endswith(b"\r\n") or len(received) < 2_600_000:
            time.sleep(0.005)  # 0.8 MB/s at most: the answer takes longer than the time limit to arrive
            chunk = sock.recv(4096)
            assert chunk, len(received)
            received += chunk
    assert received.startswith(b"HTTP/1.1 200")


def test_answers_nobody_reads_past_the_limit_turn_new_queries_away(
    mini_built: pipeline.BuildResult, tmp_path: Path
) -> None:
    out = next(iter(mini_built.files.values())).parent
    options = ("--max-unsent-bytes", "1000000", "--request-timeout", "30")
    with serving(out, tmp_path / "serve.log", *options) as url:
        with _reader_that_reads_nothing(live.port_of(url), UNREAD + " #fills-the-backlog"):
            deadline = time.monotonic() + 30
            while (answer := ask(url, f"ASK {{ }} #while-full {time.monotonic()}")).status_code == 200:
                assert time.monotonic() < deadline, "the backlog never filled"
                time.sleep(0.1)
            assert answer.status_code == 503
            assert answer.headers["retry-after"] == "1"
            assert answer.text == "Error: the server holds too many answers that their clients do not read; try again\n"
        time.sleep(0.5)  # the connection is closed: its answer no longer counts
        assert ask(url, "ASK { } #after-the-backlog").status_code == 200


@pytest.mark.parametrize("origin", ["", "Origin: https://elsewhere.example\r\n"])
def test_several_accept_headers_are_one_list(base: str, origin: str) -> None:
    """RFC 9110 §5.3: the second header counts as much as the first, by the transport and by the app."""
    query = quote("SELECT (1 AS ?n) {} #two-accepts")
    accepts = "Accept: text/turtle;q=0.1\r\nAccept: text/csv\r\n"
    request = f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\n{origin}{accepts}\r\n"
    received = raw(base, request.encode(), wait=3.0)
    assert received.startswith(b"HTTP/1.1 200"), received
    assert b"content-type: text/csv; charset=utf-8\r\n" in received
    assert b"\r\n\r\nn\r\n1\r\n" in received
