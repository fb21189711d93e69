"""SERVICE never fetches: disguised SERVICE clauses against a canary, and workers with no network.

The guard reads the very text that Oxigraph runs (``guard.py``); behind it, the query workers
cannot open a network connection (``sandbox.py``). Both walls are tested here, the first through
the real server, the second in a real process that tries to reach the canary.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from peacegraph import pipeline
from peacegraph.serve import guard

from ..live import serving
from ..servers import Canary


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def base(mini_built: pipeline.BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = next(iter(mini_built.files.values())).parent
    with serving(out, tmp_path_factory.mktemp("service") / "serve.log", "--timeout", "5") as url:
        yield url


#: SERVICE dressed up so that a second parser might miss it. ``{url}`` is the canary.
DISGUISED = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "comment ending at CR": "SELECT * WHERE {{ # \r SERVICE <{url}> {{ ?s ?p ?o }} \n }}",
    "comment ending at CR in the prologue": "PREFIX x: <urn:x:> # \r SELECT * {{ SERVICE <{url}> {{ }} }}",
    "comment ending at CR LF": "SELECT * WHERE {{ ?s ?p ?o # \r\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "escaped quote splits a string": 'SELECT * {{ BIND("\\u0022 AS ?x) SERVICE <{url}> {{ }} BIND(\\u0022" AS ?y) }}',
    "escaped quote in a long string": (
        'SELECT * {{ BIND("""a\\u0022""" AS ?x) SERVICE <{url}> {{ }} BIND("""b""" AS ?y) }}'
    ),
    "escaped quotes close a long string": (
        'SELECT * {{ BIND("""\\u0022\\u0022\\u0022 AS ?x) SERVICE <{url}> {{ }} #""" }}'
    ),
    "escaped keyword": "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "long escaped keyword": "SELECT * WHERE {{ \\U00000053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "escaped keyword in lower case": "SELECT * WHERE {{ s\\u0065rvice <{url}> {{ }} }}",
    "escape of an escape": "SELECT * WHERE {{ \\u005Cu0053ERVICE <{url}> {{ }} }}",
    "escaped IRI": "SELECT * WHERE {{ SERVICE <\\u0068ttp{rest}> {{ }} }}",
    "mixed case": "SELECT * WHERE {{ sErViCe SILENT <{url}> {{ }} }}",
    "prefixed name": "PREFIX c: <{url}> SELECT * WHERE {{ SERVICE c: {{ ?s ?p ?o }} }}",
    "prefixed name with a local part": "PREFIX c: <{base}> SELECT * WHERE {{ SERVICE c:sparql {{ }} }}",
    "BASE and a relative IRI": "BASE <{url}> SELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
    "a variable from VALUES": "SELECT * {{ VALUES ?u {{ <{url}> }} SERVICE ?u {{ ?s ?p ?o }} }}",
    "nested groups": "SELECT * WHERE {{ {{ {{ OPTIONAL {{ {{ SERVICE SILENT <{url}> {{ }} }} }} }} }} }}",
    "in a subquery": "ASK {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "in FILTER EXISTS": "ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ }} }} }}",
    "in MINUS": "SELECT * {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in CONSTRUCT WHERE": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "in DESCRIBE": "DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "no space before the IRI": "SELECT * WHERE {{ SERVICE<{url}>{{}} }}",
    "tabs": "SELECT * WHERE {{\tSERVICE\t<{url}>\t{{ }}\t}}",
    "SILENT glued on": "SELECT * {{ SERVICESILENT<{url}>{{}} }}",
    "a prefixed name glued on": "PREFIX x: <{url}> SELECT * {{ SERVICEx:y {{}} }}",
    "an empty prefix glued on": "PREFIX : <{url}> SELECT * {{ service:x {{}} }}",
    "a prefix name glued on": "PREFIX a: <{url}> SELECT * {{ SERVICEa: {{}} }}",
    "glued after true": "SELECT * {{ ?s ?p trueSERVICE<{url}>{{}} }}",
    "glued after false with a prefix": "PREFIX x: <{url}> SELECT * {{ ?s ?p falseSERVICEx:y{{}} }}",
    "glued variable and SILENT": "SELECT * {{ VALUES ?u {{ <{url}> }} SERVICESILENT?u{{}} }}",
    "LOAD": "LOAD <{url}>",
    "LOAD in an update after a query": "ASK {{}} ; LOAD <{url}>",
}


