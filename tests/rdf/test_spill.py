"""The triples a build sets aside in a file while the validation store holds them."""

from __future__ import annotations

from peacegraph import pipeline
from peacegraph.rdf.spill import SpilledLines
from peacegraph.resources import shapes_dir
from peacegraph.validation import fast as fastshacl


def test_spilled_lines_validate_and_come_back_as_they_were(mini_built: pipeline.BuildResult) -> None:
    lines = mini_built.triples
    with SpilledLines(lines) as spilled:
        assert spilled.path.read_bytes() == lines.data
        assert len(spilled) == len(lines)
        assert list(spilled) == list(lines)
        for engine in ("fast", "pyshacl"):  # the store loads the file; pySHACL reads its triples
            assert fastshacl.validate(spilled, shapes_dir(), engine=engine).conforms
        assert spilled.read() == lines
    assert not spilled.path.exists()
