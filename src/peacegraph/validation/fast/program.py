"""The compiled form of the shapes: checks (a SPARQL query each, and how to read its rows) and the
focus node sets and datatypes they need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, QuerySolution

from ..reference import short_name
from .terms import display


@dataclass(frozen=True)
class PropertyPath:
    """A predicate path, or the inverse of one (``^schema:encoding``)."""

    predicate: str
    inverse: bool = False

    def pattern(self, subject: str, value: str) -> str:
        p = f"<{self.predicate}>"
        return f"{value} {p} {subject} ." if self.inverse else f"{subject} {p} {value} ."

    def __str__(self) -> str:
        """As reports give it (the path of a :class:`Violation`)."""
        return ("^" if self.inverse else "") + short_name(self.predicate)

    def named(self) -> str:
        """As messages give it."""
        return ("^" if self.inverse else "") + display(NamedNode(self.predicate))


@dataclass(frozen=True)
class Outcome:
    """A constraint a check decides: a violation when its ``flag`` variable is false (or always, without one)."""

    component: str
    message: str
    flag: str | None = None
    #: The ``sh:message`` of the shape or of the node shape it is part of, for people.
    explanation: str | None = None


@dataclass(frozen=True)
class Check:
    """Constraints of one shape over the focus nodes of one shape: a query and how to read its rows.

    The query selects ``?f`` (the focus node), ``?v`` for constraints that report values, and a
    boolean per outcome that has a flag; it returns only rows that violate something. A row is no
    violation at all if ``accept`` (checked in Python, for ``sh:pattern`` and ``sh:lessThan``)
    accepts it.
    """

    query: str
    path: PropertyPath | None
    severity: str
    outcomes: tuple[Outcome, ...]
    reports_value: bool
    accept: Callable[[QuerySolution], bool] | None = None

    @property
    def components(self) -> set[str]:
        return {outcome.component for outcome in self.outcomes}


@dataclass
class Program:
    """The compiled shapes: focus node sets to materialize, checks to run, datatypes to check."""

    focus: dict[str, str] = field(default_factory=dict)  # shape id -> WHERE clause binding ?f
    checks: list[Check] = field(default_factory=list)
    #: Datatypes whose literals must be checked for well-formedness, and the properties they are
    #: values of (None: the focus nodes themselves, which could be anything).
    datatypes: set[str] = field(default_factory=set)
    typed_values_of: set[str | None] = field(default_factory=set)
