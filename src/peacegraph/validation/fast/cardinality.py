"""Cardinality constraints: ``sh:minCount`` and ``sh:maxCount``, and the qualified counts
(``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``/``sh:qualifiedMaxCount``, and
``sh:qualifiedValueShapesDisjoint``).
"""

from __future__ import annotations

from .context import Compilation, Context
from .logical import condition
from .program import Check, Outcome
from .shapes import integer
from .terms import Term


def counts(cc: Compilation, c: Context) -> None:
    """minCount and maxCount in one query per path (the common case, minCount 1 alone, without counting)."""
    bounds = _bounds(cc, c)
    if bounds:
        _alone(cc, c, bounds)
    qualified(cc, c)


def counts_of(cc: Compilation, contexts: list[Context]) -> None:
    """minCount and maxCount of property shapes with the same focus nodes (those of one shape), in one
    query: their values are read in one pass over the focus nodes, not one pass each. Their qualified
    counts are left to each (:func:`qualified`). Only predicate and inverse predicate paths are merged:
    a branch of the UNION is matched apart from the focus nodes, and a path of zero length would then
    not reach a focus node that is in no triple."""
    bounded = [(c, bounds) for c in contexts if (bounds := _bounds(cc, c))]
    merged = [(c, bounds) for c, bounds in bounded if c.path is not None and c.path.simple]
    for c, bounds in bounded:
        if len(merged) < 2 or (c, bounds) not in merged:
            _alone(cc, c, bounds)
    if len(merged) > 1:
        _together(cc, merged)


Bound = tuple[str, str, str, int]


def _bounds(cc: Compilation, c: Context) -> list[Bound]:
    """(component, comparison with the count, default message, limit) of the minCount and maxCount of ``c``."""
    assert c.path is not None
    low = integer(cc.shapes.one(c.shape, "minCount"), c.shape, "sh:minCount") or 0
    high = integer(cc.shapes.one(c.shape, "maxCount"), c.shape, "sh:maxCount")
    bounds = []
    if low > 0:
        bounds.append(("MinCount", ">=", f"Less than {low} values on {{f}}->{c.path.named()}", low))
    if high is not None:
        bounds.append(("MaxCount", "<=", f"More than {high} values on {{f}}->{c.path.named()}", high))
    return bounds


def _alone(cc: Compilation, c: Context, bounds: list[Bound]) -> None:
    assert c.path is not None
    values = c.path.pattern("?f", "?v")
    if [(name, limit) for name, _test, _message, limit in bounds] == [("MinCount", 1)]:
        query = f"{c.select()} WHERE {{ {c.focus} FILTER NOT EXISTS {{ {values} }} }}"
        cc.add(c, query, [("MinCount", "", bounds[0][2])], flags=False)
        return
    tests = [(name, f"{c.count()} {test} {limit}", message) for name, test, message, limit in bounds]
    where = f"{c.focus} OPTIONAL {{ {values} }}" if bounds[0][0] == "MinCount" else f"{c.focus} {values}"
    _grouped(cc, c, f"{{ {where} }} GROUP BY {c.keys}", tests)


def _together(cc: Compilation, bounded: list[tuple[Context, list[Bound]]]) -> None:
    """One query for the bounds of several contexts on the same focus nodes: the values of each path
    are a branch of a UNION, counted apart (``?a0``, ``?a1``…), and each bound is a flag."""
    first = bounded[0][0]
    branches: list[str] = []
    tests: list[str] = []
    outcomes: list[Outcome] = []
    for i, (c, bounds) in enumerate(bounded):
        assert c.path is not None
        branches.append(f"{{ {c.path.pattern('?f', f'?a{i}')} }}")
        for name, test, message, limit in bounds:
            flag = f"c{len(tests)}"
            tests.append(f"{c.count(f'?a{i}')} {test} {limit}")
            component = f"sh:{name}ConstraintComponent"
            outcomes.append(Outcome(component, c.message or message, flag, c.explanation, c.shape, c.path, c.severity))
    flags = " ".join(f"(({test}) AS ?c{j})" for j, test in enumerate(tests))
    broken = " || ".join(f"!({test})" for test in tests)
    where = f"{first.focus} OPTIONAL {{ {' UNION '.join(branches)} }}"
    query = f"SELECT {first.keys} {flags} WHERE {{ {where} }} GROUP BY {first.keys} HAVING ({broken})"
    check = Check(
        query, None, first.severity, tuple(outcomes), False, first.shape, mark=first.mark, root=first.root[1:]
    )
    cc.program.steps.append(check)


