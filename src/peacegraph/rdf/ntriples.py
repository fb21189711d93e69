"""RDF terms as the text Oxigraph's N-Triples writer gives them, for the mapper.

A million :class:`pyoxigraph.Triple` objects cost the map stage more than everything else it does
(each term validated, converted and written again); the mapper instead makes each term's N-Triples
text once and :func:`.lines.of_text` joins them into lines. No term is written by hand: an IRI's text
is ``str(NamedNode(iri))`` (Oxigraph validates it and writes it as given), and a literal's is
``str(Literal(...))``, but for the common literal in which Oxigraph escapes nothing (no control
character, ``"``, ``\\``, U+FFFE or U+FFFF), which Oxigraph writes as ``"`` + the text + ``"`` + the suffix of its
language or datatype, and whose suffix is Oxigraph's own, made once per language and datatype.
``tests/rdf/test_ntriples.py`` checks this against Oxigraph for every code point.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from pyoxigraph import Literal, NamedNode

from . import namespaces
from .namespaces import XSD

#: What a triple is to the mapper: the N-Triples text of its subject, predicate and object.
TextTriple = tuple[str, str, str]

#: The characters Oxigraph's N-Triples writer escapes in a literal (0.5: C0 controls, DEL, ``"``, ``\\``
#: and the noncharacters U+FFFE and U+FFFF; the test tries every code point).
_ESCAPED: Final = re.compile('[\x00-\x1f\x7f"\\\\\ufffe\uffff]')


def named(node: NamedNode) -> str:
    """``<iri>``: the N-Triples text of an IRI."""
    return str(node)


@functools.lru_cache(maxsize=4096)  # the vocabulary: a few hundred terms, made once
def schema(local: str) -> str:
    return str(namespaces.schema(local))


@functools.lru_cache(maxsize=4096)
def pg(local: str) -> str:
    return str(namespaces.pg(local))


@functools.lru_cache(maxsize=4096)
def term(namespace: str, local: str) -> str:
    return str(namespaces.term(namespace, local))


def literal(value: str, language: str | None = None, datatype: str | None = None) -> str:
    """The N-Triples text of a literal: plain, tagged with ``language``, or of the XSD ``datatype``."""
    if _ESCAPED.search(value):
        return str(Literal(value, language=language, datatype=_xsd(datatype)))
    return f'"{value}"{_suffix(language, datatype)}'


@functools.lru_cache(maxsize=256)
def _suffix(language: str | None, datatype: str | None) -> str:
    """What Oxigraph writes after a literal's closing quote: ``@en``, ``^^<…#date>``, or nothing."""
    return str(Literal("", language=language, datatype=_xsd(datatype)))[2:]


def _xsd(datatype: str | None) -> NamedNode | None:
    return None if datatype is None else namespaces.term(XSD, datatype)
