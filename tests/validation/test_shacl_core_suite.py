"""The fast engine passes the W3C SHACL Core test suite: every test, nothing refused, and its results
(focus node, path, value, severity, constraint component) those of the expected report, counted as a
multiset (the suite expects a result twice where a shape is reached twice).

The suite is read from ``../shared/reference/shacl-core-tests`` (see its SOURCE.md).
"""

from __future__ import annotations

import pytest

from peacegraph.validation import fast as fastshacl

from . import shacl_suite
from .shacl_suite import SUITE, SuiteTest, actual

pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason=f"the SHACL Core test suite is not at {SUITE}")

SUITE_TESTS = shacl_suite.read_suite(SUITE) if SUITE.is_dir() else []


def test_the_whole_suite_is_found() -> None:
    assert len(SUITE_TESTS) == 98
    assert len({t.name for t in SUITE_TESTS}) == 98


@pytest.mark.parametrize("case", SUITE_TESTS, ids=[t.name for t in SUITE_TESTS])
def test_fast_engine_gives_the_expected_report(case: SuiteTest) -> None:
    got = actual(fastshacl.evaluate(case.data, case.shapes))
    missing, extra = case.expected - got, got - case.expected
    assert not missing, f"missing {sorted(missing.elements())}"
    assert not extra, f"unexpected {sorted(extra.elements())}"
    assert (not got) == case.conforms


def test_results_in_the_report_keep_their_severity_and_conformance() -> None:
    """Through the report the build uses: a test whose only result is a warning does not conform (SHACL §3.1)."""
    case = next(t for t in SUITE_TESTS if t.name == "misc/severity-001")
    report = fastshacl.validate_triples(case.data, case.shapes)
    assert not report.conforms
    assert {v.severity for v in report.violations} == {"sh:Warning"}
    assert report.blocking() == []