def qualified(cc: Compilation, c: Context) -> None:
    """How many values conform to the qualified value shape, against the qualified bounds.

    A qualified value shape without the counts, or counts without the shape, constrain nothing: a
    constraint component applies only with all its mandatory parameters.
    """
    assert c.path is not None
    low = integer(cc.shapes.one(c.shape, "qualifiedMinCount"), c.shape, "sh:qualifiedMinCount")
    high = integer(cc.shapes.one(c.shape, "qualifiedMaxCount"), c.shape, "sh:qualifiedMaxCount")
    qualifier = cc.shapes.one(c.shape, "qualifiedValueShape")
    if qualifier is None or (low is None and high is None):
        return
    bounds = []
    if low is not None:
        message = f"QualifiedMinCount constraint ({low}) not met on {{f}}->{c.path.named()}"
        bounds.append(("QualifiedMinCount", f"COALESCE(?n, 0) >= {low}", message))
    if high is not None:
        message = f"QualifiedMaxCount constraint ({high}) not met on {{f}}->{c.path.named()}"
        bounds.append(("QualifiedMaxCount", f"COALESCE(?n, 0) <= {high}", message))
    with cc.joining() as joins:
        conforms = " && ".join(_qualifying(cc, c, qualifier))
    where = " ".join([c.focus, c.path.pattern("?f", "?v"), *joins.patterns])
    counted = f"{{ SELECT {c.keys} ({c.count()} AS ?n) WHERE {{ {where} FILTER({conforms}) }} GROUP BY {c.keys} }}"
    _grouped(cc, c, f"{{ {c.focus} OPTIONAL {counted} }}", bounds, grouped=False)


def _qualifying(cc: Compilation, c: Context, qualifier: Term) -> list[str]:
    """Conditions for a value to count: it conforms to the qualifier, and (if disjoint) to no sibling's."""
    found = [condition(cc, qualifier, "?v", c)]
    if cc.shapes.true(c.shape, "qualifiedValueShapesDisjoint"):
        for sibling in _siblings(cc, c.shape, qualifier):
            found.append(f"!COALESCE({condition(cc, sibling, '?v', c)}, false)")
    return found


def _siblings(cc: Compilation, shape: Term, qualifier: Term) -> list[Term]:
    """The qualified value shapes of the other property shapes of the shapes that ``shape`` is a property of."""
    found: list[Term] = []
    for parent in cc.shapes.parents(shape):
        for prop in cc.shapes.values(parent, "property"):
            for other in cc.shapes.values(prop, "qualifiedValueShape"):
                if prop != shape and other not in found:
                    found.append(other)
    return found


def _grouped(cc: Compilation, c: Context, where: str, bounds: list[tuple[str, str, str]], grouped: bool = True) -> None:
    """A query over ``where`` (with ``GROUP BY`` if ``grouped``) that keeps focus nodes out of ``bounds``."""
    flags = " ".join(f"(({test}) AS ?c{i})" for i, (_name, test, _message) in enumerate(bounds))
    broken = " || ".join(f"!({test})" for _name, test, _message in bounds)
    keep = f"HAVING ({broken})" if grouped else f"FILTER ({broken})"
    body = where if grouped else where[:-1] + f" {keep} }}"
    query = f"SELECT {c.keys} {flags} WHERE {body} {keep if grouped else ''}"
    cc.add(c, query, [(name, "", message) for name, _test, message in bounds])
