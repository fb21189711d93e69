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
from peacegraph.records import loader
from peacegraph.remote import endpoint
from peacegraph.remote import wikidata as reconciling

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
    args = ["reconcile", "--collection", str(seeds), "--endpoint", url, "--interval", "0"]
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


# --- the review list (seeds/wikidata-review.csv): unlinked records checked first ------------------

REVIEW_LIST = (
    "key,name,kind,candidate,source\n"
    "org:beta-network,Beta Network,org/civil-society,,\n"
    'org:alpha-group,Alpha Group,org/civil-society,Q900000013,"some/repo:data.csv@0123abcd (line 7)"\n'
)


def test_listed_records_are_checked_first_and_their_candidates_judged(
    seeds: Path, wikidata_like: str, tmp_path: Path
) -> None:
    (seeds / reconciling.REVIEW_LIST).write_text(REVIEW_LIST, encoding="utf-8")
    result = run(seeds, wikidata_like, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "candidates proposed for 3; 2 from the review list checked first, 0 listed candidates confirmed\n"
    )
    review = read_review(tmp_path / "review.csv")
    assert list(review)[:2] == ["org:beta-network", "org:alpha-group"]
    assert {record: (row["verdict"], row["candidates"]) for record, row in review.items()} == EXPECTED
    alpha = review["org:alpha-group"]
    assert (alpha["candidate"], alpha["candidate_verdict"]) == ("Q900000013", "kind mismatch")  # a village
    assert alpha["listed"].endswith("wikidata-review.csv:3")
    assert (review["org:beta-network"]["candidate"], review["org:beta-network"]["candidate_verdict"]) == ("", "")
    assert review["place:syria"]["listed"] == ""


@pytest.mark.parametrize(
    ("candidate", "verdict"),
    [
        ("Q900000011", "ok"),
        ("Q900000012", "ok"),
        ("Q900000020", "label and kind mismatch"),
        ("Q900000077", "missing entity"),
    ],
)
def test_a_listed_candidate_is_judged_as_a_link_would_be(
    seeds: Path, wikidata_like: str, tmp_path: Path, candidate: str, verdict: str
) -> None:
    listed = f"key,name,kind,candidate,source\norg:alpha-group,Alpha Group,org/civil-society,{candidate},\n"
    (seeds / reconciling.REVIEW_LIST).write_text(listed, encoding="utf-8")
    result = run(seeds, wikidata_like, tmp_path)
    assert result.exit_code == 0, result.output
    row = read_review(tmp_path / "review.csv")["org:alpha-group"]
    assert (row["verdict"], row["candidate_verdict"]) == ("unlinked", verdict)
    confirmed = 1 if verdict == "ok" else 0
    assert result.stdout.endswith(f"1 from the review list checked first, {confirmed} listed candidates confirmed\n")


BAD_LISTS = [
    ("wrong header", "record,name\norg:alpha-group,Alpha Group\n", 1, "header must be key,name,kind,candidate,source"),
    ("unknown record", "org:gamma,Gamma,org,,\n", 2, "org:gamma is not defined in any record file"),
    ("not a reference", "alpha-group,Alpha Group,org,,\n", 2, "key 'alpha-group' must be a reference"),
    ("a linked record", "place:syria,Syria,place/country,,\n", 2, "place:syria already links to Q858"),
    ("a malformed candidate", "org:alpha-group,Alpha Group,org,858,\n", 2, "candidate '858' is not a Wikidata item id"),
    (
        "listed twice",
        "org:alpha-group,Alpha Group,org,,\norg:alpha-group,Alpha Group,org,Q900000011,\n",
        3,
        "org:alpha-group is listed twice (first at line 2)",
    ),
    ("broken CSV", 'org:alpha-group,"Alpha Group,org,,\n', 2, "invalid CSV"),
]


@pytest.mark.parametrize(
    ("body", "line", "message"), [case[1:] for case in BAD_LISTS], ids=[case[0] for case in BAD_LISTS]
)
def test_a_bad_review_list_is_one_line_exit_2_and_sends_nothing(
    seeds: Path, tmp_path: Path, body: str, line: int, message: str
) -> None:
    header = "" if body.startswith("record,") else "key,name,kind,candidate,source\n"
    path = seeds / reconciling.REVIEW_LIST
    path.write_text(header + body, encoding="utf-8")
    dead = f"http://127.0.0.1:{free_port()}/sparql"  # nothing is asked: the list is refused before
    result = run(seeds, dead, tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {path}:{line}: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "review.csv").exists()


def test_the_shipped_review_list_names_only_unlinked_records_and_every_unlinked_person_and_place() -> None:
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    corpus = loader.load(seeds)
    listed = reconciling.load_review_list(seeds / reconciling.REVIEW_LIST, corpus)
    refs = {row.ref for row in listed}
    for prefix in ("person", "place"):
        unlinked = {f"{prefix}:{key}" for key, record in corpus.table(prefix).items() if not record.wikidata}
        assert unlinked <= refs, sorted(unlinked - refs)
    table = loader.load_wikidata(seeds / loader.WIKIDATA_FILE)
    linked = {row.qid for row in table.values() if row.status == "verified"}
    assert not {row.candidate for row in listed} & linked  # a candidate is never a QID another record already has
