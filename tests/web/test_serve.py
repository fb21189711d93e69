"""`peacegraph serve`, started for real and spoken to over HTTP: the SPARQL 1.1 Protocol, content
negotiation, what it refuses, its limits, and the identifiers that dereference."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib
from pyoxigraph import QueryResultsFormat, parse_query_results
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from peacegraph import pipeline

from ..conftest import MINI
from ..live import serving
from ..servers import Canary

ID = "https://w3id.org/peacegraph/id/"
SCHEMA = "https://schema.org/"
NAMES = {"Alpha Group", "Beta Network", "United Nations"}
ORGANIZATIONS = "SELECT ?name WHERE { ?o a schema:Organization ; schema:name ?name }"
#: Counting a cartesian product of the store runs for minutes: only the time limit stops it.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
RESULT_TYPES = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
    "application/json": "application/json",
}
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}


@pytest.fixture(scope="module")
def mini_out(mini_built: pipeline.BuildResult) -> Path:
    return next(iter(mini_built.files.values())).parent


@pytest.fixture(scope="module")
def base(mini_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = mini_out
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    options = ("--timeout", "2", "--max-result-bytes", "6000", "--collection", str(MINI / "seeds"))
    with serving(out, log, *options) as url:
        yield url


@pytest.fixture
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as http:
        yield http


def names_in(response: httpx.Response) -> set[str]:
    """The ``?name`` column of a SELECT result, in whichever syntax it came."""
    media_type = response.headers["content-type"].split(";")[0]
    if media_type in ("application/sparql-results+json", "application/json"):
        return {row["name"]["value"] for row in response.json()["results"]["bindings"]}
    if media_type == "text/csv":
        return {row["name"] for row in csv.DictReader(io.StringIO(response.text))}
    syntax = {
        "application/sparql-results+xml": QueryResultsFormat.XML,
        "text/tab-separated-values": QueryResultsFormat.TSV,
    }
    solutions = parse_query_results(response.content, syntax[media_type])
    return {str(solution["name"].value) for solution in solutions}  # type: ignore[union-attr]


# --- the protocol ------------------------------------------------------------------------------


def test_get_and_both_kinds_of_post_give_the_same_answer(client: httpx.Client) -> None:
    by_get = client.get("/sparql", params={"query": ORGANIZATIONS})
    by_form = client.post("/sparql", data={"query": ORGANIZATIONS})
    by_body = client.post("/sparql", content=ORGANIZATIONS, headers={"content-type": "application/sparql-query"})
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200, response.text
        assert names_in(response) == NAMES


@pytest.mark.parametrize("accept", sorted(RESULT_TYPES))
def test_select_results_in_every_format(client: httpx.Client, accept: str) -> None:
    response = client.get("/sparql", params={"query": ORGANIZATIONS}, headers={"accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == RESULT_TYPES[accept]
    assert "Accept" in response.headers["vary"]
    assert names_in(response) == NAMES


def test_select_without_accept_header_is_json(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": ORGANIZATIONS}, headers={"accept": ""})
    assert response.headers["content-type"] == "application/sparql-results+json"


def test_quality_values_choose_the_format(client: httpx.Client) -> None:
    accept = "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"
    response = client.get("/sparql", params={"query": ORGANIZATIONS}, headers={"accept": accept})
    assert response.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", '{"head":{},"boolean":true}'),
        ("text/csv", "true"),
        ("text/tab-separated-values", "true"),
    ],
)
def test_ask_in_every_format(client: httpx.Client, accept: str, expected: str) -> None:
    query = f"ASK {{ <{ID}organization/alpha-group> schema:name 'Alpha Group'@en }}"
    response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.text.strip() == expected


def test_ask_in_xml(client: httpx.Client) -> None:
    response = client.get(
        "/sparql",
        params={"query": "ASK { ?s ?p 'No such thing' }"},
        headers={"accept": "application/sparql-results+xml"},
    )
    assert bool(parse_query_results(response.content, QueryResultsFormat.XML)) is False


@pytest.mark.parametrize("accept", sorted(RDF_TYPES))
def test_construct_and_describe_in_every_rdf_format(client: httpx.Client, accept: str) -> None:
    construct = "CONSTRUCT { ?o schema:name ?name } WHERE { ?o a schema:Organization ; schema:name ?name }"
    describe = f"DESCRIBE <{ID}organization/alpha-group>"
    for query in (construct, describe):
        response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == accept
        graph = rdflib.Graph().parse(data=response.content, format=RDF_TYPES[accept])
        alpha = rdflib.URIRef(ID + "organization/alpha-group")
        assert (alpha, rdflib.URIRef(SCHEMA + "name"), rdflib.Literal("Alpha Group", lang="en")) in graph


@pytest.mark.parametrize(
    ("query", "accept"),
    [(ORGANIZATIONS, "text/turtle"), ("CONSTRUCT WHERE { ?s a schema:Place }", "text/csv")],
)
def test_a_format_that_does_not_fit_the_result_is_not_acceptable(client: httpx.Client, query: str, accept: str) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 406
    assert "Accept" in response.text


def test_a_syntax_error_is_a_bad_request_with_its_position(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x schema:name }"})
    assert response.status_code == 400
    assert response.text.startswith("Error: SPARQL syntax error")
    assert response.text == "Error: SPARQL syntax error at line 1, column 34: unexpected '}'\n"
    two_lines = client.get("/sparql", params={"query": "SELECT ?x\nWHERE { ?x ?y ?z"})
    assert two_lines.text.startswith("Error: SPARQL syntax error at line 2, column 17: the query ends too early")


def test_sparqlwrapper_reads_the_endpoint(base: str) -> None:
    """A user's usual client, in both results syntaxes it asks for."""
    for fmt in (JSON, XML):
        wrapper = SPARQLWrapper(base + "sparql")
        wrapper.setQuery("PREFIX schema: <https://schema.org/> " + ORGANIZATIONS)
        wrapper.setReturnFormat(fmt)
        result = wrapper.query().convert()
        if fmt == JSON:
            assert isinstance(result, dict)
            assert {row["name"]["value"] for row in result["results"]["bindings"]} == NAMES
        else:
            names = {node.firstChild.data for node in result.getElementsByTagName("literal")}  # type: ignore[union-attr]
            assert names == NAMES


