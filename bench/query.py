"""`peacegraph query` against `oxigraph query` as whole processes, how soon `peacegraph serve` answers, and
(``--rdflib``) the embedded store against rdflib.

    .venv/bin/python bench/query.py [--out out] [--repeat 5] [--starts 3] [--rdflib] [--no-saved]

1. Each query is run as a whole process by both command lines over the same dump: ``peacegraph
   query -f Q --format csv --out OUT`` (its on-disk store is built once, before the timing) and
   ``oxigraph query --location STORE --query-file Q --results-format csv`` over a store that
   ``oxigraph load`` made from ``OUT/peacegraph.nt``. The figure is CPU time (user + system, all
   threads), the median of ``--repeat`` runs; the ratio is ours over Oxigraph's (target: at most 2).
   ``--version`` likewise.
2. ``peacegraph serve`` is started ``--starts`` times; the figure is the wall time from starting the
   process to the first answer to a SPARQL query (target: at most 1 s), and its CPU time till then.
3. With ``--rdflib``, the old in-process comparison: load time and the median time of each query in
   pyoxigraph's in-memory store and in rdflib (slow: rdflib takes minutes to load a million triples).

Needs the ``oxigraph`` binary (the ``oxigraph`` PyPI package, in the dev extra).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import quote

from serve import cpu_seconds as tree_cpu  # a server's CPU with its workers, counted as bench/serve.py does

from peacegraph.rdf.namespaces import PREFIXES

QUERIES = {
    "signatories": "SELECT ?doc ?org WHERE { ?doc pg:signature/schema:item ?org }",
    "positions by topic": """SELECT ?topic (COUNT(?p) AS ?n) WHERE { ?p a pg:Position ; schema:about ?topic }
        GROUP BY ?topic ORDER BY DESC(?n)""",
    "signed more than one": """SELECT ?org (COUNT(DISTINCT ?doc) AS ?n) WHERE { ?doc pg:signature/schema:item ?org }
        GROUP BY ?org HAVING (COUNT(DISTINCT ?doc) > 1)""",
    "quotes with text": """SELECT ?p ?exact WHERE { ?p pg:evidence/oa:hasSelector ?s . ?s oa:exact ?exact
        FILTER(CONTAINS(LCASE(?exact), "ceasefire")) }""",
    "meetings in 2016": """SELECT ?e ?d WHERE { ?e a pg:Event ; schema:startDate ?d
        FILTER(STR(?d) >= "2016" && STR(?d) < "2017") }""",
    "one document": """SELECT ?p ?o WHERE { ?s a pg:JointStatement ; ?p ?o } LIMIT 20""",
}
HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
BIN = Path(sys.executable).parent


def cpu_seconds(command: list[str]) -> float:
    """CPU time (user + system) of one whole run of ``command``."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise RuntimeError(f"{command} failed ({status})")
    return usage.ru_utime + usage.ru_stime


def median_cpu(command: list[str], repeat: int) -> float:
    return statistics.median(cpu_seconds(command) for _ in range(repeat))


def _row(name: str, ours: float, theirs: float) -> str:
    return f"{name:<24} {theirs * 1000:12.1f} {ours * 1000:14.1f} {ours / theirs:8.2f}x"


def command_lines(out: Path, repeat: int, work: Path, saved: bool) -> None:
    oxigraph = shutil.which("oxigraph") or str(BIN / "oxigraph")
    location = work / "oxigraph"
    subprocess.run(
        [oxigraph, "load", "--location", str(location), "--file", str(out / "peacegraph.nt")],
        check=True,
        capture_output=True,
    )
    print(f"{'whole process, CPU':<24} {'oxigraph ms':>12} {'peacegraph ms':>14} {'ratio':>9}")
    version = median_cpu([oxigraph, "--version"], repeat), median_cpu([str(BIN / "peacegraph"), "--version"], repeat)
    print(_row("--version", version[1], version[0]))
    files = {name: work / f"{index}.rq" for index, name in enumerate(QUERIES)}
    if saved:
        files["seeds/queries/signatories.rq"] = Path("seeds/queries/signatories.rq")
    for name, text in QUERIES.items():
        files[name].write_text(HEADER + text, encoding="utf-8")
    for name, path in files.items():
        ours = [str(BIN / "peacegraph"), "query", "--release", str(out), "-f", str(path), "--format", "csv"]
        theirs = [oxigraph, "query", "--location", str(location), "--query-file", str(path), "--results-format", "csv"]
        if name == next(iter(files)):  # the first run builds peacegraph's store; wait until its stamp may be kept
            cpu_seconds(ours)
            time.sleep(2.5)
            cpu_seconds(ours)
        print(_row(name, median_cpu(ours, repeat), median_cpu(theirs, repeat)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answered(port: int) -> bool:
    request = f"GET /sparql?query={quote('ASK {}')} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(request.encode())
            return sock.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def first_answer(out: Path) -> tuple[float, float]:
    """Seconds from starting ``peacegraph serve`` to its first answer to a query, and the CPU time its
    process and its workers used till then."""
    port = _free_port()
    command = [str(BIN / "peacegraph"), "serve", "--release", str(out), "--port", str(port)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not _answered(port):
            if process.poll() is not None or time.perf_counter() - start > 300:
                raise RuntimeError("peacegraph serve did not answer")
            time.sleep(0.01)
        return time.perf_counter() - start, tree_cpu(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def serving(out: Path, starts: int) -> None:
    runs = [first_answer(out) for _ in range(starts)]
    wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    print(f"\npeacegraph serve: first answer {wall:.2f} s after start (median of {starts})")
    print(f"CPU of the server and its workers till then: {cpu:.2f} s")


def timed(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(out: Path, repeat: int) -> None:
    import rdflib

    from peacegraph.query import store

    start = time.perf_counter()
    ox = store.open_store(out)
    ox_load = time.perf_counter() - start
    start = time.perf_counter()
    graph = rdflib.Graph().parse(out / "peacegraph.nt", format="nt")
    rdf_load = time.perf_counter() - start
    print(f"\n{'in process, wall':<24} {'oxigraph ms':>12} {'rdflib ms':>14} {'ratio':>9}")
    print(_row("load", rdf_load, ox_load))
    for name, query in QUERIES.items():
        ox_time = timed(partial(lambda q: list(ox.query(q)), HEADER + query), repeat)  # type: ignore[arg-type]
        rdf_time = timed(partial(lambda q: list(graph.query(q)), HEADER + query), repeat)
        print(_row(name, rdf_time, ox_time))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--starts", type=int, default=3, help="starts of peacegraph serve")
    parser.add_argument("--rdflib", action="store_true", help="also compare with rdflib in process")
    parser.add_argument(
        "--no-saved",
        dest="saved",
        action="store_false",
        help="leave out seeds/queries/signatories.rq (it sorts every signature: minutes of CPU at a million triples)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="peacegraph-bench-query-") as work:
        command_lines(args.out, args.repeat, Path(work), args.saved)
    serving(args.out, args.starts)
    if args.rdflib:
        in_process(args.out, args.repeat)


if __name__ == "__main__":
    main()
