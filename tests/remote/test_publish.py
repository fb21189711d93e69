"""`peacegraph publish`: the dump replaces a named graph on real SPARQL servers (Oxigraph, Virtuoso),
all at once, the same graph however often it runs, and failures are one line and leave no trace."""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from peacegraph import pipeline
from peacegraph.cli import main
from peacegraph.errors import InputError, RemoteError
from peacegraph.rdf.namespaces import STAGING, XSD
from peacegraph.remote import endpoint
from peacegraph.remote import publish as publishing

from ..servers import FORWARD, Answer, Scripted, Virtuoso, free_port, oxigraph, virtuoso

GRAPH = "https://w3id.org/peacegraph/graph/test"
JSON_RESULTS = {"Content-Type": "application/sparql-results+json"}


def count_answer(n: int) -> Answer:
    body = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": str(n)}}]}}
    return Answer(200, json.dumps(body).encode(), JSON_RESULTS)


@pytest.fixture(scope="module")
def oxi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph(tmp_path_factory.mktemp("oxigraph") / "store") as base:
        yield base


@pytest.fixture(scope="module")
def vt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="module")
def dump(mini_built: pipeline.BuildResult) -> Path:
    return mini_built.files["peacegraph.nt"].parent


#: Oxigraph stores integers of a derived XSD type (our offsets are xsd:nonNegativeInteger) as plain
#: xsd:integer: the same values, the same number of triples, a less specific datatype. Virtuoso
#: keeps them as they are.
DERIVED_INTEGERS = {
    XSD + name
    for name in ("nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int")
}


def as_stored(triples: set[Triple]) -> set[Triple]:
    """The triples as Oxigraph stores them."""
    integer = NamedNode(XSD + "integer")
    return {
        Triple(t.subject, t.predicate, Literal(t.object.value, datatype=integer))
        if isinstance(t.object, Literal) and t.object.datatype.value in DERIVED_INTEGERS
        else t
        for t in triples
    }


@pytest.fixture(scope="module")
def dump_triples(dump: Path) -> set[Triple]:
    return set(publishing.read_dump(dump)[1])


def graph_triples(url: str) -> set[Triple]:
    """A graph as the server returns it through the Graph Store Protocol (``url`` has ``?graph=``)."""
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            data = response.read()
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 404:  # no such graph
            return set()
        raise
    return {quad.triple for quad in parse(data, format=RdfFormat.N_TRIPLES)}


def oxi_graph(base: str, graph: str) -> set[Triple]:
    return graph_triples(f"{base}/store?graph={graph}")


