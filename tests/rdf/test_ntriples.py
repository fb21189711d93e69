"""The terms the mapper makes as text are exactly what Oxigraph writes (``rdf/ntriples.py``)."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from peacegraph.rdf import ntriples
from peacegraph.rdf.namespaces import XSD

#: What Oxigraph 0.5 escapes: a newer one that escapes more (or less) fails here.
ESCAPED = {*range(0x20), 0x7F, ord('"'), ord("\\"), 0xFFFE, 0xFFFF}
SURROGATES = range(0xD800, 0xE000)


def _texts() -> list[str]:
    """Every code point but the surrogates: those N-Triples escapes one at a time, the others 256 to a text."""
    singles = [f"a{chr(code)}b" for code in sorted(ESCAPED)]
    plain = [code for code in range(0x110000) if code not in ESCAPED and code not in SURROGATES]
    runs = ["".join(map(chr, plain[at : at + 256])) for at in range(0, len(plain), 256)]
    return singles + runs


@pytest.mark.parametrize(
    ("language", "datatype"), [(None, None), ("en", None), ("EN-gb", None), (None, "date"), (None, "string")]
)
def test_a_literal_is_written_as_oxigraph_writes_it(language: str | None, datatype: str | None) -> None:
    kind = None if datatype is None else NamedNode(XSD + datatype)
    for text in _texts():
        assert ntriples.literal(text, language, datatype) == str(Literal(text, language=language, datatype=kind))


def test_the_text_of_a_term_is_what_the_ntriples_writer_writes() -> None:
    subject, predicate = NamedNode("http://example.org/s"), NamedNode("http://example.org/p")
    for text in _texts()[:40]:
        triple = Triple(subject, predicate, Literal(text, language="ar"))
        written = serialize([triple], format=RdfFormat.N_TRIPLES)
        line = f"{ntriples.named(subject)} {ntriples.named(predicate)} {ntriples.literal(text, 'ar')} .\n"
        assert line.encode("utf-8") == written


def test_a_bad_language_tag_is_refused_as_oxigraph_refuses_it() -> None:
    with pytest.raises(ValueError, match="subtag"):
        ntriples.literal("text", language="not a tag")
