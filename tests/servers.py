"""Real servers for tests, each on 127.0.0.1 on a free port, and each stopped by whoever starts it.

- :func:`oxigraph`: the Oxigraph server (``oxigraph`` on PyPI), with a store directory.
- :func:`virtuoso`: OpenLink Virtuoso (Debian's ``virtuoso-opensource-7-bin``), with its own
  database directory, a generated ``virtuoso.ini``, and a user allowed SPARQL updates.
- :class:`Scripted`: a tiny stdlib HTTP server that answers from a script (503 with
  ``Retry-After``, 403, a wrong count, a malformed body, …) and then, optionally, forwards to a
  real server. It records every request it gets.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

HOST = "127.0.0.1"
STARTUP_SECONDS = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{process.args!r} did not answer {url} within {STARTUP_SECONDS:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _executable(name: str) -> str:
    beside_python = Path(sys.executable).with_name(name)
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed")
    return found


@contextlib.contextmanager
def oxigraph(location: Path, data: Path | None = None) -> Iterator[str]:
    """An Oxigraph server over a store in ``location`` (first loaded with ``data``); its base URL."""
    exe = _executable("oxigraph")
    location.mkdir(parents=True, exist_ok=True)
    if data is not None:
        subprocess.run([exe, "load", "--location", str(location), "--file", str(data)], check=True, capture_output=True)
    port = free_port()
    log = location.with_suffix(".log")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [exe, "serve", "--location", str(location), "--bind", f"{HOST}:{port}"], stdout=out, stderr=out
        )
    base = f"http://{HOST}:{port}"
    try:
        _wait_until_up(f"{base}/query?query=ASK%7B%7D", process, log)
        yield base
    finally:
        _stop(process)


# --- Virtuoso ------------------------------------------------------------------------------------

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = {host}:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
DirsAllowed = {dir}

[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Virtuoso:
    base: str
    user: str
    password: str

    @property
    def env(self) -> dict[str, str]:
        """The environment that gives ``peacegraph publish`` this server's credentials."""
        return {
            "PEACEGRAPH_SPARQL_USER": self.user,
            "PEACEGRAPH_SPARQL_PASSWORD": self.password,
            "PEACEGRAPH_SPARQL_AUTH": "digest",
        }


def virtuoso_binaries() -> tuple[str, str]:
    """virtuoso-t and isql-vt, or a skip (a failure under CI, whose .ci/run installs them)."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        message = "Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return server, isql


@contextlib.contextmanager
def virtuoso(directory: Path) -> Iterator[Virtuoso]:
    """A fresh Virtuoso with a user allowed SPARQL updates (digest auth on ``/sparql-auth``)."""
    server, isql = virtuoso_binaries()
    directory.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, host=HOST, http_port=http_port, sql_port=sql_port))
    log = directory / "console.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)], cwd=directory, stdout=out, stderr=out
        )
    base = f"http://{HOST}:{http_port}"
    try:
        _wait_until_up(f"{base}/sparql?query=ASK%7B%7D", process, log)
        user, password = "peacegraph", secrets.token_hex(12)
        sql = f"DB.DBA.USER_CREATE('{user}', '{password}'); GRANT SPARQL_UPDATE TO \"{user}\";"
        done = subprocess.run(
            [isql, f"{HOST}:{sql_port}", "dba", "dba", f"exec={sql}"], capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt: {done.stdout}{done.stderr}")
        yield Virtuoso(base, user, password)
    finally:
        _stop(process)


# --- a scripted HTTP server ----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to keep the client waiting before answering.
    delay: float = 0.0


#: A scripted answer that forwards the request to the upstream server instead.
FORWARD = Answer(0)


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class Scripted:
    """Answers the n-th request with ``answers[n]`` (:data:`FORWARD` sends it to ``upstream``, a
    base URL); once they run out, forwards everything to ``upstream`` if given, else repeats the
    last answer."""

    def __init__(self, answers: list[Answer], upstream: str | None = None):
        self.answers = answers
        self.upstream = upstream
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((HOST, 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self._server.server_address[1]}"

    def __enter__(self) -> Scripted:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _next(self, method: str, path: str, headers: dict[str, str]) -> Answer | None:
        with self._lock:
            index = len(self.seen)
            self.seen.append(Seen(method, path, headers))
        if index < len(self.answers):
            return self.answers[index]
        return None if self.upstream else self.answers[-1]

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Answer:
        assert self.upstream is not None
        request = urllib.request.Request(self.upstream + path, data=body, method=method)
        for name in ("Content-Type", "Accept", "Authorization"):
            if name in headers:
                request.add_header(name, headers[name])
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(
                    response.status, response.read(), {"Content-Type": response.headers["Content-Type"] or ""}
                )
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), {"Content-Type": error.headers["Content-Type"] or ""})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {name: value for name, value in self.headers.items()}
                answer = scripted._next(self.command, self.path, headers)
                if answer is None or answer is FORWARD:
                    answer = scripted._forward(self.command, self.path, headers, body)
                time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                with contextlib.suppress(ConnectionError):  # the client may have given up waiting
                    self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = _serve  # noqa: N815 - http.server's naming

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


class Canary:
    """A TCP port that counts every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.hits = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()
