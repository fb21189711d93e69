"""A rebuild reads the record files whose text the last build kept without parsing them: the records,
their lines and their errors are what parsing gives."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from peacegraph.errors import InputError
from peacegraph.records import loader
from peacegraph.records.parsed import SUFFIX, Parses

RECORD = Path("records") / "mini.yaml"


def _load(seeds: Path, parses: Parses | None = None) -> object:
    return loader.load(seeds, parses=parses)


def _kept(seeds: Path, folder: Path) -> Path:
    """A folder of what a build of ``seeds`` keeps of its record files."""
    folder.mkdir()
    _load(seeds, Parses(None, folder))
    return folder


def test_the_records_read_back_are_those_parsed(mini_seeds: Path, tmp_path: Path) -> None:
    kept = _kept(mini_seeds, tmp_path / "kept")
    assert sorted(kept.glob("*" + SUFFIX))
    again = tmp_path / "again"
    again.mkdir()
    assert _load(mini_seeds, Parses(kept, again)) == _load(mini_seeds)
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in kept.iterdir())  # kept for the next


def test_a_file_moved_is_named_as_it_is_now(mini_seeds: Path, tmp_path: Path) -> None:
    kept = _kept(mini_seeds, tmp_path / "kept")
    shutil.move(mini_seeds / RECORD, mini_seeds / "records" / "moved.yaml")
    found = _load(mini_seeds, Parses(kept, None))
    assert found == _load(mini_seeds)
    assert "moved.yaml" in repr(found)
    assert "mini.yaml" not in repr(found)


_DAMAGES = {
    "empty": lambda data: b"",
    "garbage": lambda data: b"garbage",
    "a bad value after a digest of it": lambda data: hashlib.sha256(b"\xff").digest() + b"\xff",
    "a bit flipped": lambda data: data[:40] + bytes([data[40] ^ 1]) + data[41:],
    "cut short": lambda data: data[: len(data) // 2],
}


@pytest.mark.parametrize("damage", _DAMAGES.values(), ids=_DAMAGES)
def test_a_damaged_entry_is_parsed_again(mini_seeds: Path, tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    kept = _kept(mini_seeds, tmp_path / "kept")
    for entry in kept.iterdir():
        entry.write_bytes(damage(entry.read_bytes()))
    assert _load(mini_seeds, Parses(kept, None)) == _load(mini_seeds)


def test_an_edited_file_is_parsed_and_its_errors_are_the_parsers(mini_seeds: Path, tmp_path: Path) -> None:
    kept = _kept(mini_seeds, tmp_path / "kept")
    path = mini_seeds / RECORD
    path.write_text(path.read_text(encoding="utf-8") + "\n  - key: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as fresh:
        _load(mini_seeds)
    with pytest.raises(InputError) as again:
        _load(mini_seeds, Parses(kept, None))
    assert str(again.value) == str(fresh.value)


def test_the_budget_of_nodes_holds_for_files_read_back(
    mini_seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = _kept(mini_seeds, tmp_path / "kept")
    monkeypatch.setenv("PEACEGRAPH_MAX_RECORD_NODES", "50")
    with pytest.raises(InputError) as fresh:
        _load(mini_seeds)
    with pytest.raises(InputError) as again:
        _load(mini_seeds, Parses(kept, None))
    assert str(again.value) == str(fresh.value)
    assert "PEACEGRAPH_MAX_RECORD_NODES" in str(again.value)