def payload(template: str, canary: Canary) -> str:
    return template.format(url=canary.url, base=canary.url.removesuffix("sparql"), rest=canary.url.removeprefix("h"))


def send(base: str, how: str, query: str) -> httpx.Response:
    if how == "GET":
        return httpx.get(base + "sparql", params={"query": query}, timeout=30)
    if how == "form POST":
        return httpx.post(base + "sparql", data={"query": query}, timeout=30)
    headers = {"content-type": "application/sparql-query"}
    return httpx.post(base + "sparql", content=query.encode("utf-8"), headers=headers, timeout=30)


@pytest.mark.parametrize("how", ["GET", "form POST", "direct POST"])
@pytest.mark.parametrize("name", sorted(DISGUISED))
def test_a_disguised_service_reaches_nothing(base: str, canary: Canary, name: str, how: str) -> None:
    before = canary.hits
    response = send(base, how, payload(DISGUISED[name], canary))
    assert response.status_code in (400, 403), response.text
    assert response.text.count("\n") == 1
    assert canary.hits == before


def test_service_in_a_string_a_comment_or_a_name_is_just_text(base: str, canary: Canary) -> None:
    query = (
        f'SELECT ?x ?service WHERE {{ BIND("SERVICE <{canary.url}> {{ }}" AS ?x) '
        f"OPTIONAL {{ ?service <urn:x:service> ?y }} OPTIONAL {{ ?service schema:serviceType ?z }} }}"
        f" # SERVICE <{canary.url}> {{ }}"
    )
    response = send(base, "GET", query)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")
    assert canary.hits == 0


def test_the_text_that_runs_has_no_comments_and_no_escapes() -> None:
    checked = guard.check('SELECT ?x # \r ?y\n WHERE { BIND("caf\\u00e9" AS ?x) }')
    assert checked.text == 'SELECT ?x   \r ?y\n WHERE { BIND("café" AS ?x) }'


ESCAPE = """
import json, sys
from peacegraph.serve import sandbox
walls = {{"both": sandbox.isolate, "namespace": sandbox._unshare_network, "seccomp": sandbox._install_seccomp}}
result = walls[sys.argv[1]]()
import socket, pyoxigraph
attempts = []
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    attempts.append("connected")
except OSError as error:
    attempts.append(type(error).__name__)
try:
    list(pyoxigraph.Store().query("SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
    attempts.append("fetched")
except OSError as error:
    attempts.append(type(error).__name__)
print(json.dumps({{"wall": result, "attempts": attempts}}))
"""


def _try_to_escape(wall: str, canary: Canary) -> str:
    code = ESCAPE.format(port=canary.port, url=canary.url)
    done = subprocess.run([sys.executable, "-c", code, wall], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


@pytest.mark.parametrize("wall", ["both", "namespace", "seccomp"])
def test_a_walled_in_process_reaches_nothing_even_without_the_guard(canary: Canary, wall: str) -> None:
    """Each wall alone keeps a process off the network, SERVICE included (here the machine allows both)."""
    before = canary.hits
    output = _try_to_escape(wall, canary)
    assert "connected" not in output
    assert "fetched" not in output
    assert canary.hits == before


def test_the_walls_are_up_on_this_machine() -> None:
    """If this fails, the machine allows neither wall, and only the guard protects it (docs/reference/endpoint.md)."""
    code = "from peacegraph.serve import sandbox; print(sandbox.isolate())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "{'network namespace': None, 'seccomp filter': None}"
