"""What compiling a set of shapes keeps track of, and the shape being compiled at each step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, QuerySolution

from .program import Check, Outcome, Program, PropertyPath
from .shapes import ShapesGraph
from .terms import SUBCLASS, TYPE, Term


@dataclass
class Compilation:
    """The shapes being compiled, the program built from them so far, and the shapes' ids."""

    shapes: ShapesGraph
    #: Whether class membership follows ``rdfs:subClassOf`` (false: ``rdf:type`` alone).
    subclasses: bool
    program: Program = field(default_factory=Program)
    ids: dict[Term, str] = field(default_factory=dict)
    #: The path of the shape being compiled (datatype checks note which properties they read).
    path: PropertyPath | None = None

    def shape_id(self, shape: Term) -> str:
        if shape not in self.ids:
            self.ids[shape] = f"urn:peacegraph:fastshacl:shape:{len(self.ids)}"
        return self.ids[shape]

    def instance(self, var: str, cls: NamedNode) -> str:
        """A pattern true when ``var`` is an instance of ``cls``."""
        through = f"{TYPE}/{SUBCLASS}*" if self.subclasses else TYPE
        return f"{var} {through} <{cls.value}> ."

    def add(
        self,
        c: Context,
        query: str,
        outcomes: list[tuple[str, str, str]],
        *,
        value: bool = False,
        flags: bool = True,
        accept: Callable[[QuerySolution], bool] | None = None,
    ) -> None:
        """A check of ``query``; each outcome (component, _, default message) reads flag ``?c<i>`` if ``flags``."""
        made = tuple(
            Outcome(f"sh:{name}ConstraintComponent", c.message or message, f"c{i}" if flags else None, c.explanation)
            for i, (name, _unused, message) in enumerate(outcomes)
        )
        self.program.checks.append(Check(query, c.path, c.severity, made, value, accept))


@dataclass(frozen=True)
class Context:
    """A shape applied to focus nodes: the pattern binding ``?f``, the path, message and severity."""

    shape: Term
    focus: str
    path: PropertyPath | None
    message: str | None
    severity: str
    #: The ``sh:message`` of the shape or of the node shape it is part of.
    explanation: str | None = None

    def values(self) -> str:
        """A pattern binding ``?v`` to each value node of the focus node ``?f``."""
        return self.path.pattern("?f", "?v") if self.path else "BIND(?f AS ?v)"
