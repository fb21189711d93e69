"""Bad input: one line naming the file and line, exit code 2, and out/ exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph.cli import main
from peacegraph.errors import InputError
from peacegraph.records import loader

RECORD = Path("records") / "mini.yaml"


def _edit(seeds: Path, old: str, new: str) -> None:
    path = seeds / RECORD
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(seeds: Path, needle: str) -> int:
    """The line where ``needle`` (which may start with a newline) begins; its last match wins."""
    text = (seeds / RECORD).read_text(encoding="utf-8")
    at = text.rindex(needle) + (1 if needle.startswith("\n") else 0)
    return text.count("\n", 0, at) + 1


CASES = [
    # (id, old text, new text, expected message, the line the error must name)
    (
        "wrong quote text",
        'We call for an immediate ceasefire in Aleppo."',
        'We call for a ceasefire in Aleppo."',
        "quote does not match",
        "We call for a ceasefire",
    ),
    ("wrong offset", "start: 31", "start: 32", "quote does not match", 'text: "We call for an immediate'),
    ("offset out of range", "end: 142", "end: 99999", "outside 000_mini.txt", "start: 80"),
    (
        "unknown reference",
        "holders: [org:beta-network]",
        "holders: [org:gamma]",
        "org:gamma is not defined",
        "holders: [org:gamma]",
    ),
    (
        "reference of the wrong kind",
        "holders: [org:beta-network]",
        "holders: [place:aleppo]",
        "`place:aleppo` is not a reference of the kind this field takes: write org:KEY or person:KEY",
        "holders: [place:aleppo]",
    ),
    (
        "duplicate key",
        "key: beta-network",
        "key: alpha-group",
        "duplicate key org:alpha-group",
        "\n  - key: alpha-group",
    ),
    ("impossible date", "date: 2017-03-22", "date: 2017-02-30", "not a real date", "date: 2017-02-30"),
    (
        "malformed date",
        "date: 2017-03-22",
        "date: 22/03/2017",
        "is not a date as records write them: YYYY, YYYY-MM or YYYY-MM-DD; write 2017-03-22",
        "date: 22/03/2017",
    ),
    ("end before start", "end: 2017-03-21", "end: 2017-03-01", "before start", "end: 2017-03-01"),
    (
        "malformed Wikidata id",
        "wikidata: Q858",
        'wikidata: "858"',
        "`858` is not a Wikidata identifier",
        'wikidata: "858"',
    ),
    (
        "unverified Wikidata id",
        "wikidata: Q41183",
        "wikidata: Q99999",
        "not in the collection's wikidata.csv",
        "wikidata: Q99999",
    ),
    (
        "one Wikidata id on two records",
        "wikidata: Q41183",
        "wikidata: Q858",
        "Q858 is already the Wikidata link of place:syria (",
        "\n    wikidata: Q858",
    ),
    (
        "unknown field",
        'name: "Beta Network"',
        'name: "Beta Network"\n    nmae: typo',
        "unknown field `nmae` — did you mean `name`?",
        "nmae: typo",
    ),
    ("unknown stance", "stance: supports", "stance: likes", "is not one of", "stance: likes"),
    (
        "missing required field",
        '    definition: "Ending hostilities."\n',
        "",
        "missing field `definition`",
        "key: ceasefire",
    ),
    ("broken YAML", '    name: "Beta Network"', '    name: "Beta Network', "YAML", None),
    (
        "YAML alias",
        'alternate_names: ["Alpha"]',
        'alternate_names: &a ["Alpha"]\n    description: *a',
        "aliases are not allowed",
        "description: *a",
    ),
    (
        "duplicate mapping key",
        "    type: civil-society\n    country: place:syria",
        "    type: civil-society\n    type: other\n    country: place:syria",
        "duplicate key 'type'",
        "type: other",
    ),
    (
        "source escaping seeds/",
        "source: 000_mini.txt",
        "source: ../000_mini.txt",
        "is not as expected: file name of a seed text in seeds/",
        "source: ../000_mini.txt",
    ),
    ("missing source text", "source: 000_mini.txt", "source: 999_missing.txt", "not found", "source: 999_missing.txt"),
]


@pytest.mark.parametrize(("old", "new", "message", "line_of"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_record_is_refused_with_file_and_line(
    mini_seeds: Path, old: str, new: str, message: str, line_of: str | None
) -> None:
    _edit(mini_seeds, old, new)
    with pytest.raises(InputError) as caught:
        loader.load(mini_seeds)
    found = [e for e in getattr(caught.value, "errors", [caught.value]) if message in str(e)]
    assert found, str(caught.value)
    error = found[0]
    assert Path(str(error.file)).name == "mini.yaml"
    if line_of is not None:
        assert error.line == _line_of(mini_seeds, line_of)


def test_cli_reports_one_line_exit_2_and_keeps_out(mini_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--collection", str(mini_seeds), "--out", str(out)]).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    _edit(mini_seeds, "start: 31", "start: 30")
    result = runner.invoke(main, ["build", "--collection", str(mini_seeds), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ")
    assert "mini.yaml:" in lines[0]
    assert "Traceback" not in result.output
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_non_utf8_source_text(mini_seeds: Path) -> None:
    (mini_seeds / "000_mini.txt").write_bytes(b"caf\xe9\n")
    with pytest.raises(InputError, match="not valid UTF-8"):
        loader.load(mini_seeds)


def test_empty_source_text(mini_seeds: Path) -> None:
    (mini_seeds / "000_mini.txt").write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        loader.load(mini_seeds)


def test_empty_record_file(mini_seeds: Path) -> None:
    (mini_seeds / "records" / "empty.yaml").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty record file"):
        loader.load(mini_seeds)


def test_shape_violation_exits_1_naming_focus_node_and_seed_line(mini_seeds: Path, tmp_path: Path) -> None:
    """A value the loader accepts but the shapes refuse: a city with no country."""
    _edit(mini_seeds, "    type: city\n    country: place:syria\n", "    type: city\n")
    result = CliRunner().invoke(main, ["build", "--collection", str(mini_seeds), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "https://w3id.org/peacegraph/id/place/aleppo" in result.output
    assert f"mini.yaml:{_line_of(mini_seeds, 'key: aleppo')}" in result.output
    assert "QualifiedMinCount" in result.output
    assert not (tmp_path / "out").exists()


def test_check_runs_the_shapes_too_and_puts_the_rule_first(mini_seeds: Path) -> None:
    """`check` never says ok on what `build` refuses: the shape's sh:message, then file:line, then the detail."""
    _edit(mini_seeds, "    type: city\n    country: place:syria\n", "    type: city\n")
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 1
    assert "ok" not in result.stdout
    where = f"{mini_seeds / RECORD}:{_line_of(mini_seeds, 'key: aleppo')}"
    assert result.stderr.splitlines() == [
        f"a city or governorate is contained in a country — {where}: "
        "sh:Violation: <https://w3id.org/peacegraph/id/place/aleppo> schema:containedInPlace: QualifiedMinCount "
        "constraint (1) not met on <https://w3id.org/peacegraph/id/place/aleppo>->schema:containedInPlace "
        "[sh:QualifiedMinCountConstraintComponent]",
        "Error: 1 violation(s) of the shapes",
    ]


