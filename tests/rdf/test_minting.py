"""Identifiers are minted only from slugs (``Space.mint``), every segment checked."""

from __future__ import annotations

import pytest

from peacegraph.rdf import mapping
from peacegraph.rdf.namespaces import Space, using

SPACE = Space("https://example.org/collection/")


def test_an_identifier_and_a_node_under_it() -> None:
    assert SPACE.mint("organization", "a-1").value == "https://example.org/collection/id/organization/a-1"
    node = SPACE.mint("position", "p-1", "evidence", "quote")
    assert node.value == "https://example.org/collection/id/position/p-1/evidence/quote"


@pytest.mark.parametrize(
    ("slug", "parts", "wrong"),
    [("A", (), "A"), ("a", ("b/c",), "b/c"), ("a", ("",), ""), ("a-", (), "a-"), ("a", ("b", "c d"), "c d")],
)
def test_each_segment_must_be_a_slug(slug: str, parts: tuple[str, ...], wrong: str) -> None:
    with pytest.raises(ValueError, match=f"not a slug: {wrong!r}"):
        SPACE.mint("place", slug, *parts)


def test_the_kind_must_be_known() -> None:
    with pytest.raises(ValueError, match="unknown identifier kind 'thing'"):
        SPACE.mint("thing", "a")


@pytest.mark.parametrize(
    "base", ["https://example.org/collection/", "http://example.org/a#", "https://é.example/ü%20x/", "https://h:8080/"]
)
def test_the_mappers_text_is_the_terms_n_triples(base: str) -> None:
    """The mapper writes identifiers as text without making the term: the same N-Triples, the same checks."""
    space = Space(base)
    with using(space):
        for kind, slug, parts in [("organization", "a-1", ()), ("position", "p-1", ("evidence", "quote"))]:
            assert mapping.mint(kind, slug, *parts) == str(space.mint(kind, slug, *parts))
        with pytest.raises(ValueError, match="not a slug: 'c d'"):
            mapping.mint("place", "a", "b", "c d")
        with pytest.raises(ValueError, match="unknown identifier kind 'thing'"):
            mapping.mint("thing", "a")


@pytest.mark.parametrize("base", ["https://example.org/%zz/", "https://[example/"])
def test_a_base_rdf_does_not_read_makes_no_space(base: str) -> None:
    """So every identifier minted under a space's base is an IRI (collection.yaml's check names the line first)."""
    with pytest.raises(ValueError, match="Invalid"):
        Space(base)
