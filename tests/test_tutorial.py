"""The tutorial "Publish your own collection" runs as written, and prints what it shows."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

from . import doctour
from .conftest import ROOT

PAGE = ROOT / "docs" / "tutorials" / "publish-your-own-collection.md"
#: The session before which the reader has reviewed the drafted records ("Open the record file …").
REVIEWED_BEFORE = 5


def _review(records: Path) -> None:
    """What the tutorial asks of the reader between two commands: check each guess, delete its note."""
    for file in records.glob("*.yaml"):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for items in data.values():
            for item in items:
                item.pop("review", None)
        file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_the_tutorial_runs_as_written(tmp_path: Path, regen: bool) -> None:
    page = PAGE.read_text(encoding="utf-8")
    shell = doctour.Shell(tmp_path, f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    outputs: list[list[str]] = []
    mismatches = []
    for steps in doctour.sessions(page):
        outputs.append([])
        for step in steps:
            if len(outputs) == REVIEWED_BEFORE and step is steps[0]:
                _review(shell.cwd / "records")
            printed = shell.run(step.command)
            outputs[-1].append(printed)
            if printed != step.shown:
                mismatches.append(f"$ {step.command}\n--- shown\n{step.shown}--- printed\n{printed}")
    if regen:
        PAGE.write_text(doctour.rewrite(page, outputs), encoding="utf-8")
        return
    assert mismatches == [], "\n".join(mismatches) + "\n(regenerate with --regen-golden)"
    assert (tmp_path / "letters" / "out" / "peacegraph.ttl").is_file()
    assert (tmp_path / "site" / "index.html").is_file()
