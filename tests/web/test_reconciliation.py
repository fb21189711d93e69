"""The Reconciliation Service API, spoken to as OpenRefine 3.x speaks to it, over the real server.

OpenRefine fetches the manifest with a GET, sends batches of queries as the form field ``queries``
(POST, ``application/x-www-form-urlencoded``), fetches data extension the same way (``extend``), and
from the browser asks the suggest services and the manifest by JSONP (jQuery's ``callback`` and
``_`` parameters), showing previews in a frame.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from pyld import jsonld
from pyoxigraph import RdfFormat, parse

from peacegraph.rdf.namespaces import PG
from peacegraph.rdf.serialize import context

from ..conftest import SEEDS
from ..live import Served, started
from ..syria import ID
from . import reconcile_schemas as schemas

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
LDSPS = "organization/ldsps"
DE_MISTURA = "person/staffan-de-mistura"
#: Violations of the official schemas by the answers of this module's requests, by version.
FOUND: Counter[str] = Counter()
CHECKED: Counter[str] = Counter()
VIOLATIONS: list[str] = []


@pytest.fixture(scope="module")
def served(out_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    """A server of its own, so that its log can be read for tracebacks."""
    log = tmp_path_factory.mktemp("reconcile") / "serve.log"
    with started(out_dir, log, "--collection", str(SEEDS)) as server:
        yield server, log
    if CHECKED:
        counts = ", ".join(f"{v}: {FOUND[v]} violations in {CHECKED[v]} answers" for v in sorted(CHECKED))
        print(f"\nschema check of the reconciliation answers: {counts}", file=sys.stderr)


@pytest.fixture(scope="module")
def base(served: tuple[Served, Path]) -> str:
    return served[0].url.rstrip("/")


@pytest.fixture(scope="module")
def log(served: tuple[Served, Path]) -> Path:
    return served[1]


def _check_schema(response: httpx.Response) -> None:
    """Every answer of the service is checked against the schemas of its route's version."""
    response.read()
    request = response.request
    path = request.url.path
    if response.status_code != 200 or request.method == "OPTIONS" or not path.startswith("/reconcile"):
        return
    params = dict(request.url.params)
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(request.content.decode()))
    json_body = kind.startswith("application/json")
    checks = schemas.expected(request.method, path, params, json_body)
    if not checks:
        return
    for check in checks:
        CHECKED[check.version] += 1
    text = response.text
    answer = schemas.jsonp_payload(text) if "callback" in params else json.loads(text)
    found = schemas.answer_violations(request.method, path, params, json_body, answer)
    for problem in found:
        FOUND[problem.split(" ", 1)[0]] += 1
    VIOLATIONS.extend(f"{request.method} {path}: {problem}" for problem in found)


CHECKED_HOOKS: dict[str, list[Callable[[httpx.Response], None]]] = {"response": [_check_schema]}


@pytest.fixture
def client(base: str) -> Iterator[httpx.Client]:
    if not schemas.available():
        pytest.skip("../shared/reference/reconciliation-schemas is not beside this checkout")
    with httpx.Client(base_url=base, timeout=60, event_hooks=CHECKED_HOOKS) as http:
        yield http
    found, VIOLATIONS[:] = list(VIOLATIONS), []
    assert not found, "\n".join(found[:20])


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
        ({"queries": json.dumps({"q0": {"query": "x", "limit": -1}})}, "positive integer"),
        ({"queries": json.dumps({f"q{i}": "x" for i in range(600)})}, "at most 500"),
        ({"queries": "[" * 100_000 + "]" * 100_000}, "not JSON"),  # nested past any recursion limit
        ({"queries": "x" * 1_100_000}, "bytes"),
        ({f"f{i}": "" for i in range(50_000)}, "at most 20 fields"),
        ({"extend": json.dumps({"ids": [LDSPS], "properties": [{"id": "password"}]})}, "unknown property"),
    ],
)
def test_bad_requests_are_one_line_json_errors(client: httpx.Client, data: dict[str, str], message: str) -> None:
    response = client.post("/reconcile", content=httpx.QueryParams(data).__str__(), headers=FORM)
    assert response.status_code == 400
    assert message in response.json()["message"]


