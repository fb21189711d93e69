"""The temporary folders a build works in: removed when it is done, and when it was killed, by the
next build's sweep, but only those: never one a live process holds, a fresh one, one not ours, or
anything through a link."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from pathlib import Path

import pytest

from peacegraph import tempspace


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    place = tmp_path / "tmp"
    place.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(place))
    return place


def _abandoned(place: Path, name: str, age: float = 2 * tempspace.GRACE) -> Path:
    """A folder as a killed build leaves it: the lock file there, held by nobody, ``age`` seconds old."""
    folder = place / name
    folder.mkdir()
    (folder / "lines.nt").write_bytes(b"<a:b> <a:c> <a:d> .\n")
    owner = folder / tempspace.OWNER
    owner.write_bytes(b"")
    then = time.time() - age
    os.utime(owner, (then, then))
    return folder


def test_a_folder_is_held_while_used_and_gone_after(scratch: Path) -> None:
    with tempspace.folder("lines", "the sorted lines") as folder:
        assert folder.parent == scratch
        assert folder.name.startswith("peacegraph-lines-")
        then = time.time() - 2 * tempspace.GRACE
        os.utime(folder / tempspace.OWNER, (then, then))  # old enough: only the lock protects it
        assert tempspace.sweep() == []
        assert folder.is_dir()
    assert list(scratch.iterdir()) == []


def test_a_killed_builds_folder_is_removed(scratch: Path) -> None:
    left = _abandoned(scratch, "peacegraph-spill-x1")
    assert tempspace.sweep() == ["peacegraph-spill-x1"]
    assert not left.exists()


def test_a_folder_held_by_another_process_is_left(scratch: Path) -> None:
    folder = _abandoned(scratch, "peacegraph-spill-x2")
    handle = os.open(folder / tempspace.OWNER, os.O_RDWR)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another open file: to flock, another holder
        assert tempspace.sweep() == []
    finally:
        os.close(handle)
    assert tempspace.sweep() == ["peacegraph-spill-x2"]


def test_a_fresh_folder_is_left_even_unheld(scratch: Path) -> None:
    """Its maker may be between making the lock file and taking the lock."""
    folder = _abandoned(scratch, "peacegraph-lines-x3", age=1.0)
    assert tempspace.sweep() == []
    assert folder.is_dir()


def test_only_our_folders_are_removed_and_never_through_a_link(scratch: Path, tmp_path: Path) -> None:
    elsewhere = _abandoned(tmp_path, "peacegraph-elsewhere")
    (scratch / "peacegraph-link").symlink_to(elsewhere)
    (scratch / "peacegraph-no-owner").mkdir()
    (scratch / "peacegraph-a-file").write_bytes(b"")
    _abandoned(scratch, "someone-else")
    os.symlink(elsewhere / tempspace.OWNER, _abandoned(scratch, "peacegraph-owner-link") / "link")
    (scratch / "peacegraph-owner-is-link").mkdir()
    (scratch / "peacegraph-owner-is-link" / tempspace.OWNER).symlink_to(elsewhere / tempspace.OWNER)
    assert tempspace.sweep() == ["peacegraph-owner-link"]
    assert sorted(p.name for p in scratch.iterdir()) == [
        "peacegraph-a-file",
        "peacegraph-link",
        "peacegraph-no-owner",
        "peacegraph-owner-is-link",
        "someone-else",
    ]
    assert sorted(p.name for p in elsewhere.iterdir()) == [tempspace.OWNER, "lines.nt"]


def test_a_missing_temporary_folder_sweeps_nothing(tmp_path: Path) -> None:
    assert tempspace.sweep(tmp_path / "missing") == []


def test_a_folder_its_maker_was_killed_making_is_removed_once_old(scratch: Path) -> None:
    """Made under a hidden name, and named once its lock is held: killed in between, it has no lock."""
    young, old = scratch / ".peacegraph-spill-x5", scratch / ".peacegraph-spill-x6"
    for folder in (young, old):
        folder.mkdir()
    then = time.time() - 2 * tempspace.GRACE
    os.utime(old, (then, then))
    assert tempspace.sweep() == [".peacegraph-spill-x6"]
    assert young.is_dir()
    assert not old.exists()


def test_a_build_killed_while_removing_its_folder_leaves_one_the_next_sweep_removes(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the lock file is removed but before the rest: the folder has its hidden name again,
    and is swept once old, lock file or not."""
    removed = shutil.rmtree

    def killed_midway(path: str | Path, ignore_errors: bool = False) -> None:
        (Path(path) / tempspace.OWNER).unlink()
        raise SystemExit("killed")

    used: list[Path] = []

    def use_then_be_killed() -> None:
        with tempspace.folder("lines", "the sorted lines") as folder:
            (folder / "merged").write_bytes(b"<a:b> <a:c> <a:d> .\n")
            used.append(folder)
            monkeypatch.setattr(shutil, "rmtree", killed_midway)

    with pytest.raises(SystemExit):
        use_then_be_killed()
    monkeypatch.setattr(shutil, "rmtree", removed)
    (left,) = scratch.iterdir()
    assert left.name == "." + used[0].name
    assert sorted(p.name for p in left.iterdir()) == ["merged"]
    assert tempspace.sweep() == []  # young: it may be a folder being made
    then = time.time() - 2 * tempspace.GRACE
    os.utime(left, (then, then))
    assert tempspace.sweep() == [left.name]
    assert list(scratch.iterdir()) == []
