"""Leave one curated document out, draft it again from its text, build the draft as it is, and
compare with what the curators recorded (issue 14, "How it is measured")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEEDS

from .measure import Comparison, compare, timeline_headings

LETTERS = [
    "small-group-statement-of-principles",  # 000: no date, no signatories, numbered points in three lists
    "civil-society-letter-to-issg-2017-03-22",  # 001: a letter with a salutation, "Sincerely," and "CC:"
    "small-group-ministers-statement-2019-11-14",  # 002: ministers of seven governments, a dated title
    "civil-society-statement-on-sochi-2018",  # 003: 133 numbered signatories across blank lines
]


@pytest.fixture(scope="module", params=LETTERS)
def drafted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    return compare(SEEDS, tmp_path_factory.mktemp("loo"), request.param)


def test_the_draft_builds_as_it_is(drafted: Comparison) -> None:
    assert (drafted.draft_exit, drafted.build_exit) == (0, 0), drafted.output


def test_every_signatory_in_printed_order(drafted: Comparison) -> None:
    matched, curated = drafted.signatories
    assert matched == curated, drafted.misses


def test_signatories_defined_elsewhere_resolve_to_their_keys(drafted: Comparison) -> None:
    resolved, elsewhere = drafted.resolved
    assert resolved == elsewhere, drafted.misses


def test_title_date_addressees_and_copies_as_curated(drafted: Comparison) -> None:
    assert drafted.title_ok, drafted.title
    assert drafted.date[0] == drafted.date[1]
    assert drafted.recipients[0] == drafted.recipients[1]
    assert drafted.copied_to[0] == drafted.copied_to[1]


def test_issuers_as_curated(drafted: Comparison) -> None:
    assert drafted.issuers[0] == drafted.issuers[1]


def test_numbered_points_become_candidate_positions(drafted: Comparison) -> None:
    found, curated = drafted.points
    assert found == curated, drafted.misses
    assert drafted.positions >= curated


def test_every_drafted_quote_is_verified(drafted: Comparison) -> None:
    text = (SEEDS / drafted.draft["documents"][0]["source"]).read_text(encoding="utf-8")
    for position in drafted.draft.get("positions", []):
        quote = position["quote"]
        assert text[quote["start"] : quote["end"]] == quote["text"]


def test_timeline_dated_headings_become_events_or_documents(tmp_path: Path) -> None:
    drafted = compare(SEEDS, tmp_path, "peace-process-timeline")
    assert (drafted.draft_exit, drafted.build_exit) == (0, 0), drafted.output
    records = drafted.draft
    dated = [(str(e["start"]), e["name"]) for e in records.get("events", [])]
    dated += [(str(d.get("date")), d["title"]) for d in records["documents"]]
    text = (SEEDS / records["documents"][0]["source"]).read_text(encoding="utf-8")
    lines = text.split("\n")
    headings = timeline_headings(text)
    found = 0
    for number, date, line in headings:
        entry = line + " " + next(following for following in lines[number:] if following.strip())
        found += any(day == date and name.split()[0].lower() in entry.lower() for day, name in dated)
    assert len(headings) == 37
    assert found >= 25, f"{found} of {len(headings)} dated headings drafted with their date"
    assert records["documents"][0]["type"] == "timeline"
