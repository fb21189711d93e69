"""Deterministic dumps: sorted N-Triples, grouped Turtle, compacted JSON-LD with our context.

The same set of triples always gives the same bytes: triples are sorted before writing, and
nothing depends on the clock, the order of records or hash seeds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple, serialize

from .formats import Format
from .namespaces import JSONLD_PREFIXES, PREFIXES, RDF_TYPE, XSD


def sort_key(triple: Triple) -> tuple[str, str, str]:
    return (str(triple.subject), triple.predicate.value, str(triple.object))


def canonical(triples: Iterable[Triple]) -> list[Triple]:
    """The triples, each once, in the order every dump uses."""
    unique = set(triples)
    for triple in unique:
        if isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode):
            raise ValueError(f"blank node in {triple}")
    return sorted(unique, key=sort_key)


def to_ntriples(triples: list[Triple]) -> bytes:
    data = serialize(triples, format=Format.NTRIPLES.oxigraph)
    assert data is not None
    return b"".join(sorted(data.splitlines(keepends=True)))


def to_turtle(triples: list[Triple]) -> bytes:
    data = serialize(triples, format=Format.TURTLE.oxigraph, prefixes=PREFIXES)
    assert data is not None
    return data


# --- JSON-LD ----------------------------------------------------------------------------------


def context() -> dict[str, Any]:
    """The JSON-LD context of the dumps: our prefixes, nothing that needs fetching."""
    return {"@context": {**JSONLD_PREFIXES, "@version": 1.1}}


_BY_LENGTH = sorted(JSONLD_PREFIXES.items(), key=lambda item: -len(item[1]))


def compact_iri(value: str) -> str:
    """``prefix:rest`` for an IRI in one of our namespaces (longest namespace wins)."""
    for prefix, namespace in _BY_LENGTH:
        if value.startswith(namespace) and len(value) > len(namespace) and not value[len(namespace) :].startswith("//"):
            return f"{prefix}:{value[len(namespace) :]}"
    return value


def _value(obj: NamedNode | Literal) -> Any:
    if isinstance(obj, NamedNode):
        return {"@id": compact_iri(obj.value)}
    if obj.language:
        return {"@value": obj.value, "@language": obj.language}
    if obj.datatype.value == XSD + "string":
        return obj.value
    return {"@value": obj.value, "@type": compact_iri(obj.datatype.value)}


def to_jsonld(triples: list[Triple]) -> bytes:
    """Compacted JSON-LD: one node object per subject, properties as prefixed names, sorted."""
    nodes: dict[str, dict[str, Any]] = {}
    for triple in triples:  # already sorted by subject, predicate, object
        assert isinstance(triple.subject, NamedNode)
        subject = compact_iri(triple.subject.value)
        node = nodes.setdefault(subject, {"@id": subject})
        obj = triple.object
        if triple.predicate == RDF_TYPE and isinstance(obj, NamedNode):
            node.setdefault("@type", []).append(compact_iri(obj.value))
            continue
        assert isinstance(obj, NamedNode | Literal)
        node.setdefault(compact_iri(triple.predicate.value), []).append(_value(obj))
    graph = [_single(node) for node in nodes.values()]
    document = {**context(), "@graph": graph}
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _single(node: dict[str, Any]) -> dict[str, Any]:
    return {key: value[0] if isinstance(value, list) and len(value) == 1 else value for key, value in node.items()}


WRITERS = {Format.TURTLE: to_turtle, Format.NTRIPLES: to_ntriples, Format.JSONLD: to_jsonld}


def context_bytes() -> bytes:
    return (json.dumps(context(), indent=1, sort_keys=True) + "\n").encode("utf-8")