def match(client: httpx.Client, queries: list[dict[str, Any]], route: str = "/reconcile/match") -> list[Any]:
    """A 1.0-draft batch: JSON ``{"queries": […]}`` by POST; the candidates of each query, in order."""
    response = client.post(route, json={"queries": queries})
    assert response.status_code == 200, response.text
    return [result["candidates"] for result in response.json()["results"]]


def name(value: object) -> dict[str, Any]:
    return {"matchType": "name", "propertyValue": value}


def prop(pid: str, value: object) -> dict[str, Any]:
    return {"matchType": "property", "propertyId": pid, "propertyValue": value}


# --- the 1.0 draft beside 0.2 -------------------------------------------------------------------


def test_the_manifest_offers_both_versions(client: httpx.Client) -> None:
    combined = client.get("/reconcile").json()
    assert {"0.1", "0.2", "1.0-draft"} <= set(combined["versions"])
    assert combined["extend"]["proposeProperties"] is True
    draft = client.get("/reconcile/1.0-draft").json()
    assert draft["versions"] == ["1.0-draft"]
    assert draft["suggest"] == {"entity": True, "property": True, "type": True}
    assert draft["view"]["url"].endswith("/id/{+id}")
    view = draft["view"]["url"].replace("{+id}", LDSPS)
    assert client.get(view).status_code == 200


def test_the_schemas_tell_the_versions_apart(client: httpx.Client) -> None:
    """The check is not vacuous: what one version wants, the other refuses."""
    combined = client.get("/reconcile").json()
    assert len(schemas.violations(schemas.V10, schemas.MANIFEST, combined)) == 3  # the three `suggest` entries
    draft = client.get("/reconcile/1.0-draft").json()
    assert schemas.violations(schemas.V02, schemas.MANIFEST, draft)
    extend = {"ids": [LDSPS], "properties": [{"id": "type"}]}
    rows = client.post("/reconcile", content=httpx.QueryParams(extend=json.dumps(extend)).__str__(), headers=FORM)
    assert schemas.violations(schemas.V10, "data-extension-response.json", rows.json())


def test_every_draft_route_under_both_roots(client: httpx.Client) -> None:
    for root in ("/reconcile", "/reconcile/1.0-draft"):
        (candidates,) = match(client, [{"conditions": [name("Kesh Malek")]}], route=f"{root}/match")
        assert candidates[0]["id"] == "organization/kesh-malek"
        extended = client.post(f"{root}/extend", json={"ids": [LDSPS], "properties": [{"id": "type"}]})
        values = [{"id": "type", "values": [{"str": "Organization"}]}]
        assert extended.json()["rows"] == [{"id": LDSPS, "properties": values}]
        proposed = client.get(f"{root}/extend/propose", params={"type": "organization", "limit": "2"}).json()
        assert len(proposed["properties"]) == 2
        assert proposed["limit"] == 2
        suggested = client.get(f"{root}/suggest/entity", params={"prefix": "kesh"}).json()
        assert suggested["result"][0]["id"] == "organization/kesh-malek"
        assert client.get(f"{root}/preview", params={"id": LDSPS}).status_code == 200


def test_an_id_condition_is_honoured(client: httpx.Client) -> None:
    by_id, both, unknown = match(
        client,
        [
            {"conditions": [{"matchType": "id", "propertyValue": LDSPS}]},
            {"conditions": [name("France"), {"matchType": "id", "propertyValue": ["place/france"], "required": True}]},
            {"conditions": [{"matchType": "id", "propertyValue": "organization/no-such-thing"}]},
        ],
    )
    assert [(c["id"], c["match"], c["score"]) for c in by_id] == [(LDSPS, True, 100)]
    assert [c["id"] for c in both] == ["place/france"]
    assert unknown == []


def test_a_name_condition_may_give_several_names(client: httpx.Client) -> None:
    (candidates,) = match(client, [{"conditions": [name(["no such name at all", "LDSPS"])], "limit": 1}])
    assert [c["id"] for c in candidates] == [LDSPS]


