"""The documentation site builds in strict mode: every page in the navigation, every link and anchor found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    commands = (tmp_path / "site" / "reference" / "commands.html").read_text(encoding="utf-8")
    assert 'id="build"' in commands  # written from the CLI itself
    assert "--previous PATH" in commands
    fields = (tmp_path / "site" / "reference" / "record-schema.html").read_text(encoding="utf-8")
    assert "<code>wikidata_candidates</code>" in fields  # written from the JSON Schema
    model = (tmp_path / "site" / "reference" / "data-model.html").read_text(encoding="utf-8")
    assert "shapes/peacegraph.shapes.ttl" in model  # the shapes, written from shapes/


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [a page that is not there](missing.md).\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0])
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "mkdocs_hooks.py").write_text((ROOT / "scripts" / "mkdocs_hooks.py").read_text())
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "missing.md" in done.stderr
