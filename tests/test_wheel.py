"""The tool on its own: the wheel, installed into a fresh venv outside this checkout, is all a data
librarian needs to start a collection, draft into it, build it and serve it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from .live import serving

ROOT = Path(__file__).resolve().parents[1]
DELTA = Path(__file__).resolve().parent / "fixtures" / "delta"


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=900, check=False, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the dependencies from the lock and peacegraph from its wheel (never from the checkout)."""
    place = tmp_path_factory.mktemp("wheel")
    run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", place / "dist", ROOT, cwd=place
    )
    (wheel,) = (place / "dist").glob("peacegraph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("data/ontology/peacegraph.ttl", "data/shapes/peacegraph.shapes.ttl", "pages/templates/base.html"):
        assert f"peacegraph/{shipped}" in names
    assert any(name.startswith("peacegraph/pages/static/") for name in names)
    venv = place / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=place)
    pip = venv / "bin" / "pip"
    run(pip, "install", "--quiet", "--no-deps", "--require-hashes", "-r", ROOT / "requirements.lock", cwd=place)
    run(pip, "install", "--quiet", "--no-deps", wheel, cwd=place)
    return venv


def test_the_installed_wheel_starts_drafts_builds_and_serves_a_collection(installed: Path, tmp_path: Path) -> None:
    tool = installed / "bin" / "peacegraph"
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    code = "import peacegraph; print(peacegraph.__file__)"
    located = run(installed / "bin" / "python", "-c", code, cwd=tmp_path, env=environment)
    assert str(installed) in located, "peacegraph must come from the wheel, not the checkout"
    run(tool, "init", "mine", "--base", "https://example.org/mine/", "--title", "Mine", cwd=tmp_path, env=environment)
    folder = tmp_path / "mine"
    run(tool, "build", cwd=folder, env=environment)
    drafted = run(tool, "draft", DELTA / "texts" / "003_alliance-note.txt", cwd=folder, env=environment)
    assert f"drafted {folder}/records/" in drafted
    run(tool, "build", "--quiet", cwd=folder, env=environment)
    assert (folder / "out" / "peacegraph.ttl").is_file()
    previous = Path.cwd()
    os.chdir(folder)
    try:
        with serving(folder / "out", tmp_path / "serve.log", executable=str(installed / "bin" / "python")) as url:
            assert "Mine" in httpx.get(url + "id/", timeout=30).text
    finally:
        os.chdir(previous)
