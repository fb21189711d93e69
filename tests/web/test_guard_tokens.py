"""The guard reads an all-ASCII query with the ASCII part of its token classes: the same tokens as the whole
expression gives (which it compiles only for a query that needs it)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peacegraph.serve import guard

#: Pieces a query is made of, and single ASCII characters to put anywhere between them.
PIECES = st.sampled_from(
    [
        "SELECT",
        "?x",
        "$y_1",
        "pg:",
        "schema:name",
        "_:b1.c",
        ":local",
        "ex:a.b",
        "ex:%41",
        "ex:a\\.b",
        "<urn:x>",
        '"a"',
        "'b'",
        '"""c"""',
        "@en-GB",
        "1.5e3",
        "#note\n",
        " ",
        "\n",
        "{",
        "}",
        ".",
        "^^",
        "||",
        "-",
    ]
) | st.characters(max_codepoint=127)


def _kinds(pattern: object, text: str) -> list[tuple[str | None, str, int]]:
    assert hasattr(pattern, "finditer")
    return [(m.lastgroup, m.group(), m.start()) for m in pattern.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_ascii_text_is_read_alike_by_both(text: str) -> None:
    if text.isascii():
        assert _kinds(guard.ASCII_TOKEN, text) == _kinds(guard.wide_token(), text)


def test_every_ascii_character_starts_the_same_token() -> None:
    for code in range(128):
        for text in (chr(code), f"a{chr(code)}b", f"?v{chr(code)}", f"p:{chr(code)}x", f"_:{chr(code)}"):
            assert _kinds(guard.ASCII_TOKEN, text) == _kinds(guard.wide_token(), text), repr(text)


def test_a_query_beyond_ascii_gets_the_whole_classes() -> None:
    names = [token.text for token in guard.tokens("SELECT ?größe WHERE { ?x ex:naïve ?größe }") if token.kind != "ws"]
    assert names == ["SELECT", "?größe", "WHERE", "{", "?x", "ex:naïve", "?größe", "}"]
