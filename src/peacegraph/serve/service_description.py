"""The endpoint's SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/).

A GET of ``/sparql`` without a query answers with it. The service is the published endpoint IRI,
the one the release's VoID names as ``void:sparqlEndpoint``, never an address built from the
request's ``Host`` header.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ..rdf.namespaces import DCTERMS, FORMATS, RDF_TYPE, SD, active, term

PREFIXES = {"sd": SD, "formats": FORMATS, "dcterms": DCTERMS}

#: The results and RDF syntaxes the endpoint writes, by their W3C format IRIs.
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description() -> Iterator[Triple]:
    service = NamedNode(active().sparql_endpoint)
    yield Triple(service, RDF_TYPE, term(SD, "Service"))
    yield Triple(service, term(SD, "endpoint"), service)
    yield Triple(service, term(DCTERMS, "title"), Literal("peacegraph SPARQL endpoint (read-only)", language="en"))
    yield Triple(service, term(SD, "supportedLanguage"), term(SD, "SPARQL11Query"))
    for name in RESULT_FORMATS:
        yield Triple(service, term(SD, "resultFormat"), term(FORMATS, name))
    dataset, graph = BlankNode("dataset"), BlankNode("default")
    yield Triple(service, term(SD, "defaultDataset"), dataset)
    yield Triple(dataset, RDF_TYPE, term(SD, "Dataset"))
    yield Triple(dataset, term(DCTERMS, "source"), NamedNode(active().dataset))
    yield Triple(dataset, term(SD, "defaultGraph"), graph)
    yield Triple(graph, RDF_TYPE, term(SD, "Graph"))
