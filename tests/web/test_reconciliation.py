"""The Reconciliation Service API, spoken to as OpenRefine 3.x speaks to it, over the real server.

OpenRefine fetches the manifest with a GET, sends batches of queries as the form field ``queries``
(POST, ``application/x-www-form-urlencoded``), fetches data extension the same way (``extend``), and
from the browser asks the suggest services and the manifest by JSONP (jQuery's ``callback`` and
``_`` parameters), showing previews in a frame.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pyld import jsonld
from pyoxigraph import RdfFormat, parse

from peacegraph.rdf.namespaces import ID, PG
from peacegraph.rdf.serialize import context

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
LDSPS = "organization/ldsps"
DE_MISTURA = "person/staffan-de-mistura"


@pytest.fixture(scope="module")
def base(release_server: str) -> str:
    return release_server


@pytest.fixture
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as http:
        yield http


def reconcile(client: httpx.Client, queries: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A batch as OpenRefine's backend sends it: the form field ``queries``, by POST."""
    response = client.post("/reconcile", content=httpx.QueryParams(queries=json.dumps(queries)).__str__(), headers=FORM)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    return {key: value["result"] for key, value in response.json().items()}


def jsonp(response: httpx.Response, callback: str) -> Any:
    assert response.headers["content-type"].startswith("application/javascript")
    match = re.fullmatch(rf"/\*\*/{re.escape(callback)}\((.*)\);", response.text, re.DOTALL)
    assert match, response.text[:200]
    return json.loads(match.group(1))


def test_the_manifest_describes_the_service(client: httpx.Client, base: str) -> None:
    manifest = client.get("/reconcile").json()
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == ID
    assert manifest["schemaSpace"] == PG
    assert {t["id"] for t in manifest["defaultTypes"]} == {
        "organization",
        "person",
        "place",
        "event",
        "document",
        "topic",
    }
    view = manifest["view"]["url"].replace("{{id}}", LDSPS)
    assert client.get(view).status_code == 200
    assert view.startswith(base)
    preview = manifest["preview"]["url"].replace("{{id}}", LDSPS)
    assert "Local Development" in client.get(preview).text
    for service in ("entity", "type", "property"):
        assert manifest["suggest"][service]["service_path"].startswith("/reconcile/suggest/")
    assert manifest["extend"]["propose_properties"]["service_path"] == "/reconcile/properties"


def test_the_manifest_by_jsonp_as_openrefine_adds_a_service(client: httpx.Client) -> None:
    callback = "jQuery3610123_1700000000000"
    manifest = jsonp(client.get("/reconcile", params={"callback": callback, "_": "1700000000001"}), callback)
    assert manifest["name"]


def test_names_are_normalized_as_curators_write_them(client: httpx.Client) -> None:
    results = reconcile(
        client,
        {
            "q0": {
                "query": "Local Development & Small-Projects Support",
                "type": "organization",
                "type_strict": "should",
            },
            "q1": {"query": "Staffan De Mistura", "type": "person", "type_strict": "should"},
            "q2": {"query": "LDSPS"},
            "q3": {"query": "the local development and small projects support (LDSPS)"},
        },
    )
    assert results["q0"][0]["id"] == LDSPS
    assert (results["q0"][0]["score"], results["q0"][0]["match"]) == (100, True)
    assert results["q0"][0]["type"] == [{"id": "organization", "name": "Organization"}]
    assert results["q1"][0]["id"] == DE_MISTURA
    assert results["q1"][0]["match"] is True
    assert results["q2"][0]["id"] == LDSPS
    assert results["q3"][0]["id"] == LDSPS


def test_match_only_for_one_record_with_that_exact_name(client: httpx.Client) -> None:
    results = reconcile(
        client,
        {
            "ambiguous": {"query": "France"},  # the country, and its government's alternate name
            "typed": {"query": "France", "type": "place"},
            "partial": {"query": "Development Support"},
        },
    )
    ids = [c["id"] for c in results["ambiguous"]]
    assert {"place/france", "organization/government-of-france"} <= set(ids)
    assert not any(c["match"] for c in results["ambiguous"])
    assert (results["typed"][0]["id"], results["typed"][0]["match"]) == ("place/france", True)
    assert results["partial"]
    assert not any(c["match"] for c in results["partial"])
    assert all(c["score"] < 100 for c in results["partial"])


