"""collection.yaml is checked (schema, licence) once per content: the same file, found again by its stamp,
is read without loading jsonschema and the SPDX list; a changed one is checked again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from peacegraph import collection
from peacegraph.errors import InputError
from peacegraph.records import known

from .conftest import SEEDS


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "letters"
    copy.mkdir()
    shutil.copy(SEEDS / collection.CONFIG_FILE, copy / collection.CONFIG_FILE)
    monkeypatch.setenv("PEACEGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(known, "SETTLED_SECONDS", 0.0)
    return copy


def _not_again(*_: object) -> object:
    raise AssertionError("checked again")


def test_the_same_file_is_not_checked_again(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = collection.load(folder)
    monkeypatch.setattr(collection, "_schema_errors", _not_again)
    monkeypatch.setattr(collection, "_licence", _not_again)
    assert collection.load(folder) == first


def test_a_changed_file_is_checked_again(folder: Path) -> None:
    collection.load(folder)
    config = folder / collection.CONFIG_FILE
    config.write_text(config.read_text(encoding="utf-8").replace("base:", "base: 5\nold_base:", 1), encoding="utf-8")
    with pytest.raises(InputError, match="base"):
        collection.load(folder)


def test_a_file_not_yet_settled_is_checked_each_time(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(known, "SETTLED_SECONDS", 3600.0)
    collection.load(folder)
    assert not (known.cache_home() / known.CHECKED).exists()


def test_a_query_in_a_collection_does_not_check_it_again(out_dir: Path, tmp_path: Path) -> None:
    """Through the program's entry point, in the collection's folder, once its collection.yaml has been checked."""
    script = (
        "import sys; from peacegraph import entry\n"
        f"sys.argv = ['peacegraph', 'query', '--release', {str(out_dir)!r}, '--format', 'csv', 'ASK {{}}']\n"
        "try: entry.main()\n"
        "except SystemExit as end: assert end.code == 0, end\n"
        "sys.stderr.write(' '.join(m for m in ('click', 'jsonschema_rs', 'license_expression') if m in sys.modules))"
    )
    environment = {**os.environ, "PEACEGRAPH_CACHE": str(tmp_path / "cache")}

    def loaded() -> str:
        command = [sys.executable, "-c", script]
        done = subprocess.run(command, capture_output=True, text=True, cwd=SEEDS, env=environment, check=True)
        assert done.stdout == "true\n"
        return done.stderr

    assert loaded() == "jsonschema_rs license_expression"  # the first run checks it (the file has long settled)
    assert loaded() == ""
