"""Large files are written to the kernel a slice at a time (:mod:`peacegraph.writes`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from peacegraph import writes

BIG = (1 << 20) + 3  # sixteen slices and three bytes


def _write_calls() -> int:
    """How many write system calls this process has made (Linux's ``/proc/self/io``)."""
    for line in Path("/proc/self/io").read_text(encoding="ascii").splitlines():
        if line.startswith("syscw:"):
            return int(line.split()[1])
    raise AssertionError("no syscw in /proc/self/io")


def test_what_is_written_is_the_file_whatever_the_sizes_of_the_writes(tmp_path: Path) -> None:
    parts = [b"a", bytes(range(256)) * 1000, b"", b"z" * BIG, b"tail"]
    with writes.create(tmp_path / "file") as sink:
        for part in parts:
            assert sink.write(part) == len(part)
        assert sink.write(memoryview(b"view")) == 4
    assert (tmp_path / "file").read_bytes() == b"".join(parts) + b"view"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts the system calls in /proc/self/io")
def test_a_large_write_reaches_the_kernel_in_slices(tmp_path: Path) -> None:
    data = b"x" * BIG
    before = _write_calls()
    with open(tmp_path / "python", "xb") as whole:
        whole.write(data)
    python = _write_calls() - before
    before = _write_calls()
    with writes.create(tmp_path / "sliced") as sliced:
        sliced.write(data)
    assert python <= 2  # what the kernel gets from Python's own file: the write whole
    assert _write_calls() - before == 17
    assert (tmp_path / "sliced").read_bytes() == data


def test_a_new_file_is_never_one_that_exists_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"before")
    with pytest.raises(FileExistsError):
        writes.create(path)
    assert path.read_bytes() == b"before"
    with writes.create(path, exclusive=False) as sink:
        sink.write(b"after")
    assert path.read_bytes() == b"after"
