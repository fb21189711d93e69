"""Remote SPARQL endpoints over HTTP, for ``publish`` and ``reconcile``.

Queries and updates go through SPARQLWrapper; graph uploads use the SPARQL 1.1 Graph Store HTTP
Protocol (a plain ``PUT``). Every request waits its turn under a rate limiter. Transient failures
(HTTP 429, 502, 503 and 504, dropped connections, time-outs) are retried a bounded number of
times with exponential back-off, never sooner than the server's ``Retry-After`` asks. Everything
else (a refused connection, 401, 403, a body that is not SPARQL JSON results) fails at once as a
one-line :class:`RemoteError`.
"""

from __future__ import annotations

import ast
import base64
import datetime
import email.utils
import http.client
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPMessage
from typing import IO, Any, TypeVar

from pyoxigraph import NamedNode
from SPARQLWrapper import GET, JSON, POST, SPARQLExceptions, SPARQLWrapper
from SPARQLWrapper import __version__ as sparqlwrapper_version

from .. import __version__
from ..errors import InputError, RemoteError

T = TypeVar("T")

#: Sent with every request, as Wikimedia's User-Agent policy asks: who we are and where to look.
AGENT = (
    f"peacegraph/{__version__} (+https://w3id.org/peacegraph/; linked-data pipeline) "
    f"SPARQLWrapper/{sparqlwrapper_version}"
)
TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
ENV_USER = "PEACEGRAPH_SPARQL_USER"
ENV_PASSWORD = "PEACEGRAPH_SPARQL_PASSWORD"
ENV_AUTH = "PEACEGRAPH_SPARQL_AUTH"
ENV_TOKEN = "PEACEGRAPH_SPARQL_TOKEN"
GET_LIMIT = 2000  # longer queries are POSTed

# SPARQLWrapper turns these statuses into its own exceptions; we keep the status for messages.
_WRAPPER_STATUS = {
    SPARQLExceptions.QueryBadFormed: 400,
    SPARQLExceptions.Unauthorized: 401,
    SPARQLExceptions.EndPointNotFound: 404,
    SPARQLExceptions.URITooLong: 414,
    SPARQLExceptions.EndPointInternalError: 500,
}


@dataclass(frozen=True)
class Credentials:
    """HTTP credentials, read from the environment only (never from command-line arguments).

    ``scheme`` is ``basic`` or ``digest`` (user and password), or ``bearer`` (a token, kept in
    ``password``, as QLever wants for updates).
    """

    user: str
    password: str = field(repr=False)
    scheme: str = "basic"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Credentials | None:
        user, password, token = env.get(ENV_USER, ""), env.get(ENV_PASSWORD, ""), env.get(ENV_TOKEN, "")
        if token:
            if user or password:
                raise InputError(f"set {ENV_TOKEN} or {ENV_USER} and {ENV_PASSWORD}, not both")
            return cls("", token, "bearer")
        if not user:
            if password:
                raise InputError(f"{ENV_PASSWORD} is set but {ENV_USER} is not")
            return None
        scheme = env.get(ENV_AUTH, "basic").strip().lower()
        if scheme not in ("basic", "digest"):
            raise InputError(f"{ENV_AUTH} must be basic or digest, not {scheme!r}")
        return cls(user, password, scheme)

    def header(self) -> str | None:
        """The ``Authorization`` header to send up front; None for digest, which answers a challenge."""
        if self.scheme == "bearer":
            return f"Bearer {self.password}"
        if self.scheme == "basic":
            return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return None