def oxi_graphs(base: str) -> set[str]:
    query = urllib.parse.quote("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    request = urllib.request.Request(
        f"{base}/query?query={query}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return {row["g"]["value"] for row in rows}


def put(base: str, graph: str, ntriples: str) -> None:
    request = urllib.request.Request(
        f"{base}/store?graph={graph}",
        data=ntriples.encode(),
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(request, timeout=30).close()


def oxi_target(base: str, graph: str, *, store: bool = True, query: str | None = None) -> publishing.Target:
    return publishing.Target(query or f"{base}/query", f"{base}/update", graph, f"{base}/store" if store else None)


def cli_publish(target: publishing.Target, out: Path, env: dict[str, str] | None = None) -> Result:
    args = ["publish", "--release", str(out), "--query-endpoint", target.query_endpoint]
    args += ["--update-endpoint", target.update_endpoint, "--graph", target.graph]
    if target.store_endpoint:
        args += ["--store-endpoint", target.store_endpoint]
    return CliRunner().invoke(main, args, env=env)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def no_staging(graphs: set[str]) -> bool:
    return not any(g.startswith(STAGING) for g in graphs)


# --- Oxigraph ------------------------------------------------------------------------------------


def test_publish_loads_the_dump_through_the_graph_store_protocol(
    oxi: str, dump: Path, dump_triples: set[Triple]
) -> None:
    graph = GRAPH + "/gsp"
    result = cli_publish(oxi_target(oxi, graph), dump)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"published {len(dump_triples)} triples into <{graph}> (graph store protocol)\n"
    assert oxi_graph(oxi, graph) == as_stored(dump_triples)


def test_without_a_store_endpoint_the_dump_goes_as_sparql_update_in_batches(
    oxi: str, dump: Path, dump_triples: set[Triple]
) -> None:
    graph = GRAPH + "/update"
    settings = publishing.Settings(oxi_target(oxi, graph, store=False), out=dump, batch=40)
    published = publishing.publish(settings)
    assert published == publishing.Published(graph, len(dump_triples), publishing.SPARQL_UPDATE)
    assert len(dump_triples) > 3 * settings.batch
    assert oxi_graph(oxi, graph) == as_stored(dump_triples)


@pytest.mark.parametrize("store", [True, False], ids=["graph-store", "update"])
def test_publishing_twice_gives_the_same_graph_and_touches_no_other(
    oxi: str, dump: Path, dump_triples: set[Triple], store: bool
) -> None:
    graph, neighbour = f"{GRAPH}/twice-{store}", f"{GRAPH}/neighbour-{store}"
    put(oxi, graph, "<http://example.org/stale> <http://example.org/p> <http://example.org/o> .\n")
    put(oxi, neighbour, "<http://example.org/other> <http://example.org/p> <http://example.org/o> .\n")
    settings = publishing.Settings(oxi_target(oxi, graph, store=store), out=dump)
    publishing.publish(settings)
    publishing.publish(settings)
    assert oxi_graph(oxi, graph) == as_stored(dump_triples)
    assert len(oxi_graph(oxi, neighbour)) == 1
    assert no_staging(oxi_graphs(oxi))


def test_a_wrong_triple_count_aborts_and_leaves_the_target_as_it_was(oxi: str, dump: Path) -> None:
    graph = GRAPH + "/wrong-count"
    put(oxi, graph, "<http://example.org/old> <http://example.org/p> <http://example.org/o> .\n")
    before = oxi_graph(oxi, graph)
    with Scripted([count_answer(7)]) as liar:
        result = cli_publish(oxi_target(oxi, graph, query=liar.base + "/query"), dump)
    assert_one_line_error(result, "temporary graph holds 7 triples, but the dump has")
    assert oxi_graph(oxi, graph) == before
    assert no_staging(oxi_graphs(oxi))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            Answer(200, b"<html><body>Service busy</body></html>", {"Content-Type": "text/html"}),
            "text/html, not SPARQL",
        ),
        (Answer(200, b'{"head": {"vars": ["n"]}, "results": ', JSON_RESULTS), "malformed SPARQL JSON results"),
        (Answer(200, b'{"head": {"vars": []}, "results": {"bindings": []}}', JSON_RESULTS), "no triple count"),
    ],
    ids=["html", "truncated-json", "no-count"],
)
def test_a_malformed_answer_is_one_line_and_removes_the_temporary_graph(
    oxi: str, dump: Path, answer: Answer, message: str
) -> None:
    graph = GRAPH + "/malformed"
    with Scripted([answer]) as broken:
        result = cli_publish(oxi_target(oxi, graph, query=broken.base + "/query"), dump)
    assert_one_line_error(result, message)
    assert graph not in oxi_graphs(oxi)
    assert no_staging(oxi_graphs(oxi))