def test_property_conditions_rank_candidates(client: httpx.Client) -> None:
    hinted, required = match(
        client,
        [
            {"conditions": [name("France"), prop("country", "France")], "type": "organization"},
            {"conditions": [name("France"), {**prop("type", "Place"), "required": True}]},
        ],
    )
    assert hinted[0]["id"] == "organization/government-of-france"
    assert [c["id"] for c in required] == ["place/france"]


def test_an_unknown_type_gives_that_query_no_candidates(client: httpx.Client) -> None:
    kesh = {"conditions": [name("Kesh Malek")]}
    good, bad = match(client, [kesh, {**kesh, "type": "spaceship"}])
    assert good
    assert bad == []
    results = reconcile(client, {"q0": {"query": "Kesh Malek"}, "q1": {"query": "Kesh Malek", "type": ["spaceship"]}})
    assert results["q0"]
    assert results["q1"] == []


def test_the_limit_of_property_proposals(client: httpx.Client) -> None:
    proposed = client.get("/reconcile/properties", params={"type": "organization", "limit": "1"}).json()
    assert len(proposed["properties"]) == 1
    assert proposed["limit"] == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"queries": []}, "between 1 and 500"),
        ({"queries": [{"conditions": []}]}, "conditions"),
        ({"queries": [{"conditions": [name("x")] * 21}]}, "between 1 and 20 conditions"),
        ({"queries": [{"conditions": [name(["x"] * 21)]}]}, "values"),
        ({"queries": [{"conditions": [{"matchType": "sound", "propertyValue": "x"}]}]}, "matchType"),
        ({"queries": [{"conditions": [name({"no": "id"})]}]}, "a value is"),
        ({"queries": [{"conditions": [name("x"), prop("country", None)]}]}, "property id"),
        ({"ids": [LDSPS], "properties": [{"id": ["type"]}]}, "unknown property"),
    ],
)
def test_draft_bad_requests_are_one_line_json_errors(client: httpx.Client, body: dict[str, Any], message: str) -> None:
    route = "/reconcile/extend" if "ids" in body else "/reconcile/match"
    response = client.post(route, json=body)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_draft_values_may_be_booleans_numbers_and_entities(client: httpx.Client) -> None:
    conditions = [name("Kesh Malek"), prop("wikidata", True), prop("country", [1, {"id": "place/syria"}])]
    (candidates,) = match(client, [{"conditions": conditions}])
    assert candidates[0]["id"] == "organization/kesh-malek"


# --- abuse --------------------------------------------------------------------------------------


def test_a_long_name_of_spaces_costs_little(client: httpx.Client) -> None:
    """``"x" + " " * 998 + "y"`` made the trailing-place pattern backtrack (13 s for a batch of them)."""
    queries = {f"q{i}": {"query": "x" + " " * 998 + "y"} for i in range(50)}
    began = time.monotonic()
    results = reconcile(client, queries)
    assert time.monotonic() - began < 1.5
    assert len(results) == 50


def test_the_work_of_a_request_is_bounded(client: httpx.Client) -> None:
    """The same property 2,000 times for 500 ids, or a batch of long names: refused or cheap, never 40 s."""
    ids = [f"organization/x{i}" for i in range(499)] + [LDSPS]
    extend = {"ids": ids, "properties": [{"id": "signed"}] * 2_000}
    began = time.monotonic()
    response = client.post("/reconcile", content=httpx.QueryParams(extend=json.dumps(extend)).__str__(), headers=FORM)
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["meta"]] == ["signed"]
    batch = {f"q{i}": {"query": f"word{i} " * 140} for i in range(500)}
    refused = client.post("/reconcile", content=httpx.QueryParams(queries=json.dumps(batch)).__str__(), headers=FORM)
    assert refused.status_code in (400, 413)
    assert "at most" in refused.json()["message"]
    assert time.monotonic() - began < 3


