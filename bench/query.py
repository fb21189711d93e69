"""Measure the embedded SPARQL store: Oxigraph (what `peacegraph query` uses) against rdflib.

    .venv/bin/python bench/query.py [--out out] [--repeat 5]

Prints load time and the median time of each query for both stores, and the speed-up.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import rdflib
from pyoxigraph import Store

from peacegraph.query import store
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
}


def _rdflib_rows(graph: rdflib.Graph, query: str) -> list[object]:
    return list(graph.query(query))


def _oxigraph_rows(st: Store, query: str) -> list[object]:
    return list(st.query(query))  # type: ignore[arg-type]


def _row(name: str, ox: float, rdf: float) -> str:
    return f"{name:<24} oxigraph {ox * 1000:8.1f} ms   rdflib {rdf * 1000:8.1f} ms   x{rdf / ox:6.1f}"


def timed(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dump = args.out / "peacegraph.nt"

    start = time.perf_counter()
    ox = store.open_store(args.out)
    ox_load = time.perf_counter() - start
    start = time.perf_counter()
    graph = rdflib.Graph().parse(dump, format="nt")
    rdf_load = time.perf_counter() - start
    print(_row("load", ox_load, rdf_load))

    for name, query in QUERIES.items():
        text = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + query
        ox_time = timed(partial(_oxigraph_rows, ox, text), args.repeat)
        rdf_time = timed(partial(_rdflib_rows, graph, text), args.repeat)
        print(_row(name, ox_time, rdf_time))


if __name__ == "__main__":
    main()