def test_a_dead_endpoint_is_one_line_and_no_traceback(dump: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    result = cli_publish(oxi_target(dead, GRAPH), dump)
    assert_one_line_error(result, f"store endpoint {dead}/store: connection refused")


def test_a_refusing_endpoint_is_one_line_and_not_retried(dump: Path) -> None:
    with Scripted([Answer(403, b"Forbidden: this endpoint is read-only\n", {"Content-Type": "text/plain"})]) as refuser:
        result = cli_publish(oxi_target(refuser.base, GRAPH), dump)
    assert_one_line_error(result, "HTTP 403 Forbidden: Forbidden: this endpoint is read-only")
    # the upload, then the clean-up of the temporary graph: one request each, no retries
    assert [(seen.method, seen.path.split("?")[0]) for seen in refuser.seen] == [("PUT", "/store"), ("POST", "/update")]


def test_a_temporary_graph_that_cannot_be_dropped_is_named_in_the_error(oxi: str, dump: Path) -> None:
    graph = GRAPH + "/left-over"
    dead = f"http://127.0.0.1:{free_port()}/query"
    with Scripted([FORWARD, Answer(403, b"Forbidden")], upstream=oxi) as store:
        result = cli_publish(oxi_target(store.base, graph, query=dead), dump)
    assert_one_line_error(result, "connection refused", "could not be dropped: ", "HTTP 403 Forbidden")
    left = [g for g in oxi_graphs(oxi) if g.startswith(STAGING)]
    assert len(left) == 1
    assert f"<{left[0]}>" in result.stderr
    assert graph not in oxi_graphs(oxi)
    endpoint.Client(f"{oxi}/query", update_endpoint=f"{oxi}/update").update(f"DROP GRAPH <{left[0]}>")


def test_transient_failures_are_retried_honouring_retry_after(oxi: str, dump: Path, dump_triples: set[Triple]) -> None:
    waits: list[float] = []
    busy = [Answer(503, b"busy", {"Retry-After": "2"}), Answer(429, b"slow down", {"Retry-After": "3"})]
    with Scripted(busy, upstream=oxi) as flaky:
        target = oxi_target(flaky.base, GRAPH + "/flaky")
        retry = endpoint.Retry(attempts=3, backoff=0.5, sleep=waits.append)
        publishing.publish(publishing.Settings(target, out=dump, retry=retry))
    assert waits == [2.0, 3.0]
    assert oxi_graph(oxi, GRAPH + "/flaky") == as_stored(dump_triples)


def test_retries_are_bounded(dump: Path) -> None:
    waits: list[float] = []
    with Scripted([Answer(503, b"down for maintenance", {"Retry-After": "1"})]) as down:
        retry = endpoint.Retry(attempts=3, backoff=0.0, sleep=waits.append)
        with pytest.raises(RemoteError, match=r"HTTP 503 .*gave up after 3 attempts"):
            publishing.publish(publishing.Settings(oxi_target(down.base, GRAPH), out=dump, retry=retry))
    methods = [seen.method for seen in down.seen]
    assert methods == ["PUT"] * 3 + ["POST"] * 3  # the upload, then dropping the temporary graph
    assert waits == [1.0] * 4


def test_an_endpoint_that_does_not_answer_in_time_is_retried_then_given_up(dump: Path) -> None:
    waits: list[float] = []
    with Scripted([Answer(204, delay=0.5)]) as slow:
        retry = endpoint.Retry(attempts=2, backoff=0.0, sleep=waits.append)
        settings = publishing.Settings(oxi_target(slow.base, GRAPH), out=dump, retry=retry, timeout=0.1)
        with pytest.raises(RemoteError, match=r"store endpoint .*: connection dropped or timed out .*gave up after 2"):
            publishing.publish(settings)
    assert [seen.method for seen in slow.seen][:2] == ["PUT", "PUT"]


def test_a_retry_after_longer_than_we_wait_fails_at_once(dump: Path) -> None:
    waits: list[float] = []
    with Scripted([Answer(503, b"", {"Retry-After": "3600"})]) as down:
        retry = endpoint.Retry(attempts=5, max_wait=60, sleep=waits.append)
        with pytest.raises(RemoteError, match="asks to retry after 3600 s"):
            publishing.publish(publishing.Settings(oxi_target(down.base, GRAPH), out=dump, retry=retry))
    assert waits == []


def test_retry_after_is_read_as_seconds_or_as_a_date() -> None:
    now = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.UTC)
    assert endpoint.retry_after_seconds("120", now) == 120.0
    assert endpoint.retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert endpoint.retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert endpoint.retry_after_seconds("soon", now) is None
    assert endpoint.retry_after_seconds(None, now) is None


def test_back_off_doubles_up_to_the_limit() -> None:
    retry = endpoint.Retry(backoff=1.0, max_wait=5.0)
    assert [retry.wait(attempt, None) for attempt in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]
    assert retry.wait(1, 3.0) == 3.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--graph", "not an IRI"], "--graph must be an absolute IRI"),
        (["--query-endpoint", "ftp://example.org/sparql"], "the query endpoint must be an http:// or https:// URL"),
        (["--release", "nowhere"], "run `peacegraph build` first"),
    ],
)
def test_bad_arguments_are_one_line_errors(dump: Path, tmp_path: Path, args: list[str], message: str) -> None:
    options = {
        "--release": str(dump),
        "--query-endpoint": "http://127.0.0.1:9/query",
        "--update-endpoint": "http://127.0.0.1:9/update",
        "--graph": GRAPH,
    }
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    if options["--release"] == "nowhere":
        options["--release"] = str(tmp_path / "nowhere")
    result = CliRunner().invoke(main, ["publish", *[x for pair in options.items() for x in pair]])
    assert_one_line_error(result, message)