def test_the_same_qid_on_two_records_is_one_line_exit_2(mini_seeds: Path) -> None:
    _edit(mini_seeds, "wikidata: Q41183", "wikidata: Q1065")
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 2
    text = (mini_seeds / RECORD).read_text(encoding="utf-8")
    first = text.count("\n", 0, text.index("wikidata: Q1065")) + 1
    line = _line_of(mini_seeds, "\n    wikidata: Q1065")
    assert first < line
    assert result.stderr == (
        f"Error: {mini_seeds / RECORD}:{line}: Q1065 is already the Wikidata link of org:united-nations "
        f"({mini_seeds / RECORD}:{first})\n"
    )


def test_a_qid_listed_twice_in_wikidata_csv_is_refused(mini_seeds: Path) -> None:
    table = mini_seeds / "wikidata.csv"
    with open(table, "a", encoding="utf-8") as out:
        out.write("place-syria-again,Syria,Q858,verified,a second row\n")
    with pytest.raises(InputError) as caught:
        loader.load(mini_seeds)
    assert str(caught.value.file).endswith("wikidata.csv")
    assert caught.value.line == len(table.read_text(encoding="utf-8").splitlines())
    assert "Q858 is listed twice (also for country-syria)" in str(caught.value)


def test_three_mistakes_in_one_file_are_reported_in_one_run(mini_seeds: Path) -> None:
    """A date in words, a misspelt field and a misspelt reference: all three, by line, in plain words."""
    _edit(mini_seeds, "    date: 2017-03-22\n", "    date: 22 March 2017\n")
    _edit(
        mini_seeds,
        '    identifier: "S/RES/2254 (2015)"\n',
        '    identifier: "S/RES/2254 (2015)"\n    dat: 2015-12-18\n',
    )
    _edit(mini_seeds, "holders: [org:beta-network]", "holders: [org:beta-netwrk]")
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 2
    file = mini_seeds / RECORD
    assert result.stderr.splitlines() == [
        f"{file}:{_line_of(mini_seeds, 'date: 22 March')}: documents/0/date: `22 March 2017` is not a date as "
        "records write them: YYYY, YYYY-MM or YYYY-MM-DD; write 2017-03-22",
        f"{file}:{_line_of(mini_seeds, 'dat: 2015')}: documents/1/dat: unknown field `dat` — did you mean `date`?",
        f"{file}:{_line_of(mini_seeds, 'holders: [org:beta-netwrk]')}: org:beta-netwrk is not defined in any "
        "record file; did you mean org:beta-network?",
        "Error: 3 errors (listed above, by file and line)",
    ]
    assert result.stdout == ""


