"""The rows of a check's query become :class:`~peacegraph.validation.report.Violation` objects,
worded as pySHACL words them and pointing back to the seed file and line of the record.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pyoxigraph import Literal, QuerySolutions, Store

from ...records.model import Origin
from ..report import Violation, origin_of
from .program import Check
from .terms import Term, display


def violations_of(check: Check, store: Store, by_iri: Mapping[str, Origin]) -> Iterator[Violation]:
    solutions = store.query(check.query)
    assert isinstance(solutions, QuerySolutions)
    for row in solutions:
        if check.accept is not None and check.accept(row):
            continue
        focus = row["f"]
        value = row["v"] if check.reports_value else None
        assert focus is not None
        for outcome in check.outcomes:
            if outcome.flag is None or _false(row[outcome.flag]):
                message = outcome.message.replace("{f}", display(focus))
                yield Violation(
                    focus=focus.value,
                    path=str(check.path) if check.path else None,
                    constraint=outcome.component,
                    severity=check.severity,
                    message=message.replace("{v}", display(value) if value else ""),
                    value=value.value if value is not None else None,
                    origin=origin_of(focus.value, by_iri),
                    explanation=outcome.explanation,
                )


def _false(flag: Term | None) -> bool:
    """A flag that is ``false`` (unbound, from an error in the data, counts as met, as in a FILTER)."""
    return isinstance(flag, Literal) and flag.value == "false"
