"""Running compiled checks: their results in the order of the checks, whichever thread ran each, and the
first error raised."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode, Store

from peacegraph.rdf.namespaces import SH
from peacegraph.validation.fast.program import Check, Outcome, Program
from peacegraph.validation.fast.run import results


def _check(n: int, query: str | None = None) -> Check:
    select = f"SELECT ?f ?v WHERE {{ VALUES (?f ?v) {{ (<urn:x:{n}> {n}) (<urn:x:{n}> {n + 1}) }} }}"
    outcome = Outcome("sh:DatatypeConstraintComponent", f"check {n}")
    return Check(query or select, None, NamedNode(SH + "Violation"), (outcome,), True, NamedNode(f"urn:shape:{n}"))


@pytest.mark.parametrize("checks", [0, 1, 2, 3, 40])
def test_results_come_in_the_order_of_the_checks(checks: int) -> None:
    found = results(Program(steps=[_check(n) for n in range(checks)]), Store())
    assert [(r.focus.value, r.value.value if r.value else None) for r in found] == [
        (f"urn:x:{n}", str(value)) for n in range(checks) for value in (n, n + 1)
    ]


@pytest.mark.parametrize("broken", [0, 20, 39])
def test_a_check_that_fails_raises_its_error(broken: int) -> None:
    checks = [_check(n, "SELECT nonsense" if n == broken else None) for n in range(40)]
    with pytest.raises(SyntaxError):
        results(Program(steps=list(checks)), Store())
