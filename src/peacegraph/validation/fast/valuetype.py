"""Value type constraints (``sh:class``, ``sh:datatype``, ``sh:nodeKind``) as conditions on a value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pyoxigraph import NamedNode

from ...rdf.namespaces import RDF, RDFS, SH, XSD
from .context import Compilation
from .shapes import iri, refuse
from .terms import ILL_TYPED, WRAPPED, Term, display

_NODE_KINDS: Final = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}


def conditions(cc: Compilation, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
    """(component, condition the value ``v`` must meet, message) for each value type constraint."""
    for cls in cc.shapes.values(shape, "class"):
        cls = iri(cls, shape, "sh:class")
        yield "Class", cc.is_instance(v, cls), f"Value does not have class {display(cls)}"
    for datatype in cc.shapes.values(shape, "datatype"):
        datatype = iri(datatype, shape, "sh:datatype")
        message = f"Value is not Literal with datatype {display(datatype)}"
        yield "Datatype", has_datatype(cc, v, datatype.value), message
    for kind in cc.shapes.values(shape, "nodeKind"):
        kind = iri(kind, shape, "sh:nodeKind")
        yield "NodeKind", node_kind(v, kind, shape), f"Value is not of Node Kind {display(kind)}"


def has_datatype(cc: Compilation, v: str, datatype: str) -> str:
    """Plain datatypes in SPARQL; for the others, also that rdflib finds the literal well formed."""
    if datatype == RDFS + "Literal":
        return f"isLiteral({v})"
    if datatype == RDF + "langString":
        return f'(isLiteral({v}) && LANG({v}) != "")'
    if datatype == XSD + "string":
        return f"(isLiteral({v}) && DATATYPE({v}) = <{datatype}>)"
    cc.program.datatypes.add(datatype)
    if cc.path is None or not cc.path.inverse:  # values of an inverse path are never literals
        cc.program.typed_values_of.add(cc.path.single_predicate if cc.path else None)
    ill = f"GRAPH <{ILL_TYPED}> {{ <{ILL_TYPED}> <{ILL_TYPED}> {v} }}"
    return f"(isLiteral({v}) && DATATYPE({v}) = <{WRAPPED}{datatype}> && NOT EXISTS {{ {ill} }})"


def node_kind(v: str, kind: NamedNode, shape: Term) -> str:
    local = kind.value[len(SH) :] if kind.value.startswith(SH) else None
    if local not in _NODE_KINDS:
        raise refuse(shape, f"sh:nodeKind {kind}")
    return _NODE_KINDS[local].format(v=v)
