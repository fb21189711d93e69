"""Bad arguments and unreadable files given on the command line, through the real command: one line,
exit code 2, no traceback, and the release in ``out/`` exactly as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from peacegraph import pipeline

from . import hostile
from .conftest import MINI, SEEDS

MINI_TEXT = MINI / "seeds" / "000_mini.txt"
KERRY_TEXT = SEEDS / "004_0df86756ba49dc31.txt"


@pytest.fixture
def release(mini_built: pipeline.BuildResult, tmp_path: Path) -> Path:
    """A copy of the mini release, to show that a refused command leaves it alone."""
    out = tmp_path / "out"
    shutil.copytree(next(iter(mini_built.files.values())).parent, out)
    return out


def peacegraph(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "peacegraph", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one line of a refusal (exit 2, nothing on stdout, no traceback)."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("a\\x", "Error: argument QUOTE, character 2: '\\x' is not an escape"),
        ("cease\\", "Error: argument QUOTE, character 6: '\\' is not an escape"),
        ("\\UFFFFFFFF", "Error: argument QUOTE, character 1: \\UFFFFFFFF is not a Unicode character"),
        ("", "Error: argument QUOTE: the quote is empty"),
        ("Kerry\\u2019s", f"Error: {MINI_TEXT}: quote not found"),
    ],
    ids=["incomplete-hex-escape", "trailing-backslash", "beyond-unicode", "empty", "escape-not-in-this-text"],
)
def test_locate_refuses_a_bad_quote_in_one_line(quote: str, message: str, release: Path, tmp_path: Path) -> None:
    before = hostile.snapshot(release)
    assert refused(peacegraph("locate", MINI_TEXT, quote, cwd=tmp_path)).startswith(message)
    assert hostile.snapshot(release) == before


def test_locate_reads_unicode_escapes_beyond_latin1(tmp_path: Path) -> None:
    result = peacegraph("locate", KERRY_TEXT, "Kerry\\u2019s", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    start, end = (int(line.split(": ")[1]) for line in result.stdout.splitlines())
    assert KERRY_TEXT.read_text(encoding="utf-8")[start:end] == "Kerry\u2019s"


def test_locate_says_when_a_quote_differs_only_by_normalization(tmp_path: Path) -> None:
    text = tmp_path / "cafe.txt"
    text.write_text("Le Café de Flore.\n", encoding="utf-8")
    line = refused(peacegraph("locate", text, unicodedata.normalize("NFD", "Café de Flore"), cwd=tmp_path))
    assert line.startswith(f"Error: {text}: quote not found; the quote differs from the source only by Unicode")
    assert "in NFC at 3-16" in line


def test_locate_refuses_a_text_that_is_not_utf8_naming_its_line(release: Path, tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("First line.\nCaf\u00e9 society.\n".encode("latin-1"))
    before = hostile.snapshot(release)
    assert refused(peacegraph("locate", latin1, "society", cwd=tmp_path)) == f"Error: {latin1}:2: not valid UTF-8"
    assert hostile.snapshot(release) == before


def test_query_refuses_a_query_file_that_is_not_utf8_naming_its_line(release: Path, tmp_path: Path) -> None:
    query = tmp_path / "latin1.rq"
    query.write_bytes("# caf\u00e9s\nSELECT * WHERE { ?s ?p ?o }\n".encode("latin-1"))
    before = hostile.snapshot(release)
    line = refused(peacegraph("query", "-f", query, "--release", release, cwd=tmp_path))
    assert line == f"Error: {query}:1: not valid UTF-8"
    assert hostile.snapshot(release) == before


def test_query_refuses_a_query_on_standard_input_that_is_not_utf8_naming_its_line(
    release: Path, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "peacegraph", "query", "-f", "-", "--release", str(release)]
    text = "# fine\n# caf\u00e9s\nSELECT * WHERE { ?s ?p ?o }\n".encode("latin-1")
    result = subprocess.run(command, input=text, cwd=tmp_path, capture_output=True, timeout=120, check=False)
    as_text = subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )
    assert refused(as_text) == "Error: <stdin>:2: not valid UTF-8"
