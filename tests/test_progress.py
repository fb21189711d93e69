"""Progress bars on long work when stderr is a terminal; plain output when it is not."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from .conftest import MINI

BUILD = [sys.executable, "-m", "peacegraph", "build", "--collection", str(MINI / "seeds")]


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side of the terminal is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_terminal_gets_a_progress_bar_over_the_stages(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    with subprocess.Popen([*BUILD, "--out", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=follower) as child:
        os.close(follower)
        terminal = _read_all(leader).decode("utf-8")
        stdout = child.stdout.read().decode("utf-8") if child.stdout else ""
    os.close(leader)
    assert child.returncode == 0, terminal
    assert "\r" in terminal
    assert "build  [####################################]  100%  done" in terminal
    for stage in ("load", "map", "identifiers", "validate", "serialize", "publish"):
        assert stage in terminal
    assert stdout.startswith("built ")


def test_a_pipe_gets_plain_output_only(tmp_path: Path) -> None:
    done = subprocess.run([*BUILD, "--out", str(tmp_path / "out")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (
        done.stderr
        == f"peacegraph: first release: {tmp_path / 'out'} holds no previous release whose identifiers must be kept\n"
    )
    assert "\r" not in done.stdout
    assert "\x1b" not in done.stdout
    assert done.stdout.startswith("built ")
    assert done.stdout.count("\n") == 1


def test_quiet_prints_nothing_even_on_a_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    with subprocess.Popen([*BUILD, "--out", str(tmp_path / "out"), "-q"], stdout=follower, stderr=follower) as child:
        os.close(follower)
        terminal = _read_all(leader)
    os.close(leader)
    assert child.returncode == 0
    assert terminal == b""
