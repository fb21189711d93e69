"""`peacegraph query` against `oxigraph query` as whole processes, how soon `peacegraph serve` answers, and
(``--rdflib``) the embedded store against rdflib; for each release given, side by side in one run.

    .venv/bin/python bench/query.py [--release out --release /tmp/q1m] [--repeat 5] [--starts 3] [--rdflib]
                                    [--no-saved]

1. Each query is run as a whole process by both command lines over the same dump: ``peacegraph
   query -f Q --format csv --release OUT`` (its on-disk store is built once, before the timing) and
   ``oxigraph query --location STORE --query-file Q --results-format csv`` over a store that
   ``oxigraph load`` made from ``OUT/peacegraph.nt``. The figures are CPU time (user + system, all
   threads) and wall time, each the median of ``--repeat`` runs; the ratios are ours over Oxigraph's
   (target: at most 2). A plain query keeps what it found of the release and the query guard's verdict on
   its text for the next run (``query/remembered.py``, ``verdicts.py``): one row shows the first run of a
   text. ``--version`` likewise, and the floor any Python command starts from: the
   interpreter alone, with and without ``site``, and Python opening the same store with pyoxigraph and
   answering the query (nothing of peacegraph).
2. ``peacegraph serve`` is started ``--starts`` times; the figure is the wall time from starting the
   process to the first answer to a SPARQL query (target: at most 1 s), and its CPU time till then.
3. With ``--rdflib``, the old in-process comparison: load time and the median time of each query in
   pyoxigraph's in-memory store and in rdflib (slow: rdflib takes minutes to load a million triples).

Python's bytecode is cached for the runs (in a folder of the run's own, ``PYTHONPYCACHEPREFIX``), as an
installed package has it, even where ``PYTHONDONTWRITEBYTECODE`` is set.

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


def cost(command: list[str]) -> tuple[float, float]:
    """CPU time (user + system) and wall time of one whole run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise RuntimeError(f"{command} failed ({status})")
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def median_cost(command: list[str], repeat: int) -> tuple[float, float]:
    runs = [cost(command) for _ in range(repeat)]
    return statistics.median(cpu for cpu, _ in runs), statistics.median(wall for _, wall in runs)


HEADING = (
    f"{'whole process, ms':<28} {'oxigraph CPU':>12} {'ours CPU':>9} {'ratio':>6}"
    f" {'oxigraph wall':>14} {'ours wall':>10} {'ratio':>6}"
)


def _row(name: str, ours: tuple[float, float], theirs: tuple[float, float] | None) -> str:
    if theirs is None:
        return f"{name:<28} {'':>12} {ours[0] * 1000:9.1f} {'':>6} {'':>14} {ours[1] * 1000:10.1f}"
    return (
        f"{name:<28} {theirs[0] * 1000:12.1f} {ours[0] * 1000:9.1f} {ours[0] / theirs[0]:5.2f}x"
        f" {theirs[1] * 1000:14.1f} {ours[1] * 1000:10.1f} {ours[1] / theirs[1]:5.2f}x"
    )


def _oxigraph() -> str:
    return shutil.which("oxigraph") or str(BIN / "oxigraph")


def query_files(work: Path, saved: bool) -> dict[str, Path]:
    files = {name: work / f"{index}.rq" for index, name in enumerate(QUERIES)}
    for name, text in QUERIES.items():
        files[name].write_text(HEADER + text, encoding="utf-8")
    if saved:
        files["seeds/queries/signatories.rq"] = Path("seeds/queries/signatories.rq")
    return files


def floor(repeat: int, location: Path, query: Path) -> None:
    """What any Python command costs before it does anything of its own, and Python with pyoxigraph alone
    answering ``query`` (the smallest) from the same on-disk store: the floor of a command written in Python."""
    python = sys.executable
    bare = (
        "import sys, pyoxigraph as o\n"
        f"results = o.Store.read_only({str(location)!r}).query(open({str(query)!r}).read())\n"
        "sys.stdout.buffer.write(results.serialize(format=o.QueryResultsFormat.CSV))"
    )
    print(_row("python -c pass", median_cost([python, "-c", "pass"], repeat), None))
    print(_row("python -I -S -c pass (no site)", median_cost([python, "-I", "-S", "-c", "pass"], repeat), None))
    print(_row("pyoxigraph alone, same query", median_cost([python, "-c", bare], repeat), None))


def command_lines(out: Path, repeat: int, work: Path, saved: bool) -> None:
    work.mkdir()
    location = work / "oxigraph"
    subprocess.run(
        [_oxigraph(), "load", "--location", str(location), "--file", str(out / "peacegraph.nt")],
        check=True,
        capture_output=True,
    )
    files = query_files(work, saved)
    for index, (name, path) in enumerate(files.items()):
        ours = [str(BIN / "peacegraph"), "query", "--release", str(out), "-f", str(path), "--format", "csv"]
        theirs = [
            _oxigraph(),
            "query",
            "--location",
            str(location),
            "--query-file",
            str(path),
            "--results-format",
            "csv",
        ]
        if index == 0:  # the first run builds peacegraph's store; wait until its stamp may be kept
            cost(ours)
            time.sleep(2.5)
            cost(ours)
        print(_row(name, median_cost(ours, repeat), median_cost(theirs, repeat)), flush=True)
        if name == "one document":
            print(_row("  the same, a new text each", new_texts(out, work, path, repeat), None), flush=True)
    floor(repeat, location, files["one document"])


def new_texts(out: Path, work: Path, query: Path, repeat: int) -> tuple[float, float]:
    """``peacegraph query`` on a text it has not seen (a new comment each run): the guard's verdict on a text is
    kept between runs (``verdicts.py``), so the other rows, medians of runs of one text, time a query run again."""
    runs = []
    for index in range(repeat):
        text = work / f"new-{index}.rq"
        text.write_text(f"# run {index} {time.time_ns()}\n" + query.read_text(encoding="utf-8"), encoding="utf-8")
        runs.append(cost([str(BIN / "peacegraph"), "query", "--release", str(out), "-f", str(text), "--format", "csv"]))
    return statistics.median(cpu for cpu, _ in runs), statistics.median(wall for _, wall in runs)


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
    print(f"peacegraph serve: first answer {wall:.2f} s after start, {cpu:.2f} s of CPU till then (median of {starts})")


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


def _triples(out: Path) -> int:
    with (out / "peacegraph.nt").open("rb") as dump:
        return sum(1 for _ in dump)


def _bytecode_cached(work: Path) -> None:
    """Child processes cache their bytecode (as an installed package has it), in the run's own folder."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, action="append", help="a built release (repeatable) [default: out]")
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
        _bytecode_cached(Path(work))
        cost([str(BIN / "peacegraph"), "--version"])  # caches the bytecode
        version = median_cost([str(BIN / "peacegraph"), "--version"], args.repeat)
        print(HEADING)
        print(_row("--version", version, median_cost([_oxigraph(), "--version"], args.repeat)))
        for index, out in enumerate(args.release or [Path("out")]):
            print(f"\n{out}/: {_triples(out):,} triples")
            print(HEADING)
            command_lines(out, args.repeat, Path(work) / str(index), args.saved)
            serving(out, args.starts)
            if args.rdflib:
                in_process(out, args.repeat)


if __name__ == "__main__":
    main()
