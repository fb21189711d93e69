"""The canonical N-Triples a build holds its triples as (``rdf/lines.py``)."""

from __future__ import annotations

import random

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from peacegraph.rdf import lines
from peacegraph.rdf.serialize import canonical

EX = "http://example.org/"


def _triples() -> list[Triple]:
    made = [
        Triple(NamedNode(f"{EX}s{i % 37}"), NamedNode(f"{EX}p{i % 5}"), Literal(f"value {i % 101}", language="en"))
        for i in range(600)
    ]
    made += [Triple(NamedNode(f"{EX}s{i}"), NamedNode(f"{EX}link"), NamedNode(f"{EX}o{i % 7}")) for i in range(50)]
    random.Random(4).shuffle(made)
    return made + made[:100]  # some twice


@pytest.mark.parametrize("spill_above", [None, 1, 64])
def test_lines_are_the_sorted_ntriples_of_the_triples_each_once(spill_above: int | None) -> None:
    triples = _triples()
    graph = lines.of(triples, spill_above)
    expected = serialize(canonical(triples), format=RdfFormat.N_TRIPLES)
    assert graph.data == expected
    assert graph.count == len(set(triples)) == len(graph)
    assert list(graph) == list(canonical(triples))


def test_lines_iterate_in_canonical_order_when_the_line_order_is_not() -> None:
    # "name-x" extends "name" with "-", below ">": N-Triples lines and canonical order disagree
    triples = [
        Triple(NamedNode(f"{EX}a"), NamedNode(f"{EX}name-x"), Literal("1")),
        Triple(NamedNode(f"{EX}a"), NamedNode(f"{EX}name"), Literal("2")),
    ]
    graph = lines.of(triples)
    assert not graph.as_lines
    assert list(graph) == list(canonical(triples))
    assert graph.data.splitlines() == sorted(graph.data.splitlines())


def test_a_blank_node_is_refused() -> None:
    with pytest.raises(ValueError, match="blank node"):
        lines.of([Triple(NamedNode(f"{EX}a"), NamedNode(f"{EX}p"), BlankNode("b0"))])


def test_text_that_looks_like_a_blank_node_is_kept() -> None:
    graph = lines.of([Triple(NamedNode(f"{EX}a"), NamedNode(f"{EX}p"), Literal("see _:b0"))])
    assert graph.count == 1


def test_lines_are_in_the_bytewise_order_of_their_utf8_whatever_the_script() -> None:
    texts = ["z", "é", "ÿ", "Ā", "حلب", "\uffef", "\U0001f600", "a\U00010000", "a\uffff", 'q"uote', "back\\slash"]
    triples = [Triple(NamedNode(f"{EX}s"), NamedNode(f"{EX}p"), Literal(text)) for text in texts]
    triples += [Triple(NamedNode(f"{EX}s\u00e9"), NamedNode(f"{EX}p"), Literal("x"))]
    data = lines.of(triples, spill_above=None).data
    assert data.splitlines() == sorted(data.splitlines())
    assert data == serialize(canonical(triples), format=RdfFormat.N_TRIPLES)
    assert lines.of(list(reversed(triples)), spill_above=3).data == data


@pytest.mark.parametrize("spill_above", [None, 1, 3])
def test_the_lines_made_more_than_once_are_noted(spill_above: int | None) -> None:
    """Within one sorted run and across runs merged (what a rebuild must not remove while another record makes it)."""
    text = [(f"<urn:s:{n % 7}>", "<urn:p>", f'"{n % 5}"') for n in range(40)]
    made = lines.Made()
    graph = lines.of_text(text, spill_above, made)
    distinct = {f"{s} {p} {o} ." for s, p, o in text}
    assert graph.count == made.count == len(distinct)
    twice = {f'<urn:s:{n % 7}> <urn:p> "{n % 5}" .' for n in range(5)}  # n and n + 35 make the same line
    assert made.repeated == twice
    assert made.predicates == {"<urn:p>"}
    once = lines.Made()
    lines.of_text([("<urn:s:a>", "<urn:p>", '"x"'), ("<urn:s:b>", "<urn:p>", '"x"')], spill_above, once)
    assert once.repeated == set()