def test_a_browser_without_a_query_is_sent_to_the_query_ui(client: httpx.Client) -> None:
    browser = client.get("/sparql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 303
    assert browser.headers["location"] == "/sparql-editor"
    description = client.get("/sparql", headers={"accept": "*/*"})
    assert description.status_code == 200
    assert description.headers["content-type"].startswith("text/turtle")


# --- what the endpoint refuses -------------------------------------------------------------------


UPDATES = [
    f"INSERT DATA {{ <{ID}organization/alpha-group> <{SCHEMA}name> 'Changed' }}",
    f"DELETE WHERE {{ <{ID}organization/alpha-group> ?p ?o }}",
    "CLEAR ALL",
    "DROP DEFAULT",
    "LOAD <http://127.0.0.1:9/data.ttl>",
]


def alpha_is_intact(client: httpx.Client) -> bool:
    query = f"ASK {{ <{ID}organization/alpha-group> schema:name 'Alpha Group'@en }}"
    changed = "ASK { ?s schema:name 'Changed' }"
    ok = client.get("/sparql", params={"query": query}).json()["boolean"]
    return bool(ok) and not client.get("/sparql", params={"query": changed}).json()["boolean"]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_however_they_are_sent(client: httpx.Client, update: str) -> None:
    as_form = client.post("/sparql", data={"update": update})
    as_body = client.post("/sparql", content=update, headers={"content-type": "application/sparql-update"})
    as_query = client.get("/sparql", params={"query": update})
    for response in (as_form, as_body, as_query):
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
    assert alpha_is_intact(client)


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s a schema:Place OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
        "ASK {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "LOAD <{url}>",
    ],
)
def test_service_and_load_are_refused_and_fetch_nothing(client: httpx.Client, template: str) -> None:
    canary = Canary()
    try:
        response = client.get("/sparql", params={"query": template.format(url=canary.url)})
    finally:
        canary.close()
    assert response.status_code == 403
    assert "refused" in response.text
    assert canary.hits == 0


def test_the_words_alone_are_not_refused(client: httpx.Client) -> None:
    """The check parses the query: SERVICE or LOAD in a string or a comment is just text."""
    query = 'SELECT ?x WHERE { BIND ("SERVICE <http://127.0.0.1:9/> { }, LOAD, INSERT" AS ?x) } # DELETE WHERE { }'
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")


