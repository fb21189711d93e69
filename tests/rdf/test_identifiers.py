"""Identifiers never break: a build that loses a published identifier fails; a deprecation keeps it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph import pipeline
from peacegraph.cli import main
from peacegraph.query import store

from ..conftest import select

RECORD = Path("records") / "mini.yaml"
BETA = "https://w3id.org/peacegraph/id/organization/beta-network"
BETA_SIGNATURE = "https://w3id.org/peacegraph/id/document/mini-statement/signature/org-beta-network"

#: Remove Beta Network from the mini corpus: its record, and every reference to it.
REMOVALS = [
    ('  - key: beta-network\n    name: "Beta Network"\n    type: civil-society\n', ""),
    ("signatories: [org:alpha-group, org:beta-network]", "signatories: [org:alpha-group]"),
    ("    holders: [org:beta-network]\n", ""),
    (
        "memberships:\n  - group: org:alpha-group\n    members: [org:beta-network]\n"
        "    documents: [doc:mini-statement]\n",
        "",
    ),
]

DEPRECATIONS = """
deprecated:
  - ref: org:beta-network
    label: "Beta Network"
    replaced_by: org:alpha-group
    note: "Merged: Beta Network was the name Alpha Group used in 2016."
  - iri: https://w3id.org/peacegraph/id/document/mini-statement/signature/org-beta-network
    label: "Beta Network's signature of the Joint Statement on Testing"
    note: "Removed with the merge into Alpha Group, which signs once."
