"""A clone made with ``core.autocrlf=true`` (Git for Windows' default) keeps the seed texts and the
release byte for byte: its committed ``out/`` passes ``sha256sum -c``, and it builds the same bytes.

The repository cloned is the working tree as it is (committed into a scratch repository first), so
the test checks the ``.gitattributes`` being tested, not the last commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import hostile
from .conftest import ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a git checkout"
)

IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}


def git(*args: str | Path, cwd: Path) -> str:
    env = {**os.environ, **IDENTITY, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def scratch_repository(target: Path, *, attributes: bool) -> Path:
    """The working tree's tracked and new files, committed as they are (LF) into a new repository."""
    target.mkdir()
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and (attributes or name != ".gitattributes"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)
    git("init", "-q", cwd=target)
    git("-c", "core.autocrlf=false", "add", "-A", cwd=target)
    git("-c", "core.autocrlf=false", "commit", "-q", "-m", "scratch", cwd=target)
    return target


def crlf_clone(repository: Path, target: Path) -> Path:
    git("clone", "-q", "-c", "core.autocrlf=true", repository, target, cwd=repository.parent)
    return target


def sha256sum_check(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True, check=False)


def test_without_the_attributes_autocrlf_breaks_the_release(tmp_path: Path) -> None:
    """The clone below really converts line ends: the guard is needed, and the test can fail."""
    clone = crlf_clone(scratch_repository(tmp_path / "repo", attributes=False), tmp_path / "clone")
    assert b"\r\n" in (clone / "out" / "peacegraph.nt").read_bytes()
    assert sha256sum_check(clone / "out").returncode != 0


def test_an_autocrlf_clone_verifies_and_builds_the_same_bytes(tmp_path: Path) -> None:
    clone = crlf_clone(scratch_repository(tmp_path / "repo", attributes=True), tmp_path / "clone")
    for text in sorted((clone / "seeds").glob("*.txt")):
        assert text.read_bytes() == (ROOT / "seeds" / text.name).read_bytes(), text.name
    committed = hostile.snapshot(clone / "out")
    checked = sha256sum_check(clone / "out")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    env = {**os.environ, "PYTHONPATH": str(clone / "src")}  # the clone's package, ontology and shapes
    where = [sys.executable, "-c", "import peacegraph.resources as r; print(r.ontology_file())"]
    assert subprocess.run(where, env=env, capture_output=True, text=True, check=True).stdout.startswith(str(clone))
    command = [sys.executable, "-m", "peacegraph", "build", "-q", "--collection", "seeds", "--out", "out"]
    built = subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stderr
    assert hostile.snapshot(clone / "out") == committed
    assert sha256sum_check(clone / "out").returncode == 0
