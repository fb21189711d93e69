"""The settings of ``peacegraph serve``, in one place: the server reads them, and the command line
takes its defaults from them (``cli.serve``), so that no default is written twice.

Light on purpose (no HTTP stack, no store): the command line imports it to build its options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..reconcile.limits import ReconcileLimits


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds for one query, from its arrival: waiting for a worker, evaluating, serializing
    max_bytes: int = 10_000_000  # of one serialized answer
    workers: int = 2  # queries that run at the same time
    max_memory: int | None = 1 << 30  # bytes of data memory per worker (None: no cap)


@dataclass(frozen=True)
class ServerSettings:
    out: Path = Path("out")
    seeds: Path | None = None  # the source texts, for the text around quotes; pages do without them
    queries: Path | None = None  # the collection's saved queries, offered in the query editor
    host: str = "127.0.0.1"
    port: int = 8000
    limits: Limits = field(default_factory=Limits)
    max_queued: int = 32  # queries that may wait for a worker; more are answered 503
    request_seconds: float = 10.0  # for a request to arrive whole, or an answer to drain
    max_unsent: int = 256 << 20  # answers waiting for clients that do not read; past it, queries get 503
    max_connections: int = 1000  # open connections in all (each holds a file descriptor); the oldest idle go first
    max_client_connections: int = 64  # open connections from one client address
    trusted_proxies: tuple[str, ...] = ()  # addresses or networks whose X-Forwarded-For names the client
    access_log: bool = False  # a line on stderr for every request (kept answers then take the usual way)
    public_url: str | None = None  # where clients reach the server, for absolute URLs; None: http://host:port
    reconcile: ReconcileLimits = field(default_factory=ReconcileLimits)

    def public(self) -> str:
        """The public URL: as configured, else this server's own address (never a request's ``Host``)."""
        if self.public_url:
            return self.public_url
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"
