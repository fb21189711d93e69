"""The SPARQL 1.1 Protocol as real clients use it, and every case of the W3C protocol test manifest.

The manifest (``sparql/sparql11/protocol/manifest.ttl`` in ``w3c/rdf-tests``) has 34 cases; each
is a row of ``MANIFEST`` below, sent to our server as the manifest describes it (with our path
``/sparql``). Where we answer differently on purpose the row says why; docs/reference/endpoint.md lists them:
the endpoint never fetches the remote graphs that the dataset cases name, and it is read-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx
import pytest
import rdflib
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from peacegraph import pipeline

from ..live import serving

KASEI = "http://kasei.us/2009/09/sparql/data/"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
BOOLEAN = "application/sparql-results+json"
REMOTE_GRAPH = "refused: the endpoint serves its own dataset and fetches no remote graph (README)"
READ_ONLY = "refused: the endpoint is read-only (README)"


@pytest.fixture(scope="module")
def base(mini_built: pipeline.BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = next(iter(mini_built.files.values())).parent
    with serving(out, tmp_path_factory.mktemp("protocol") / "serve.log") as url:
        yield url


@dataclass(frozen=True)
class Case:
    method: str
    query_string: str = ""
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    why: str = ""  # why we answer otherwise than the manifest expects, if we do


def g(name: str) -> str:
    return quote(KASEI + name, safe="")


ASK_DATA12 = f"ASK {{ <{KASEI}data1.rdf> a ?type . <{KASEI}data2.rdf> a ?type . }}"
ASK_NAMED = f"ASK {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}"

MANIFEST: dict[str, Case] = {
    "query_post_form": Case(
        "POST", f"default-graph-uri={g('data0.rdf')}", b"query=ASK%20%7B%7D", {"content-type": FORM}, 400, REMOTE_GRAPH
    ),
    "query_dataset_default_graphs_get": Case(
        "GET",
        f"query={quote(ASK_DATA12)}&default-graph-uri={g('data1.rdf')}&default-graph-uri={g('data2.rdf')}",
        status=400,
        why=REMOTE_GRAPH,
    ),
    "query_dataset_default_graphs_post": Case(
        "POST",
        f"default-graph-uri={g('data1.rdf')}&default-graph-uri={g('data2.rdf')}",
        ASK_DATA12.encode(),
        {"content-type": DIRECT},
        400,
        REMOTE_GRAPH,
    ),
    "query_dataset_named_graphs_post": Case(
        "POST",
        f"named-graph-uri={g('data1.rdf')}&named-graph-uri={g('data2.rdf')}",
        ASK_NAMED.encode(),
        {"content-type": DIRECT},
        400,
        REMOTE_GRAPH,
    ),
    "query_dataset_named_graphs_get": Case(
        "GET",
        f"query={quote(ASK_NAMED)}&named-graph-uri={g('data1.rdf')}&named-graph-uri={g('data2.rdf')}",
        status=400,
        why=REMOTE_GRAPH,
    ),
    "query_dataset_full": Case(
        "POST",
        f"default-graph-uri={g('data3.rdf')}&named-graph-uri={g('data1.rdf')}&named-graph-uri={g('data2.rdf')}",
        f"ASK {{ <{KASEI}data3.rdf> a ?type {ASK_NAMED[6:]}".encode(),
        {"content-type": DIRECT},
        400,
        REMOTE_GRAPH,
    ),
    "query_multiple_dataset": Case(
        "GET",
        f"query={quote(f'ASK FROM <{KASEI}data2.rdf> {{ <{KASEI}data1.rdf> a ?type }}')}"
        f"&default-graph-uri={g('data1.rdf')}",
        status=400,
        why=REMOTE_GRAPH,
    ),
    "query_get": Case("GET", "query=ASK%20%7B%7D"),
    "query_post_direct": Case("POST", body=b"ASK {}", headers={"content-type": DIRECT}),
    "query_content_type_select": Case(
        "GET", f"query={quote('SELECT (1 AS ?value) {}')}", headers={"accept": "application/sparql-results+xml"}
    ),
    "query_content_type_ask": Case("GET", "query=ASK%20%7B%7D", headers={"accept": "application/sparql-results+xml"}),
    "query_content_type_describe": Case(
        "GET", f"query={quote('DESCRIBE <http://example.org/>')}", headers={"accept": "application/rdf+xml"}
    ),
    "query_content_type_construct": Case(
        "GET",
        f"query={quote('CONSTRUCT { <s> <p> 1 } WHERE {}')}",
        headers={"accept": "application/rdf+xml, text/turtle"},
    ),
    "update_dataset_default_graph": Case(
        "POST", f"using-graph-uri={g('data1.rdf')}", b"CLEAR NAMED", {"content-type": UPDATE}, 403, READ_ONLY
    ),
    "update_dataset_default_graphs": Case(
        "POST",
        f"using-graph-uri={g('data1.rdf')}&using-graph-uri={g('data2.rdf')}",
        b"INSERT { GRAPH <urn:x> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
        {"content-type": UPDATE},
        403,
        READ_ONLY,
    ),
    "update_dataset_named_graphs": Case(
        "POST",
        f"using-named-graph-uri={g('data1.rdf')}",
        b"INSERT { GRAPH <urn:x> { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",
        {"content-type": UPDATE},
        403,
        READ_ONLY,
    ),
    "update_dataset_full": Case(
        "POST",
        f"using-graph-uri={g('data1.rdf')}&using-named-graph-uri={g('data2.rdf')}",
        b"INSERT { GRAPH <urn:x> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
        {"content-type": UPDATE},
        403,
        READ_ONLY,
    ),
    "update_post_form": Case(
        "POST", body=b"update=CLEAR%20ALL", headers={"content-type": FORM}, status=403, why=READ_ONLY
    ),
    "update_post_direct": Case("POST", body=b"CLEAR ALL", headers={"content-type": UPDATE}, status=403, why=READ_ONLY),
    "update_base_uri": Case(
        "POST", body=b"INSERT DATA { <s> <p> <o> }", headers={"content-type": UPDATE}, status=403, why=READ_ONLY
    ),
    "bad_query_method": Case(
        "PUT", f"query=ASK%20%7B%7D&default-graph-uri={g('data0.rdf')}", headers={"content-type": FORM}, status=405
    ),
    "bad_multiple_queries": Case("GET", "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", status=400),
    "bad_query_wrong_media_type": Case("POST", body=b"ASK {}", headers={"content-type": "text/plain"}, status=400),
    "bad_query_missing_form_type": Case("POST", body=b"query=ASK%20%7B%7D", status=400),
    "bad_query_missing_direct_type": Case("POST", body=b"ASK {}", status=400),
    "bad_query_non_utf8": Case(
        "POST", body="ASK {}".encode("utf-16"), headers={"content-type": f"{DIRECT}; charset=UTF-16"}, status=400
    ),
    "bad_query_syntax": Case("GET", "query=ASK%20%7B", status=400),
    "bad_update_get": Case("GET", "update=CLEAR%20ALL", status=403),
    "bad_multiple_updates": Case(
        "POST", body=b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", headers={"content-type": FORM}, status=403
    ),
    "bad_update_wrong_media_type": Case(
        "POST", body=b"CLEAR NAMED", headers={"content-type": "text/plain"}, status=400
    ),
    "bad_update_missing_form_type": Case("POST", body=b"update=CLEAR%20NAMED", status=400),
    "bad_update_non_utf8": Case(
        "POST", body="CLEAR NAMED".encode("utf-16"), headers={"content-type": f"{UPDATE}; charset=UTF-16"}, status=403
    ),
    "bad_update_syntax": Case("POST", body=b"update=CLEAR%20XYZ", headers={"content-type": FORM}, status=403),
    "bad_update_dataset_conflict": Case(
        "POST",
        f"using-graph-uri={g('data1.rdf')}",
        b"update=" + quote("WITH <urn:x> CLEAR ALL").encode(),
        {"content-type": FORM},
        403,
    ),
}


def test_the_manifest_is_covered_whole() -> None:
    assert len(MANIFEST) == 34


@pytest.mark.parametrize("name", list(MANIFEST))
def test_w3c_protocol_case(base: str, name: str) -> None:
    case = MANIFEST[name]
    url = base + "sparql" + (f"?{case.query_string}" if case.query_string else "")
    response = httpx.request(case.method, url, content=case.body, headers=case.headers, timeout=60)
    assert response.status_code == case.status, response.text
    if case.status == 200:
        media_type = response.headers["content-type"].split(";")[0]
        if name.startswith(("query_get", "query_post", "query_content_type_ask")):
            assert media_type in (BOOLEAN, "application/sparql-results+xml")
            syntax = QueryResultsFormat.JSON if media_type == BOOLEAN else QueryResultsFormat.XML
            assert bool(parse_query_results(response.content, syntax)) is True
        elif name == "query_content_type_select":
            assert media_type == "application/sparql-results+xml"
        else:  # either syntax the client named
            rdf_syntax = {"application/rdf+xml": RdfFormat.RDF_XML, "text/turtle": RdfFormat.TURTLE}[media_type]
            list(parse(response.content, rdf_syntax))
    elif case.status != 405:  # Starlette's own answer
        assert response.text.count("\n") == 1


# --- beyond the manifest: what browsers and usual clients need ------------------------------------


def test_cors_on_the_endpoint_pages_and_files(base: str) -> None:
    origin = {"origin": "https://example.org"}
    for path in ("sparql?query=ASK%20%7B%7D", "id/", "peacegraph.ttl", "sparql"):
        response = httpx.get(base + path, headers=origin, timeout=60)
        assert response.headers["access-control-allow-origin"] == "*", path


def test_a_preflight_is_answered(base: str) -> None:
    headers = {
        "origin": "https://example.org",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    response = httpx.options(base + "sparql", headers=headers, timeout=60)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]


@pytest.mark.parametrize("path", ["sparql?query=ASK%20%7B%7D", "sparql", "id/", "peacegraph.nt", "ontology"])
def test_head_works_wherever_get_does(base: str, path: str) -> None:
    got = httpx.get(base + path, timeout=60)
    head = httpx.head(base + path, timeout=60)
    assert head.status_code == got.status_code == 200
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.content == b""


@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_rdflib_sparqlstore_as_a_dataset(base: str) -> None:
    """rdflib's Dataset over SPARQLStore sends default-graph-uri=urn:x-rdflib:default and asks for RDF/XML."""
    dataset = rdflib.Dataset(store=SPARQLStore(base + "sparql"))
    rows = list(
        dataset.query("SELECT ?name WHERE { ?o a <https://schema.org/Organization> ; <https://schema.org/name> ?name }")
    )
    assert len(rows) == 3
    graph = dataset.query("CONSTRUCT { ?o ?p ?v } WHERE { ?o a <https://schema.org/Organization> ; ?p ?v }").graph
    assert graph is not None
    assert len(graph) > 3


def test_the_service_description(base: str) -> None:
    response = httpx.get(base + "sparql", headers={"accept": "text/turtle"}, timeout=60)
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef("https://w3id.org/peacegraph/sparql")
    assert (endpoint, rdflib.RDF.type, sd.Service) in graph
    assert (endpoint, sd.endpoint, endpoint) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph


def test_application_star_gets_data_not_a_page(base: str) -> None:
    response = httpx.get(base + "id/organization/alpha-group", headers={"accept": "application/*"}, timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-triples")


def test_the_endpoint_holds_the_release_as_published(base: str, mini_built: pipeline.BuildResult) -> None:
    """As many triples as the N-Triples dump: the ontology is served at /ontology, not mixed in."""
    out = next(iter(mini_built.files.values())).parent
    dump = rdflib.Graph().parse(out / "peacegraph.nt")
    response = httpx.get(base + "sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}, timeout=60)
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == len(dump)
