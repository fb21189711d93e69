"""`peacegraph serve` against an attacker on the network: abandoned queries, floods from one address,
hostile request heads, framing and reflected text. Each test failed before its fix (issue 24)."""

from __future__ import annotations

import json
import re
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from peacegraph import pipeline

from .. import live

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TIMEOUT = 3.0
LOOPBACK = "127.0.0.1"


@pytest.fixture
def served(mini_built: pipeline.BuildResult, tmp_path: Path) -> Iterator[live.Served]:
    """A fresh server for each test: 2 workers, a queue of 4, a 3 s limit (what one test leaves busy, no other sees)."""
    out = next(iter(mini_built.files.values())).parent
    options = ("--workers", "2", "--queue", "4", "--timeout", str(TIMEOUT), "--request-timeout", "2")
    with live.started(out, tmp_path / "serve.log", *options) as server:
        yield server


def ask(url: str, query: str, source: str = LOOPBACK) -> httpx.Response:
    """A query by GET, sent from ``source`` (any 127.x.y.z: each is another client address)."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60) as client:
        return client.get(url + "sparql", params={"query": query})


def abandon(port: int, request: bytes) -> None:
    """Send a request and leave at once, as a client that gives up."""
    with socket.create_connection((LOOPBACK, port), timeout=5) as sock:
        sock.sendall(request)


def get_request(query: str) -> bytes:
    return f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: x\r\n\r\n".encode()


def post_request(query: str) -> bytes:
    body = query.encode()
    head = f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: {len(body)}"
    return head.encode() + b"\r\n\r\n" + body


@pytest.mark.parametrize("request_of", [get_request, post_request], ids=["GET", "POST"])
def test_queries_whose_clients_left_free_their_workers_and_the_queue(served: live.Served, request_of: object) -> None:
    assert callable(request_of)
    for i in range(8):
        abandon(served.port, request_of(f"{ENDLESS} #abandoned {i}"))
    time.sleep(0.5)
    start = time.monotonic()
    response = ask(served.url, "ASK { ?s ?p ?o } #after-the-abandoned")
    assert response.status_code == 200, response.text
    assert time.monotonic() - start < TIMEOUT - 0.5


def test_clients_that_leave_all_at_once_leave_every_worker_to_the_next(served: live.Served, tmp_path: Path) -> None:
    """Two queries running and two waiting, their clients gone in the same instant (a benchmark that
    stops, a proxy that drops its connections): the workers the running ones free must not be
    handed to the waiting ones, which are leaving too. Before the fix each such moment lost a
    worker for good, and after two every query waited its whole limit for a 503."""
    for attempt in range(3):
        clients = [connect(served, f"127.0.0.{2 + i}") for i in range(4)]  # 2 run, 2 wait
        for i, sock in enumerate(clients):
            sock.sendall(get_request(f"{ENDLESS} #all-at-once {attempt} {i}"))
            time.sleep(0.05)  # in this order: the running ones first
        time.sleep(0.3)
        for sock in clients:
            sock.close()
        time.sleep(1.0)  # the stopped workers are replaced
    statuses: list[int] = []
    both = [
        threading.Thread(target=lambda i=i: statuses.append(ask(served.url, f"ASK {{}} #after {i}").status_code))
        for i in range(2)
    ]
    start = time.monotonic()
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()
    assert statuses == [200, 200]
    assert time.monotonic() - start < TIMEOUT - 0.5
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def test_waiting_for_a_worker_counts_against_the_time_limit(served: live.Served) -> None:
    holders = [
        threading.Thread(target=ask, args=(served.url, f"{ENDLESS} #holder {i}", f"127.0.0.{2 + i}")) for i in range(2)
    ]
    for thread in holders:
        thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    response = ask(served.url, f"{ENDLESS} #waits")
    elapsed = time.monotonic() - start
    for thread in holders:
        thread.join()
    assert response.status_code == 503
    assert elapsed < TIMEOUT + 1.5  # not the wait and then the whole limit again


def test_one_address_holds_no_more_than_its_share_of_workers_and_queue(served: live.Served) -> None:
    statuses: list[int] = []
    flood = [
        threading.Thread(
            target=lambda i=i: statuses.append(ask(served.url, f"{ENDLESS} #flood {i}", "127.0.0.2").status_code)
        )
        for i in range(6)
    ]
    for thread in flood:
        thread.start()
    time.sleep(0.5)
    start = time.monotonic()
    other = ask(served.url, "ASK { ?s ?p ?o } #another-client", "127.0.0.3")
    elapsed = time.monotonic() - start
    for thread in flood:
        thread.join()
    assert other.status_code == 200, other.text  # within its own time limit: before the flood's ran out
    assert elapsed < TIMEOUT
    # Alone, the flood took both workers; one was taken back for the other client, one ran until the
    # time limit, one waited for it (and timed out), three were past the address's share of the queue.
    assert statuses.count(503) == 6


@pytest.fixture(scope="module")
def shared_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("abuse") / "serve.log"


@pytest.fixture(scope="module")
def shared(mini_built: pipeline.BuildResult, shared_log: Path) -> Iterator[live.Served]:
    """One server for the tests that leave it as they found it."""
    out = next(iter(mini_built.files.values())).parent
    with live.started(out, shared_log) as server:
        yield server


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * " + "{" * 2500 + "}" * 2500,
        "SELECT * { FILTER(" + "!" * 20000 + "true) }",
    ],
    ids=["parentheses", "braces", "operators"],
)
def test_a_query_nested_past_the_limit_is_a_one_line_400_and_no_worker_dies(shared: live.Served, query: str) -> None:
    start = time.monotonic()
    response = httpx.post(shared.url + "sparql", data={"query": query}, timeout=60)
    assert response.status_code == 400, response.text
    assert response.text.count("\n") == 1
    assert "nests deeper than 256 levels" in response.text
    assert ask(shared.url, "ASK { ?s ?p ?o } #after-deep").status_code == 200
    assert time.monotonic() - start < 2.0  # no worker to start again


def sparql_query(served: live.Served, query: str) -> httpx.Response:
    """A query by POST as application/sparql-query: the most query a body of 100,000 bytes can hold."""
    headers = {"content-type": "application/sparql-query"}
    return httpx.post(served.url + "sparql", content=query.encode(), headers=headers, timeout=60)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (" + "+".join(["1"] * 8000) + " AS ?x) {}",
        "ASK { FILTER(" + "&&".join(["true"] * 10000) + ") }",
        "ASK { ?s " + "/".join(["<p>"] * 9000) + " ?o }",
        "ASK { ?s " + " ; ".join(["<p> ?o"] * 9000) + " }",
        "ASK { " + ".".join(["?s <p> ?o"] * 9000) + " }",
        "ASK { " + " ".join(["MINUS{}"] * 3000) + " }",
        "ASK { " + " ".join(["OPTIONAL{}"] * 7000) + " }",
        "ASK { " + " UNION ".join(["{}"] * 7000) + " }",
        "ASK { " + " ".join(["{SELECT * {}}"] * 3000) + " }",
        "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(3000)) + " {}",
    ],
    ids=["plus", "and", "path", "semicolons", "triples", "minus", "optional", "union", "subqueries", "projection"],
)
def test_a_query_with_a_chain_past_the_limit_is_a_one_line_400_and_no_worker_dies(
    shared: live.Served, query: str
) -> None:
    start = time.monotonic()
    response = sparql_query(shared, query)
    assert response.status_code == 400, response.text
    assert response.text.count("\n") == 1
    assert "more than 2,000 operators" in response.text
    assert ask(shared.url, "ASK { ?s ?p ?o } #after-long").status_code == 200
    assert time.monotonic() - start < 2.0  # no worker to start again


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (" + "+".join(["1"] * 1900) + " AS ?x) {}",
        "SELECT * { VALUES (?x ?y) {" + " (1 -2)" * 10000 + " } }",
        "SELECT * { " + "{ " * 250 + " ".join(["MINUS{}"] * 400) + " }" * 250 + " }",
    ],
    ids=["chain-under-the-limit", "long-values", "deep-and-long"],
)
def test_long_lists_and_chains_under_the_limits_are_answered(shared: live.Served, query: str) -> None:
    assert sparql_query(shared, query).status_code == 200


@pytest.mark.parametrize(
    ("query", "accept", "status", "says"),
    [
        (
            "CONSTRUCT { ?s <urn:p> << ?s <urn:q> ?s >> } WHERE { ?s ?p ?o } LIMIT 1",
            "application/ld+json",
            406,
            "JSON-LD",
        ),
        ("SELECT (<urn:f>(?o) AS ?x) WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+json", 400, "<urn:f>"),
    ],
    ids=["triple-term-as-json-ld", "custom-function"],
)
def test_what_the_engine_cannot_do_for_a_query_is_a_one_line_4xx(
    shared: live.Served, shared_log: Path, query: str, accept: str, status: int, says: str
) -> None:
    for response in (
        httpx.get(shared.url + "sparql", params={"query": query}, headers={"accept": accept}, timeout=60),
        httpx.post(shared.url + "sparql", data={"query": query}, headers={"accept": accept}, timeout=60),
    ):
        assert response.status_code == status, response.text
        assert response.text.count("\n") == 1
        assert says in response.text
    assert "Traceback" not in shared_log.read_text()


@pytest.mark.parametrize("function", ["NOW()", "RAND()", "UUID()", "STRUUID()", "BNODE()"])
def test_an_answer_that_changes_from_run_to_run_is_never_kept(shared: live.Served, function: str) -> None:
    query = f"SELECT ({function} AS ?v) {{}}"
    for way in ("GET", "POST"):
        answers = set()
        for _ in range(3):
            if way == "GET":
                response = ask(shared.url, query)
            else:
                response = httpx.post(shared.url + "sparql", data={"query": query}, timeout=60)
            assert response.status_code == 200
            answers.add(response.text)
            time.sleep(0.002)  # NOW() has a resolution
        assert len(answers) == 3, answers


def raw(served: live.Served, request: bytes, wait: float = 5.0) -> bytes:
    """Send bytes as they are (one write: often one packet) and read until the server closes or ``wait`` passes."""
    with socket.create_connection((LOOPBACK, served.port), timeout=wait) as sock:
        sock.sendall(request)
        return live.read_until_closed(sock)


ASK_HEAD = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n"


@pytest.mark.parametrize(
    "headers",
    [b"X-Large: " + b"a" * 70_000 + b"\r\n", b"X: a\r\n" * 10_000, b"Accept: " + b"*/*," * 5000 + b"\r\n"],
    ids=["one-large-header", "10000-headers", "large-accept"],
)
def test_a_head_past_16_kib_in_one_read_is_a_400(shared: live.Served, headers: bytes) -> None:
    received = raw(shared, ASK_HEAD + headers + b"\r\n")
    assert received.startswith(b"HTTP/1.1 400"), received[:200]
    assert received.endswith(b"The request head is larger than 16384 bytes.")


@pytest.mark.parametrize("trailer", [b"X-Large: " + b"a" * 100_000, b"X: a\r\n" * 20_000], ids=["one", "many"])
def test_trailer_fields_past_16_kib_are_a_400(shared: live.Served, trailer: bytes) -> None:
    """llhttp keeps trailer fields as it keeps headers: unbounded, a client could fill the memory."""
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nTransfer-Encoding: chunked"
    with socket.create_connection((LOOPBACK, shared.port), timeout=5) as sock:
        sock.sendall(head + b"\r\n\r\n6\r\nASK {}\r\n0\r\n")
        for start in range(0, len(trailer), 4096):  # a piece at a time, until the server answers
            sock.sendall(trailer[start : start + 4096])
            if select.select([sock], [], [], 0.02)[0]:
                break
        received = live.read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 400"), received[:200]
    assert received.endswith(b"The request's trailer fields are larger than 16384 bytes.")


@pytest.mark.parametrize(
    "head",
    [b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n", ASK_HEAD + b"Host: y\r\n", b"GET /id/ HTTP/1.1\r\n"],
    ids=["sparql-without-host", "two-hosts", "page-without-host"],
)
def test_an_http_1_1_request_without_exactly_one_host_is_a_400(shared: live.Served, head: bytes) -> None:
    """RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request lacking Host or with more than one."""
    received = raw(shared, head + b"\r\n")
    assert received.startswith(b"HTTP/1.1 400"), received[:200]
    assert received.endswith(b"An HTTP/1.1 request carries exactly one Host header (RFC 9112 section 3.2).")


def test_an_http_1_0_request_needs_no_host(shared: live.Served) -> None:
    assert raw(shared, b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("coding", [b"gzip", b"chunked, gzip", b"x-unknown", b"gzip, chunked"])
def test_a_transfer_coding_other_than_chunked_is_a_400_and_closes(shared: live.Served, coding: bytes) -> None:
    """RFC 9112 §6.1; the pipelined request after it is never read as its body, nor answered."""
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nTransfer-Encoding: "
    smuggled = ASK_HEAD + b"\r\n"
    received = raw(shared, head + coding + b"\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n" + smuggled)
    assert received.startswith(b"HTTP/1.1 400"), received[:300]
    assert received.count(b"HTTP/1.1") == 1
    assert b"connection: close\r\n" in received
    assert not received.endswith(b"<still open>")


POST_HEAD = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 6\r\n"


@pytest.mark.parametrize(
    ("head", "expect"),
    [
        (POST_HEAD, b"200-ok"),
        (POST_HEAD, b"100-continue, 200-ok"),
        (POST_HEAD, b"100-CONTINUE;x=1"),
        (ASK_HEAD, b"200-ok"),  # a GET /sparql answered without the app is refused as well
    ],
)
def test_an_expectation_other_than_100_continue_is_a_417_and_closes(
    shared: live.Served, head: bytes, expect: bytes
) -> None:
    """RFC 9110 §10.1.1: 100-continue is the only expectation; the body that follows is never read as a request."""
    body = b"ASK {}" if head is POST_HEAD else b""
    received = raw(shared, head + b"Expect: " + expect + b"\r\n\r\n" + body + ASK_HEAD + b"\r\n")
    assert received.startswith(b"HTTP/1.1 417 Expectation Failed\r\n"), received[:300]
    assert received.count(b"HTTP/1.1") == 1
    assert b"connection: close\r\n" in received
    assert received.endswith(b"The only expectation this server meets is 100-continue (RFC 9110 section 10.1.1).")


def test_100_continue_is_met(shared: live.Served) -> None:
    """The client waits for 100 Continue before it sends the body; then the query is answered."""
    with socket.create_connection((LOOPBACK, shared.port), timeout=5) as sock:
        sock.sendall(POST_HEAD + b"Expect: 100-Continue\r\nConnection: close\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(b"ASK {}")
        received = live.read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 200 OK\r\n"), received[:300]
    assert b'"boolean":true' in received.replace(b" ", b"")


def connect(served: live.Served, source: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(5)
    sock.bind((source, 0))
    sock.connect((LOOPBACK, served.port))
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.5)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionError:
        return True


@pytest.fixture
def crowded(mini_built: pipeline.BuildResult, tmp_path: Path) -> Iterator[live.Served]:
    """Room for 20 connections, 8 from one address."""
    out = next(iter(mini_built.files.values())).parent
    options = ("--max-connections", "20", "--max-client-connections", "8", "--request-timeout", "30")
    with live.started(out, tmp_path / "serve.log", *options) as server:
        yield server


def test_idle_connections_make_room_for_new_ones_from_anyone(crowded: live.Served) -> None:
    idle = [connect(crowded, f"127.0.0.{2 + i % 3}") for i in range(21)]  # 7 from each of three addresses
    try:
        time.sleep(0.3)
        response = ask(crowded.url, "ASK { ?s ?p ?o } #when-full", "127.0.0.9")
        assert response.status_code == 200, response.text
        assert closed_by_server(idle[0])  # the oldest idle one went first
        assert not closed_by_server(idle[-1])
    finally:
        for sock in idle:
            sock.close()


def test_one_address_keeps_its_share_of_connections_and_others_are_served(crowded: live.Served) -> None:
    dripping = [connect(crowded, "127.0.0.2") for _ in range(8)]  # each in the middle of a request head
    for sock in dripping:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: a")
    try:
        time.sleep(0.3)
        with connect(crowded, "127.0.0.2") as one_more:
            assert live.read_until_closed(one_more).startswith(b"HTTP/1.1 503")
        assert ask(crowded.url, "ASK { ?s ?p ?o } #another-address", "127.0.0.3").status_code == 200
        assert not any(closed_by_server(sock) for sock in dripping)  # no idle one to close: the new one goes
    finally:
        for sock in dripping:
            sock.close()


def test_requests_dripped_from_many_addresses_make_room_for_new_clients(crowded: live.Served) -> None:
    """Slowloris from many addresses, each within its share: the server is full and nothing is idle."""
    dripping = [connect(crowded, f"127.0.0.{2 + i % 3}") for i in range(20)]  # 7, 7 and 6
    for sock in dripping:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: a")
    try:
        time.sleep(0.3)
        response = ask(crowded.url, "ASK { ?s ?p ?o } #among-the-dripping", "127.0.0.9")
        assert response.status_code == 200, response.text
        assert closed_by_server(dripping[0])  # the oldest of an address that held the most
        assert not closed_by_server(dripping[-1])
    finally:
        for sock in dripping:
            sock.close()


def test_x_forwarded_for_names_the_client_only_from_a_trusted_proxy(
    mini_built: pipeline.BuildResult, tmp_path: Path
) -> None:
    """Behind a proxy (here 127.0.0.1), clients are told apart by the address it forwards; anyone else's
    header is ignored, so an attacker cannot spread a flood over made-up addresses."""
    out = next(iter(mini_built.files.values())).parent
    options = ("--workers", "2", "--queue", "4", "--timeout", str(TIMEOUT), "--trusted-proxy", "127.0.0.1")

    def flood(url: str, source: str, forwarded: str) -> int:
        """Four long queries from ``source`` forwarding ``forwarded``, then the status of another client's."""
        statuses: list[int] = []
        with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60) as client:

            def one(i: int) -> None:
                headers = {"x-forwarded-for": forwarded.format(i=i)}
                response = client.post(url + "sparql", data={"query": f"{ENDLESS} #{source} {i}"}, headers=headers)
                statuses.append(response.status_code)

            threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
            other = client.post(
                url + "sparql", data={"query": f"ASK {{}} #{source} other"}, headers={"x-forwarded-for": "10.9.9.9"}
            )
            for thread in threads:
                thread.join()
        assert statuses.count(503) == 4
        return other.status_code

    with live.started(out, tmp_path / "serve.log", *options) as server:
        # One client behind the proxy floods; another client behind the same proxy is not held up.
        assert flood(server.url, "127.0.0.1", "10.0.0.1") == 200
        # Made-up addresses from no proxy: all one client, whose share is taken.
        assert flood(server.url, "127.0.0.2", "10.0.1.{i}") == 503


