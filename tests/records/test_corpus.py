"""The graph captures what the five source documents say: signatories, numbered points, dated entries."""

from __future__ import annotations

import re

import pytest
from pyoxigraph import Store

from ..conftest import SEEDS, SMALL_GROUP_GOVERNMENTS, select

ID = "https://w3id.org/peacegraph/id/"
TIMELINE = f"<{ID}document/peace-process-timeline>"


def _text(name: str) -> str:
    return (SEEDS / name).read_bytes().decode("utf-8")


def _signatories(st: Store, key: str) -> list[str]:
    rows = select(
        st, f"SELECT ?n ?o WHERE {{ <{ID}document/{key}> pg:signature ?s . ?s schema:position ?n ; schema:item ?o }}"
    )
    return [str(o) for _n, o in sorted(rows, key=lambda r: int(r[0] or 0))]


def test_letter_to_the_issg_has_its_twelve_signatories_in_order(real_store: Store) -> None:
    text = _text("001_5f9df1488fb20d37.txt")
    printed = text.split("Sincerely,\n", 1)[1].split("CC:", 1)[0].strip().splitlines()
    names = select(
        real_store,
        f"""SELECT ?n ?name WHERE {{ <{ID}document/civil-society-letter-to-issg-2017-03-22>
        pg:signature ?s . ?s schema:position ?n ; pg:printedName ?name }}""",
    )
    by_rank = {int(rank or 0): str(name) for rank, name in names}
    assert len(printed) == 12
    assert [by_rank[i] for i in range(1, 13)] == [line.strip() for line in printed]


def test_sochi_statement_has_all_133_signatories_in_printed_order(real_store: Store) -> None:
    text = _text("003_4e26f0f3ec9af921.txt")
    printed = re.findall(r"^(\d+)\. (.+)$", text.split("Signatories:", 1)[1], re.M)
    assert [int(n) for n, _ in printed] == list(range(1, 134))
    signatories = _signatories(real_store, "civil-society-statement-on-sochi-2018")
    assert len(signatories) == 133
    assert len(set(signatories)) == 133


def test_ministers_statement_is_signed_by_the_seven_governments(real_store: Store) -> None:
    assert [
        s.rsplit("/", 1)[1] for s in _signatories(real_store, "small-group-ministers-statement-2019-11-14")
    ] == SMALL_GROUP_GOVERNMENTS


def _points(st: Store, key: str) -> set[str]:
    rows = select(st, f"SELECT ?p WHERE {{ ?x schema:appearance <{ID}document/{key}> ; pg:point ?p }}")
    return {str(r[0]) for r in rows}


def test_every_numbered_point_of_the_statement_of_principles_is_a_position(real_store: Store) -> None:
    text = _text("000_90b04b082e5b1cb8.txt")
    principles, reform, elections = re.split(r"\nConstitutional Reform:\n|\nUN-Supervised Elections\n", text)
    expected = {n for n in re.findall(r"^(\d+)\. ", principles, re.M)}
    expected |= {f"1.{letter}" for letter in re.findall(r"^([a-f])\) ", principles, re.M)}
    expected |= {f"Constitutional Reform {n}" for n in re.findall(r"^(\d+)\. ", reform, re.M)}
    expected |= {f"UN-Supervised Elections {n}" for n in re.findall(r"^(\d+)\. ", elections, re.M)}
    assert len(expected) == 8 + 6 + 6 + 3
    assert expected <= _points(real_store, "small-group-statement-of-principles")


def test_every_demand_of_the_letter_is_a_position(real_store: Store) -> None:
    demands = re.findall(r"^ ?(\d)\. ", _text("001_5f9df1488fb20d37.txt"), re.M)
    assert demands == ["1", "2", "3", "4", "5"]
    assert set(demands) <= _points(real_store, "civil-society-letter-to-issg-2017-03-22")


#: Dated headings of the timeline that are not themselves an event, a document or a statement.
NOT_EVENTS = {"2015-12-15": "a heading over analyses of the Riyadh conference, which are documents of 2015-12"}


