"""Hostile and broken input, through the real command line: one line naming the file and line,
exit code 2, no traceback, bounded memory, and the published release exactly as it was.

The cases are folders in ``tests/fixtures/bad`` (see ``tests/hostile.py``); ``bench/hostile.py``
measures the time and memory each one takes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph import pipeline
from peacegraph.cli import main

from . import hostile

CASES = hostile.cases()

#: Address space allowed to the command: far below what expanding any of the cases would take.
MEMORY_LIMIT = 512 * 2**20

LAUNCH = (
    "import resource, runpy, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT})); "
    "sys.argv[0] = 'peacegraph'; runpy.run_module('peacegraph', run_name='__main__')"
)


def run_build(workdir: Path) -> subprocess.CompletedProcess[str]:
    """``peacegraph build --collection seeds --out release/out`` in ``workdir``, under the memory limit."""
    command = [sys.executable, "-c", LAUNCH, "build", "--collection", "seeds", "--out", "release/out"]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=120, check=False)


@dataclass(frozen=True)
class Outcome:
    result: subprocess.CompletedProcess[str]
    before: dict[str, bytes | str]
    after: dict[str, bytes | str]


def _attempt(case: hostile.Case, release: Path, workdir: Path) -> Outcome:
    """Lay the case out over the seeds, publish the mini release into ``release/out``, build."""
    hostile.lay_out(case, workdir)
    shutil.copytree(release, workdir / "release" / "out")
    before = hostile.snapshot(workdir / "release")
    result = run_build(workdir)
    return Outcome(result, before, hostile.snapshot(workdir / "release"))


@pytest.fixture(scope="module")
def outcomes(mini_built: pipeline.BuildResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case, run as its own process; a few at a time, since each mostly waits for imports."""
    release = next(iter(mini_built.files.values())).parent
    workdirs = {case.name: tmp_path_factory.mktemp(case.name) for case in CASES}
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        done = pool.map(lambda case: _attempt(case, release, workdirs[case.name]), CASES)
        return {case.name: outcome for case, outcome in zip(CASES, done, strict=True)}


def test_the_corpus_covers_at_least_thirty_bad_inputs() -> None:
    assert len(CASES) >= 30
    assert all(case.message and case.file and case.line > 0 for case in CASES), "every case names file and line"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_one_line_naming_file_and_line_and_out_is_untouched(
    case: hostile.Case, outcomes: dict[str, Outcome]
) -> None:
    outcome = outcomes[case.name]
    result = outcome.result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: seeds/{case.file}:{case.line}: "), lines[0]
    assert case.message in lines[0]
    assert outcome.after == outcome.before


def test_the_same_seeds_without_the_bad_file_build(tmp_path: Path) -> None:
    """The corpus lays its cases over seeds that build: each failure is the case's own."""
    shutil.copytree(hostile.MINI_SEEDS, tmp_path / "seeds")
    result = run_build(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "release" / "out" / "peacegraph.nt").stat().st_size > 0


def test_an_out_that_is_a_file_is_refused_and_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a release\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--collection", str(hostile.MINI_SEEDS), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: {out}: --out must be a directory, and this is a file"]
    assert out.read_text(encoding="utf-8") == "not a release\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