INJECTED = "http://x/\r\nX-Injected: 1\r\n\r\n<script>alert(1)</script>\u2028more"


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("GET", "sparql", {"query": "ASK {}", "default-graph-uri": INJECTED}),
        ("GET", "sparql", {"query": "ASK {}", "named-graph-uri": INJECTED}),
        ("POST", "sparql", {"query": "ASK {}", "default-graph-uri": INJECTED}),
    ],
    ids=["default-graph-uri", "named-graph-uri", "form"],
)
def test_client_text_in_an_error_is_quoted_on_one_line(
    shared: live.Served, method: str, path: str, params: dict[str, str]
) -> None:
    if method == "GET":
        response = httpx.get(shared.url + path, params=params, timeout=60)
    else:
        response = httpx.post(shared.url + path, data=params, timeout=60)
    assert 400 <= response.status_code < 500
    body = response.content.decode()
    assert body.count("\n") == 1
    assert body.endswith("\n")
    assert "\r" not in body
    assert "\u2028" not in body
    assert "x-injected" not in response.headers
    assert '"http://x/\\u000d\\u000aX-Injected: 1\\u000d\\u000a\\u000d\\u000a<script>' in body


@pytest.mark.parametrize("name", ["yasgui/yasgui.min.js", "yasgui/yasgui.min.css", "peacegraph.js"])
def test_static_files_are_not_sniffed_and_have_a_content_security_policy(shared: live.Served, name: str) -> None:
    response = httpx.get(shared.url + "static/" + name, timeout=60)
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["static/peacegraph.js", "static/yasgui/yasgui.min.css", "peacegraph.ttl"])
def test_a_gzipped_file_has_no_strong_etag_to_resume_its_plain_bytes_with(shared: live.Served, path: str) -> None:
    """Resumed with the gzipped answer's ETag in If-Range, a range of the plain bytes would be joined to it."""
    with httpx.Client(base_url=shared.url, timeout=60) as client:
        gzipped = client.get(path, headers={"accept-encoding": "gzip"})
        assert gzipped.headers["content-encoding"] == "gzip"
        etag = gzipped.headers["etag"]
        assert etag.startswith('W/"'), etag
        resumed = client.get(path, headers={"accept-encoding": "gzip", "range": "bytes=100-", "if-range": etag})
        assert resumed.status_code == 200
        assert resumed.content == gzipped.content


