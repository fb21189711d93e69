"""Value range constraints (``sh:minExclusive``, ``sh:minInclusive``, ``sh:maxExclusive``,
``sh:maxInclusive``) as conditions on a value, compared as SPARQL compares them
(https://www.w3.org/TR/shacl/#core-components-range): a value that cannot be compared violates them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pyoxigraph import Literal

from .shapes import ShapesGraph, refuse
from .terms import WRAPPED, Term, display

#: (parameter, component, comparison the value must pass against the bound).
BOUNDS: Final = (
    ("minExclusive", "MinExclusive", ">"),
    ("minInclusive", "MinInclusive", ">="),
    ("maxExclusive", "MaxExclusive", "<"),
    ("maxInclusive", "MaxInclusive", "<="),
)


def conditions(shapes: ShapesGraph, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
    for local, name, test in BOUNDS:
        for bound in shapes.values(shape, local):
            if not isinstance(bound, Literal):
                raise refuse(shape, f"sh:{local} {bound} that is not a literal")
            expression = f"COALESCE({as_written(v)} {test} {bound}, false)"
            yield name, f"(isLiteral({v}) && {expression})", f"Value is not {test} {display(bound)}"


def as_written(v: str) -> str:
    """The literal ``v`` of the store with its own datatype again (the store keeps typed literals wrapped)."""
    datatype = f"STR(DATATYPE({v}))"
    unwrapped = f'STRDT(STR({v}), IRI(STRAFTER({datatype}, "{WRAPPED}")))'
    return f'IF(STRSTARTS({datatype}, "{WRAPPED}"), {unwrapped}, {v})'
