"""What compiling a set of shapes keeps track of, and the shape being compiled at each step."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from pyoxigraph import NamedNode, QuerySolution

from .paths import PropertyPath
from .program import Check, Outcome, Program
from .shapes import ShapesGraph, refuse
from .terms import FOCUS, SUBCLASS, TYPE, Term


@dataclass
class Compilation:
    """The shapes being compiled, the program built from them so far, and the shapes on the way down."""

    shapes: ShapesGraph
    #: Whether class membership follows ``rdfs:subClassOf`` (false: ``rdf:type`` alone).
    subclasses: bool
    program: Program = field(default_factory=Program)
    ids: int = 0
    #: The path of the shape being compiled (datatype checks note which properties they read).
    path: PropertyPath | None = None
    #: The shapes being compiled, outermost first: a shape met again in here is recursive.
    within: list[Term] = field(default_factory=list)
    #: The patterns the conditions of each query being built need joined (see :meth:`joining`), innermost last.
    #: ``None`` where a shape's compilation starts: a query made there joins nothing unless it collects.
    joins: list[dict[tuple[str, tuple[str, ...]], str] | None] = field(default_factory=list)

    @contextlib.contextmanager
    def entering(self, shape: Term) -> Iterator[None]:
        """While ``shape`` is compiled; refused if it is being compiled already (SHACL leaves recursion undefined)."""
        if shape in self.within:
            chain = " -> ".join(map(str, [*self.within, shape]))
            raise refuse(shape, f"recursive shapes (a shape that refers to itself: {chain})")
        self.within.append(shape)
        try:
            yield
        finally:
            self.within.pop()

    @contextlib.contextmanager
    def apart(self) -> Iterator[None]:
        """While a shape's own queries are made (in the middle of another's, for a condition): they join
        only what they collect themselves (:meth:`joining`)."""
        self.joins.append(None)
        try:
            yield
        finally:
            self.joins.pop()

    def new_id(self) -> str:
        """A fresh name for a set of focus nodes (and for the nodes among them that fail a condition)."""
        self.ids += 1
        return f"urn:peacegraph:fastshacl:shape:{self.ids}"

    def instance(self, var: str, cls: NamedNode) -> str:
        """A pattern true when ``var`` is an instance of ``cls``."""
        through = f"{TYPE}/{SUBCLASS}*" if self.subclasses else TYPE
        return f"{var} {through} <{cls.value}> ."

    def _instance_of_any(self, var: str, classes: tuple[str, ...]) -> str:
        """A pattern true when ``var`` is an instance of one of ``classes`` (at least one)."""
        if len(classes) == 1:
            return self.instance(var, NamedNode(classes[0]))
        through = f"{TYPE}/{SUBCLASS}*" if self.subclasses else TYPE
        return f"VALUES ?class {{ {' '.join(f'<{c}>' for c in classes)} }} {var} {through} ?class ."

    @contextlib.contextmanager
    def joining(self, join: bool = True) -> Iterator[Joins]:
        """While the conditions of one query are made: the patterns to put in its WHERE clause, after
        the pattern that binds the variables they test (filled when the block ends; none unless ``join``)."""
        self.joins.append({} if join else None)
        joins = Joins()
        try:
            yield joins
        finally:
            joined = self.joins.pop()
            for (var, classes), flag in (joined or {}).items():
                instances = self._instance_of_any(var, classes)
                joins.patterns.append(f"OPTIONAL {{ SELECT DISTINCT {var} (true AS {flag}) WHERE {{ {instances} }} }}")
                joins.instances[f"BOUND({flag})"] = instances

    def is_instance(self, var: str, *classes: NamedNode) -> str:
        """A condition true when ``var`` is an instance of one of ``classes``.

        In a query that collects joins (:meth:`joining`), a flag that an OPTIONAL subquery of all the
        instances binds: Oxigraph joins it by hashing, once per query. ``EXISTS`` is looked up row by
        row, and Oxigraph's in-memory store walks the shortest of the lists of the lookup's terms: for
        a class of a few nodes with many triples each, ten times slower at a million triples.
        """
        key = (var, tuple(cls.value for cls in classes))
        joined = self.joins[-1] if self.joins else None
        if joined is None:
            return f"EXISTS {{ {self._instance_of_any(*key)} }}"
        if key not in joined:
            joined[key] = f"?k{len(self.joins)}_{len(joined)}"
        return f"BOUND({joined[key]})"

    def add(
        self,
        c: Context,
        query: str,
        outcomes: list[tuple[str, str, str]],
        *,
        value: bool = False,
        flags: bool = True,
        accept: Callable[[QuerySolution], bool] | None = None,
        path_from_row: bool = False,
    ) -> None:
        """A check of ``query``; each outcome (component, _, default message) reads flag ``?c<i>`` if ``flags``."""
        made = tuple(
            Outcome(f"sh:{name}ConstraintComponent", c.message or message, f"c{i}" if flags else None, c.explanation)
            for i, (name, _unused, message) in enumerate(outcomes)
        )
        check = Check(query, c.path, c.severity, made, value, c.shape, accept, c.mark, c.root[1:], path_from_row)
        self.program.steps.append(check)


@dataclass
class Joins:
    """What the conditions of one query join (:meth:`Compilation.joining`)."""

    #: The patterns to put in the query's WHERE clause.
    patterns: list[str] = field(default_factory=list)
    #: The pattern of the instances each joined flag's condition (``BOUND(?k…)``) asks for.
    instances: dict[str, str] = field(default_factory=dict)

    def unless(self, condition: str) -> str | None:
        """Where ``condition`` is that of the one join, a pattern that keeps only the rows where it is
        false: ``MINUS`` the instances (Oxigraph hashes them once, without the flag's ``DISTINCT`` and
        ``BIND``: the check of a value's class a third faster at a million triples). Else None."""
        while condition.startswith("(") and condition.endswith(")") and condition not in self.instances:
            condition = condition[1:-1]  # the key alone in parentheses (as an inline sh:node writes it) is the key
        if len(self.instances) != 1 or condition not in self.instances:
            return None
        return f"MINUS {{ {self.instances[condition]} }}"


@dataclass(frozen=True)
class Context:
    """A shape applied to a set of focus nodes: where they are, the path, message and severity.

    The focus nodes are the set named ``focus_set`` (materialized in the store) or, for a property
    shape under a property shape, the values reached from them along ``chain``: a result is then
    reported once for each outer focus node it is reached from. With ``mark``, violations are not
    reported: the nodes of the set that have any are marked as failing (a shape used as a condition).
    """

    shape: Term
    focus_set: str
    path: PropertyPath | None
    message: str | None
    severity: NamedNode
    chain: tuple[PropertyPath, ...] = ()
    mark: str | None = None
    #: The ``sh:message`` of the shape, or of the shape it is part of: the rule in a curator's words.
    explanation: str | None = None
    #: The class whose instances (by ``rdf:type`` alone) are the focus set, instead of a set materialized.
    target_class: str | None = None

    @property
    def focus(self) -> str:
        """A pattern binding ``?f`` to each focus node (and ``?x0``… to the outer ones)."""
        names = [f"?x{i}" for i in range(len(self.chain))] + ["?f"]
        steps = [path.pattern(names[i], names[i + 1]) for i, path in enumerate(self.chain)]
        if self.target_class is not None:
            return " ".join([f"{names[0]} {TYPE} <{self.target_class}> .", *steps])
        return " ".join([f"GRAPH <{FOCUS}> {{ <{self.focus_set}> <{FOCUS}> {names[0]} }}", *steps])

    @property
    def root(self) -> str:
        """The variable of the node of the focus set that a row belongs to."""
        return "?x0" if self.chain else "?f"

    @property
    def keys(self) -> str:
        """The focus node, with the outer focus nodes it is reached from."""
        return " ".join([*(f"?x{i}" for i in range(len(self.chain))), "?f"])

    @property
    def distinct(self) -> bool:
        """Whether the rows may repeat (paths other than predicates, or chains, reach a node more than once)."""
        return bool(self.chain) or (self.path is not None and not self.path.simple)

    def select(self, extra: str = "") -> str:
        return f"SELECT {'DISTINCT ' if self.distinct else ''}{self.keys} {extra}".rstrip()

    def count(self, v: str = "?v") -> str:
        return f"COUNT(DISTINCT {v})" if self.distinct else f"COUNT({v})"

    def values(self) -> str:
        """A pattern binding ``?v`` to each value node of the focus node ``?f``."""
        return self.path.pattern("?f", "?v") if self.path else "BIND(?f AS ?v)"

    def nested(self, shape: Term, path: PropertyPath, message: str | None, severity: NamedNode) -> Context:
        """The context of a property shape under this shape: its focus nodes are this shape's values."""
        chain = (*self.chain, self.path) if self.path is not None else self.chain
        explanation = message or self.explanation
        return replace(
            self, shape=shape, path=path, message=message, severity=severity, chain=chain, explanation=explanation
        )
