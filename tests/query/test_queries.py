"""The saved queries (``queries/*.rq``) give their expected results over the release, both from
``peacegraph query -f`` and from the SPARQL endpoint. Rows are compared in order when the query has
an ``ORDER BY``, else as a multiset. ``pytest --regen-golden`` rewrites the expected files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from rdflib.plugins.sparql import prepareQuery

from peacegraph.cli import main
from peacegraph.query.saved import SavedQuery, saved_queries
from peacegraph.serve import guard

from ..conftest import ROOT

QUERIES = saved_queries(ROOT / "seeds" / "queries")


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_same_result(actual: list[list[str]], expected: list[list[str]], *, ordered: bool) -> None:
    assert actual[0] == expected[0], "the columns differ"
    body, wanted = actual[1:], expected[1:]
    if not ordered:
        body, wanted = sorted(body), sorted(wanted)
    missing = [row for row in wanted if row not in body]
    extra = [row for row in body if row not in wanted]
    assert body == wanted, f"missing {missing[:5]}, unexpected {extra[:5]} (run pytest --regen-golden to accept)"


@pytest.fixture(scope="module")
def endpoint(release_server: str) -> str:
    return release_server + "sparql"


def test_the_competency_questions_are_saved() -> None:
    assert {q.name for q in QUERIES} >= {
        "signatories",
        "repeat-signatories",
        "meetings-in-period",
        "positions-on-topic",
        "citing-2254",
        "about-organization",
    }


@pytest.mark.parametrize("saved", QUERIES, ids=lambda q: q.name)
def test_a_saved_query_has_a_title_and_a_description(saved: SavedQuery) -> None:
    assert saved.title != saved.name
    assert saved.description


@pytest.mark.parametrize("saved", QUERIES, ids=lambda q: q.name)
def test_a_saved_query_declares_its_prefixes_so_that_any_endpoint_runs_it(saved: SavedQuery) -> None:
    prepareQuery(saved.text)  # fails on a prefix that is not declared


@pytest.mark.parametrize("saved", QUERIES, ids=lambda q: q.name)
def test_the_cli_gives_the_expected_result(saved: SavedQuery, out_dir: Path, regen: bool) -> None:
    args = ["query", "-f", str(saved.path), "--format", "csv", "--release", str(out_dir)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    if regen:
        saved.expected.write_text(result.stdout, encoding="utf-8")
    expected = table(saved.expected.read_text(encoding="utf-8"))
    assert len(expected) > 1, f"{saved.name} answers nothing over the release"
    assert_same_result(table(result.stdout), expected, ordered=guard.check(saved.text).ordered)


@pytest.mark.parametrize("saved", QUERIES, ids=lambda q: q.name)
def test_the_endpoint_gives_the_expected_result(saved: SavedQuery, endpoint: str) -> None:
    response = httpx.post(endpoint, data={"query": saved.text}, headers={"accept": "text/csv"}, timeout=60)
    assert response.status_code == 200, response.text
    expected = table(saved.expected.read_text(encoding="utf-8"))
    assert_same_result(table(response.text), expected, ordered=guard.check(saved.text).ordered)


def test_there_is_no_expected_result_without_its_query() -> None:
    names = {q.name for q in QUERIES}
    strays = [p.name for p in (ROOT / "queries").glob("*.expected.csv") if p.name.split(".")[0] not in names]
    assert strays == []
