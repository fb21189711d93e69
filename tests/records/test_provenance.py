"""Quoted positions, date bounds, languages of names and ambiguous names, through the real CLI."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pyoxigraph import Literal, NamedNode, RdfFormat

from peacegraph.cli import main
from peacegraph.rdf import rdfio
from peacegraph.records import dates

RECORD = Path("records") / "mini.yaml"
ID = "https://w3id.org/peacegraph/id/"
PG = "https://w3id.org/peacegraph/ontology#"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Position 2 of the mini corpus, held by the United Nations, which neither issued nor signed the statement.
QUOTED = "    holders: [org:beta-network]\n"
HELD_BY_OTHERS = "    holders: [org:united-nations]\n"
SECOND_HAND = HELD_BY_OTHERS + '    quote_origin: "UN remarks the statement repeats"\n'


def _edit(seeds: Path, old: str, new: str) -> None:
    path = seeds / RECORD
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(seeds: Path, needle: str) -> int:
    text = (seeds / RECORD).read_text(encoding="utf-8")
    return text.count("\n", 0, text.index(needle)) + 1


def _build(seeds: Path, out: Path) -> Result:
    return CliRunner().invoke(main, ["build", "--collection", str(seeds), "--out", str(out)])


def _objects(out: Path, subject: str, predicate: str) -> set[NamedNode | Literal]:
    triples = rdfio.read_triples(out / "peacegraph.nt", RdfFormat.N_TRIPLES)
    return {
        t.object  # type: ignore[misc]
        for t in triples
        if t.subject == NamedNode(subject) and t.predicate == NamedNode(predicate)
    }


def _day(value: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + "date"))


# --- quoted positions -------------------------------------------------------------------------


def test_a_quoted_position_without_a_date_fails_the_shapes_naming_its_record(mini_seeds: Path, tmp_path: Path) -> None:
    _edit(mini_seeds, QUOTED, SECOND_HAND)
    result = _build(mini_seeds, tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert f"mini.yaml:{_line_of(mini_seeds, '  - key: mini-statement-2')}" in result.output
    assert "quoted second-hand has its own date" in result.output
    assert not (tmp_path / "out").exists()


def test_a_quoted_position_never_takes_the_date_of_the_page_quoting_it(mini_seeds: Path, tmp_path: Path) -> None:
    _edit(mini_seeds, QUOTED, SECOND_HAND + '    date: "2016"\n')
    result = _build(mini_seeds, tmp_path / "out")
    assert result.exit_code == 0, result.output
    position = ID + "position/mini-statement-2"
    assert NamedNode(PG + "QuotedPosition") in _objects(tmp_path / "out", position, RDF_TYPE)
    assert _objects(tmp_path / "out", position, SCHEMA + "datePublished") == {
        Literal("2016", datatype=NamedNode(XSD + "gYear"))
    }
    assert _objects(tmp_path / "out", position, PG + "earliestDate") == {_day("2016-01-01")}
    assert _objects(tmp_path / "out", position, PG + "latestDate") == {_day("2016-12-31")}
    # A position of the holders' own document takes the document's date, and is not "quoted".
    own = ID + "position/mini-statement-1"
    assert NamedNode(PG + "QuotedPosition") not in _objects(tmp_path / "out", own, RDF_TYPE)
    assert _objects(tmp_path / "out", own, SCHEMA + "datePublished") == {_day("2017-03-22")}


def test_quoted_from_links_the_original_both_ways_and_gives_its_date(mini_seeds: Path, tmp_path: Path) -> None:
    _edit(mini_seeds, QUOTED, HELD_BY_OTHERS + "    quoted_from: doc:unscr-2254\n")
    result = _build(mini_seeds, tmp_path / "out")
    assert result.exit_code == 0, result.output
    position = ID + "position/mini-statement-2"
    original = {NamedNode(ID + "document/unscr-2254")}
    assert _objects(tmp_path / "out", position, "http://www.w3.org/ns/prov#wasQuotedFrom") == original
    assert _objects(tmp_path / "out", position, SCHEMA + "isBasedOn") == original
    assert _objects(tmp_path / "out", position, SCHEMA + "appearance") == {NamedNode(ID + "document/mini-statement")}
    assert _objects(tmp_path / "out", position, SCHEMA + "datePublished") == {_day("2015-12-18")}


@pytest.mark.parametrize(
    ("holders", "extra", "message"),
    [
        (HELD_BY_OTHERS, "    quoted_from: doc:mini-statement\n", "the position's own document"),
        (
            HELD_BY_OTHERS,
            "    quoted_from: doc:unscr-2254\n    targets: [doc:unscr-2254]\n",
            "both the original and a target",
        ),
        (QUOTED, "    quoted_from: doc:unscr-2254\n", "the holders' own document"),
        (HELD_BY_OTHERS, "    quoted_from: org:alpha-group\n", "write doc:KEY"),
        (HELD_BY_OTHERS, "    quoted_from: doc:nowhere\n", "doc:nowhere is not defined"),
    ],
    ids=["own document", "also a target", "first-hand position", "not a document", "undefined"],
)
def test_a_wrong_quoted_from_is_refused_with_file_and_line(
    mini_seeds: Path, tmp_path: Path, holders: str, extra: str, message: str
) -> None:
    _edit(mini_seeds, QUOTED, holders + extra)
    result = _build(mini_seeds, tmp_path / "out")
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert message in lines[0]
    assert f"mini.yaml:{_line_of(mini_seeds, '    quoted_from:')}" in lines[0]


# --- signatories, dates, names ----------------------------------------------------------------


def test_a_signatory_without_a_specific_type_fails_the_shapes(mini_seeds: Path, tmp_path: Path) -> None:
    _edit(mini_seeds, '    name: "Beta Network"\n    type: civil-society', '    name: "Beta Network"\n    type: other')
    result = _build(mini_seeds, tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "a signatory is a person or an organization of a specific kind" in result.output
    assert "organization/beta-network" in result.output


def test_issuers_and_signatories_are_told_apart(mini_built_out: Path) -> None:
    statement = ID + "document/mini-statement"
    assert _objects(mini_built_out, statement, PG + "issuer") == {NamedNode(ID + "organization/alpha-group")}
    assert _objects(mini_built_out, statement, PG + "signatory") == {
        NamedNode(ID + "organization/alpha-group"),
        NamedNode(ID + "organization/beta-network"),
    }


@pytest.mark.parametrize(
    ("value", "earliest", "latest"),
    [
        ("2016", "2016-01-01", "2016-12-31"),
        ("2016-02", "2016-02-01", "2016-02-29"),
        ("2015-02", "2015-02-01", "2015-02-28"),
        ("2015-12-18", "2015-12-18", "2015-12-18"),
    ],
)
def test_a_partial_date_stands_for_a_range_of_days(value: str, earliest: str, latest: str) -> None:
    assert dates.earliest(value) == datetime.date.fromisoformat(earliest)
    assert dates.latest(value) == datetime.date.fromisoformat(latest)


def test_coarse_dates_get_comparable_bounds(mini_seeds: Path, tmp_path: Path) -> None:
    _edit(mini_seeds, "    start: 2017-03-20\n    end: 2017-03-21\n", '    start: "2017"\n')
    _edit(
        mini_seeds,
        "        start: 2016-01\n",
        "        start: 2016-01\n        end: 2016-02\n        note: general knowledge\n",
    )
    result = _build(mini_seeds, tmp_path / "out")
    assert result.exit_code == 0, result.output
    meeting, role = ID + "event/mini-meeting", ID + "person/jane-envoy/role/special-envoy"
    assert _objects(tmp_path / "out", meeting, PG + "earliestDate") == {_day("2017-01-01")}
    assert _objects(tmp_path / "out", meeting, PG + "latestDate") == {_day("2017-12-31")}
    assert _objects(tmp_path / "out", role, PG + "latestDate") == {_day("2016-02-29")}
    assert _objects(tmp_path / "out", role, SCHEMA + "description") == {Literal("general knowledge")}


def test_an_end_certainly_before_the_start_is_refused_but_a_coarse_overlap_is_not(
    mini_seeds: Path, tmp_path: Path
) -> None:
    _edit(mini_seeds, "        start: 2016-01\n", '        start: 2016-01\n        end: "2016"\n')
    assert _build(mini_seeds, tmp_path / "ok").exit_code == 0
    _edit(mini_seeds, '        end: "2016"\n', '        end: "2015"\n')
    result = _build(mini_seeds, tmp_path / "bad")
    assert result.exit_code == 2
    assert "end 2015 is before start 2016-01" in result.output
    assert f"mini.yaml:{_line_of(mini_seeds, '        end: ')}" in result.output


def test_names_carry_their_language_and_a_label(mini_seeds: Path, tmp_path: Path) -> None:
    _edit(mini_seeds, 'alternate_names: ["Alpha"]', 'alternate_names: ["Alpha", {text: "Groupe Alpha", language: fr}]')
    result = _build(mini_seeds, tmp_path / "out")
    assert result.exit_code == 0, result.output
    alpha = ID + "organization/alpha-group"
    assert _objects(tmp_path / "out", alpha, SCHEMA + "alternateName") == {
        Literal("Alpha", language="en"),
        Literal("Groupe Alpha", language="fr"),
    }
    assert _objects(tmp_path / "out", alpha, SCHEMA + "name") == {Literal("Alpha Group", language="en")}
    assert _objects(tmp_path / "out", alpha, RDFS_LABEL) == {Literal("Alpha Group", language="en")}
    # A source text is named by its file name, which is in no language.
    text = ID + "document/mini-statement/text"
    assert _objects(tmp_path / "out", text, SCHEMA + "name") == {Literal("000_mini.txt")}


@pytest.mark.parametrize("tag", ["EN", "english", "f", "fr_FR"])
def test_a_malformed_language_tag_is_refused(mini_seeds: Path, tmp_path: Path, tag: str) -> None:
    _edit(mini_seeds, 'alternate_names: ["Alpha"]', f'alternate_names: [{{text: "Alpha", language: {tag}}}]')
    result = _build(mini_seeds, tmp_path / "out")
    assert result.exit_code == 2
    assert f"mini.yaml:{_line_of(mini_seeds, 'alternate_names:')}" in result.output


def test_check_warns_when_an_alternate_name_labels_records_of_different_kinds(mini_seeds: Path) -> None:
    _edit(mini_seeds, 'alternate_names: ["Alpha"]', 'alternate_names: ["Alpha", "Aleppo"]')
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if "ambiguous-name" in line]
    assert len(warnings) == 1, result.output
    assert warnings[0].endswith(
        f"mini.yaml:{_line_of(mini_seeds, '  - key: alpha-group')}: ambiguous-name: "
        "'aleppo' names records of different kinds: org:alpha-group, place:aleppo"
    )


def test_a_government_named_by_its_own_country_is_not_ambiguous(mini_seeds: Path) -> None:
    _edit(
        mini_seeds,
        '    name: "United Nations"\n    type: intergovernmental\n',
        '    name: "United Nations"\n    type: intergovernmental\n'
        "  - key: government-of-syria\n    name: Government of Syria\n    type: government\n"
        '    alternate_names: ["Syria", "Aleppo"]\n    country: place:syria\n',
    )
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 0
    ambiguous = [line for line in result.output.splitlines() if "ambiguous-name" in line]
    assert len(ambiguous) == 1, result.output
    assert "'aleppo'" in ambiguous[0]


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture
def mini_built_out(mini_seeds: Path, tmp_path: Path) -> Path:
    out = tmp_path / "built"
    result = _build(mini_seeds, out)
    assert result.exit_code == 0, result.output
    return out