def test_pages_stay_quick_while_reconciliation_is_busy(base: str, client: httpx.Client) -> None:
    """45 batches as large as a batch may be: they once took all 40 threads that render pages."""
    import concurrent.futures

    batch = {f"q{i}": {"query": "x" + " " * 998 + "y"} for i in range(100)}
    body = httpx.QueryParams(queries=json.dumps(batch)).__str__()

    def busy() -> int:
        with httpx.Client(base_url=base, timeout=30, event_hooks=CHECKED_HOOKS) as http:
            return http.post("/reconcile", content=body, headers=FORM).status_code

    with concurrent.futures.ThreadPoolExecutor(45) as pool:
        pending = [pool.submit(busy) for _ in range(45)]
        time.sleep(0.5)
        began = time.monotonic()
        assert client.get(f"/id/{LDSPS}").status_code == 200
        page_seconds = time.monotonic() - began
        statuses = Counter(f.result() for f in pending)
    assert page_seconds < 3.0, statuses  # a page alone takes 0.1 to 0.5 s on a loaded test machine; once, 30 s
    assert set(statuses) <= {200, 503}
    assert statuses[503], "more requests than the pool and its queue hold are refused at once"


@pytest.mark.parametrize("limit", ["\u00b2", "\u2460", "9" * 5_000, "-1", "0x10"])
def test_a_bad_suggest_limit_is_one_line(client: httpx.Client, log: Path, limit: str) -> None:
    response = client.get("/reconcile/suggest/entity", params={"prefix": "kesh", "limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["message"]
    assert "Traceback" not in log.read_text()


def test_huge_integers_in_json_are_one_line(client: httpx.Client, log: Path) -> None:
    huge = "1" + "0" * 5_000
    form = {
        "queries": '{"q0": {"query": "x", "limit": HUGE}}'.replace("HUGE", huge),
        "extend": '{"ids": [HUGE], "properties": []}'.replace("HUGE", huge),
    }
    for field, value in form.items():
        response = client.post("/reconcile", content=httpx.QueryParams({field: value}).__str__(), headers=FORM)
        assert response.status_code == 400, field
        assert "number" in response.json()["message"]
    body = '{"queries": [{"conditions": [{"matchType": "name", "propertyValue": HUGE}]}]}'.replace("HUGE", huge)
    for route in ("/reconcile", "/reconcile/match", "/reconcile/extend"):
        response = client.post(route, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, route
        assert "\n" not in response.json()["message"]
    assert "Traceback" not in log.read_text()


def test_absolute_urls_never_come_from_the_host_header(client: httpx.Client, base: str) -> None:
    for root in ("/reconcile", "/reconcile/1.0-draft"):
        text = client.get(root, headers={"Host": "evil.example"}).text
        assert "evil.example" not in text
        urls = re.findall(r'"(https?://[^"]*)"', text)
        assert urls
        assert all(u.startswith((base, ID, PG)) for u in urls), urls
    preview = client.get("/reconcile/preview", params={"id": LDSPS}, headers={"Host": "evil.example"}).text
    assert "evil.example" not in preview


def test_the_public_url_setting(out_dir: Path, tmp_path: Path) -> None:
    public = "https://data.example.org/pg"
    options = ("--public-url", public + "/", "--reconcile-timeout", "0.000001")
    with started(out_dir, tmp_path / "serve.log", *options) as server:
        with httpx.Client(base_url=server.url, timeout=30, event_hooks=CHECKED_HOOKS) as http:
            manifest = http.get("/reconcile", headers={"Host": "evil.example"}).json()
            assert manifest["view"]["url"] == public + "/id/{{id}}"
            assert manifest["preview"]["url"].startswith(public + "/reconcile/preview?")
            assert manifest["suggest"]["entity"]["service_url"] == public
            late = http.post("/reconcile/match", json={"queries": [{"conditions": [name("Kesh Malek")]}]})
            assert late.status_code == 503
            assert "seconds" in late.json()["message"]
        assert "Traceback" not in (tmp_path / "serve.log").read_text()
    found, VIOLATIONS[:] = list(VIOLATIONS), []
    assert not found, "\n".join(found[:20])


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


@pytest.mark.parametrize(
    "url", ["ftp://data.example.org/", "https://user:secret@data.example.org", "/pg", "https://x?y"]
)
def test_a_bad_public_url_is_refused_in_one_line(out_dir: Path, tmp_path: Path, url: str) -> None:
    command = [
        sys.executable,
        "-m",
        "peacegraph",
        "serve",
        "--release",
        str(out_dir),
        "--port",
        "0",
        "--public-url",
        url,
    ]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "public URL" in result.stderr


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