def test_every_dated_entry_of_the_timeline_is_in_the_graph(real_store: Store) -> None:
    text = _text("004_0df86756ba49dc31.txt")
    headings = set(re.findall(r"^(?:[A-Z][a-z]+day )?(\d{4}-\d{2}-\d{2})", text, re.M))
    assert len(headings) == 31
    rows = select(
        real_store,
        f"""SELECT DISTINCT ?d WHERE {{
        {{ ?e schema:subjectOf {TIMELINE} ; schema:startDate ?d }}
        UNION {{ {TIMELINE} schema:citation ?c . ?c schema:datePublished ?d }}
        UNION {{ ?p schema:appearance {TIMELINE} ; schema:datePublished ?d }} }}""",
    )
    found = {str(r[0]) for r in rows}
    assert headings - found == set(NOT_EVENTS)


def test_friends_of_syria_conferences_form_a_series(real_store: Store) -> None:
    rows = select(
        real_store,
        f"""SELECT ?e ?d ?place WHERE {{ ?e schema:superEvent <{ID}event/friends-of-syria-conferences> ;
        schema:startDate ?d ; schema:location/schema:name ?place }}""",
    )
    assert len(rows) >= 7
    assert {"Tunis", "Istanbul", "Marrakesh", "Rome", "Amman"} <= {str(r[2]) for r in rows}


def test_core_group_meetings_of_2014_form_their_own_series(real_store: Store) -> None:
    """The 2014 meetings of the eleven "Core" countries are not conferences of the whole group."""
    rows = select(
        real_store,
        f"""SELECT ?series (COUNT(?e) AS ?n) WHERE {{ ?e schema:startDate ?d ; schema:superEvent ?series ;
        schema:attendee <{ID}organization/friends-of-syria-core-group> }} GROUP BY ?series""",
    )
    assert [(str(r[0]), int(str(r[1]))) for r in rows] == [(f"{ID}event/friends-of-syria-core-group-meetings", 2)]


def test_every_task_force_meeting_is_in_a_series(real_store: Store) -> None:
    query = "SELECT ?e WHERE { ?e a pg:TaskForceMeeting FILTER NOT EXISTS { ?e schema:superEvent ?s } }"
    assert select(real_store, query) == []


@pytest.mark.parametrize(
    "key",
    [
        "small-group-statement-of-principles",
        "civil-society-letter-to-issg-2017-03-22",
        "small-group-ministers-statement-2019-11-14",
        "civil-society-statement-on-sochi-2018",
        "peace-process-timeline",
    ],
)
def test_each_source_document_has_positions_with_evidence(real_store: Store, key: str) -> None:
    rows = select(
        real_store,
        f"""SELECT (COUNT(?p) AS ?n) WHERE {{ ?p schema:appearance <{ID}document/{key}> ;
        pg:evidence/oa:hasSelector/oa:exact ?q }}""",
    )
    assert int(rows[0][0] or 0) >= 5


def test_one_resource_per_organization_across_documents(real_store: Store) -> None:
    """Organizations that signed both civil-society statements are one resource each."""
    rows = select(
        real_store,
        f"""SELECT ?o WHERE {{
        <{ID}document/civil-society-letter-to-issg-2017-03-22> pg:signature/schema:item ?o .
        <{ID}document/civil-society-statement-on-sochi-2018> pg:signature/schema:item ?o }}""",
    )
    assert len(rows) == 8


def test_every_main_entity_has_a_description(real_store: Store) -> None:
    """An organization, person, place or event that eight or more records point to says in a line
    what it is (from the records, or general knowledge that the description says is such)."""
    rows = select(
        real_store,
        """SELECT ?e WHERE { ?s ?p ?e . ?e schema:name ?name
        FILTER(REGEX(STR(?e), "/id/(organization|person|place|event)/[^/]+$"))
        FILTER NOT EXISTS { ?e schema:description ?d } } GROUP BY ?e HAVING (COUNT(DISTINCT ?s) >= 8)""",
    )
    assert rows == [], "main entities without a description"
