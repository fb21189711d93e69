"""`peacegraph serve` against `oxigraph serve-read-only`, and `peacegraph query` against `oxigraph query`.

Both servers hold the same dump (``out/peacegraph.nt``) on one machine and run side by side; each
row measures them in turn, back to back, ``--rounds`` times, and prints the medians (the ratio is
the median of the rounds' ratios), so that a busy moment of the machine weighs on both. Each query is measured
twice: repeated as it is (our server then answers from the answers it keeps, ``serve/answers.py``),
and made new for every request by a numbered comment (every request then runs in a worker). The
client is ``wrk`` (C, one thread, event-driven: a fraction of a core where a Python client took a
whole one and measured itself), with ``--concurrency`` HTTP/1.1 connections kept alive, each sending
the next request as soon as the answer is in, for ``--seconds``; the result is requests per second,
and the ratio is ours over Oxigraph's (≥ 1 means we are as fast). Beside it, the CPU time each server (with its worker
processes) spent per request, read from ``/proc`` (Linux). The CLI comparison times whole processes, median of
``--repeat`` runs; the ratio is our time over Oxigraph's (≤ 1 means we are as fast).

    .venv/bin/python bench/serve.py [--out out] [--seconds 2] [--rounds 3] [--repeat 5] [--peacegraph PATH]

``--peacegraph`` measures another checkout's ``peacegraph`` (an older commit, to see whether a change
made serving slower) on this checkout's release; one from before collections is given it by ``--out``.

Needs the ``oxigraph`` binary (the ``oxigraph`` PyPI package, in the dev extra) and ``wrk`` (Debian:
``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SIGNATORIES = Path("seeds/queries/signatories.rq").read_text(encoding="utf-8")
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


#: For a new query every request: a numbered comment after the query (one wrk thread, so one counter),
#: and a mark of the wrk run: the numbers start again in every run, and a query of an earlier round
#: would be answered from the answers kept.
FRESH_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "{path}?query={query}%0A%23%20{run}-" .. counter, {{["Accept"] = "{accept}"}})
end
"""
_RATE = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.MULTILINE)
_FAILED = re.compile(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*")


def requests_per_second(port: int, path: str, query: str, fresh: bool, concurrency: int, seconds: int) -> float:
    """What ``wrk`` measures: requests per second over ``concurrency`` kept-alive connections."""
    url = f"http://127.0.0.1:{port}{path}?query={quote(query)}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as script:
        run = uuid.uuid4().hex[:12]
        script.write(FRESH_SCRIPT.format(path=path, query=quote(query), run=run, accept=ACCEPT) if fresh else "")
        script.flush()
        command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "60s", "-H", f"Accept: {ACCEPT}"]
        report = subprocess.run([*command, "-s", script.name, url], check=True, capture_output=True, text=True).stdout
    failed = _FAILED.search(report)
    if failed:  # said, not fatal: the rows measured so far are not lost
        print(f"wrk, {path} ({'new' if fresh else 'kept'}, {concurrency} clients): {failed.group(0)}", file=sys.stderr)
    rate = _RATE.search(report)
    if rate is None:
        raise RuntimeError(f"no rate in wrk's report:\n{report}")
    return float(rate.group(1))