def page_request(i: int) -> bytes:
    return f"GET /dataset?n={i} HTTP/1.1\r\nHost: x\r\n\r\n".encode()  # each another page, none kept


def test_pages_whose_clients_left_are_not_made_and_others_wait_for_none_of_them(served: live.Served) -> None:
    for i in range(600):
        with socket.create_connection((LOOPBACK, served.port), timeout=5) as sock:
            sock.sendall(page_request(i))
    time.sleep(0.3)
    start = time.monotonic()
    page = httpx.get(served.url + "robots.txt", timeout=60)
    assert page.status_code == 200
    assert time.monotonic() - start < 2.5  # made for the 600 gone: 5.5 s


def test_a_client_that_asks_for_many_pages_at_once_does_not_keep_others_waiting(served: live.Served) -> None:
    flood = [connect(served, f"127.0.0.{2 + i % 8}") for i in range(400)]  # 50 from each of eight addresses
    try:
        for i, sock in enumerate(flood):
            sock.sendall(page_request(i))
        time.sleep(0.3)
        start = time.monotonic()
        page = httpx.get(served.url + "robots.txt", timeout=60)
        assert page.status_code == 200
        assert time.monotonic() - start < 2.5  # without turns by address: 6.7 s
    finally:
        for sock in flood:
            sock.close()