def test_errors_of_every_file_are_sorted_by_file_and_line_and_capped(mini_seeds: Path) -> None:
    """60 bad records over two files: the first 50 by file and line, then how many more."""
    bad = "".join(f"  - key: extra-{n:02d}\n    name: X\n    type: nonsense\n" for n in range(30))
    (mini_seeds / "records" / "zz.yaml").write_text("organizations:\n" + bad, encoding="utf-8")
    (mini_seeds / "records" / "aa.yaml").write_text(
        "organizations:\n" + bad.replace("extra", "other"), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 52
    assert lines[-2:] == ["and 10 more", "Error: 60 errors (listed above, by file and line)"]
    places = [(line.split(":")[0], int(line.split(":")[1])) for line in lines[:50]]
    assert places == sorted(places)
    assert places[0] == (str(mini_seeds / "records" / "aa.yaml"), 4)
    assert places[-1] == (str(mini_seeds / "records" / "zz.yaml"), 1 + 20 * 3)
    assert "`nonsense` is not one of: government," in lines[0]


def test_a_line_indented_too_far_says_the_structure_is_off(mini_seeds: Path) -> None:
    _edit(mini_seeds, "    type: city\n    country: place:syria\n", "    type: city\n      country: place:syria\n")
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 2
    line = _line_of(mini_seeds, "      country: place:syria")
    assert result.stderr.startswith(f"Error: {mini_seeds / RECORD}:{line}: the YAML structure is off at this line;")


def test_a_value_run_on_by_a_bad_indent_says_the_structure_is_off(mini_seeds: Path) -> None:
    """A line indented as more of a value reads as one joined-up string; the error names the line and why."""
    _edit(mini_seeds, "issuers: [org:alpha-group]", "issuers:\n    - org:alpha-group\n      - org:beta-network")
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 2
    line = _line_of(mini_seeds, "      - org:beta-network")
    assert result.stderr == (
        f"Error: {mini_seeds / RECORD}:{line}: documents/0/issuers/0: the YAML structure is off at this line: "
        "it reads as more of the value above (`org:alpha-group - org:beta-network`); indent it as the lines around it\n"
    )


def test_three_mistakes_in_one_record_are_reported_in_one_run(mini_seeds: Path) -> None:
    """The record fails the schema, yet its references are still checked."""
    _edit(mini_seeds, "    date: 2017-03-22\n", "    date: 22 March 2017\n    dat: 2017-03-22\n")
    _edit(mini_seeds, "recipients: [org:united-nations]", "recipients: [org:united-natons]")
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:3]] == [
        f"{mini_seeds / RECORD}:{_line_of(mini_seeds, needle)}" for needle in ("date: 22", "dat: 2017", "recipients:")
    ]
    assert lines[2].endswith("org:united-natons is not defined in any record file; did you mean org:united-nations?")
    assert lines[3] == "Error: 3 errors (listed above, by file and line)"


def test_check_with_a_previous_release_refuses_a_lost_identifier(mini_seeds: Path, tmp_path: Path) -> None:
    """As `build` does against OUT: an identifier of the previous release may not disappear."""
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", "-q", "--collection", str(mini_seeds), "--out", str(out)]).exit_code == 0
    _edit(
        mini_seeds,
        '  - key: local-ceasefire\n    label: "Local ceasefire"\n',
        '  - key: local-truce\n    label: "Local ceasefire"\n',
    )
    assert CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)]).exit_code == 0
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds), "--previous", str(out)])
    assert result.exit_code == 2
    assert (
        "published identifier(s) would disappear: <https://w3id.org/peacegraph/id/topic/local-ceasefire>"
        in result.stderr
    )
