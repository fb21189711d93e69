"""Identifiers are minted only from slugs (``Space.mint``), every segment checked."""

from __future__ import annotations

import pytest

from peacegraph.rdf.namespaces import Space

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