"""


def _edit(seeds: Path, replacements: list[tuple[str, str]], append: str = "") -> None:
    path = seeds / RECORD
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text + append, encoding="utf-8")


def _build(seeds: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--collection", str(seeds), "--out", str(out), *extra])
    return result.exit_code, result.output


@pytest.fixture
def released(mini_seeds: Path, tmp_path: Path) -> Path:
    """out/ holding the previous release of the mini corpus."""
    out = tmp_path / "out"
    assert _build(mini_seeds, out)[0] == 0
    return out


def test_removing_a_published_entity_fails_the_build_naming_it(mini_seeds: Path, released: Path) -> None:
    before = {p.relative_to(released): p.read_bytes() for p in released.rglob("*") if p.is_file()}
    _edit(mini_seeds, REMOVALS)
    code, output = _build(mini_seeds, released)
    assert code == 2
    assert "2 published identifier(s) would disappear" in output
    assert f"<{BETA}>" in output
    assert f"<{BETA_SIGNATURE}>" in output
    assert "deprecated:" in output
    assert {p.relative_to(released): p.read_bytes() for p in released.rglob("*") if p.is_file()} == before


def test_deprecating_it_lets_the_build_pass_and_it_still_dereferences(mini_seeds: Path, released: Path) -> None:
    _edit(mini_seeds, REMOVALS, DEPRECATIONS)
    code, output = _build(mini_seeds, released)
    assert code == 0, output
    st = store.open_store(released)
    rows = select(st, f"SELECT ?p ?o WHERE {{ <{BETA}> ?p ?o }}")
    assert rows == [
        ("http://purl.org/dc/terms/isReplacedBy", "https://w3id.org/peacegraph/id/organization/alpha-group"),
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://schema.org/Organization"),
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/peacegraph/ontology#Organization"),
        ("http://www.w3.org/2000/01/rdf-schema#comment", "Merged: Beta Network was the name Alpha Group used in 2016."),
        ("http://www.w3.org/2000/01/rdf-schema#label", "Beta Network"),
        ("http://www.w3.org/2002/07/owl#deprecated", "true"),
        ("https://schema.org/name", "Beta Network"),
    ]
    survivor = select(st, "SELECT ?old WHERE { ?survivor dcterms:replaces ?old }")
    assert survivor == [(BETA,)]
    assert select(st, f"SELECT ?l WHERE {{ <{BETA_SIGNATURE}> owl:deprecated true ; rdfs:label ?l }}")
    assert not select(st, f"SELECT ?t WHERE {{ <{BETA_SIGNATURE}> a ?t }}"), "a node under a record has no kind"
    listed = (released / "tables" / "organizations.csv").read_text(encoding="utf-8")
    assert "Alpha Group" in listed
    assert BETA not in listed, "a deprecated identifier keeps its class but is left out of lists"


def test_the_previous_release_can_be_given_explicitly(mini_seeds: Path, released: Path, tmp_path: Path) -> None:
    _edit(mini_seeds, REMOVALS)
    fresh = tmp_path / "fresh"
    assert _build(mini_seeds, fresh)[0] == 0, "no previous release in a fresh directory"
    shutil.rmtree(fresh)
    code, output = _build(mini_seeds, fresh, "--previous", str(released / "peacegraph.nt"))
    assert code == 2
    assert f"<{BETA}>" in output


CASES = [
    (
        "deprecated but still a record",
        '\ndeprecated:\n  - ref: org:alpha-group\n    label: "Alpha"\n    note: "Gone."\n',
        "org:alpha-group is deprecated but still has a record",
        "  - ref: org:alpha-group",
    ),
    (
        "replaced by an unknown record",
        '\ndeprecated:\n  - ref: org:gamma\n    label: "Gamma"\n    replaced_by: org:delta\n    note: "Merged."\n',
        "org:delta is not defined",
        "    replaced_by: org:delta",
    ),
    (
        "replaced by a record of another kind",
        '\ndeprecated:\n  - ref: org:gamma\n    label: "Gamma"\n    replaced_by: place:aleppo\n    note: "Merged."\n',
        "can only be replaced by a org: record",
        "    replaced_by: place:aleppo",
    ),
    (
        "a live node under a record",
        "\ndeprecated:\n  - iri: https://w3id.org/peacegraph/id/person/jane-envoy/role/special-envoy\n"
        '    label: "Envoy"\n    note: "Gone."\n',
        "is deprecated but the records still describe it",
        "  - iri: https://w3id.org/peacegraph/id/person/jane-envoy/role/special-envoy",
    ),
    (
        "both ref and iri",
        "\ndeprecated:\n  - ref: org:gamma\n    iri: https://w3id.org/peacegraph/id/organization/gamma\n"
        '    label: "Gamma"\n    note: "Gone."\n',
        "is valid under each of",
        "  - ref: org:gamma",
    ),
    (
        "deprecated twice",
        '\ndeprecated:\n  - ref: org:gamma\n    label: "Gamma"\n    note: "Gone."\n'
        '  - iri: https://w3id.org/peacegraph/id/organization/gamma\n    label: "Gamma"\n    note: "Gone."\n',
        "is already deprecated at",
        "  - iri: https://w3id.org/peacegraph/id/organization/gamma",
    ),
]


@pytest.mark.parametrize(("append", "message", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_deprecations_name_file_and_line(
    mini_seeds: Path, tmp_path: Path, append: str, message: str, line: str
) -> None:
    _edit(mini_seeds, [], append)
    code, output = _build(mini_seeds, tmp_path / "out")
    text = (mini_seeds / RECORD).read_text(encoding="utf-8").splitlines()
    number = len(text) - text[::-1].index(line)
    assert code == 2
    assert message in output
    assert f"mini.yaml:{number}:" in output


def test_the_real_release_keeps_every_identifier_of_the_committed_one(built: pipeline.BuildResult) -> None:
    from peacegraph.rdf import identifiers, rdfio
    from peacegraph.release import previous

    from ..conftest import ROOT

    dump = previous.in_out(ROOT / "out")
    assert dump is not None
    committed = identifiers.published(rdfio.iter_triples(dump))
    assert committed <= identifiers.published(built.triples)


def test_the_shapes_require_a_label_and_a_note_and_only_the_class_of_its_kind(mini_seeds: Path, released: Path) -> None:
    _edit(mini_seeds, REMOVALS, DEPRECATIONS)
    assert _build(mini_seeds, released)[0] == 0
    dump = released / "peacegraph.nt"
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    label = f"<{BETA}> <http://www.w3.org/2000/01/rdf-schema#label> "
    typed = f"<{BETA}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/NGO> .\n"
    dump.write_text("".join(line for line in lines if not line.startswith(label)) + typed, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--release", str(released)])
    assert result.exit_code == 1
    violations = result.output.splitlines()[:-1]
    assert all(f"sh:Violation: <{BETA}> " in line for line in violations)
    assert any("rdfs:label [sh:MinCountConstraintComponent]" in line for line in violations)
    assert any("#type" in line and "[sh:InConstraintComponent]" in line for line in violations)
    assert any("#type" in line and "[sh:MaxCountConstraintComponent]" in line for line in violations)


GONE = "https://w3id.org/peacegraph/id/organization/gone-group"
DOC = "https://w3id.org/peacegraph/id/document/mini-statement"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
MENTIONS = "<https://schema.org/mentions>"
ESCAPED_GONE = GONE.replace("gone", "\\u0067one")

#: A previous dump's extra line naming an identifier the new release lacks, in the forms N-Triples
#: allows: as Oxigraph writes it (read as text), and as only a parser reads it right.
LOST_IN = {
    "subject": f'<{GONE}> {LABEL} "Gone Group"@en .\n',
    "object only": f"<{DOC}> {MENTIONS} <{GONE}> .\n",
    "tabs": f"<{DOC}>\t{MENTIONS}\t<{GONE}>\t.\n",
    "escaped IRI": f'<{ESCAPED_GONE}> {LABEL} "Gone Group" .\n',
    "after a comment": f"# a comment\n<{DOC}> {MENTIONS} <{GONE}> .\n",
    "CRLF": f"<{DOC}> {MENTIONS} <{GONE}> .\r\n",
    "two spaces before the dot": f"<{DOC}> {MENTIONS} <{GONE}>  .\n",
}


@pytest.mark.parametrize("line", LOST_IN.values(), ids=LOST_IN.keys())
def test_an_identifier_of_the_previous_dump_is_found_however_it_is_written(
    mini_seeds: Path, released: Path, tmp_path: Path, line: str
) -> None:
    dump = tmp_path / "previous.nt"
    dump.write_bytes((released / "peacegraph.nt").read_bytes() + line.encode())
    code, output = _build(mini_seeds, tmp_path / "fresh", "--previous", str(dump))
    assert code == 2
    assert f"1 published identifier(s) would disappear: <{GONE}>" in output


def test_an_iri_in_the_text_of_a_literal_is_not_an_identifier_to_keep(
    mini_seeds: Path, released: Path, tmp_path: Path
) -> None:
    """A typed literal's line ends with an IRI too (its datatype's): the text before it is no object."""
    dump = tmp_path / "previous.nt"
    text = f'"see <{GONE}> ."^^<http://www.w3.org/2001/XMLSchema#string>'
    dump.write_bytes((released / "peacegraph.nt").read_bytes() + f"<{DOC}> {LABEL} {text} .\n".encode())
    code, output = _build(mini_seeds, tmp_path / "fresh", "--previous", str(dump))
    assert code == 0, output