def test_credentials_come_from_the_environment_not_from_arguments() -> None:
    help_text = CliRunner().invoke(main, ["publish", "--help"]).output
    for variable in ("PEACEGRAPH_SPARQL_USER", "PEACEGRAPH_SPARQL_PASSWORD", "PEACEGRAPH_SPARQL_AUTH"):
        assert variable in help_text
    for option in ("--password", "--user", "--credentials"):
        assert option not in help_text
    env = {"PEACEGRAPH_SPARQL_USER": "u", "PEACEGRAPH_SPARQL_PASSWORD": "p", "PEACEGRAPH_SPARQL_AUTH": "Digest"}
    credentials = endpoint.Credentials.from_env(env)
    assert credentials == endpoint.Credentials("u", "p", "digest")
    assert "p" not in repr(credentials).replace("password", "")
    with pytest.raises(InputError, match="PEACEGRAPH_SPARQL_USER is not"):
        endpoint.Credentials.from_env({"PEACEGRAPH_SPARQL_PASSWORD": "p"})
    with pytest.raises(InputError, match="not both"):
        endpoint.Credentials.from_env({"PEACEGRAPH_SPARQL_TOKEN": "t", "PEACEGRAPH_SPARQL_USER": "u"})


@pytest.mark.parametrize(
    ("env", "authorization"),
    [
        ({"PEACEGRAPH_SPARQL_USER": "editor", "PEACEGRAPH_SPARQL_PASSWORD": "pw"}, "Basic ZWRpdG9yOnB3"),
        ({"PEACEGRAPH_SPARQL_TOKEN": "s3cret"}, "Bearer s3cret"),
    ],
    ids=["basic", "bearer"],
)
def test_credentials_from_the_environment_go_with_every_request(
    oxi: str, dump: Path, env: dict[str, str], authorization: str
) -> None:
    with Scripted([], upstream=oxi) as server:
        result = cli_publish(oxi_target(server.base, GRAPH + "/authorized"), dump, env=env)
    assert result.exit_code == 0, result.output
    assert {seen.path.split("?")[0] for seen in server.seen} == {"/store", "/query", "/update"}
    assert {seen.headers.get("Authorization") for seen in server.seen} == {authorization}


# --- Virtuoso ------------------------------------------------------------------------------------


def vt_target(server: Virtuoso, graph: str, *, store: bool) -> publishing.Target:
    store_endpoint = f"{server.base}/sparql-graph-crud-auth" if store else None
    return publishing.Target(f"{server.base}/sparql", f"{server.base}/sparql-auth", graph, store_endpoint)


def vt_graph(server: Virtuoso, graph: str) -> set[Triple]:
    return graph_triples(f"{server.base}/sparql-graph-crud?graph={graph}")


@pytest.mark.parametrize("store", [True, False], ids=["graph-store", "update"])
def test_publish_to_virtuoso_twice_gives_the_dump_once(
    vt: Virtuoso, dump: Path, dump_triples: set[Triple], store: bool
) -> None:
    graph = f"{GRAPH}/virtuoso-{store}"
    target = vt_target(vt, graph, store=store)
    for _ in range(2):
        result = cli_publish(target, dump, env=vt.env)
        assert result.exit_code == 0, result.output
    assert vt_graph(vt, graph) == dump_triples


def test_virtuoso_refuses_a_wrong_password_in_one_line(vt: Virtuoso, dump: Path) -> None:
    env = {**vt.env, "PEACEGRAPH_SPARQL_PASSWORD": "wrong"}
    result = cli_publish(vt_target(vt, GRAPH + "/denied", store=True), dump, env=env)
    assert_one_line_error(result, "HTTP 401")
    assert vt_graph(vt, GRAPH + "/denied") == set()


def test_virtuoso_refuses_anonymous_updates_in_one_line(vt: Virtuoso, dump: Path) -> None:
    target = publishing.Target(f"{vt.base}/sparql", f"{vt.base}/sparql", GRAPH + "/anonymous")
    result = cli_publish(target, dump, env={"PEACEGRAPH_SPARQL_USER": ""})
    assert_one_line_error(result, "HTTP 500", "SECURITY")
    assert vt_graph(vt, GRAPH + "/anonymous") == set()


def test_publishing_to_virtuoso_leaves_no_temporary_graph(vt: Virtuoso, dump: Path, dump_triples: set[Triple]) -> None:
    publishing.publish(
        publishing.Settings(
            vt_target(vt, GRAPH + "/virtuoso-clean", store=True),
            out=dump,
            credentials=endpoint.Credentials(vt.user, vt.password, "digest"),
        )
    )
    client = endpoint.Client(f"{vt.base}/sparql")
    rows = client.select(
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{STAGING}")) }}'
    )
    assert rows == []
    publishing.expect_count(client, NamedNode(GRAPH + "/virtuoso-clean"), len(dump_triples), "the published graph")
