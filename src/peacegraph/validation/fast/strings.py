"""String-based constraints: ``sh:minLength`` and ``sh:maxLength`` as conditions on a value, and
``sh:pattern`` as a check of its own, matched in Python with :func:`re.search` as pySHACL does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, QuerySolution

from .context import Compilation, Context
from .shapes import ShapesGraph, integer, refuse
from .terms import Term


def length_conditions(shapes: ShapesGraph, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
    """(component, condition the value ``v`` must meet, message) for minLength and maxLength."""
    for bound, name, test in (("minLength", "MinLength", "<"), ("maxLength", "MaxLength", ">")):
        limit = integer(shapes.one(shape, bound), shape, f"sh:{bound}")
        if limit is not None:
            condition = f"(!isBlank({v}) && !(STRLEN(STR({v})) {test} {limit}))"
            yield name, condition, f"String length not {'>=' if test == '<' else '<='} {limit}"


def pattern(cc: Compilation, c: Context, pattern: Term) -> None:
    if not isinstance(pattern, Literal):
        raise refuse(c.shape, f"sh:pattern {pattern} that is not a literal")
    compiled = re.compile(pattern.value)

    def accept(row: QuerySolution) -> bool:
        node = row["v"]
        return isinstance(node, NamedNode | Literal) and compiled.search(node.value) is not None

    query = f"SELECT ?f ?v WHERE {{ {c.focus} {c.values()} }}"
    message = f"Value does not match pattern '{pattern.value}'"
    cc.add(c, query, [("Pattern", "", message)], value=True, flags=False, accept=accept)
