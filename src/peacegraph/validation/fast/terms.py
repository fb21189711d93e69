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
    return sorted(
        ((namespace, prefix) for prefix, namespace in RDFLIB_PREFIXES), key=lambda pair: (-len(pair[0]), pair[1])
    )


#: The prefixes ``rdflib.Graph().namespaces()`` gives (rdflib 7's defaults), written out so that compiling
#: shapes does not import rdflib (a twentieth of a second); a test holds them to rdflib's.
RDFLIB_PREFIXES: Final = (
    ("brick", "https://brickschema.org/schema/Brick#"),
    ("csvw", "http://www.w3.org/ns/csvw#"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("dcam", "http://purl.org/dc/dcam/"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcmitype", "http://purl.org/dc/dcmitype/"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("doap", "http://usefulinc.com/ns/doap#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("geo", "http://www.opengis.net/ont/geosparql#"),
    ("odrl", "http://www.w3.org/ns/odrl/2/"),
    ("org", "http://www.w3.org/ns/org#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("prof", "http://www.w3.org/ns/dx/prof/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("qb", "http://purl.org/linked-data/cube#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("schema", "https://schema.org/"),
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("sosa", "http://www.w3.org/ns/sosa/"),
    ("ssn", "http://www.w3.org/ns/ssn/"),
    ("time", "http://www.w3.org/2006/time#"),
    ("vann", "http://purl.org/vocab/vann/"),
    ("void", "http://rdfs.org/ns/void#"),
    ("wgs", "https://www.w3.org/2003/01/geo/wgs84_pos#"),
    ("xml", "http://www.w3.org/XML/1998/namespace"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
)


def sparql_term(node: Term) -> str:
    """A term of the shapes as SPARQL, typed literals under their wrapped datatype as in the store."""
    if isinstance(node, Literal) and not node.language and node.datatype.value != XSD + "string":
        return str(Literal(node.value, datatype=NamedNode(WRAPPED + node.datatype.value)))
    return str(node)
