"""How the engine writes terms: its bookkeeping in the store, typed literals under a wrapped
datatype (see the package's docstring), and terms in messages as pySHACL writes them.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from pyoxigraph import BlankNode, Literal, NamedNode

from ...rdf.namespaces import RDF, RDFS, XSD

Term = NamedNode | BlankNode | Literal

#: Where the engine keeps its own bookkeeping in the store, apart from the data (default graph).
FOCUS: Final = "urn:peacegraph:fastshacl:focus"
ILL_TYPED: Final = "urn:peacegraph:fastshacl:ill-typed"
#: The nodes that fail a shape used as a condition (see ``compiler``).
FAILS: Final = "urn:peacegraph:fastshacl:fails"
WRAPPED: Final = "urn:peacegraph:fastshacl:datatype:"

TYPE: Final = f"<{RDF}type>"
SUBCLASS: Final = f"<{RDFS}subClassOf>"


def display(node: Term) -> str:
    """A term as pySHACL's messages write it: ``schema:name`` where rdflib knows the prefix, else ``<iri>``."""
    if not isinstance(node, NamedNode):
        return node.value
    for namespace, prefix in _message_prefixes():
        local = node.value[len(namespace) :]
        if node.value.startswith(namespace) and local and _LOCAL_NAME.fullmatch(local):
            return f"{prefix}:{local}"
    return f"<{node.value}>"


_LOCAL_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@functools.cache
def _message_prefixes() -> list[tuple[str, str]]:
    """The prefixes rdflib binds in every graph (those pySHACL's messages use), longest namespace first."""
    import rdflib

    bound = [(str(namespace), prefix) for prefix, namespace in rdflib.Graph().namespaces() if prefix]
    return sorted(bound, key=lambda pair: (-len(pair[0]), pair[1]))


def sparql_term(node: Term) -> str:
    """A term of the shapes as SPARQL, typed literals under their wrapped datatype as in the store."""
    if isinstance(node, Literal) and not node.language and node.datatype.value != XSD + "string":
        return str(Literal(node.value, datatype=NamedNode(WRAPPED + node.datatype.value)))
    return str(node)