def test_dataset_parameters_naming_another_dataset_are_refused(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": ORGANIZATIONS, "default-graph-uri": "http://example.org/g"})
    assert response.status_code == 400
    assert "http://example.org/g" in response.text
    named = client.get("/sparql", params={"query": ORGANIZATIONS, "named-graph-uri": "http://example.org/g"})
    assert named.status_code == 400


def test_an_oversized_request_is_refused(client: httpx.Client) -> None:
    query = "ASK {} #" + "x" * 200_000
    response = client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"})
    assert response.status_code == 413


# --- limits ---------------------------------------------------------------------------------------


def test_a_query_past_the_time_limit_gets_an_error_and_the_endpoint_goes_on(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": ENDLESS})
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/plain")
    assert "time limit of 2 s" in response.text
    assert '"bindings"' not in response.text
    after = client.get("/sparql", params={"query": ORGANIZATIONS})
    assert after.status_code == 200
    assert names_in(after) == NAMES


def test_two_queries_past_the_limit_at_once_both_get_an_error(base: str) -> None:
    results: list[int] = []

    def ask() -> None:
        results.append(httpx.get(base + "sparql", params={"query": ENDLESS}, timeout=60).status_code)

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [503, 503]
    assert httpx.get(base + "sparql", params={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),
        ("SELECT * WHERE { ?s ?p ?o }", "text/csv"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
    ],
)
def test_a_result_past_the_size_limit_is_an_error_not_a_partial_result(
    client: httpx.Client, query: str, accept: str
) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/plain")
    assert "larger than the limit of 6,000 bytes" in response.text
    assert "w3id.org" not in response.text


# --- identifiers ----------------------------------------------------------------------------------


ALPHA = "/id/organization/alpha-group"


@pytest.mark.parametrize("accept", sorted(RDF_TYPES))
def test_an_identifier_in_every_rdf_format(client: httpx.Client, accept: str) -> None:
    response = client.get(ALPHA, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    assert "Accept" in response.headers["vary"].split(", ")
    extension = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld"}[RDF_TYPES[accept]]
    assert response.headers["content-location"] == f"{ALPHA}.{extension}"
    graph = rdflib.Graph().parse(data=response.content, format=RDF_TYPES[accept])
    alpha, statement = rdflib.URIRef(ID + "organization/alpha-group"), rdflib.URIRef(ID + "document/mini-statement")
    assert (alpha, rdflib.URIRef(SCHEMA + "name"), rdflib.Literal("Alpha Group", lang="en")) in graph
    assert (statement, rdflib.URIRef(SCHEMA + "author"), alpha) in graph  # what points at it, too
    same = client.get(response.headers["content-location"])
    assert same.content == response.content


def test_a_browser_gets_the_page(client: httpx.Client) -> None:
    response = client.get(ALPHA, headers={"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-location"] == f"{ALPHA}.html"
    page = response.text
    assert "<h1>Alpha Group</h1>" in page
    assert 'href="/id/document/mini-statement"' in page  # related resources are links
    assert 'href="/id/place/syria"' in page


def test_a_page_links_to_wikidata(client: httpx.Client) -> None:
    page = client.get("/id/organization/united-nations", headers={"accept": "text/html"}).text
    assert 'href="https://www.wikidata.org/wiki/Q1065"' in page


def test_a_position_page_shows_the_quote_in_its_source_text(client: httpx.Client) -> None:
    page = client.get("/id/position/mini-statement-1", headers={"accept": "text/html"}).text
    quoted = re.search(r'<blockquote class="source-text">(.*?)<mark>(.*?)</mark>(.*?)</blockquote>', page, re.S)
    assert quoted is not None
    before, quote, after = quoted.groups()
    assert quote == "We call for an immediate ceasefire in Aleppo."
    assert before.endswith("1. ")
    assert after.startswith("\n2. We support the UN-led political process")


def test_an_auxiliary_node_leads_to_its_owner(client: httpx.Client) -> None:
    response = client.get("/id/position/mini-statement-1/evidence/quote")
    assert response.status_code == 303
    assert response.headers["location"] == "/id/position/mini-statement-1#evidence/quote"
    page = client.get(response.headers["location"], headers={"accept": "text/html"}).text
    assert 'id="evidence/quote"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/id/organization/no-such-thing",
        "/id/planet/earth",
        "/id/organization/Alpha_Group",
        "/id/organization/alpha-group.exe",
        "/id/position/mini-statement-1/evidence/nothing",
        "/no-such-file.ttl",
    ],
)
def test_what_does_not_exist_is_not_found(client: httpx.Client, path: str) -> None:
    assert client.get(path, headers={"accept": "text/turtle"}).status_code == 404
    page = client.get(path, headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "Not found" in page.text


def test_no_acceptable_format_for_an_identifier(client: httpx.Client) -> None:
    assert client.get(ALPHA, headers={"accept": "image/png"}).status_code == 406


def test_the_ontology_shapes_and_context_at_stable_paths(
    client: httpx.Client, mini_built: pipeline.BuildResult
) -> None:
    out = next(iter(mini_built.files.values())).parent
    ontology = client.get("/ontology", headers={"accept": "text/turtle"})
    assert ontology.headers["content-type"].startswith("text/turtle")
    assert ontology.content == (out / "ontology.ttl").read_bytes()
    page = client.get("/ontology", headers={"accept": "text/html"}).text
    assert 'id="Position"' in page
    assert 'id="supports"' in page
    as_jsonld = client.get("/ontology.jsonld")
    assert len(rdflib.Graph().parse(data=as_jsonld.content, format="json-ld")) == len(
        rdflib.Graph().parse(data=ontology.content, format="turtle")
    )
    shapes = client.get("/shapes")
    assert shapes.headers["content-type"].startswith("text/turtle")
    assert shapes.content == (out / "shapes.ttl").read_bytes()
    context = client.get("/context.jsonld")
    assert context.headers["content-type"].startswith("application/ld+json")
    assert context.json() == json.loads((out / "context.jsonld").read_text())


def test_the_dataset_and_its_dumps(client: httpx.Client, mini_out: Path) -> None:
    out = mini_out
    dump = client.get("/dataset", headers={"accept": "application/n-triples"})
    assert dump.content == (out / "peacegraph.nt").read_bytes()
    page = client.get("/dataset", headers={"accept": "text/html"}).text
    assert "<h1>" in page
    assert "SHA256SUMS" in page


def test_the_query_ui_is_served_from_the_package_with_the_saved_queries(client: httpx.Client) -> None:
    page = client.get("/sparql-editor").text
    saved = json.loads(re.search(r'<script type="application/json" id="saved-queries">(.*?)</script>', page, re.S)[1])  # type: ignore[index]
    assert "Who signed which statements" in {query["title"] for query in saved}
    sources = re.findall(r'<(?!link rel="canonical")[^>]*(?:src|href)="([^"]+)"', page)
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == [
        "https://creativecommons.org/licenses/by/4.0/"
    ]
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source


def test_the_licence_of_the_vendored_ui_is_served_with_it(client: httpx.Client) -> None:
    assert "MIT License" in client.get("/static/yasgui/LICENSE").text


def test_pages_forbid_loading_from_elsewhere(client: httpx.Client) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in policy


def test_it_listens_on_loopback_by_default(base: str) -> None:
    assert base.startswith("http://127.0.0.1:")


def test_by_default_it_listens_on_loopback_with_a_time_limit_of_at_most_30_seconds() -> None:
    from peacegraph.cli import main
    from peacegraph.serve.settings import Limits

    options = {option.name: option.default for option in main.commands["serve"].params}
    assert options["host"] == "127.0.0.1"
    timeout = options["timeout"]
    assert isinstance(timeout, float)
    assert 0 < timeout <= 30
    assert 0 < Limits().timeout <= 30


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "text/html"),
        ("*/*", "text/html"),
        ("text/turtle", "text/turtle"),
        ("text/*;q=0.5, text/turtle;q=0", "text/html"),
        ("application/*, text/html;q=0.1", "application/n-triples"),
        ("application/*", "application/n-triples"),
        ("application/n-triples, text/html;q=0.1", "application/n-triples"),
        ("application/ld+json;q=0.9, text/turtle;q=0.8, */*;q=0.1", "application/ld+json"),
        ("image/png", None),
    ],
)
def test_the_most_specific_range_decides(accept: str | None, chosen: str | None) -> None:
    from peacegraph.serve.negotiation import PAGE_OFFERS, choose

    result = choose(accept, PAGE_OFFERS)
    assert (result[0] if result else None) == chosen
