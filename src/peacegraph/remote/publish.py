"""Publish the built dump into a named graph of a SPARQL server, so that readers never see half of it.

The dump is loaded into a fresh temporary graph (``urn:peacegraph:staging:…``): with a Graph Store
HTTP Protocol ``PUT`` when a store endpoint is given, else with SPARQL Update ``INSERT DATA`` in
batches. A ``COUNT`` query must then find exactly the dump's triples there, and a single SPARQL
Update ``MOVE`` replaces the target graph with it. ``MOVE`` runs as one transaction on Oxigraph and
Virtuoso, so readers see the old graph or the new one. Publishing again gives the same graph, not
twice the triples. On any failure the temporary graph is dropped and the target is left as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Triple, parse

from ..errors import InputError, PeacegraphError, RemoteError
from ..rdf import serialize
from ..rdf.formats import Format
from ..rdf.namespaces import staging_graph
from ..release.outdir import dump_path
from .endpoint import Client, Credentials, Retry

GRAPH_STORE = "graph store protocol"
SPARQL_UPDATE = "SPARQL update"


@dataclass(frozen=True)
class Target:
    """Where to publish: the server's endpoints and the named graph to replace."""

    query_endpoint: str
    update_endpoint: str
    graph: str
    store_endpoint: str | None = None


@dataclass(frozen=True)
class Settings:
    target: Target
    out: Path = Path("out")
    credentials: Credentials | None = None
    retry: Retry = field(default_factory=Retry)
    timeout: float = 60.0
    #: Triples per ``INSERT DATA`` request when no store endpoint is given.
    batch: int = 2000


@dataclass(frozen=True)
class Published:
    graph: str
    triples: int
    method: str


def publish(settings: Settings) -> Published:
    """Replace the target graph with the dump in ``settings.out``; see the module's docstring."""
    target = settings.target
    graph = _graph_iri(target.graph)
    data, triples = read_dump(settings.out)
    client = Client(
        target.query_endpoint,
        update_endpoint=target.update_endpoint,
        credentials=settings.credentials,
        retry=settings.retry,
        timeout=settings.timeout,
    )
    upload = _Upload(staging_graph(uuid.uuid4().hex))
    staging = upload.graph
    try:
        method = _load(client, settings, upload, data, triples)
        expect_count(client, staging, len(triples), "the temporary graph")
        client.update(f"MOVE GRAPH {staging} TO GRAPH {graph}")
    except PeacegraphError as error:
        leftover = _drop(client, staging)
        if leftover and upload.accepted:
            raise RemoteError(f"{error}; and the temporary graph {staging} could not be dropped: {leftover}") from None
        raise
    except BaseException:
        _drop(client, staging)
        raise
    expect_count(client, graph, len(triples), "the published graph")
    return Published(graph.value, len(triples), method)


def read_dump(out: Path) -> tuple[bytes, list[Triple]]:
    """The N-Triples dump's bytes and its triples."""
    path = dump_path(out)
    data = path.read_bytes()
    try:
        triples = list(dict.fromkeys(quad.triple for quad in parse(data, format=Format.NTRIPLES.oxigraph)))
    except SyntaxError as exc:
        raise InputError(f"not valid N-Triples: {exc}", path) from None
    return data, triples


def expect_count(client: Client, graph: NamedNode, expected: int, what: str) -> None:
    """Check by query that ``graph`` holds exactly ``expected`` triples."""
    rows = client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    try:
        found = int(rows[0]["n"])
    except (IndexError, KeyError, ValueError):
        raise RemoteError(
            f"query endpoint {client.query_endpoint}: no triple count in its answer {rows!r:.80}"
        ) from None
    if found != expected:
        raise RemoteError(
            f"query endpoint {client.query_endpoint}: {what} holds {found} triples, but the dump has {expected}"
        )


def _graph_iri(graph: str) -> NamedNode:
    try:
        node = NamedNode(graph)
    except ValueError as exc:
        raise InputError(f"--graph must be an absolute IRI: {exc}") from None
    return node


@dataclass
class _Upload:
    """The temporary graph, and how many of our writes to it the server has accepted."""

    graph: NamedNode
    accepted: int = 0


def _load(client: Client, settings: Settings, upload: _Upload, data: bytes, triples: list[Triple]) -> str:
    store = settings.target.store_endpoint
    if store:
        client.put_graph(store, upload.graph, data, Format.NTRIPLES.media_type)
        upload.accepted += 1
        return GRAPH_STORE
    for batch in _batches(triples, settings.batch):
        body = serialize.to_ntriples(batch).decode("utf-8")
        client.update(f"INSERT DATA {{ GRAPH {upload.graph} {{\n{body}}} }}")
        upload.accepted += 1
    return SPARQL_UPDATE


def _batches(triples: list[Triple], size: int) -> Iterator[list[Triple]]:
    if size < 1:
        raise InputError(f"the batch size must be at least 1, not {size}")
    for start in range(0, len(triples), size):
        yield triples[start : start + size]


def _drop(client: Client, graph: NamedNode) -> str | None:
    """Drop ``graph``; the reason it could not be dropped, or None."""
    try:
        client.update(f"DROP SILENT GRAPH {graph}")
    except PeacegraphError as error:
        return str(error)
    return None
