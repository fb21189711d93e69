"""A build makes no network access at all.

An audit hook (PEP 578) sees every socket the interpreter creates, resolves or connects, and
every ``urllib`` request, whichever library makes it (rdflib fetching a JSON-LD context, pySHACL
following an ``owl:imports``, …). Audit hooks cannot be removed, so the hook only records while a
test has switched it on. A second test runs the command in a network namespace with no network
at all, which also covers code below Python (the Rust parsers of pyoxigraph).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph.cli import main

from .conftest import MINI, SEEDS

_RECORDING: list[bool] = [False]
_EVENTS: list[str] = []


def _hook(event: str, args: tuple[object, ...]) -> None:
    if _RECORDING[0] and (event.startswith("socket.") or event.startswith("urllib.")):
        _EVENTS.append(f"{event} {args!r:.200}")


sys.addaudithook(_hook)


@contextmanager
def network_events() -> Iterator[list[str]]:
    """The network events that happen inside the ``with`` block."""
    _EVENTS.clear()
    _RECORDING[0] = True
    try:
        yield _EVENTS
    finally:
        _RECORDING[0] = False


def test_the_hook_sees_a_name_lookup() -> None:
    """The control: were anything to touch the network, the hook would see it."""
    with network_events() as events:
        socket.getaddrinfo("localhost", 80)
    assert any(event.startswith("socket.getaddrinfo") for event in events)


@pytest.mark.parametrize("seeds", [MINI / "seeds", SEEDS], ids=["mini", "real"])
def test_a_build_touches_no_socket(seeds: Path, tmp_path: Path) -> None:
    with network_events() as events:
        result = CliRunner().invoke(main, ["build", "--collection", str(seeds), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert events == []


def _can_isolate() -> bool:
    unshare = shutil.which("unshare")
    return unshare is not None and subprocess.run([unshare, "-n", "true"], check=False).returncode == 0


@pytest.mark.skipif(not _can_isolate(), reason="this machine does not allow a network namespace (unshare -n)")
def test_a_build_succeeds_without_any_network(tmp_path: Path) -> None:
    command = ["unshare", "-n", sys.executable, "-m", "peacegraph", "build"]
    result = subprocess.run(
        [*command, "--collection", str(MINI / "seeds"), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "peacegraph.nt").exists()
