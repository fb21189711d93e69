"""``peacegraph serve`` started for real, on 127.0.0.1 on a port the system picks, and stopped again."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

STARTUP_SECONDS = 60.0


def _first_line(process: subprocess.Popen[str], log: Path) -> str:
    """The line ``serve`` prints once it listens (or an error naming what the server logged)."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=STARTUP_SECONDS):
            raise RuntimeError(f"`peacegraph serve` printed nothing in {STARTUP_SECONDS:.0f} s: {log.read_text()}")
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=10)
        raise RuntimeError(f"`peacegraph serve` exited with {process.returncode}: {log.read_text()}")
    return line


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, as a service manager would, then wait; kill only if it does not stop."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Served:
    url: str  # http://127.0.0.1:N/
    process: subprocess.Popen[str]  # its standard output is what the server printed after the first line

    @property
    def port(self) -> int:
        return port_of(self.url)


@contextlib.contextmanager
def started(out: Path, log: Path, *options: str, executable: str = sys.executable) -> Iterator[Served]:
    """Run ``peacegraph serve --out OUT OPTIONS…`` until it answers queries; stop it afterwards."""
    command = [executable, "-m", "peacegraph", "serve", "--release", str(out), "--port", "0", *options]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with (
        open(log, "w", encoding="utf-8") as errors,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=environment) as process,
    ):
        try:
            line = _first_line(process, log)
            url = line.split(" at ", 1)[1].split(" ", 1)[0]
            _wait_until_answering(url)
            yield Served(url, process)
        finally:
            stop(process)


@contextlib.contextmanager
def serving(out: Path, log: Path, *options: str, executable: str = sys.executable) -> Iterator[str]:
    """Run ``peacegraph serve --out OUT OPTIONS…`` and yield its base URL (``http://127.0.0.1:N/``)."""
    with started(out, log, *options, executable=executable) as served:
        yield served.url


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].strip("/"))


def read_until_closed(sock: socket.socket) -> bytes:
    """All the server sends until it closes; ``<still open>`` at the end if the socket's timeout passed first."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        received += b"<still open>"
    return received


def _wait_until_answering(url: str) -> None:
    """Until a query gets an answer: the workers have loaded the dumps."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url + "sparql", params={"query": "ASK {}"}, timeout=STARTUP_SECONDS).status_code == 200:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{url}sparql did not answer within {STARTUP_SECONDS:.0f} s")