def test_limits_types_and_property_hints(client: httpx.Client) -> None:
    results = reconcile(
        client,
        {
            "limited": {"query": "Syria", "limit": 2},
            "people": {"query": "Mistura", "type": ["person", "organization"]},
            "hinted": {"query": "France", "properties": [{"pid": "country", "v": "France"}], "type": "organization"},
            "contradicted": {"query": "Government of France", "properties": [{"pid": "country", "v": "Germany"}]},
        },
    )
    assert len(results["limited"]) == 2
    assert all(c["type"][0]["id"] in ("person", "organization") for c in results["people"])
    assert results["hinted"][0]["id"] == "organization/government-of-france"
    assert results["hinted"][0]["score"] == 100
    top = results["contradicted"][0]
    assert top["id"] == "organization/government-of-france"
    assert top["score"] < 100


def test_queries_by_get_and_jsonp(client: httpx.Client) -> None:
    queries = json.dumps({"q0": {"query": "Kesh Malek"}})
    plain = client.get("/reconcile", params={"queries": queries}).json()
    assert plain["q0"]["result"][0]["id"] == "organization/kesh-malek"
    wrapped = jsonp(client.get("/reconcile", params={"queries": queries, "callback": "cb"}), "cb")
    assert wrapped == plain


def test_a_single_query_as_version_0_1_sends_it(client: httpx.Client) -> None:
    assert client.get("/reconcile", params={"query": "Kesh Malek"}).json()["result"][0]["match"] is True
    typed = client.get("/reconcile", params={"query": json.dumps({"query": "France", "type": "place"})}).json()
    assert typed["result"][0]["id"] == "place/france"


@pytest.mark.parametrize(
    "callback",
    ["alert(1)//", "<script>alert(1)</script>", "a b", "x;alert(1)", "a" * 500, "1abc", "a..b", "\u2028"],
)
def test_a_callback_that_is_not_an_identifier_is_refused_unreflected(client: httpx.Client, callback: str) -> None:
    response = client.get("/reconcile", params={"callback": callback})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert callback not in response.text


def test_the_preview_escapes_and_may_be_framed(client: httpx.Client) -> None:
    response = client.get("/reconcile/preview", params={"id": LDSPS})
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors *" in policy
    assert "script-src" not in policy
    assert "default-src 'none'" in policy
    hostile = client.get("/reconcile/preview", params={"id": "<script>alert(1)</script>"})
    assert hostile.status_code == 404
    assert "<script>" not in hostile.text


def test_suggest_services_as_jquery_calls_them(client: httpx.Client) -> None:
    callback = "jQuery3610_17"
    entities = jsonp(client.get("/reconcile/suggest/entity", params={"prefix": "kesh", "callback": callback}), callback)
    assert entities["result"][0]["id"] == "organization/kesh-malek"
    assert entities["result"][0]["notable"] == [{"id": "organization", "name": "Organization"}]
    typed = client.get("/reconcile/suggest/entity", params={"prefix": "de mis", "type": "person"}).json()
    assert [r["id"] for r in typed["result"]] == [DE_MISTURA]
    types = client.get("/reconcile/suggest/type", params={"prefix": "pers"}).json()
    assert types["result"] == [{"id": "person", "name": "Person"}]
    properties = client.get("/reconcile/suggest/property", params={"prefix": "wiki"}).json()
    assert [p["id"] for p in properties["result"]] == ["wikidata"]


def test_data_extension(client: httpx.Client) -> None:
    proposed = client.get("/reconcile/properties", params={"type": "organization"}).json()
    assert {p["id"] for p in proposed["properties"]} == {"wikidata", "type", "country", "signed"}
    ids = [LDSPS, "organization/government-of-france", "place/aleppo", "organization/no-such-thing"]
    properties = [{"id": p} for p in ("wikidata", "type", "country", "signed")]
    body = httpx.QueryParams(extend=json.dumps({"ids": ids, "properties": properties})).__str__()
    extended = client.post("/reconcile", content=body, headers=FORM).json()
    assert [m["id"] for m in extended["meta"]] == ["wikidata", "type", "country", "signed"]
    rows = extended["rows"]
    signed = {d["id"] for d in rows[LDSPS]["signed"]}
    assert {
        "document/civil-society-letter-to-issg-2017-03-22",
        "document/civil-society-statement-on-sochi-2018",
    } <= signed
    assert rows[LDSPS]["type"] == [{"str": "Organization"}]
    assert rows["organization/government-of-france"]["country"] == [{"id": "place/france", "name": "France"}]
    assert rows["place/aleppo"]["country"] == [{"id": "place/syria", "name": "Syria"}]
    assert rows["place/aleppo"]["wikidata"] == [{"str": "Q41183"}]
    assert rows["organization/no-such-thing"] == {p["id"]: [] for p in properties}


