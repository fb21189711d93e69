"""Every printed list of signatories can be reproduced from the graph alone: who signed, at which
rank, and the name exactly as the document prints it."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from pyoxigraph import Store

from peacegraph.records import loader
from peacegraph.records import model as r

from ..conftest import SEEDS, select

SIGNATURES = """
SELECT ?doc ?rank ?printed ?signatory ?label WHERE {
  ?doc pg:signature ?s .
  ?s schema:position ?rank ; pg:printedName ?printed ; schema:item ?signatory ; rdfs:label ?label .
}
"""

#: How each document lays out its list: a numbered line each, a line each, or a sentence.
LAYOUTS = {
    "civil-society-statement-on-sochi-2018": "numbered",
    "civil-society-letter-to-issg-2017-03-22": "lines",
    "small-group-ministers-statement-2019-11-14": "sentence",
}


def _printed(names: list[str], layout: str) -> str:
    """The list as the document prints it (a numbered list: its lines, one per signatory)."""
    if layout == "numbered":
        return "\n".join(f"{rank}. {name}" for rank, name in enumerate(names, start=1))
    if layout == "lines":
        return "\n".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


@pytest.fixture(scope="module")
def lists(real_store: Store) -> dict[str, list[tuple[int, str, str, str]]]:
    """Each document's signatures from the graph: (rank, printed name, signatory, label), by rank."""
    found: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for doc, rank, printed, signatory, label in select(real_store, SIGNATURES):
        assert doc
        assert rank
        assert printed
        assert signatory
        assert label
        found[doc.rsplit("/", 1)[-1]].append((int(rank), printed, signatory, label))
    return {key: sorted(entries) for key, entries in found.items()}


@pytest.fixture(scope="module")
def corpus() -> r.Corpus:
    return loader.load(SEEDS)


def test_every_signature_of_the_records_is_in_the_graph_with_its_printed_name(
    lists: dict[str, list[tuple[int, str, str, str]]], corpus: r.Corpus
) -> None:
    signed = {key: doc for key, doc in corpus.documents.items() if doc.signatures}
    assert set(lists) == set(signed)
    for key, doc in signed.items():
        from_records = sorted((s.rank, s.printed, s.signatory.key) for s in doc.signatures)
        from_graph = [(rank, printed, signatory.rsplit("/", 1)[-1]) for rank, printed, signatory, _ in lists[key]]
        assert from_graph == from_records, key
    assert sum(len(entries) for entries in lists.values()) == 152


@pytest.mark.parametrize("key", sorted(LAYOUTS))
def test_the_printed_list_is_reproduced_exactly_from_the_graph(
    key: str, lists: dict[str, list[tuple[int, str, str, str]]], corpus: r.Corpus
) -> None:
    entries = lists[key]
    assert [rank for rank, *_ in entries] == list(range(1, len(entries) + 1)), "ranks are 1 to n"
    text = corpus.sources[key].text
    if LAYOUTS[key] == "numbered":  # the list runs over pages: its numbered lines, parsed from the text
        text = "\n".join(re.findall(r"^[0-9]+\. .+$", text, re.MULTILINE))
    assert _printed([printed for _, printed, _, _ in entries], LAYOUTS[key]) in text
    assert all(label == f"{rank}. {printed}" for rank, printed, _, label in entries)
