"""`peacegraph reconcile`: Wikidata links checked against a local Oxigraph server loaded with a small
Wikidata-shaped graph (tests/fixtures/reconcile): right links, wrong links, candidates, unknowns."""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from peacegraph.cli import main
from peacegraph.remote import endpoint
from peacegraph.remote import reconcile as reconciling

from ..servers import Answer, Scripted, free_port, oxigraph

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reconcile"
WIKIDATA = FIXTURE / "wikidata.ttl"

#: record → (verdict, candidates) that the review must give for the fixture.
EXPECTED = {
    "org:aleppo-local-council": ("kind mismatch", ""),
    "org:alpha-group": ("unlinked", "Q900000011 Alpha Group; Q900000012 Alpha Group International"),
    "org:beta-network": ("unlinked", ""),
    "org:united-nations": ("ok", ""),
    "person:jane-envoy": ("ok", ""),
    "place:aleppo": ("ok", ""),
    "place:homs": ("label and kind mismatch", "Q900000020 Homs"),
    "place:idlib": ("label mismatch", "Q900000040 Idlib"),
    "place:raqqa": ("missing entity", ""),
    "place:syria": ("ok", ""),
}


@pytest.fixture(scope="module")
def wikidata_like(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query endpoint of an Oxigraph server holding the Wikidata-shaped fixture."""
    with oxigraph(tmp_path_factory.mktemp("wikidata") / "store", data=WIKIDATA) as base:
        yield f"{base}/query"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(FIXTURE / "seeds", target)
    return target


def run(seeds: Path, url: str, tmp_path: Path) -> Result:
    args = ["reconcile", "--seeds", str(seeds), "--endpoint", url, "--interval", "0"]
    args += ["--review", str(tmp_path / "review.csv"), "--cache", str(tmp_path / "cache")]
    return CliRunner().invoke(main, args)


def read_review(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["record"]: row for row in csv.DictReader(handle)}


def digest(directory: Path) -> dict[str, str]:
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_the_review_gives_every_record_its_verdict_and_candidates(
    seeds: Path, wikidata_like: str, tmp_path: Path
) -> None:
    result = run(seeds, wikidata_like, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{tmp_path / 'review.csv'}: 4 ok, 1 label mismatch, 1 kind mismatch, 1 label and kind mismatch, "
        "1 missing entity, 2 unlinked; candidates proposed for 3\n"
    )
    review = read_review(tmp_path / "review.csv")
    assert {record: (row["verdict"], row["candidates"]) for record, row in review.items()} == EXPECTED
    assert list(review) == sorted(review, key=lambda ref: reconciling.LINKABLE.index(ref.split(":")[0]))
    homs = review["place:homs"]
    assert (homs["link"], homs["wikidata_label"], homs["wikidata_classes"]) == (
        "Q900000021",
        "Homs Governorate",
        "Q900000098",
    )
    assert homs["origin"].endswith("entities.yaml:34")
    assert review["person:jane-envoy"]["wikidata_label"] == "Jane Q. Envoy"  # the name matched an alias


def test_records_are_never_changed(seeds: Path, wikidata_like: str, tmp_path: Path) -> None:
    before = digest(seeds)
    assert run(seeds, wikidata_like, tmp_path).exit_code == 0
    assert digest(seeds) == before


def test_answers_are_cached_so_a_second_run_needs_no_server(seeds: Path, tmp_path: Path) -> None:
    with oxigraph(tmp_path / "store", data=WIKIDATA) as base:
        url = f"{base}/query"
        assert run(seeds, url, tmp_path).exit_code == 0
    first = (tmp_path / "review.csv").read_text(encoding="utf-8")
    (tmp_path / "review.csv").unlink()
    again = run(seeds, url, tmp_path)  # the server is gone: only the cache can answer
    assert again.exit_code == 0, again.output
    assert (tmp_path / "review.csv").read_text(encoding="utf-8") == first


def test_it_sends_a_descriptive_user_agent_and_obeys_429_retry_after(
    seeds: Path, wikidata_like: str, tmp_path: Path
) -> None:
    waits: list[float] = []
    base = wikidata_like.removesuffix("/query")
    with Scripted([Answer(429, b"Too Many Requests", {"Retry-After": "7"})], upstream=base) as limited:
        settings = reconciling.Settings(
            seeds,
            f"{limited.base}/query",
            tmp_path / "review.csv",
            tmp_path / "cache",
            interval=0,
            retry=endpoint.Retry(sleep=waits.append),
        )
        reviews = reconciling.reconcile(settings)
    assert waits == [7.0]
    assert {r.subject.ref: r.verdict.value for r in reviews} == {k: v for k, (v, _c) in EXPECTED.items()}
    agents = {seen.headers.get("User-Agent", "") for seen in limited.seen}
    assert agents == {endpoint.AGENT}
    assert endpoint.AGENT.startswith("peacegraph/")
    assert "https://w3id.org/peacegraph/" in endpoint.AGENT


def test_requests_keep_the_minimum_interval(seeds: Path, wikidata_like: str, tmp_path: Path) -> None:
    waits: list[float] = []
    settings = reconciling.Settings(
        seeds,
        wikidata_like,
        tmp_path / "review.csv",
        tmp_path / "cache",
        interval=30.0,
        retry=endpoint.Retry(sleep=waits.append),
    )
    reconciling.reconcile(settings)
    requests = len(list((tmp_path / "cache").glob("*.json")))
    assert requests == 14
    assert len(waits) == requests - 1  # every request but the first waited its turn
    assert all(wait > 0 for wait in waits)


def test_an_unreachable_endpoint_is_one_line_and_writes_no_review(seeds: Path, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    result = run(seeds, dead, tmp_path)
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: query endpoint {dead}: connection refused (is the server running, and is this its port?)\n"
    )
    assert not (tmp_path / "review.csv").exists()


def test_the_expected_classes_cover_every_kind_but_topics() -> None:
    assert reconciling.expected_classes("place", "city") == {"Q515": "city", "Q486972": "human settlement"}
    assert reconciling.expected_classes("place", "area") == reconciling.EXPECTED_CLASSES[("place", "*")]
    assert reconciling.expected_classes("org", "armed-group") == {"Q43229": "organization"}
    assert reconciling.expected_classes("person", None) == {"Q5": "human"}
    assert reconciling.expected_classes("topic", None) is None
    assert {prefix for prefix, _kind in reconciling.EXPECTED_CLASSES} == set(reconciling.LINKABLE) - {"topic"}
