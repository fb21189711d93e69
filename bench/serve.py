"""`peacegraph serve` against `oxigraph serve-read-only`, and `peacegraph query` against `oxigraph query`.

Both servers hold the same dump (``out/peacegraph.nt``) on one machine and run side by side; each
row measures them in turn, back to back, ``--rounds`` times, and prints the medians (the ratio is
the median of the rounds' ratios), so that a busy moment of the machine weighs on both. Each query is measured
twice: repeated as it is (our server then answers from the answers it keeps, ``web/answers.py``),
and made new for every request by a numbered comment (every request then runs in a worker). Each of ``--concurrency``
client processes keeps one HTTP/1.1 connection alive and sends the same request again as soon as
the answer is in, for ``--seconds``; the result is requests per second, and the ratio is ours over
Oxigraph's (≥ 1 means we are as fast). The CLI comparison times whole processes, median of
``--repeat`` runs; the ratio is our time over Oxigraph's (≤ 1 means we are as fast).

    .venv/bin/python bench/serve.py [--out out] [--seconds 2] [--rounds 3] [--repeat 5]

Needs the ``oxigraph`` binary (the ``oxigraph`` PyPI package, in the dev extra).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

SIGNATORIES = Path("queries/signatories.rq").read_text(encoding="utf-8")
#: name -> (query, whether each request is made new by a numbered comment: no answer kept helps then)
QUERIES = {
    "ASK {}": ("ASK {}", False),
    "ASK {} (new)": ("ASK {}", True),
    "signatories.rq": (SIGNATORIES, False),
    "signatories (new)": (SIGNATORIES, True),
}
ACCEPT = "application/sparql-results+json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, path: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if _one_request(port, _request(path, "ASK {}"))[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def _request(path: str, query: str) -> bytes:
    return f"GET {path}?query={quote(query)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {ACCEPT}\r\n\r\n".encode()


def _read_response(sock: socket.socket, buffer: bytes) -> tuple[int, bytes]:
    """One response (status, rest of the buffer) on a keep-alive connection; Content-Length or chunked."""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, buffer = buffer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:])}
    if b"content-length" in headers:
        length = int(headers[b"content-length"])
        while len(buffer) < length:
            buffer += sock.recv(65536)
        return status, buffer[length:]
    while True:  # chunked
        while b"\r\n" not in buffer:
            buffer += sock.recv(65536)
        size_line, _, buffer = buffer.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        while len(buffer) < size + 2:
            buffer += sock.recv(65536)
        buffer = buffer[size + 2 :]
        if size == 0:
            return status, buffer


def _one_request(port: int, request: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        return _read_response(sock, b"")


def _client(port: int, path: str, query: str, fresh: bool, seconds: float, counts: multiprocessing.Queue[int]) -> None:
    done = 0
    request = _request(path, query)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if fresh:
                request = _request(path, f"{query}\n# {os.getpid()} {done}")
            sock.sendall(request)
            status, buffer = _read_response(sock, buffer)
            if status != 200:
                raise RuntimeError(f"status {status}")
            done += 1
    counts.put(done)


def requests_per_second(port: int, path: str, query: str, fresh: bool, concurrency: int, seconds: float) -> float:
    counts: multiprocessing.Queue[int] = multiprocessing.Queue()
    clients = [
        multiprocessing.Process(target=_client, args=(port, path, query, fresh, seconds, counts))
        for _ in range(concurrency)
    ]
    for client in clients:
        client.start()
    total = sum(counts.get(timeout=seconds + 120) for _ in clients)
    for client in clients:
        client.join()
    return total / seconds


def side_by_side(
    ox_port: int, pg_port: int, query: str, fresh: bool, concurrency: int, args: argparse.Namespace
) -> tuple[float, float, float]:
    """Oxigraph's and our requests per second, and their ratio: medians of rounds measured back to back."""
    ox_rates, pg_rates, ratios = [], [], []
    for _ in range(args.rounds):  # in turn, so that a busy moment of the machine weighs on both
        ox_rates.append(requests_per_second(ox_port, "/query", query, fresh, concurrency, args.seconds))
        pg_rates.append(requests_per_second(pg_port, "/sparql", query, fresh, concurrency, args.seconds))
        ratios.append(pg_rates[-1] / ox_rates[-1])
    return statistics.median(ox_rates), statistics.median(pg_rates), statistics.median(ratios)


@contextmanager
def running(command: list[str], port: int, path: str) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, path)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def timed(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each server, alternating; medians")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    peacegraph = str(Path(sys.executable).parent / "peacegraph")
    dump = args.out / "peacegraph.nt"

    with tempfile.TemporaryDirectory() as location:
        subprocess.run([oxigraph, "load", "--location", location, "--file", str(dump)], check=True, capture_output=True)
        ox_port, pg_port = _free_port(), _free_port()
        ox_server = [oxigraph, "serve-read-only", "--location", location, "--bind", f"127.0.0.1:{ox_port}"]
        pg_server = [peacegraph, "serve", "--out", str(args.out), "--port", str(pg_port)]
        print(f"{'query':<18} {'clients':>7} {'oxigraph req/s':>15} {'peacegraph req/s':>17} {'ratio':>6}")
        with running(ox_server, ox_port, "/query"), running(pg_server, pg_port, "/sparql"):
            for query_name, (query, fresh) in QUERIES.items():
                for concurrency in args.concurrency:
                    ox_rate, pg_rate, ratio = side_by_side(ox_port, pg_port, query, fresh, concurrency, args)
                    print(f"{query_name:<18} {concurrency:>7} {ox_rate:>15.0f} {pg_rate:>17.0f} {ratio:>5.2f}x")

        query_file = "queries/signatories.rq"
        ox_query = [oxigraph, "query", "--location", location, "--query-file", query_file, "--results-format", "csv"]
        pg_query = [peacegraph, "query", "--out", str(args.out), "-f", query_file, "--format", "csv"]
        subprocess.run(pg_query, check=True, stdout=subprocess.DEVNULL)  # builds the cached store once
        ox_cli, pg_cli = timed(ox_query, args.repeat), timed(pg_query, args.repeat)
        print(f"\n{'CLI query':<16} {'oxigraph s':>15} {'peacegraph s':>17} {'ratio':>6}")
        print(f"{'signatories.rq':<16} {ox_cli:>15.3f} {pg_cli:>17.3f} {pg_cli / ox_cli:>5.2f}x")


if __name__ == "__main__":
    main()
