"""The rows of a check's query become results (the terms of a SHACL validation result), and those
:class:`~peacegraph.validation.report.Violation` objects, worded as pySHACL words them and pointing
back to the seed file and line of the record.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad, QuerySolution, QuerySolutions, Store

from ...records.model import Origin
from ..report import Violation, origin_of, short_name
from .literals import unwrap
from .paths import PropertyPath
from .program import Check
from .terms import FAILS, Term, display


@dataclass(frozen=True)
class Result:
    """A validation result: focus node, path, value (as in the data), severity, constraint component, shape."""

    focus: Term
    path: PropertyPath | None
    value: Term | None
    component: str
    severity: NamedNode
    shape: Term
    message: str
    #: The ``sh:message`` of the shape, or of the shape it is part of, for people.
    explanation: str | None = None

    def violation(self, by_iri: Mapping[str, Origin]) -> Violation:
        return Violation(
            focus=self.focus.value,
            path=str(self.path) if self.path is not None else None,
            constraint=self.component,
            severity=short_name(self.severity.value),
            message=self.message,
            value=self.value.value if self.value is not None else None,
            origin=origin_of(self.focus.value, by_iri),
            explanation=self.explanation,
        )


def results_of(check: Check, store: Store) -> Iterator[tuple[Term, Result]]:
    """The results of a reporting check, each with the target focus node (the *root*) its row is for:
    the focus node itself, or the outer one a nested property shape's focus node is reached from."""
    for row in _violating(check, store):
        focus, value = unwrap(row["f"]), unwrap(row["v"]) if check.reports_value else None
        root = unwrap(row[check.root])
        assert focus is not None
        assert root is not None
        predicate = row["p"] if check.path_from_row else None
        path = PropertyPath(predicate.value) if isinstance(predicate, NamedNode) else check.path
        for outcome in check.outcomes:
            if outcome.flag is None or _false(row[outcome.flag]):
                message = outcome.message.replace("{f}", display(focus))
                message = message.replace("{v}", display(value) if value is not None else "")
                yield (
                    root,
                    Result(
                        focus,
                        outcome.path if outcome.path is not None else path,
                        value,
                        outcome.component,
                        outcome.severity or check.severity,
                        outcome.shape if outcome.shape is not None else check.shape,
                        message,
                        outcome.explanation,
                    ),
                )


def failures_of(check: Check, store: Store) -> Iterator[Quad]:
    """The nodes a check of a condition finds failing, as quads of the bookkeeping graph."""
    assert check.mark is not None
    graph, mark = NamedNode(FAILS), NamedNode(check.mark)
    for row in _violating(check, store):
        if any(outcome.flag is None or _false(row[outcome.flag]) for outcome in check.outcomes):
            node = row[check.root]
            assert node is not None
            yield Quad(mark, graph, node, graph)


def _violating(check: Check, store: Store) -> Iterator[QuerySolution]:
    solutions = store.query(check.query)
    assert isinstance(solutions, QuerySolutions)
    for row in solutions:
        if check.accept is None or not check.accept(row):
            yield row


def _false(flag: Term | None) -> bool:
    """A flag that is ``false`` (unbound, from an error in the data, counts as met, as in a FILTER)."""
    return isinstance(flag, Literal) and flag.value == "false"
