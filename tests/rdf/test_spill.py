"""The triples a build sets aside in a file while the validation store holds them."""

from __future__ import annotations

import contextlib
import errno
import os

import pytest

from peacegraph import pipeline
from peacegraph.rdf import lines
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


@pytest.mark.parametrize("spill_above", [None, 2])
def test_lines_made_in_a_held_file_are_set_aside_without_being_read_or_written_again(spill_above: int | None) -> None:
    """One run or several merged: the file they were sorted into becomes the spill (a link), which
    outlives the folder they were made in and goes with the spill; the lines were never read into memory."""
    text = [(f"<urn:s:{n % 7}>", "<urn:p>", f'"{n}"') for n in range(20)]
    expected = lines.of_text(text, spill_above)  # without a hold: read into memory
    with contextlib.ExitStack() as hold:
        made = lines.of_text(text, spill_above, hold=hold)
        assert made.file is not None
        assert (len(made), made.as_lines) == (len(expected), expected.as_lines)
        with SpilledLines(made) as spilled:
            assert os.path.samefile(spilled.path, made.file)
            hold.close()
            assert not made.file.exists()
            with pytest.raises(FileNotFoundError):
                made.data  # noqa: B018 - never read while the file was there, so not held now
            assert spilled.path.read_bytes() == expected.data
            assert spilled.read() == expected
        assert not spilled.path.exists()


def test_held_lines_are_read_when_asked_for_and_equal_those_made_in_memory() -> None:
    text = [(f"<urn:s:{n % 5}>", "<urn:p>", f'"{n}"') for n in range(12)]
    with contextlib.ExitStack() as hold:
        made = lines.of_text(text, 3, hold=hold)
        assert made == lines.of_text(text, 3)
        assert list(made) == list(lines.of_text(text))
    assert made.data == lines.of_text(text).data  # read once, then held


def test_held_lines_are_copied_where_the_temporary_folder_cannot_link(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: object, target: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    text = [(f"<urn:s:{n}>", "<urn:p>", f'"{n}"') for n in range(9)]
    with contextlib.ExitStack() as hold:
        made = lines.of_text(text, hold=hold)
        assert made.file is not None
        with SpilledLines(made) as spilled:
            assert not os.path.samefile(spilled.path, made.file)
            hold.close()
            assert spilled.path.read_bytes() == lines.of_text(text).data
            assert os.stat(spilled.path).st_nlink == 1


def test_lines_made_without_a_hold_name_no_file_and_are_written() -> None:
    made = lines.of_text([("<urn:s:a>", "<urn:p>", '"x"')])
    assert made.file is None
    with SpilledLines(made) as spilled:
        assert spilled.path.read_bytes() == made.data
        assert os.stat(spilled.path).st_nlink == 1
