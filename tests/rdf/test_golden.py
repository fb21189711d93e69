"""The small seed set maps to exactly the golden graph (compared as graphs, not as text)."""

from __future__ import annotations

import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from peacegraph import pipeline
from peacegraph.rdf.formats import Format

from ..conftest import MINI

GOLDEN = MINI / "expected.ttl"


def test_mini_corpus_matches_golden_graph(mini_built: pipeline.BuildResult, regen: bool) -> None:
    produced = mini_built.files[Format.TURTLE.dump_name()]
    if regen:
        GOLDEN.write_bytes(produced.read_bytes())
    actual = rdflib.Graph().parse(produced, format="turtle")
    expected = rdflib.Graph().parse(GOLDEN, format="turtle")
    if not isomorphic(actual, expected):
        _both, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = [f"- {t}" for t in sorted(missing)] + [f"+ {t}" for t in sorted(extra)]
        raise AssertionError(
            "graph differs from golden (run pytest --regen-golden to accept):\n" + "\n".join(lines[:40])
        )
