"""Shapes that refuse nonsense a dump could hold however it was made: each case is a few triples
added to (or taken from) the mini release, refused by ``peacegraph validate`` with the shape's own
message, by the fast engine and by pySHACL alike. The loader refuses the same nonsense in records
(see the cases in ``tests/fixtures/bad``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph import pipeline
from peacegraph.cli import main

ID = "https://w3id.org/peacegraph/id/"
PG = "https://w3id.org/peacegraph/ontology#"
DATE = "<http://www.w3.org/2001/XMLSchema#date>"
POSITION = f"<{ID}position/mini-statement-1>"
SIGNATURE = f"<{ID}document/mini-statement/signature/org-beta-network>"

#: name: (triples added, start of the lines taken away, the message expected)
CASES = {
    "start-after-end": (
        f'<{ID}event/mini-meeting> <{PG}earliestDate> "2017-03-25"^^{DATE} .\n',
        f"<{ID}event/mini-meeting> <{PG}earliestDate> ",
        "the earliest day is after the latest day",
    ),
    "target-of-any-kind": (
        f"{POSITION} <{PG}target> <{ID}topic/ceasefire> .\n",
        None,
        "a position bears on an organization, a person, a place, an event or a document, nothing else",
    ),
    "same-as-not-wikidata": (
        f"{POSITION} <http://www.w3.org/2002/07/owl#sameAs> <https://example.org/Q1> .\n",
        None,
        "owl:sameAs must be one Wikidata entity IRI",
    ),
    "signature-without-rank": (
        "",
        f"{SIGNATURE} <https://schema.org/position> ",
        "a signature has exactly one rank",
    ),
    "signature-with-two-ranks": (
        f'{SIGNATURE} <https://schema.org/position> "3"^^<http://www.w3.org/2001/XMLSchema#positiveInteger> .\n',
        None,
        "a signature has exactly one rank",
    ),
    "quoted-position-without-its-origin": (
        f"<{ID}position/mini-statement-2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PG}QuotedPosition> .\n",
        None,
        "says where its quote comes from",
    ),
}


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_nonsense_is_refused_with_the_shapes_message(
    case: str, engine: str, mini_built: pipeline.BuildResult, tmp_path: Path
) -> None:
    added, removed, message = CASES[case]
    out = tmp_path / "out"
    shutil.copytree(next(iter(mini_built.files.values())).parent, out)
    dump = out / "peacegraph.nt"
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not (removed and line.startswith(removed))]
    assert len(kept) < len(lines) or not removed, "the line to take away is in the dump"
    dump.write_text("".join(kept) + added, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--out", str(out), "--engine", engine])
    assert result.exit_code == 1, result.output
    assert message in result.output
