"""Lookups in sorted N-Triples lines agree with reading every line."""

from __future__ import annotations

import random

import pytest

from peacegraph.rdf.sorted_lines import SortedLines, TooCostly, split

NODES = [b"<http://e/a>", b"<http://e/a/b>", b"<http://e/ab>", b"<http://e/b>", b"<http://e/c>"]
PREDICATES = [b"<http://e/p>", b"<http://e/q>", b"<http://e/p/r>"]
OBJECTS = [*NODES, b'"<http://e/a> ."', b'"x"@en', b'"1"^^<http://www.w3.org/2001/XMLSchema#integer>']


def _lines(seed: int) -> list[bytes]:
    rng = random.Random(seed)
    found = {b" ".join((rng.choice(NODES), rng.choice(PREDICATES), rng.choice(OBJECTS), b".")) for _ in range(40)}
    return sorted(found)


@pytest.mark.parametrize("seed", range(20))
def test_lookups_agree_with_reading_every_line(seed: int) -> None:
    lines = _lines(seed)
    data = SortedLines(b"".join(line + b"\n" for line in lines))
    for node in [*NODES, b"<http://e/0>", b"<http://e/z>", b'"x"@en']:
        assert data.of_subject(node) == [x for x in lines if split(x)[0] == node]
        assert sorted(data.with_any_predicate([node])) == [x for x in lines if split(x)[2] == node]
    for predicate in PREDICATES:
        assert data.with_predicate(predicate) == [x for x in lines if split(x)[1] == predicate]
        for wanted in (OBJECTS[:2], OBJECTS):  # a search for each, or one for the predicate
            expected = [x for x in lines if split(x)[1] == predicate and split(x)[2] in wanted]
            assert sorted(data.with_objects(predicate, wanted)) == expected


def test_searches_past_the_budget_are_refused() -> None:
    data = SortedLines(b"".join(line + b"\n" for line in _lines(0)), budget=2)
    data.with_any_predicate(NODES[:2])
    with pytest.raises(TooCostly):
        data.with_any_predicate(NODES[2:3])
