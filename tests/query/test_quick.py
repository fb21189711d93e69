"""The ``peacegraph`` program's quick start: ``--version`` and a plain ``query`` answered without click, saying
exactly what the click command says; anything else handed to click."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peacegraph import options, querying
from peacegraph.query import cache

PROGRAM = [str(Path(sys.executable).parent / "peacegraph")]
#: The click command line itself, as the program was before it had a quick start.
CLICK = [sys.executable, "-c", "from peacegraph.cli import main; main(prog_name='peacegraph')"]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def run(command: list[str], *args: str, stdin: str | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    done = subprocess.run([*command, *args], input=stdin, capture_output=True, text=True, timeout=120, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


def program(*args: str, stdin: str | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    """The installed ``peacegraph`` program, run as a user runs it."""
    return run(PROGRAM, *args, stdin=stdin, cwd=cwd)


def clicked(*args: str, stdin: str | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    """The click command line, given the same arguments."""
    return run(CLICK, *args, stdin=stdin, cwd=cwd)


def test_the_version_is_what_click_says() -> None:
    assert program("--version") == clicked("--version")


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "csv", COUNT],
        ["--format=tsv", "--ontology", COUNT],
        [COUNT, "--format", "json"],
        ["SELECT ?x WHERE { ?x a foo:Bar }"],  # an error the query itself makes
        ["SELEC ?x WHERE { ?x a schema:Place }"],
        ["--format", "csv", "DESCRIBE <urn:x:nothing>"],  # a format that does not fit the result
        ["--format", "yaml", COUNT],  # from here on, click reads and explains the command line
        ["--format"],
        ["--help"],
        ["-h", COUNT],
        [COUNT, COUNT],
        [],
        ["--ontology=yes", COUNT],
        ["--ontology", "--ontology", COUNT],
        ["-f", "no-such-file.rq"],
        ["--", COUNT],
    ],
)
def test_a_query_says_what_the_click_command_says(out_dir: Path, args: list[str]) -> None:
    given = ["query", "--release", str(out_dir), *args]
    assert program(*given) == clicked(*given)


def test_a_query_from_a_file_and_from_standard_input(out_dir: Path, tmp_path: Path) -> None:
    saved = tmp_path / "count.rq"
    saved.write_text(COUNT, encoding="utf-8")
    from_file = ["query", "-f", str(saved), "--release", str(out_dir), "--format", "csv"]
    assert program(*from_file) == clicked(*from_file)
    from_stdin = ["query", "--release", str(out_dir), "-f", "-", "--format", "csv"]
    assert program(*from_stdin, stdin=COUNT) == clicked(*from_stdin, stdin=COUNT)
    assert program(*from_stdin, stdin=COUNT)[1].split()[0] == "n"


def test_no_release_and_no_collection_is_the_same_error(tmp_path: Path) -> None:
    args = ["query", "--release", str(tmp_path / "nothing"), COUNT]
    code, stdout, stderr = program(*args, cwd=tmp_path)
    assert (code, stdout) == (2, "")
    assert stderr.startswith("Error: ")
    assert stderr.count("\n") == 1
    assert clicked(*args, cwd=tmp_path) == (code, stdout, stderr)


def test_the_deprecated_name_is_clicks_to_read(out_dir: Path) -> None:
    args = ["query", "--out", str(out_dir), "--format", "csv", COUNT]
    code, stdout, stderr = program(*args)
    assert code == 0
    assert "--out is deprecated" in stderr
    assert (code, stdout, stderr) == clicked(*args)


def test_a_plain_query_starts_without_click(out_dir: Path) -> None:
    script = (
        "import sys; from peacegraph import entry; "
        f"sys.argv = ['peacegraph', 'query', '--release', {str(out_dir)!r}, '--format', 'csv', {COUNT!r}]\n"
        "try: entry.main()\n"
        "except SystemExit as end: assert end.code == 0, end\n"
        "sys.stderr.write(' '.join(m for m in ('click', 'rdflib', 'yaml', 'jsonschema') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split()[0] == "n"
    assert done.stderr == ""


def test_the_options_are_read_plainly_only_when_click_would_read_them_so(tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text(COUNT, encoding="utf-8")
    assert options.plain(["-f", str(tmp_path / "q.rq")], querying.OPTIONS) is not None
    assert options.plain(["-f", str(tmp_path)], querying.OPTIONS) is None  # a folder: click explains
    assert options.plain(["--collection", str(tmp_path / "q.rq")], querying.OPTIONS) is None  # a file
    assert options.plain(["--release", ""], querying.OPTIONS) is None
    assert options.plain(["-f=" + str(tmp_path / "q.rq")], querying.OPTIONS) is None  # click reads "=…" as the value
    read = options.plain(["--release=out", COUNT], querying.OPTIONS)
    assert read == (
        {"query_file": None, "fmt": "table", "ontology": False, "collection_dir": None, "release": "out"},
        [COUNT],
    )


def _audited(release: Path, cache_folder: Path) -> tuple[int, str, str]:
    """A query through the program's entry point, saying on standard error each time Python opens the dump."""
    script = (
        "import sys\n"
        "def hook(event, args):\n"
        f"    if event == 'open' and str(args[0]) == {str(release / 'peacegraph.nt')!r}:\n"
        "        sys.stderr.write('read the dump\\n')\n"
        "sys.addaudithook(hook)\n"
        "from peacegraph import entry\n"
        f"sys.argv = ['peacegraph', 'query', '--release', {str(release)!r}, '--format', 'csv', {COUNT!r}]\n"
        "entry.main()\n"
    )
    environment = {**os.environ, "PEACEGRAPH_CACHE": str(cache_folder)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment, timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_a_settled_release_is_queried_without_reading_its_dump(out_dir: Path, tmp_path: Path) -> None:
    """The first run reads the dump (to build the store, and once the files have settled, to know them
    by their stamp); later runs open no file of the dump (the audit hook sees every file Python opens)."""
    release = tmp_path / "out"
    shutil.copytree(out_dir, release)
    first = _audited(release, tmp_path / "cache")
    assert first[0] == 0
    assert "read the dump" in first[2]
    time.sleep(cache.SETTLED_SECONDS + 0.2)
    assert "read the dump" in _audited(release, tmp_path / "cache")[2]  # settled now: its stamp is kept
    assert _audited(release, tmp_path / "cache") == (0, first[1], "")


def test_the_program_is_bin_peacegraph_and_runs_only_as_a_program(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed program is bin/peacegraph as written (only its first line set by the installer); imported
    as a worker process's main module (multiprocessing's spawn does that, ``peacegraph serve``'s workers), it
    runs nothing."""
    import runpy

    from ..conftest import ROOT

    written = (ROOT / "bin" / "peacegraph").read_text(encoding="utf-8")
    installed = Path(PROGRAM[0]).read_text(encoding="utf-8")
    assert installed.split("\n", 1)[1] == written.split("\n", 1)[1]
    monkeypatch.setattr(sys, "argv", ["peacegraph", "--version"])
    runpy.run_path(PROGRAM[0], run_name="__mp_main__")  # would exit, having said the version
