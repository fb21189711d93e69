"""`review:` notes: accepted on every kind of record, listed by `check` with their line, never RDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph import pipeline
from peacegraph.cli import main
from peacegraph.records import loader

RECORDS = Path("records") / "mini.yaml"


def _annotate(seeds: Path, after: str, note: str) -> None:
    """Put ``review: [note]`` right after the first line that is ``after``."""
    path = seeds / RECORDS
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index(after)
    indent = " " * (len(after) - len(after.lstrip()) + 2)  # the fields of a "- " item
    lines.insert(at + 1, f"{indent}review: [{note}]")
    path.write_text("\n".join(lines), encoding="utf-8")


def test_notes_on_every_kind_are_listed_with_their_line(mini_seeds: Path) -> None:
    _annotate(mini_seeds, "  - key: mini-statement", '"date guessed"')
    _annotate(mini_seeds, "  - key: beta-network", '"new organization, type guessed"')
    _annotate(mini_seeds, "  - group: org:alpha-group", '"membership stated only in a tweet"')
    corpus = loader.load(mini_seeds)
    notes = {(note.record, note.note) for note in corpus.reviews}
    assert notes == {
        ("doc:mini-statement", "date guessed"),
        ("org:beta-network", "new organization, type guessed"),
        ("membership of org:alpha-group", "membership stated only in a tweet"),
    }
    text = (mini_seeds / RECORDS).read_text(encoding="utf-8").split("\n")
    for note in corpus.reviews:
        assert note.note in text[note.origin.line - 1]
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 0
    assert sum(": review: " in line for line in result.output.splitlines()) == 3


@pytest.mark.parametrize("value", ["[]", '"just a string"', "[1]", '[""]'])
def test_malformed_notes_are_refused_naming_the_line(mini_seeds: Path, value: str) -> None:
    path = mini_seeds / RECORDS
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index("  - key: beta-network")
    lines.insert(at + 1, f"    review: {value}")
    path.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--collection", str(mini_seeds)])
    assert result.exit_code == 2
    assert f"mini.yaml:{at + 2}" in result.output


def test_notes_are_never_rdf(mini_seeds: Path, mini_built: pipeline.BuildResult, tmp_path: Path) -> None:
    _annotate(mini_seeds, "  - key: mini-statement", '"date guessed"')
    _annotate(mini_seeds, "  - key: beta-network", '"new organization, type guessed"')
    annotated = pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "out"))
    assert annotated.triples == mini_built.triples
