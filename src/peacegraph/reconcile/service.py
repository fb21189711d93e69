"""The Reconciliation Service API at ``/reconcile``, for OpenRefine and the other tools that speak it.

Both versions of the W3C Entity Reconciliation Community Group's API are served, and the route
tells which one a client speaks:

======================================  ========================================================
``GET /reconcile``                      the manifest for both: ``versions`` lists 0.1, 0.2 and
                                        1.0-draft; ``suggest`` in the 0.2 form (service objects,
                                        which OpenRefine 3.x reads), the rest valid for both
``GET, POST /reconcile`` with           0.2 (and 0.1): the form field ``queries`` (a JSON object
``queries``, ``query`` or ``extend``    of keyed queries), ``query`` (one), ``extend``; JSONP
                                        through ``callback`` on ``GET``
``POST /reconcile`` with a JSON body    1.0-draft (as earlier drafts sent it): ``{"queries": […]}``
``POST /reconcile/match``               1.0-draft: reconciliation (``{"queries": […]}``)
``POST /reconcile/extend``              1.0-draft: data extension, ``rows`` an array
``GET /reconcile/extend/propose``       1.0-draft: property proposals
``GET /reconcile/properties``           0.2: property proposals
``GET /reconcile/suggest/…``,           both (the answers are the same in both versions)
``/reconcile/preview``
``GET /reconcile/1.0-draft``            the manifest of 1.0-draft alone (``suggest`` as booleans,
                                        RFC 6570 ``view``), for clients that want the draft's
                                        manifest to the letter; its routes (``…/match``,
                                        ``…/extend``, ``…/suggest/entity``, …) are those above
======================================  ========================================================

A manifest cannot be both: 0.2 wants each ``suggest`` entry to be a service object, the draft a
boolean, and both versions fetch the manifest with a plain ``GET`` of the service URL. So the
service URL ``/reconcile`` keeps the form that OpenRefine uses, and ``/reconcile/1.0-draft`` is
the same service with the draft's manifest. Absolute URLs (``view``, ``preview``,
``service_url``) are built from the server's public URL (``serve --public-url``), never from the
request's ``Host`` header.

Names are matched with :mod:`peacegraph.records.names`, the normalization the curation checks and
the drafting tool use: case, accents, punctuation, curly quotes, ``&``/"and", a parenthesized
acronym, a leading "The", a trailing place. A candidate's score is 100 for the same normalized
name (or alternate name) or the identifier itself, 90 for another reading of a name (the acronym
alone, the name without its place), less for names that share words. ``match`` is true only when
exactly one record has the query's normalized name (or identifier), so OpenRefine matches
automatically only where nothing is ambiguous. A type the service does not know gives its query
no candidates; the rest of the batch is answered.

Every request's work is bounded before it starts (names per batch, characters per batch, ids
times properties of an extension with duplicates removed), runs in a small pool of its own, away from
the threads that render pages, and stops at a deadline (``--reconcile-timeout``, waiting
included): 503 then, and while the pool's queue is full.

Everything comes from the served release (its store), never from the seeds. Identifiers are the
paths below ``…/id/`` (``organization/ldsps``), so that ``identifierSpace`` plus the identifier is
the IRI.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import Literal, NamedNode, Store
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import InputError
from ..lazy import Once
from ..pages.describe import Identifier
from ..rdf.namespaces import OWL, PG, RDF_TYPE, SKOS, WD, active, pg, schema, term
from ..records.names import normalize, variants
from .limits import ReconcileLimits as Limits

DRAFT: Final = "1.0-draft"
VERSIONS: Final = ["0.1", "0.2", DRAFT]
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
ALTERNATE_PREDICATES: Final = (schema("alternateName"), term(SKOS, "altLabel"), pg("printedVariant"))
DEFAULT_LIMIT: Final = 10
MAX_LIMIT: Final = 100
BATCH_SIZE: Final = 50  # what the manifest asks clients to send at once
MAX_QUERIES: Final = 500  # queries in a batch
MAX_BATCH_CHARS: Final = 100_000  # characters of names and values in a whole batch
MAX_VALUES: Final = 20  # names, ids or values in one condition or query
MAX_IDS: Final = 500  # distinct identifiers in one data extension
MAX_BODY_BYTES: Final = 1_000_000
MAX_FORM_FIELDS: Final = 20
MAX_QUERY_CHARS: Final = 1_000
MAX_DIGITS: Final = 18  # of an integer in a request's JSON (Python refuses past 4,300, with a traceback)
LIMIT_TEXT: Final = re.compile(r"[0-9]{1,6}", re.ASCII)  # ``limit`` and ``cursor`` in a query string
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
T = TypeVar("T")


def public_base(url: str) -> str:
    """The public URL of the server (``https://example.org/pg/``) as a base without the trailing slash."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InputError(f"the public URL must be http(s)://host[:port][/path], not {url!r}")
    if parts.username or parts.password:
        raise InputError("the public URL may not carry a user name or password")
    return url.rstrip("/")


class BadRequestError(ValueError):
    """A request the service cannot answer; answered 400 with the reason."""


CLIENT_GONE: Final = 499


class UnavailableError(Exception):
    """The service cannot answer now (its queue is full, or the deadline passed); answered 503."""


@dataclass
class Budget:
    """The deadline of one request, checked between the pieces of its work; stopped when its client goes."""

    deadline: float
    stopped: bool = False

    def check(self) -> None:
        if self.stopped or time.monotonic() > self.deadline:
            raise UnavailableError("the request took longer than the service allows; send fewer queries, seconds apart")


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
    normalized: set[str] = field(default_factory=set)  # each name, normalized

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
    if not isinstance(node, NamedNode) or not node.value.startswith(active().id):
        return None
    ident = Identifier.parse(node.value[len(active().id) :])
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
            entity.normalized.add(normalize(name))
            self.exact[normalize(name)].add(entity.id)
            for reading in variants(name):
                self.readings[reading].add(entity.id)
                entity.readings.append(set(reading.split()))
                for word in reading.split():
                    self.words[word].add(entity.id)
        node = NamedNode(active().id + entity.id)
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
class Hint:
    """A property condition: the entity's values of ``pid`` against ``values`` (text or entity ids)."""

    pid: str
    values: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class Query:
    names: tuple[str, ...] = ()
    types: tuple[str, ...] = ()  # a type the service does not know matches nothing
    limit: int = DEFAULT_LIMIT
    hints: tuple[Hint, ...] = ()
    ids: tuple[str, ...] = ()  # identifiers given by an ``id`` condition
    only_ids: bool = False  # that condition is required: no other candidates

    @property
    def chars(self) -> int:
        return sum(map(len, self.names + self.ids)) + sum(len(v) for h in self.hints for v in h.values)


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


def _named(query: Query, index: Index) -> dict[str, float]:
    """The best score of each entity for any of the query's names, and 100 for each identifier it gives."""
    scores: dict[str, float] = {}
    for text in query.names:
        for entity_id, score in _score(index, text).items():
            scores[entity_id] = max(score, scores.get(entity_id, 0.0))
    scores.update({i: 100.0 for i in query.ids if i in index.entities})
    if query.only_ids:
        scores = {e: s for e, s in scores.items() if e in query.ids}
    return scores


def reconcile(index: Index, query: Query) -> list[Candidate]:
    """The candidates for one query, best first; ``match`` only for an unambiguous exact name or identifier."""
    scores = {e: s for e, s in _named(query, index).items() if not query.types or index.entities[e].kind in query.types}
    for entity_id in list(scores):
        agreement = [_agreement(index, index.entities[entity_id], hint) for hint in query.hints]
        if any(hint.required and a <= 0 for hint, a in zip(query.hints, agreement, strict=True)):
            del scores[entity_id]
        else:
            scores[entity_id] += sum(agreement)
    wanted = {normalize(n) for n in query.names}
    exact = [e for e in scores if e in query.ids or wanted & index.entities[e].normalized]
    unique = exact[0] if len(exact) == 1 else None
    ranked = sorted(scores.items(), key=lambda item: (-item[1], index.entities[item[0]].name, item[0]))
    return [
        Candidate(index.entities[e], max(0.0, min(100.0, s)), e == unique and s >= 100.0)
        for e, s in ranked[: query.limit]
    ]


def _agreement(index: Index, entity: Entity, hint: Hint) -> float:
    """+5 when the entity agrees with one of the values, -20 when it says otherwise, 0 when it says nothing."""
    if hint.pid == "wikidata":
        found = entity.wikidata
        wanted = {v.strip().removeprefix(WD).upper() for v in hint.values}
    elif hint.pid == "country":
        found = entity.places
        wanted = set(hint.values) | {p for p in entity.places for v in hint.values if _place_named(index, p, v)}
    elif hint.pid == "type":
        found = [entity.kind]
        wanted = {normalize(v) for v in hint.values}
    else:
        return 0.0
    if not found:
        return 0.0
    return 5.0 if set(found) & wanted else -20.0


def _place_named(index: Index, entity_id: str, text: str) -> bool:
    place = index.get(entity_id)
    return place is not None and normalize(text) in {r for n in place.names for r in variants(n)}


# --- parsing requests -------------------------------------------------------------------------


def parse_query(raw: object) -> Query:
    """One 0.1/0.2 query (``{"query": …, "type": …, "limit": …, "properties": […]}``) or a bare string."""
    if isinstance(raw, str):
        return Query((_text(raw),))
    if not isinstance(raw, dict):
        raise BadRequestError("a query is a string or an object with a `query`")
    given = [p if isinstance(p, dict) else {} for p in _list(raw.get("properties"), "properties")]
    if len(given) > MAX_VALUES:
        raise BadRequestError(f"a query has at most {MAX_VALUES} properties")
    hints = tuple(_hint(p.get("pid"), p.get("v")) for p in given)
    return Query((_text(raw.get("query")),), _types(raw.get("type")), _limit(raw.get("limit")), hints)


def parse_draft_query(raw: object) -> Query:
    """One 1.0-draft query: ``{"type": …, "limit": …, "conditions": [{"matchType": …, "propertyValue": …}]}``."""
    if not isinstance(raw, dict):
        raise BadRequestError("a query is an object with `conditions`")
    conditions = _list(raw.get("conditions"), "conditions")
    if not conditions or len(conditions) > MAX_VALUES:
        raise BadRequestError(f"a query has between 1 and {MAX_VALUES} conditions")
    names: list[str] = []
    ids: list[str] = []
    hints: list[Hint] = []
    only_ids = False
    for condition in conditions:
        if not isinstance(condition, dict):
            raise BadRequestError("a condition is an object")
        kind, value, required = condition.get("matchType"), condition.get("propertyValue"), condition.get("required")
        if kind == "name":
            names += [_text(v) for v in _values(value)]
        elif kind == "id":
            ids += _values(value)
            only_ids = only_ids or required is True
        elif kind == "property":
            hints.append(_hint(condition.get("propertyId"), value, required is True))
        else:
            raise BadRequestError("`matchType` is one of name, id, property")
    return Query(tuple(names), _types(raw.get("type")), _limit(raw.get("limit")), tuple(hints), tuple(ids), only_ids)


def _values(value: object) -> list[str]:
    """A property value, or an array of them, as text (an entity given by its ``id``)."""
    found = value if isinstance(value, list) else [value]
    if not found or len(found) > MAX_VALUES:
        raise BadRequestError(f"give between 1 and {MAX_VALUES} values in a condition")
    texts = []
    for item in found:
        if isinstance(item, dict):
            item = item.get("id")
        if isinstance(item, bool):
            item = "true" if item else "false"
        if not isinstance(item, str | int | float):
            raise BadRequestError("a value is a string, a number, a boolean or an entity with an `id`")
        if isinstance(item, str) and len(item) > MAX_QUERY_CHARS:
            raise BadRequestError(f"a value is at most {MAX_QUERY_CHARS} characters")
        texts.append(str(item))
    return texts


def _hint(pid: object, value: object, required: bool = False) -> Hint:
    if not isinstance(pid, str) or value is None:
        raise BadRequestError("a property condition needs a property id (`pid`, `propertyId`) and a value")
    return Hint(pid, tuple(_values(value)), required)


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
    if not isinstance(found, list) or not all(isinstance(t, str) for t in found) or len(found) > MAX_VALUES:
        raise BadRequestError("`type` is a type id or a list of them")
    return tuple(found)


def _limit(value: object) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadRequestError("`limit` is a positive integer")
    return min(value, MAX_LIMIT)


def limit_of(params: dict[str, str], name: str = "limit") -> int | None:
    """A positive integer from the query string (ASCII digits only: ``int`` reads "²" and 5,000 digits badly)."""
    text = params.get(name)
    if text is None or text == "":
        return None
    if not LIMIT_TEXT.fullmatch(text):
        raise BadRequestError(f"`{name}` is a positive integer")
    return _limit(int(text)) if name == "limit" else int(text)


def _list(value: object, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequestError(f"`{what}` is a list")
    return value


def _bounded(queries: list[Query]) -> list[Query]:
    if len(queries) > MAX_QUERIES:
        raise BadRequestError(f"at most {MAX_QUERIES} queries at once")
    if sum(q.chars for q in queries) > MAX_BATCH_CHARS:
        raise BadRequestError(f"a batch may hold at most {MAX_BATCH_CHARS:,} characters of names and values")
    return queries


def parse_queries(text: str) -> dict[str, Query]:
    """The ``queries`` field of 0.2: a JSON object of keyed queries."""
    batch = parse_json(text)
    if not isinstance(batch, dict):
        raise BadRequestError("`queries` is a JSON object of queries by key")
    if len(batch) > MAX_QUERIES:
        raise BadRequestError(f"at most {MAX_QUERIES} queries at once")
    keys = [str(key) for key in batch]
    return dict(zip(keys, _bounded([parse_query(raw) for raw in batch.values()]), strict=True))


def parse_draft_queries(body: object) -> list[Query]:
    """A 1.0-draft batch: ``{"queries": […]}``."""
    queries = _list(body.get("queries") if isinstance(body, dict) else None, "queries")
    if not queries or len(queries) > MAX_QUERIES:
        raise BadRequestError(f"give between 1 and {MAX_QUERIES} `queries`")
    return _bounded([parse_draft_query(q) for q in queries])


def _refuse_big(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise BadRequestError(f"a number in the JSON has more than {MAX_DIGITS} digits")
    return int(digits)


def _refuse_constant(name: str) -> None:
    raise BadRequestError(f"{name} is not JSON")


def parse_json(text: str) -> Any:
    try:
        return json.loads(text, parse_int=_refuse_big, parse_constant=_refuse_constant)
    except BadRequestError:
        raise
    except (ValueError, RecursionError):
        raise BadRequestError("not JSON") from None


# --- data extension ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Extension:
    ids: list[str]  # without duplicates, in the order given
    properties: list[str]  # likewise


def parse_extension(raw: object) -> Extension:
    """``{"ids": […], "properties": [{"id": …}]}``: the work is distinct ids times distinct properties."""
    if not isinstance(raw, dict):
        raise BadRequestError("`extend` is an object with `ids` and `properties`")
    ids = _list(raw.get("ids"), "ids")
    if not all(isinstance(i, str) for i in ids):
        raise BadRequestError("`ids` is a list of identifiers")
    distinct = list(dict.fromkeys(ids))
    if len(distinct) > MAX_IDS:
        raise BadRequestError(f"`ids` may hold at most {MAX_IDS} distinct identifiers")
    wanted = [p.get("id") if isinstance(p, dict) else None for p in _list(raw.get("properties"), "properties")]
    unknown = [p for p in wanted if not isinstance(p, str) or p not in PROPERTIES]
    if unknown:
        raise BadRequestError(f"unknown property {str(unknown[0])[:40]!r}; the properties are {', '.join(PROPERTIES)}")
    return Extension(distinct, list(dict.fromkeys(str(p) for p in wanted)))


def extend(index: Index, extension: Extension, budget: Budget) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The values of each property for each identifier (none for an identifier the service does not know)."""
    rows = {}
    for entity_id in extension.ids:
        budget.check()
        entity = index.get(entity_id)
        rows[entity_id] = {p: _property_values(index, entity, p) for p in extension.properties}
    return rows


def extension_meta(extension: Extension) -> list[dict[str, Any]]:
    return [_meta(p) for p in extension.properties]


def _meta(pid: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": pid, "name": PROPERTIES[pid]}
    if pid == "country":
        entry["type"] = {"id": "place", "name": "Place"}
    if pid == "signed":
        entry["type"] = {"id": "document", "name": "Document"}
    return entry


def _property_values(index: Index, entity: Entity | None, pid: str) -> list[dict[str, Any]]:
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
    node = NamedNode(active().id + entity_id)
    return next(iter(index.store.quads_for_pattern(node, RDF_TYPE, schema("Country"))), None) is not None


def _signed(index: Index, entity: Entity) -> list[str]:
    """The documents whose list of signatories has the entity."""
    node = NamedNode(active().id + entity.id)
    found = set()
    for item in index.store.quads_for_pattern(None, schema("item"), node):
        for signature in index.store.quads_for_pattern(None, pg("signature"), item.subject):
            ident = _identifier(signature.subject)
            if ident is not None:
                found.add(ident.path)
    return sorted(found)


def proposals(kind: str, limit: int | None) -> dict[str, Any]:
    """The properties offered for extension of a type (all of them without one), at most ``limit``."""
    offered = [{"id": k, "name": v} for k, v in PROPERTIES.items() if kind != "topic" or k in ("type", "wikidata")]
    payload: dict[str, Any] = {"properties": offered[:limit]}
    if kind:
        payload["type"] = kind
    if limit is not None:
        payload["limit"] = limit
    return payload


# --- suggest ----------------------------------------------------------------------------------


def suggest_entities(index: Index, prefix: str, types: tuple[str, ...], page: slice) -> list[dict[str, Any]]:
    """Entities one of whose names starts with ``prefix`` (normalized), or has a word that does."""
    wanted = normalize(prefix)
    if not wanted:
        return []
    found = []
    for entity in index.entities.values():
        if types and entity.kind not in types:
            continue
        if any(r.startswith(wanted) for r in entity.normalized):
            found.append((0, entity))
        elif any(f" {wanted}" in f" {r}" for r in entity.normalized):
            found.append((1, entity))
    found.sort(key=lambda item: (item[0], item[1].name, item[1].id))
    return [{"id": e.id, "name": e.name, "description": e.description, "notable": e.type} for _rank, e in found[page]]


def suggest_named(options: dict[str, str], prefix: str) -> list[dict[str, str]]:
    wanted = normalize(prefix)
    return [{"id": k, "name": v} for k, v in options.items() if not wanted or wanted in normalize(f"{k} {v}")]


# --- manifests --------------------------------------------------------------------------------


def _common(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "defaultTypes": [{"id": k, "name": v} for k, v in TYPES.items()],
        "batchSize": BATCH_SIZE,
        "standardizedScore": True,
    }


def manifest(base: str, name: str) -> dict[str, Any]:
    """The manifest at ``/reconcile``: 0.2 to the letter, and the draft's everywhere but ``suggest``."""
    service = {"service_url": base}
    return {
        "versions": VERSIONS,
        **_common(name),
        "identifierSpace": active().id,
        "schemaSpace": PG,
        "view": {"url": f"{base}/id/{{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 140},
        "suggest": {k: {**service, "service_path": f"/reconcile/suggest/{k}"} for k in ("entity", "type", "property")},
        "extend": {
            "propose_properties": {**service, "service_path": "/reconcile/properties"},
            "property_settings": [],
            "proposeProperties": True,
            "propertySettings": [],
        },
    }


def draft_manifest(base: str, name: str) -> dict[str, Any]:
    """The manifest at ``/reconcile/1.0-draft``: the draft's alone (its routes follow from the URL)."""
    return {
        "versions": [DRAFT],
        **_common(name),
        "view": {"url": f"{base}/id/{{+id}}"},  # RFC 6570; ``+`` keeps the slash of ``organization/ldsps``
        "preview": {"width": 400, "height": 140},
        "suggest": {"entity": True, "property": True, "type": True},
        "extend": {"proposeProperties": True, "propertySettings": []},
    }


# --- HTTP ---------------------------------------------------------------------------------------


def answer(payload: object, callback: str | None = None, status_code: int = 200) -> Response:
    """JSON, or JSONP when a valid ``callback`` was given (validated before this is called)."""
    if callback is None:
        body = json.dumps(payload, ensure_ascii=False)
        return Response(body, status_code, media_type="application/json", headers=JSON_HEADERS)
    # ensure_ascii escapes U+2028/U+2029 too; the leading comment defeats content sniffing tricks.
    body = f"/**/{callback}({json.dumps(payload, ensure_ascii=True)});"
    return Response(body, status_code, media_type="application/javascript", headers=JSON_HEADERS)


def error(message: str, callback: str | None = None, status_code: int = 400) -> Response:
    response = answer({"status": "error", "message": message}, callback, status_code)
    if status_code == 503:
        response.headers["Retry-After"] = "1"
    return response


def callback_of(params: dict[str, str]) -> str | None:
    value = params.get("callback")
    if value is None:
        return None
    if not CALLBACK.fullmatch(value):
        raise BadRequestError("`callback` must be a JavaScript identifier (letters, digits, _ and $, dotted)")
    return value


@dataclass(frozen=True)
class Call:
    """What a handler gets: the parameters (query string, then a form body), a JSON body's text, JSONP's callback.

    JSON is parsed by the handlers, in the service's pool: not in the loop that serves every request.
    """

    params: dict[str, str]
    json: str | None
    callback: str | None

    def field(self, name: str) -> str:
        """The JSON text of a batch: the JSON body, else the form field ``name``."""
        return self.json if self.json is not None else self.params.get(name, "null")


async def _read(request: Request, jsonp: bool) -> Call:
    params = {k: v for k, v in request.query_params.items()}
    callback = callback_of(params) if jsonp else None
    if request.method != "POST":
        return Call(params, None, callback)
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
        return Call(params, text, None)
    try:  # in the loop, so bounded: a megabyte of ``a&a&…`` is half a million fields
        fields = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise BadRequestError(f"a form may have at most {MAX_FORM_FIELDS} fields") from None
    params.update({k: v[-1] for k, v in fields.items()})
    return Call(params, None, None)


Handler = Callable[[Call], Awaitable[Response]]
PREFLIGHT: Final = {
    **CORS,
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
}


def _endpoint(handler: Handler, jsonp: bool) -> Callable[[Request], Awaitable[Response]]:
    """Parse the request, answer CORS preflights, and turn refusals into one-line JSON errors."""

    async def endpoint(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=PREFLIGHT)
        call = Call({}, None, None)
        try:
            call = await _read(request, jsonp)
            return await _unless_gone(request, handler(call))
        except BadRequestError as problem:
            return error(str(problem), call.callback)
        except UnavailableError as problem:
            return error(str(problem), call.callback, 503)

    return endpoint


async def _unless_gone(request: Request, work: Awaitable[Response]) -> Response:
    """What ``work`` answers, unless the client disconnects first: then ``work`` is cancelled (and
    the answer is a 499, nginx's "client closed request", that nobody reads)."""
    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait((task, gone), return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not task.done():
            task.cancel()
    if task.cancelled() or not task.done():
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return Response(status_code=CLIENT_GONE)
    return task.result()


async def _disconnected(request: Request) -> None:
    """Until the client disconnects (the request's body, if any, is already read)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


class Service:
    """The handlers of ``/reconcile`` over one release's store; absolute URLs start with ``public_url``."""

    def __init__(self, st: Store, public_url: str, name: str, limits: Limits | None = None):
        self._index = Once(lambda: Index(st))
        self.name = name  # the dataset's title, the service's name in OpenRefine
        self.base = public_base(public_url)
        self.limits = limits or Limits()
        self.pool = ThreadPoolExecutor(self.limits.workers, thread_name_prefix="reconcile")
        self.admitted = 0  # requests running or waiting in the pool

    @property
    def index(self) -> Index:
        """The index, made on the first request (the server answers queries before that)."""
        return self._index.get()

    def routes(self) -> list[Route]:
        both = ["GET", "POST", "OPTIONS"]
        return [
            Route("/reconcile", _endpoint(self.root, jsonp=True), methods=both),
            Route("/reconcile/properties", _endpoint(self.propose, jsonp=True), methods=["GET", "OPTIONS"]),
            *self._routes("/reconcile", jsonp=True),
            Route("/reconcile/1.0-draft", _endpoint(self.draft_root, jsonp=False), methods=["GET", "OPTIONS"]),
            *self._routes("/reconcile/1.0-draft", jsonp=False),
        ]

    def _routes(self, root: str, jsonp: bool) -> list[Route]:
        """The routes of the draft below a root (0.2's suggest and preview are at the same places)."""
        get, post = ["GET", "OPTIONS"], ["POST", "OPTIONS"]
        return [
            Route(f"{root}/match", _endpoint(self.match, jsonp=False), methods=post),
            Route(f"{root}/extend", _endpoint(self.extend_draft, jsonp=False), methods=post),
            Route(f"{root}/extend/propose", _endpoint(self.propose, jsonp=False), methods=get),
            Route(f"{root}/preview", _endpoint(self.preview, jsonp=False), methods=get),
            Route(f"{root}/suggest/entity", _endpoint(self.suggest_entity, jsonp), methods=get),
            Route(f"{root}/suggest/type", _endpoint(self.suggest_type, jsonp), methods=get),
            Route(f"{root}/suggest/property", _endpoint(self.suggest_property, jsonp), methods=get),
        ]

    async def _run(self, work: Callable[[Budget], T]) -> T:
        """Run ``work`` in the service's own pool, with a deadline that counts the wait for it."""
        if self.admitted >= self.limits.workers + self.limits.waiting:
            raise UnavailableError("the reconciliation service is busy; try again in a second")
        self.admitted += 1
        budget = Budget(time.monotonic() + self.limits.seconds)
        try:
            return await asyncio.wrap_future(self.pool.submit(_checked, work, budget))
        except asyncio.CancelledError:  # the client has gone: the work leaves the queue, or stops at its next check
            budget.stopped = True
            raise
        finally:
            self.admitted -= 1

    # --- 0.2 (and the combined manifest) ----------------------------------------------------------

    async def root(self, call: Call) -> Response:
        if call.json is not None:  # a 1.0-draft batch, as earlier drafts sent it
            return await self.match(call)
        params = call.params
        if "queries" in params:
            return answer(await self._run(lambda b: self._batch(params["queries"], b)), call.callback)
        if "query" in params:  # 0.1: one query, as a string or JSON
            return answer(await self._run(lambda b: self._single(params["query"], b)), call.callback)
        if "extend" in params:
            return answer(await self._run(lambda b: self._extension(params["extend"], b, draft=False)), call.callback)
        return answer(manifest(self.base, self.name), call.callback)

    def _batch(self, text: str, budget: Budget) -> dict[str, Any]:
        return {key: {"result": candidates} for key, candidates in self._match(parse_queries(text), budget)}

    def _single(self, text: str, budget: Budget) -> dict[str, Any]:
        query = parse_query(parse_json(text) if text.lstrip().startswith("{") else text)
        return {"result": self._match({"q": query}, budget)[0][1]}

    def _match(self, queries: dict[str, Query], budget: Budget) -> list[tuple[str, list[dict[str, Any]]]]:
        found = []
        for key, query in queries.items():
            budget.check()
            found.append((key, [c.json() for c in reconcile(self.index, query)]))
        return found

    def _extension(self, text: str, budget: Budget, draft: bool) -> dict[str, Any]:
        """Data extension; ``rows`` a map of identifiers (0.2) or a list (the draft)."""
        extension = parse_extension(parse_json(text))
        rows = extend(self.index, extension, budget)
        if not draft:
            return {"meta": extension_meta(extension), "rows": rows}
        listed = [{"id": i, "properties": [{"id": p, "values": v} for p, v in row.items()]} for i, row in rows.items()]
        return {"meta": extension_meta(extension), "rows": listed}

    async def propose(self, call: Call) -> Response:
        return answer(proposals(call.params.get("type", ""), limit_of(call.params)), call.callback)

    # --- 1.0-draft --------------------------------------------------------------------------------

    async def draft_root(self, call: Call) -> Response:
        return answer(draft_manifest(self.base, self.name))

    async def match(self, call: Call) -> Response:
        return answer(await self._run(lambda b: self._draft_batch(call.field("queries"), b)))

    def _draft_batch(self, text: str, budget: Budget) -> dict[str, Any]:
        body = parse_json(text)
        queries = parse_draft_queries({"queries": body} if isinstance(body, list) else body)
        matched = self._match({str(k): q for k, q in enumerate(queries)}, budget)
        return {"results": [{"candidates": candidates} for _key, candidates in matched]}

    async def extend_draft(self, call: Call) -> Response:
        return answer(await self._run(lambda b: self._extension(call.field("extend"), b, draft=True)))

    # --- both -------------------------------------------------------------------------------------

    async def preview(self, call: Call) -> Response:
        entity = self.index.get(call.params.get("id", ""))
        if entity is None:
            return Response("no such identifier", 404, media_type="text/plain; charset=utf-8", headers=PREVIEW_HEADERS)
        return Response(_preview(entity, self.base), media_type="text/html; charset=utf-8", headers=PREVIEW_HEADERS)

    async def suggest_entity(self, call: Call) -> Response:
        params = call.params
        types = _types(params["type"].split(",")) if params.get("type") else ()
        limit, cursor = limit_of(params) or DEFAULT_LIMIT, limit_of(params, "cursor") or 0
        prefix = params.get("prefix", "")
        if len(prefix) > MAX_QUERY_CHARS:
            raise BadRequestError(f"`prefix` is at most {MAX_QUERY_CHARS} characters")
        page = slice(cursor, cursor + limit)
        found = await self._run(lambda b: suggest_entities(self.index, prefix, types, page))
        return answer({"result": found}, call.callback)

    async def suggest_type(self, call: Call) -> Response:
        return answer({"result": suggest_named(TYPES, call.params.get("prefix", "")[:MAX_QUERY_CHARS])}, call.callback)

    async def suggest_property(self, call: Call) -> Response:
        found = suggest_named(PROPERTIES, call.params.get("prefix", "")[:MAX_QUERY_CHARS])
        return answer({"result": found}, call.callback)


def _checked(work: Callable[[Budget], T], budget: Budget) -> T:
    budget.check()  # the time spent waiting for the pool counts
    return work(budget)


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