def test_the_draft_1_0_json_body(client: httpx.Client) -> None:
    body = {
        "queries": [
            {"type": "person", "conditions": [{"matchType": "name", "propertyValue": "Staffan De Mistura"}]},
            {"conditions": [{"matchType": "name", "propertyValue": "LDSPS"}], "limit": 1},
        ]
    }
    answered = client.post("/reconcile", json=body).json()
    first, second = answered["results"]
    assert first["candidates"][0]["id"] == DE_MISTURA
    assert [c["id"] for c in second["candidates"]] == [LDSPS]


def test_cors_preflight_for_json_bodies(client: httpx.Client) -> None:
    headers = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    response = client.options("/reconcile", headers={**headers, "Access-Control-Request-Headers": "content-type"})
    assert response.status_code in (200, 204)  # the server-wide CORS layer answers preflights
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"queries": "not json"}, "not JSON"),
        ({"queries": "[1, 2]"}, "JSON object"),
        ({"queries": json.dumps({"q0": {"query": ""}})}, "non-empty"),
        ({"queries": json.dumps({"q0": {"query": "x", "type": "spaceship"}})}, "unknown type"),
        ({"queries": json.dumps({"q0": {"query": "x", "limit": -1}})}, "positive integer"),
        ({"queries": json.dumps({f"q{i}": "x" for i in range(600)})}, "at most 500"),
        ({"queries": "[" * 100_000 + "]" * 100_000}, "not JSON"),  # nested past any recursion limit
        ({"queries": "x" * 1_100_000}, "bytes"),
        ({"extend": json.dumps({"ids": [LDSPS], "properties": [{"id": "password"}]})}, "unknown property"),
    ],
)
def test_bad_requests_are_one_line_json_errors(client: httpx.Client, data: dict[str, str], message: str) -> None:
    response = client.post("/reconcile", content=httpx.QueryParams(data).__str__(), headers=FORM)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_identifier_json_ld_uses_the_published_context(client: httpx.Client) -> None:
    document = client.get(f"/id/{LDSPS}.jsonld").json()
    assert document["@context"] == context()["@context"]
    node = next(n for n in document["@graph"] if n["id"] == f"pgid:{LDSPS}")
    assert node["name"] == "Local Development and Small-Projects Support"
    expanded = {
        q.triple for q in parse(jsonld.to_rdf(document, {"format": "application/n-quads"}), format=RdfFormat.N_QUADS)
    }
    turtle = {q.triple for q in parse(client.get(f"/id/{LDSPS}.ttl").content, format=RdfFormat.TURTLE)}
    assert expanded == turtle


def test_the_tables_and_the_context_are_served(client: httpx.Client) -> None:
    table = client.get("/tables/positions.csv")
    assert table.status_code == 200
    assert table.headers["content-type"].startswith("text/csv")
    assert client.get("/tables/positions.csv-metadata.json").json()["url"] == "positions.csv"
    assert client.get("/tables/%2e%2e/SHA256SUMS").status_code == 404
    assert client.get("/tables/nothing.csv").status_code == 404
    served = client.get("/context.jsonld")
    assert served.headers["access-control-allow-origin"] == "*"
    assert served.json() == context()


def test_a_printed_variant_is_found_and_its_page_labels_it_as_printed(client: httpx.Client) -> None:
    """A source's typo ("John Kerrry") finds the record, and the page says it is a spelling as printed."""
    results = reconcile(client, {"q0": {"query": "John Kerrry", "type": "person"}})
    assert (results["q0"][0]["id"], results["q0"][0]["match"]) == ("person/john-kerry", True)
    page = client.get("/id/person/john-kerry", headers={"Accept": "text/html"})
    assert page.status_code == 200
    summary = page.text.split('id="main"', 1)[1].split("</dl>", 1)[0]
    ours = summary.split("<dt>Also known as</dt>", 1)[1].split("</dd>", 1)[0]
    printed = summary.split("<dt>Printed variants (as a source spells it)</dt>", 1)[1].split("</dd>", 1)[0]
    assert "J. Kerry" in ours
    assert "John Kerrry" not in ours, "a typo of the source is not a name of ours"
    assert "John Kerrry" in printed