@dataclass(frozen=True)
class Retry:
    """How often and how patiently to retry transient failures.

    The n-th retry waits ``backoff * 2**(n-1)`` seconds, or longer if the server's
    ``Retry-After`` says so. A server that asks for more than ``max_wait`` seconds is given up on.
    ``sleep`` is how waiting is done (tests pass one that records the waits instead).
    """

    attempts: int = 5
    backoff: float = 1.0
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise InputError(f"attempts must be at least 1, not {self.attempts}")

    def wait(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(self.backoff * 2.0 ** (attempt - 1), self.max_wait)
        return max(backoff, retry_after or 0.0)


class RateLimiter:
    """Keeps at least ``interval`` seconds between the starts of consecutive requests."""

    def __init__(self, interval: float = 0.0, sleep: Callable[[float], None] = time.sleep):
        self.interval = interval
        self.sleep = sleep
        self._next = -math.inf

    def wait(self) -> None:
        now = time.monotonic()
        if now < self._next:
            self.sleep(self._next - now)
        self._next = max(now, self._next) + self.interval


class _TransientError(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: datetime.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    now = now or datetime.datetime.now(datetime.UTC)
    return max(0.0, (when - now).total_seconds())


def with_retries(action: Callable[[], T], retry: Retry, what: str) -> T:
    """Run ``action``, retrying transient failures as ``retry`` says."""
    for attempt in range(1, retry.attempts + 1):
        try:
            return action()
        except _TransientError as exc:
            if exc.retry_after is not None and exc.retry_after > retry.max_wait:
                raise RemoteError(
                    f"{what}: {exc.message}; it asks to retry after {exc.retry_after:.0f} s, "
                    f"more than the {retry.max_wait:.0f} s we wait"
                ) from None
            if attempt == retry.attempts:
                raise RemoteError(f"{what}: {exc.message} (gave up after {retry.attempts} attempts)") from None
            retry.sleep(retry.wait(attempt, exc.retry_after))
    raise AssertionError("unreachable: Retry.attempts is at least 1")


def check_url(url: str, what: str) -> str:
    """An http(s) URL with a host, or an InputError naming ``what`` it was for."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{what} must be an http:// or https:// URL, not {url!r}")
    return url


def one_line(text: str, limit: int = 200) -> str:
    """The gist of a server's error body: its first non-empty line, cut short."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _status(code: int, reason: str, body: str) -> str:
    detail = one_line(body)
    return f"HTTP {code} {reason}".rstrip() + (f": {detail}" if detail else "")


def _wrapper_body(exc: Exception) -> str:
    """The server's body, which SPARQLWrapper keeps only inside its message (as a bytes repr)."""
    _head, _sep, tail = str(exc).partition("Response:\n")
    try:
        raw = ast.literal_eval(tail) if tail else b""
    except (ValueError, SyntaxError):
        return tail
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _http_error(exc: urllib.error.HTTPError) -> Exception:
    try:
        raw = exc.read()  # bytes, but a str from an HTTPError made without a body (as Python 3.11.2 makes them)
        body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    except (OSError, http.client.HTTPException):
        body = ""
    finally:
        exc.close()
    message = _status(exc.code, str(exc.reason or ""), body)
    headers: Message = exc.headers
    if exc.code in TRANSIENT_STATUS:
        return _TransientError(message, retry_after_seconds(headers.get("Retry-After") if headers else None))
    return RemoteError(message)


def _os_error(reason: object) -> Exception:
    if isinstance(reason, ConnectionRefusedError):
        return RemoteError("connection refused (is the server running, and is this its port?)")
    if isinstance(reason, TimeoutError | ConnectionResetError | ConnectionAbortedError | http.client.IncompleteRead):
        return _TransientError(f"connection dropped or timed out ({type(reason).__name__})")
    return RemoteError(f"cannot connect: {reason}")


def translate(exc: Exception) -> Exception:
    """What an exception from a request means to us: transient, or a one-line RemoteError."""
    if isinstance(exc, urllib.error.HTTPError):
        return _http_error(exc)
    if isinstance(exc, SPARQLExceptions.SPARQLWrapperException):
        if isinstance(exc.__context__, urllib.error.HTTPError):
            exc.__context__.close()  # SPARQLWrapper read its body but left it open
        code = _WRAPPER_STATUS.get(type(exc), 0)
        return RemoteError(_status(code, http.client.responses.get(code, ""), _wrapper_body(exc)))
    if isinstance(exc, urllib.error.URLError):
        return _os_error(exc.reason)
    if isinstance(exc, OSError | http.client.IncompleteRead):
        return _os_error(exc)
    if isinstance(exc, http.client.HTTPException):
        return RemoteError(f"not an HTTP answer ({type(exc).__name__})")
    return exc


def bindings(body: bytes, content_type: str) -> list[dict[str, str]]:
    """The rows of SPARQL JSON results, each a mapping of variable to the value's lexical form."""
    if "json" not in content_type.lower():
        raise RemoteError(f"answered {content_type or 'without a content type'}, not SPARQL JSON results")
    try:
        document = json.loads(body.decode("utf-8"))
        rows = document["results"]["bindings"]
        return [{name: str(term["value"]) for name, term in row.items()} for row in rows]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise RemoteError("answered malformed SPARQL JSON results") from None


class Client:
    """One SPARQL service: a query endpoint, and optionally an update endpoint."""

    def __init__(
        self,
        query_endpoint: str,
        *,
        update_endpoint: str | None = None,
        credentials: Credentials | None = None,
        retry: Retry | None = None,
        limiter: RateLimiter | None = None,
        timeout: float = 60.0,
        agent: str = AGENT,
    ):
        self.query_endpoint = check_url(query_endpoint, "the query endpoint")
        self.update_endpoint = check_url(update_endpoint, "the update endpoint") if update_endpoint else None
        self.credentials = credentials
        self.retry = retry or Retry()
        self.limiter = limiter or RateLimiter()
        self.timeout = timeout
        self.agent = agent
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        self._digest = urllib.request.build_opener(_DigestAuthHandler(self._passwords))
        if credentials and credentials.scheme == "digest":
            for url in (self.query_endpoint, self.update_endpoint):
                if url:
                    self._passwords.add_password(None, url, credentials.user, credentials.password)

    def select(self, query: str) -> list[dict[str, str]]:
        """Run a SELECT query and return its rows."""
        return self._call(f"query endpoint {self.query_endpoint}", lambda: self._select_once(query))

    def update(self, update: str) -> None:
        """Run a SPARQL Update request."""
        if self.update_endpoint is None:
            raise InputError("no update endpoint given")
        self._call(f"update endpoint {self.update_endpoint}", lambda: self._update_once(update))

    def put_graph(self, store_endpoint: str, graph: NamedNode, data: bytes, media_type: str) -> None:
        """Replace ``graph`` with ``data`` through the Graph Store HTTP Protocol (``PUT ?graph=``)."""
        url = _with_parameter(check_url(store_endpoint, "the store endpoint"), "graph", graph.value)
        self._call(f"store endpoint {store_endpoint}", lambda: self._put_once(url, data, media_type))

    def _call(self, what: str, action: Callable[[], T]) -> T:
        def attempt() -> T:
            self.limiter.wait()
            try:
                return action()
            except RemoteError as exc:
                raise RemoteError(f"{what}: {exc}") from None
            except Exception as exc:
                meaning = translate(exc)
                if meaning is exc:
                    raise
                if isinstance(meaning, RemoteError):
                    raise RemoteError(f"{what}: {meaning}") from None
                raise meaning from None

        return with_retries(attempt, self.retry, what)

    def _wrapper(self, text: str, *, update: bool) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.query_endpoint, updateEndpoint=self.update_endpoint, agent=self.agent)
        wrapper.setQuery(text)
        wrapper.setReturnFormat(JSON)
        wrapper.setOnlyConneg(True)
        wrapper.setTimeout(max(1, math.ceil(self.timeout)))
        wrapper.setMethod(POST if update or len(text) > GET_LIMIT else GET)
        header = self.credentials.header() if self.credentials else None
        if header:
            wrapper.addCustomHttpHeader("Authorization", header)
        elif self.credentials:
            # SPARQLWrapper opens through urllib's process-wide opener, and for digest auth would
            # install its own; ours answers any realm and closes the 401 answers it replaces.
            urllib.request.install_opener(self._digest)
        return wrapper

    def _select_once(self, query: str) -> list[dict[str, str]]:
        result = self._wrapper(query, update=False).query()
        with result.response as response:
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
        return bindings(body, content_type)

    def _update_once(self, update: str) -> None:
        result = self._wrapper(update, update=True).query()
        with result.response as response:
            response.read()

    def _put_once(self, url: str, data: bytes, media_type: str) -> None:
        request = urllib.request.Request(url, data=data, method="PUT")
        request.add_header("Content-Type", media_type)
        request.add_header("User-Agent", self.agent)
        with self._opener(url, request).open(request, timeout=self.timeout) as response:
            response.read()

    def _opener(self, url: str, request: urllib.request.Request) -> urllib.request.OpenerDirector:
        credentials = self.credentials
        header = credentials.header() if credentials else None
        if header:
            request.add_header("Authorization", header)
        if credentials is None or header:
            return urllib.request.build_opener()
        self._passwords.add_password(None, url, credentials.user, credentials.password)
        return self._digest


class _DigestAuthHandler(urllib.request.HTTPDigestAuthHandler):
    """urllib's digest handler, but it closes the 401 answer it replaces (CPython leaves it open)."""

    def http_error_401(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage
    ) -> Any:
        try:
            response = super().http_error_401(req, fp, code, msg, headers)
        except BaseException:
            fp.close()
            raise
        if response is not None:
            fp.close()
        return response


def _with_parameter(url: str, name: str, value: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [*urllib.parse.parse_qsl(parts.query, keep_blank_values=True), (name, value)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
