"""How much the reconciliation service may do: light, so that the command line can read its defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReconcileLimits:
    """How much the reconciliation service may do at once, and for how long."""

    seconds: float = 10.0  # a request's deadline, its wait for the pool included
    workers: int = 1  # threads that match, apart from the pages' pool
    waiting: int = 16  # requests that may wait for them; more are answered 503