def heavy_batch() -> bytes:
    """A reconciliation batch of 500 many-word names: the most work the service takes in one request."""
    queries = {f"q{i}": {"query": "al " * 60 + str(i)} for i in range(500)}
    form = ("queries=" + quote(json.dumps(queries))).encode()
    head = "POST /reconcile HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    return f"{head}Content-Length: {len(form)}\r\n\r\n".encode() + form


def test_reconciliation_whose_clients_left_is_stopped(out_dir: Path, tmp_path: Path) -> None:
    """Over the whole release (where a batch takes a second): 16 batches abandoned, then another client's."""
    with live.started(out_dir, tmp_path / "serve.log") as served:
        suggest = served.url + "reconcile/suggest/entity"
        assert httpx.get(suggest, params={"prefix": "a"}, timeout=60).status_code == 200  # its index is made
        for i in range(16):
            with connect(served, f"127.0.0.{2 + i % 4}") as sock:
                sock.sendall(heavy_batch())
        time.sleep(0.5)
        start = time.monotonic()
        response = httpx.get(suggest, params={"prefix": "a"}, timeout=60)
        assert response.status_code == 200, response.text
        assert time.monotonic() - start < 2.0  # the abandoned batches made: 2.5-4.3 s


def test_one_address_cannot_take_the_reconciliation_service_from_the_others(out_dir: Path, tmp_path: Path) -> None:
    with live.started(out_dir, tmp_path / "serve.log") as served:
        suggest = served.url + "reconcile/suggest/entity"
        assert httpx.get(suggest, params={"prefix": "a"}, timeout=60).status_code == 200  # its index is made
        flood = [connect(served, "127.0.0.2") for _ in range(20)]
        try:
            for sock in flood:
                sock.sendall(heavy_batch())
            time.sleep(0.5)
            start = time.monotonic()
            response = ask_from(suggest, "127.0.0.3")
            assert response.status_code == 200, response.text
            assert time.monotonic() - start < 3.0  # at most the batch running and one more of the flood's
            # Past the flood's share of the queue, requests are refused as they come; which ones depends on
            # when the server reads each connection, not on the order they were sent in.
            answers = [first_answer(sock) for sock in flood]
            refused = [answer for answer in answers if answer.startswith(b"HTTP/1.1 503")]
            assert refused, [answer[:12] for answer in answers]
            assert all(b"requests waiting" in answer for answer in refused)
            assert all(answer.startswith((b"HTTP/1.1 200", b"HTTP/1.1 503")) for answer in answers)
        finally:
            for sock in flood:
                sock.close()


def first_answer(sock: socket.socket) -> bytes:
    """The first answer on ``sock``: its head, and its body as long as its Content-Length says."""
    received = b""
    while b"\r\n\r\n" not in received and (chunk := sock.recv(65536)):
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    while length is not None and len(body) < int(length.group(1)) and (chunk := sock.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def ask_from(url: str, source: str) -> httpx.Response:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60) as client:
        return client.get(url, params={"prefix": "a"})


def test_requests_sent_far_ahead_of_their_answers_are_a_400(shared: live.Served) -> None:
    """uvicorn keeps every request parsed while one is answered: a megabyte of them held 1.7 GB for 50 clients."""
    received = raw(shared, b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n" * 1000)
    assert received.count(b"HTTP/1.1 200") < 1000
    assert received.endswith(b"More than 64 requests were sent ahead of their answers on one connection.")
