"""The README's tour and the documentation's pages run as written, and print what they show.

Each page's console sessions run in a folder of their own holding a copy of the repository's Syria
collection (``seeds/``) and its release (``out/``), so a page's commands, written to be run at the
root of a checkout, never write into this one. ``--regen-golden`` rewrites what the pages show.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from . import doctour
from .conftest import ROOT

#: Pages whose commands run against the Syria collection (the tutorial of a new collection has its own test).
PAGES = [
    "README.md",
    "docs/tutorials/first-steps.md",
    "docs/how-to/fix-an-error.md",
    "docs/how-to/resolve-on-the-web.md",
    "docs/explanation/positions-and-quotes.md",
    "docs/explanation/how-a-release-is-checked.md",
]


def _checkout_copy(home: Path) -> None:
    for folder in ("seeds", "out"):
        shutil.copytree(ROOT / folder, home / folder)


@pytest.mark.parametrize("name", PAGES)
def test_the_page_runs_as_written(name: str, tmp_path: Path, regen: bool) -> None:
    path = ROOT / name
    page = path.read_text(encoding="utf-8")
    found = doctour.sessions(page)
    assert found, f"{name} shows no console session"
    _checkout_copy(tmp_path)
    shell = doctour.Shell(tmp_path, f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    outputs: list[list[str]] = []
    mismatches = []
    for steps in found:
        outputs.append([shell.run(step.command) for step in steps])
        for step, printed in zip(steps, outputs[-1], strict=True):
            if printed != step.shown:
                mismatches.append(f"$ {step.command}\n--- shown\n{step.shown}--- printed\n{printed}")
    if regen:
        path.write_text(doctour.rewrite(page, outputs), encoding="utf-8")
        return
    assert mismatches == [], "\n".join(mismatches) + "\n(regenerate with --regen-golden)"
