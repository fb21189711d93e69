"""The compiled form of the shapes: steps in order, each an update (a set of focus nodes to
materialize) or a check (a SPARQL query, and how to read its rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, QuerySolution

from .paths import PropertyPath
from .terms import Term


@dataclass(frozen=True)
class Outcome:
    """A constraint a check decides: a violation when its ``flag`` variable is false (or always, without one)."""

    component: str
    message: str
    flag: str | None = None
    #: The ``sh:message`` of the shape or of the node shape it is part of, for people.
    explanation: str | None = None
    #: The property shape, its path and severity, where a check decides several shapes' constraints
    #: (the counts of the property shapes of one shape); else the check's.
    shape: Term | None = None
    path: PropertyPath | None = None
    severity: NamedNode | None = None


@dataclass(frozen=True)
class Check:
    """Constraints of one shape over the focus nodes of one context: a query and how to read its rows.

    The query selects ``?f`` (the focus node), ``?v`` for constraints that report values, ``?p``
    for those whose path is the row's predicate (``sh:closed``), the context's chain of outer focus
    nodes, and a boolean per outcome that has a flag; it returns only rows that violate something.
    A row is no violation at all if ``accept`` (checked in Python, for ``sh:pattern`` and
    ``sh:lessThan``) accepts it. A check with ``mark`` reports nothing: the root node (``root``) of
    each violating row fails the shape ``mark`` (a shape used as a condition, see ``compiler``).
    """

    query: str
    path: PropertyPath | None
    severity: NamedNode
    outcomes: tuple[Outcome, ...]
    reports_value: bool
    shape: Term
    accept: Callable[[QuerySolution], bool] | None = None
    mark: str | None = None
    root: str = "f"
    path_from_row: bool = False

    @property
    def components(self) -> set[str]:
        return {outcome.component for outcome in self.outcomes}


@dataclass(frozen=True)
class Update:
    """A SPARQL update that materializes the focus nodes of a shape (its targets, or the nodes it is a condition on)."""

    update: str


@dataclass
class Program:
    """The compiled shapes: steps to run in order, and the datatypes to check."""

    steps: list[Update | Check] = field(default_factory=list)
    #: Datatypes whose literals must be checked for well-formedness, and the properties they are
    #: values of (None: any property, or the focus nodes themselves, which could be anything).
    datatypes: set[str] = field(default_factory=set)
    typed_values_of: set[str | None] = field(default_factory=set)
    #: Literals that are focus nodes as ``sh:targetNode``, whether the data has them or not.
    literal_targets: set[Literal] = field(default_factory=set)

    @property
    def checks(self) -> list[Check]:
        return [step for step in self.steps if isinstance(step, Check)]
