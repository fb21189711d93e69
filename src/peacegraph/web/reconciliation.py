"""The Reconciliation Service API at ``/reconcile``, for OpenRefine and the other tools that speak it.

Version 0.2 of the W3C Entity Reconciliation Community Group's API, as OpenRefine 3.x sends it
(the service manifest on a plain ``GET``; queries as the form field ``queries``, a JSON object of
batched queries, by ``POST`` or ``GET``; JSONP through ``callback`` on ``GET``; CORS everywhere),
and the 1.0 draft's JSON bodies (``POST`` of ``{"queries": [{"conditions": …}]}``). Besides
matching: a preview of each candidate, suggest services for entities, types and properties, and
data extension for a few properties (Wikidata QID, kind, country, documents signed).

Names are matched with :mod:`peacegraph.records.names`, the normalization the curation checks and
the drafting tool use: case, accents, punctuation, curly quotes, ``&``/"and", a parenthesized
acronym, a leading "The", a trailing place. A candidate's score is 100 for the same normalized
name (or alternate name), 90 for another reading of it (the acronym alone, the name without its
place), less for names that share words. ``match`` is true only when exactly one record has the
query's normalized name, so OpenRefine matches automatically only where nothing is ambiguous.

Everything comes from the served release (its store), never from the seeds. Identifiers are the
paths below ``…/id/`` (``organization/ldsps``), so that ``identifierSpace`` plus the identifier is
the IRI.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qs

from pyoxigraph import Literal, NamedNode, Store
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..rdf.namespaces import ID, OWL, PG, RDF_TYPE, SKOS, WD, pg, schema, term
from ..records.names import normalize, variants
from .describe import Identifier
from .lazy import Once

VERSIONS: Final = ["0.1", "0.2"]
SERVICE_NAME: Final = "peacegraph: the Syria peace process"
#: The kinds a query can be restricted to, with the names OpenRefine shows.
TYPES: Final = {
    "organization": "Organization",
    "person": "Person",
    "place": "Place",
    "event": "Event",
    "document": "Document",
    "topic": "Topic",
}
NAME_PREDICATES: Final = (schema("name"), term(SKOS, "prefLabel"))
ALTERNATE_PREDICATES: Final = (schema("alternateName"), term(SKOS, "altLabel"))
DEFAULT_LIMIT: Final = 10
MAX_LIMIT: Final = 100
MAX_QUERIES: Final = 500
MAX_BODY_BYTES: Final = 1_000_000
MAX_QUERY_CHARS: Final = 1_000
#: A JSONP callback: a JavaScript identifier, or a dotted path of them (``jQuery123_456``, ``a.b``).
CALLBACK: Final = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,99}(?:\.[A-Za-z_$][A-Za-z0-9_$]{0,99}){0,4}")
#: The properties of data extension and of property hints, with their names.
PROPERTIES: Final = {
    "wikidata": "Wikidata QID",
    "type": "Kind",
    "country": "Country",
    "signed": "Documents signed",
}
CORS: Final = {"Access-Control-Allow-Origin": "*"}
JSON_HEADERS: Final = {**CORS, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


class BadRequestError(ValueError):
    """A request the service cannot answer; answered 400 with the reason."""


@dataclass
class Entity:
    id: str  # ``kind/key``
    kind: str
    name: str
    names: list[str] = field(default_factory=list)
    description: str = ""
    wikidata: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # ids of places it is located in or contained in
    readings: list[set[str]] = field(default_factory=list)  # the words of each reading of each name

    @property
    def type(self) -> list[dict[str, str]]:
        return [{"id": self.kind, "name": TYPES[self.kind]}]


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    match: bool

    def json(self) -> dict[str, Any]:
        e = self.entity
        return {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "score": round(self.score, 1),
            "match": self.match,
            "description": e.description,
        }


# --- the index --------------------------------------------------------------------------------


def _identifier(node: object) -> Identifier | None:
    if not isinstance(node, NamedNode) or not node.value.startswith(ID):
        return None
    ident = Identifier.parse(node.value[len(ID) :])
    return ident if ident is not None and not ident.part and ident.kind in TYPES else None


class Index:
    """Every entity of the release with its names, and the normalized readings of those names."""

    def __init__(self, st: Store):
        self.store = st
        self.entities: dict[str, Entity] = {}
        self.readings: dict[str, set[str]] = defaultdict(set)  # normalized reading -> entity ids
        self.exact: dict[str, set[str]] = defaultdict(set)  # normalized full name -> entity ids
        self.words: dict[str, set[str]] = defaultdict(set)  # word -> entity ids
        deprecated = {q.subject for q in st.quads_for_pattern(None, term(OWL, "deprecated"), None)}
        for predicate in (*NAME_PREDICATES, *ALTERNATE_PREDICATES):
            for quad in st.quads_for_pattern(None, predicate, None):
                ident = _identifier(quad.subject)
                if ident is None or quad.subject in deprecated or not isinstance(quad.object, Literal):
                    continue
                entity = self.entities.get(ident.path)
                if entity is None:
                    entity = self.entities[ident.path] = Entity(ident.path, ident.kind, "")
                if predicate in NAME_PREDICATES and not entity.name:
                    entity.name = quad.object.value
                entity.names.append(quad.object.value)
        for entity in self.entities.values():
            self._add(entity)

    def _add(self, entity: Entity) -> None:
        entity.name = entity.name or entity.names[0]
        entity.names = sorted(set(entity.names))
        for name in entity.names:
            self.exact[normalize(name)].add(entity.id)
            for reading in variants(name):
                self.readings[reading].add(entity.id)
                entity.readings.append(set(reading.split()))
                for word in reading.split():
                    self.words[word].add(entity.id)
        node = NamedNode(ID + entity.id)
        entity.description = _first(self.store, node, schema("description"))
        entity.wikidata = sorted(
            q.object.value.removeprefix(WD)
            for q in self.store.quads_for_pattern(node, term(OWL, "sameAs"), None)
            if isinstance(q.object, NamedNode) and q.object.value.startswith(WD)
        )
        entity.places = sorted(
            ident.path
            for p in (schema("location"), schema("containedInPlace"))
            for q in self.store.quads_for_pattern(node, p, None)
            if (ident := _identifier(q.object)) is not None
        )

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)


def _first(st: Store, node: NamedNode, predicate: NamedNode) -> str:
    for quad in st.quads_for_pattern(node, predicate, None):
        if isinstance(quad.object, Literal):
            return quad.object.value
    return ""


# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str
    types: tuple[str, ...] = ()
    limit: int = DEFAULT_LIMIT
    properties: tuple[tuple[str, str], ...] = ()  # (property id, value as text or entity id)


def _score(index: Index, text: str) -> dict[str, float]:
    """Each entity that shares something with ``text``, with its score (0 to 100)."""
    scores: dict[str, float] = {}
    full = normalize(text)
    for entity_id in index.exact.get(full, ()):
        scores[entity_id] = 100.0
    for reading in variants(text):
        for entity_id in index.readings.get(reading, ()):
            scores.setdefault(entity_id, 90.0)
    words = set(full.split())
    for entity_id in {e for w in words for e in index.words.get(w, ())} - set(scores):
        best = max(_overlap(words, reading) for reading in index.entities[entity_id].readings)
        if best > 0:
            scores[entity_id] = round(80.0 * best, 1)
    return scores


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def reconcile(index: Index, query: Query) -> list[Candidate]:
    """The candidates for one query, best first; ``match`` only for an unambiguous exact name."""
    scores = _score(index, query.text)
    if query.types:
        scores = {e: s for e, s in scores.items() if index.entities[e].kind in query.types}
    for entity_id in scores:
        scores[entity_id] += sum(_hint(index, index.entities[entity_id], pid, v) for pid, v in query.properties)
    exact = [e for e, s in scores.items() if normalize(query.text) in {normalize(n) for n in index.entities[e].names}]
    unique = exact[0] if len(exact) == 1 else None
    ranked = sorted(scores.items(), key=lambda item: (-item[1], index.entities[item[0]].name, item[0]))
    return [
        Candidate(index.entities[e], max(0.0, min(100.0, s)), e == unique and s >= 100.0)
        for e, s in ranked[: query.limit]
    ]


def _hint(index: Index, entity: Entity, pid: str, value: str) -> float:
    """A property hint: +5 when the entity agrees, -20 when it says otherwise, 0 when it says nothing."""
    if pid == "wikidata":
        found = entity.wikidata
        wanted = {value.strip().removeprefix(WD).upper()}
    elif pid == "country":
        found = entity.places
        wanted = {value} | {p for p in entity.places if _named(index, p, value)}
    elif pid == "type":
        found = [entity.kind]
        wanted = {normalize(value)}
    else:
        return 0.0
    if not found:
        return 0.0
    return 5.0 if set(found) & wanted else -20.0


def _named(index: Index, entity_id: str, text: str) -> bool:
    place = index.get(entity_id)
    return place is not None and normalize(text) in {r for n in place.names for r in variants(n)}


# --- parsing requests -------------------------------------------------------------------------


def parse_query(raw: object) -> Query:
    """One 0.1/0.2 query (``{"query": …, "type": …, "limit": …, "properties": […]}``) or a bare string."""
    if isinstance(raw, str):
        return Query(_text(raw))
    if not isinstance(raw, dict):
        raise BadRequestError("a query is a string or an object with a `query`")
    properties = tuple(_property(p) for p in _list(raw.get("properties"), "properties"))
    return Query(_text(raw.get("query")), _types(raw.get("type")), _limit(raw.get("limit")), properties)


def parse_draft_query(raw: object) -> Query:
    """One 1.0-draft query: ``{"type": …, "limit": …, "conditions": [{"matchType": "name", …}]}``."""
    if not isinstance(raw, dict):
        raise BadRequestError("a query is an object with `conditions`")
    names, properties = [], []
    for condition in _list(raw.get("conditions"), "conditions"):
        if not isinstance(condition, dict):
            raise BadRequestError("a condition is an object")
        if condition.get("matchType") == "name":
            names.append(_text(condition.get("propertyValue")))
        elif condition.get("matchType") == "property":
            properties.append(_property({"pid": condition.get("propertyId"), "v": condition.get("propertyValue")}))
    if len(names) != 1:
        raise BadRequestError("give exactly one condition with matchType `name`")
    return Query(names[0], _types(raw.get("type")), _limit(raw.get("limit")), tuple(properties))


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequestError("a query needs a non-empty `query` string")
    if len(value) > MAX_QUERY_CHARS:
        raise BadRequestError(f"a query is at most {MAX_QUERY_CHARS} characters")
    return value


def _types(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    found = [value] if isinstance(value, str) else value
    if not isinstance(found, list) or not all(isinstance(t, str) for t in found):
        raise BadRequestError("`type` is a type id or a list of them")
    unknown = [t for t in found if t not in TYPES]
    if unknown:
        raise BadRequestError(f"unknown type {unknown[0]!r}; the types are {', '.join(TYPES)}")
    return tuple(found)


def _limit(value: object) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadRequestError("`limit` is a positive integer")
    return min(value, MAX_LIMIT)


def _list(value: object, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequestError(f"`{what}` is a list")
    return value


def _property(raw: object) -> tuple[str, str]:
    if not isinstance(raw, dict):
        raise BadRequestError("a property is an object with `pid` and `v`")
    pid, value = raw.get("pid"), raw.get("v")
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, list) and value:
        value = value[0].get("id") if isinstance(value[0], dict) else value[0]
    if not isinstance(pid, str) or not isinstance(value, str | int | float):
        raise BadRequestError("a property needs a `pid` and a value `v`")
    return pid, str(value)


def parse_queries(text: str) -> dict[str, Query]:
    """The ``queries`` field: a JSON object of keyed queries."""
    batch = _json(text)
    if not isinstance(batch, dict):
        raise BadRequestError("`queries` is a JSON object of queries by key")
    if len(batch) > MAX_QUERIES:
        raise BadRequestError(f"at most {MAX_QUERIES} queries at once")
    return {str(key): parse_query(raw) for key, raw in batch.items()}


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise BadRequestError("not JSON") from None


# --- data extension ---------------------------------------------------------------------------


def extend(index: Index, raw: object) -> dict[str, Any]:
    """Data extension: ``{"ids": […], "properties": [{"id": …}]}`` answered with ``meta`` and ``rows``."""
    if not isinstance(raw, dict):
        raise BadRequestError("`extend` is an object with `ids` and `properties`")
    ids = _list(raw.get("ids"), "ids")
    wanted = [str(p.get("id")) if isinstance(p, dict) else "" for p in _list(raw.get("properties"), "properties")]
    if not all(isinstance(i, str) for i in ids) or len(ids) > MAX_QUERIES:
        raise BadRequestError(f"`ids` is a list of at most {MAX_QUERIES} identifiers")
    unknown = [p for p in wanted if p not in PROPERTIES]
    if unknown:
        raise BadRequestError(f"unknown property {unknown[0]!r}; the properties are {', '.join(PROPERTIES)}")
    meta = [_meta(p) for p in wanted]
    rows = {i: {p: _values(index, index.get(i), p) for p in wanted} for i in ids}
    return {"meta": meta, "rows": rows}


def _meta(pid: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": pid, "name": PROPERTIES[pid]}
    if pid == "country":
        entry["type"] = {"id": "place", "name": "Place"}
    if pid == "signed":
        entry["type"] = {"id": "document", "name": "Document"}
    return entry


def _values(index: Index, entity: Entity | None, pid: str) -> list[dict[str, Any]]:
    if entity is None:
        return []
    if pid == "wikidata":
        return [{"str": qid} for qid in entity.wikidata]
    if pid == "type":
        return [{"str": TYPES[entity.kind]}]
    if pid == "country":
        return [_ref(index, p) for p in _countries(index, entity)]
    return [_ref(index, d) for d in _signed(index, entity)]


def _ref(index: Index, entity_id: str) -> dict[str, str]:
    found = index.get(entity_id)
    return {"id": entity_id, "name": found.name if found else entity_id}


def _countries(index: Index, entity: Entity) -> list[str]:
    """The countries an entity is in: its places that are countries, or the countries those are in
    (an organization's country, a city's country; a country is its own)."""
    places = [entity.id] if entity.kind == "place" else entity.places
    found = {p for p in places if _is_country(index, p)}
    for place in places:
        if place not in found:
            found.update(p for p in (index.get(place) or Entity("", "", "")).places if _is_country(index, p))
    return sorted(found)


def _is_country(index: Index, entity_id: str) -> bool:
    node = NamedNode(ID + entity_id)
    return next(iter(index.store.quads_for_pattern(node, RDF_TYPE, schema("Country"))), None) is not None


def _signed(index: Index, entity: Entity) -> list[str]:
    """The documents whose list of signatories has the entity."""
    node = NamedNode(ID + entity.id)
    found = set()
    for item in index.store.quads_for_pattern(None, schema("item"), node):
        for signature in index.store.quads_for_pattern(None, pg("signature"), item.subject):
            ident = _identifier(signature.subject)
            if ident is not None:
                found.add(ident.path)
    return sorted(found)


# --- suggest ----------------------------------------------------------------------------------


def suggest_entities(index: Index, prefix: str, types: tuple[str, ...], limit: int) -> list[dict[str, Any]]:
    """Entities one of whose names starts with ``prefix`` (normalized), or has a word that does."""
    wanted = normalize(prefix)
    if not wanted:
        return []
    found = []
    for entity in index.entities.values():
        if types and entity.kind not in types:
            continue
        readings = [normalize(n) for n in entity.names]
        if any(r.startswith(wanted) for r in readings):
            found.append((0, entity))
        elif any(f" {wanted}" in f" {r}" for r in readings):
            found.append((1, entity))
    found.sort(key=lambda item: (item[0], item[1].name, item[1].id))
    return [{"id": e.id, "name": e.name, "description": e.description, "notable": e.type} for _rank, e in found[:limit]]


def suggest_named(options: dict[str, str], prefix: str) -> list[dict[str, str]]:
    wanted = normalize(prefix)
    return [{"id": k, "name": v} for k, v in options.items() if not wanted or wanted in normalize(f"{k} {v}")]


# --- HTTP ---------------------------------------------------------------------------------------


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def manifest(request: Request) -> dict[str, Any]:
    base = _base(request)
    service = {"service_url": base}
    return {
        "versions": VERSIONS,
        "name": SERVICE_NAME,
        "identifierSpace": ID,
        "schemaSpace": PG,
        "defaultTypes": [{"id": k, "name": v} for k, v in TYPES.items()],
        "view": {"url": f"{base}/id/{{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 140},
        "suggest": {
            "entity": {**service, "service_path": "/reconcile/suggest/entity"},
            "type": {**service, "service_path": "/reconcile/suggest/type"},
            "property": {**service, "service_path": "/reconcile/suggest/property"},
        },
        "extend": {
            "propose_properties": {**service, "service_path": "/reconcile/properties"},
            "property_settings": [],
        },
        "batchSize": 50,
    }


def answer(payload: object, callback: str | None = None, status_code: int = 200) -> Response:
    """JSON, or JSONP when a valid ``callback`` was given (validated before this is called)."""
    if callback is None:
        body = json.dumps(payload, ensure_ascii=False)
        return Response(body, status_code, media_type="application/json", headers=JSON_HEADERS)
    # ensure_ascii escapes U+2028/U+2029 too; the leading comment defeats content sniffing tricks.
    body = f"/**/{callback}({json.dumps(payload, ensure_ascii=True)});"
    return Response(body, status_code, media_type="application/javascript", headers=JSON_HEADERS)


def error(message: str, callback: str | None = None, status_code: int = 400) -> Response:
    return answer({"status": "error", "message": message}, callback, status_code)


def callback_of(params: dict[str, str]) -> str | None:
    value = params.get("callback")
    if value is None:
        return None
    if not CALLBACK.fullmatch(value):
        raise BadRequestError("`callback` must be a JavaScript identifier (letters, digits, _ and $, dotted)")
    return value


async def _form(request: Request) -> tuple[dict[str, str], Any]:
    """The parameters of a request (query string, then a form body), and a JSON body if there is one."""
    params = {k: v for k, v in request.query_params.items()}
    if request.method != "POST":
        return params, None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BadRequestError(f"a request may carry at most {MAX_BODY_BYTES:,} bytes")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("the body is not UTF-8") from None
    if content_type == "application/json":
        return params, _json(text)
    params.update({k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()})
    return params, None


class Service:
    """The handlers of ``/reconcile`` over one release's store."""

    def __init__(self, st: Store):
        self._index = Once(lambda: Index(st))

    @property
    def index(self) -> Index:
        """The index, made on the first request (the server answers queries before that)."""
        return self._index.get()

    def routes(self) -> list[Route]:
        methods = ["GET", "POST", "OPTIONS"]
        return [
            Route("/reconcile", self._guarded(self.reconcile), methods=methods),
            Route("/reconcile/preview", self._guarded(self.preview), methods=["GET"]),
            Route("/reconcile/suggest/entity", self._guarded(self.suggest_entity), methods=["GET"]),
            Route("/reconcile/suggest/type", self._guarded(self.suggest_type), methods=["GET"]),
            Route("/reconcile/suggest/property", self._guarded(self.suggest_property), methods=["GET"]),
            Route("/reconcile/properties", self._guarded(self.properties), methods=["GET"]),
        ]

    @staticmethod
    def _guarded(
        handler: Callable[[Request, dict[str, str], Any, str | None], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        """Parse the request, answer CORS preflights, and turn bad requests into a JSON 400."""

        async def endpoint(request: Request) -> Response:
            if request.method == "OPTIONS":
                preflight = {"Access-Control-Allow-Methods": "GET, POST, OPTIONS", "Access-Control-Max-Age": "86400"}
                preflight["Access-Control-Allow-Headers"] = "Content-Type"
                return Response(status_code=204, headers={**CORS, **preflight})
            callback: str | None = None
            try:
                callback = callback_of(dict(request.query_params))
                params, body = await _form(request)
                return await handler(request, params, body, callback)
            except BadRequestError as problem:
                return error(str(problem), callback)

        return endpoint

    async def reconcile(self, request: Request, params: dict[str, str], body: Any, callback: str | None) -> Response:
        """Matching runs in the thread pool, so that a large batch never holds up other requests."""
        if body is None and not {"queries", "query", "extend"} & set(params):
            return answer(manifest(request), callback)
        payload = await run_in_threadpool(self.answer_of, params, body)
        return answer(payload, callback if body is None else None)

    def answer_of(self, params: dict[str, str], body: Any) -> dict[str, Any]:
        if body is not None:  # 1.0 draft: {"queries": [...]}
            queries = _list(body.get("queries") if isinstance(body, dict) else None, "queries")
            if not queries or len(queries) > MAX_QUERIES:
                raise BadRequestError(f"give between 1 and {MAX_QUERIES} `queries`")
            parsed = [parse_draft_query(q) for q in queries]
            return {"results": [{"candidates": self._candidates(q)} for q in parsed]}
        if "queries" in params:
            return {k: {"result": self._candidates(q)} for k, q in parse_queries(params["queries"]).items()}
        if "query" in params:  # 0.1: one query, as a string or JSON
            text = params["query"]
            return {"result": self._candidates(parse_query(_json(text) if text.lstrip().startswith("{") else text))}
        return extend(self.index, _json(params["extend"]))

    def _candidates(self, query: Query) -> list[dict[str, Any]]:
        return [c.json() for c in reconcile(self.index, query)]

    async def preview(self, request: Request, params: dict[str, str], body: Any, callback: str | None) -> Response:
        entity = self.index.get(params.get("id", ""))
        if entity is None:
            return Response("no such identifier", 404, media_type="text/plain; charset=utf-8", headers=PREVIEW_HEADERS)
        return Response(
            _preview(entity, _base(request)), media_type="text/html; charset=utf-8", headers=PREVIEW_HEADERS
        )

    async def suggest_entity(self, request: Request, params: dict[str, str], body: Any, cb: str | None) -> Response:
        types = _types(params["type"].split(",")) if params.get("type") else ()
        limit = _limit(int(params["limit"])) if params.get("limit", "").isdigit() else DEFAULT_LIMIT
        return answer({"result": suggest_entities(self.index, params.get("prefix", ""), types, limit)}, cb)

    async def suggest_type(self, request: Request, params: dict[str, str], body: Any, cb: str | None) -> Response:
        return answer({"result": suggest_named(TYPES, params.get("prefix", ""))}, cb)

    async def suggest_property(self, request: Request, params: dict[str, str], body: Any, cb: str | None) -> Response:
        return answer({"result": suggest_named(PROPERTIES, params.get("prefix", ""))}, cb)

    async def properties(self, request: Request, params: dict[str, str], body: Any, cb: str | None) -> Response:
        kind = params.get("type", "")
        offered = [{"id": k, "name": v} for k, v in PROPERTIES.items() if kind != "topic" or k in ("type", "wikidata")]
        payload: dict[str, Any] = {"properties": offered}
        if kind:
            payload["type"] = kind
        return answer(payload, cb)


#: A preview is shown by OpenRefine in a frame, so it may be framed; it runs no script.
PREVIEW_HEADERS: Final = {
    **CORS,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'",
}


def _preview(entity: Entity, base: str) -> str:
    link = html.escape(f"{base}/id/{entity.id}", quote=True)
    others = [n for n in entity.names if n != entity.name][:5]
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>',
        html.escape(entity.name),
        '</title></head><body style="font: 13px sans-serif; margin: 6px">',
        f'<p style="margin:0"><a href="{link}" target="_blank" rel="noopener"><strong>',
        html.escape(entity.name),
        f"</strong></a> · {html.escape(TYPES[entity.kind])}</p>",
    ]
    if others:
        parts.append(f'<p style="margin:2px 0;color:#555">also: {html.escape("; ".join(others))}</p>')
    if entity.description:
        parts.append(f'<p style="margin:2px 0">{html.escape(entity.description[:300])}</p>')
    if entity.wikidata:
        parts.append(f'<p style="margin:2px 0">Wikidata: {html.escape(", ".join(entity.wikidata))}</p>')
    parts.append("</body></html>")
    return "".join(parts)
