"""``peacegraph serve`` started for real, on 127.0.0.1 on a port the system picks, and stopped again."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
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


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, as a service manager would, then wait; kill only if it does not stop."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serving(out: Path, log: Path, *options: str) -> Iterator[str]:
    """Run ``peacegraph serve --out OUT OPTIONS…`` and yield its base URL (``http://127.0.0.1:N/``)."""
    command = [sys.executable, "-m", "peacegraph", "serve", "--out", str(out), "--port", "0", *options]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with (
        open(log, "w", encoding="utf-8") as errors,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=environment) as process,
    ):
        try:
            line = _first_line(process, log)
            url = line.split(" at ", 1)[1].split(" ", 1)[0]
            _wait_until_answering(url)
            yield url
        finally:
            _stop(process)


def _wait_until_answering(url: str) -> None:
    """Until a query gets an answer: the workers have loaded the dumps."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url + "sparql", params={"query": "ASK {}"}, timeout=STARTUP_SECONDS).status_code == 200:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{url}sparql did not answer within {STARTUP_SECONDS:.0f} s")