def measured(server: Server, query: str, fresh: bool, concurrency: int, seconds: int) -> tuple[float, float]:
    """Requests per second, and the server's CPU time per request in microseconds (its workers' too).

    wrk counts the answers that arrive within its time: where none did (slow queries on a busy
    machine), the time is doubled and the measurement taken again.
    """
    while True:
        cpu = cpu_seconds(server.pid)
        rate = requests_per_second(server.port, server.path, query, fresh, concurrency, seconds)
        if rate > 0 or seconds >= 64:
            break
        seconds *= 2
    return rate, (cpu_seconds(server.pid) - cpu) / max(rate * seconds, 1) * 1e6


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and every process under it (a server and its workers; Linux)."""
    parents, ticks = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            parents[int(entry.name)], ticks[int(entry.name)] = int(fields[1]), int(fields[11]) + int(fields[12])
    tree, grew = {pid}, True
    while grew:
        below = {child for child, parent in parents.items() if parent in tree}
        grew, tree = not below <= tree, tree | below
    return sum(ticks.get(member, 0) for member in tree) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    pid: int
    port: int
    path: str


def side_by_side(
    ox: Server, pg: Server, query: str, fresh: bool, concurrency: int, args: argparse.Namespace
) -> list[float]:
    """Oxigraph's and our requests per second and CPU per request, and the ratio of the rates:
    medians of rounds measured back to back."""
    rounds = []
    for _ in range(args.rounds):  # in turn, so that a busy moment of the machine weighs on both
        (ox_rate, ox_cpu), (pg_rate, pg_cpu) = (measured(s, query, fresh, concurrency, args.seconds) for s in (ox, pg))
        rounds.append((ox_rate, pg_rate, pg_rate / ox_rate, ox_cpu, pg_cpu))
    return [statistics.median(column) for column in zip(*rounds, strict=True)]


@contextmanager
def running(command: list[str], port: int, path: str) -> Iterator[Server]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, path)
        yield Server(process.pid, port, path)
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


def release_option(peacegraph: str, command: str) -> str:
    """How ``peacegraph <command>`` is given the release: ``--release``, or ``--out`` before collections."""
    usage = subprocess.run([peacegraph, command, "--help"], check=True, capture_output=True, text=True).stdout
    return "--release" if "--release" in usage else "--out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each server, alternating; medians")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument(
        "--peacegraph", type=Path, help="peacegraph to measure (default: this venv's; e.g. an old checkout's)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/serve.py needs wrk, the HTTP benchmarking tool: install it (Debian: apt-get install wrk)")
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    peacegraph = str(args.peacegraph or Path(sys.executable).parent / "peacegraph")
    dump = args.out / "peacegraph.nt"

    with tempfile.TemporaryDirectory() as location:
        subprocess.run([oxigraph, "load", "--location", location, "--file", str(dump)], check=True, capture_output=True)
        ox_port, pg_port = _free_port(), _free_port()
        ox_server = [oxigraph, "serve-read-only", "--location", location, "--bind", f"127.0.0.1:{ox_port}"]
        pg_server = [peacegraph, "serve", release_option(peacegraph, "serve"), str(args.out), "--port", str(pg_port)]
        print(f"{'':<26} {'requests per second':^30} {'CPU µs per request':^22}")
        columns = (("oxigraph", 10), ("peacegraph", 11), ("ratio", 7), ("oxigraph", 10), ("peacegraph", 11))
        print(f"{'query':<18} {'clients':>7} " + " ".join(f"{name:>{width}}" for name, width in columns))
        with running(ox_server, ox_port, "/query") as ox, running(pg_server, pg_port, "/sparql") as pg:
            for query_name, (query, fresh) in QUERIES.items():
                for concurrency in args.concurrency:
                    ox_rate, pg_rate, ratio, ox_cpu, pg_cpu = side_by_side(ox, pg, query, fresh, concurrency, args)
                    print(
                        f"{query_name:<18} {concurrency:>7} {ox_rate:>10.1f} {pg_rate:>11.1f} {ratio:>6.2f}x"
                        f" {ox_cpu:>10.0f} {pg_cpu:>11.0f}"
                    )

        query_file = "seeds/queries/signatories.rq"
        ox_query = [oxigraph, "query", "--location", location, "--query-file", query_file, "--results-format", "csv"]
        pg_query = [peacegraph, "query", release_option(peacegraph, "query"), str(args.out), "-f", query_file]
        pg_query += ["--format", "csv"]
        subprocess.run(pg_query, check=True, stdout=subprocess.DEVNULL)  # builds the cached store once
        ox_cli, pg_cli = timed(ox_query, args.repeat), timed(pg_query, args.repeat)
        print(f"\n{'CLI query':<16} {'oxigraph s':>15} {'peacegraph s':>17} {'ratio':>6}")
        print(f"{'signatories.rq':<16} {ox_cli:>15.3f} {pg_cli:>17.3f} {pg_cli / ox_cli:>5.2f}x")


if __name__ == "__main__":
    main()
