"""The README's tour and the documentation's pages run as written, and print what they show.

Each page's console sessions run in a folder of their own holding a copy of the repository's Syria
collection (``seeds/``) and its release (``out/``), so a page's commands, written to be run at the
root of a checkout, never write into this one. ``--regen-golden`` rewrites what the pages show.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from pathlib import Path

import click
import pytest

from peacegraph.cli import main

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


_SHELL_BLOCK = re.compile(r"^```(?:sh|bash)\n(.*?)^```\n", re.S | re.M)


def _shown_commands() -> list[tuple[str, list[str]]]:
    """Every ``peacegraph …`` line of the pages' ``sh`` blocks (those that need a live server or the
    network, which the console sessions cannot run), as argument lists, with the page it is on."""
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for block in _SHELL_BLOCK.finditer(path.read_text(encoding="utf-8")):
            for line in block.group(1).replace("\\\n", " ").splitlines():
                words = shlex.split(line, comments=True)
                if words[:1] == ["peacegraph"]:
                    found.append((path.relative_to(ROOT).as_posix(), words[1:]))
    return found


def test_every_command_the_pages_only_show_is_one_the_cli_accepts() -> None:
    assert isinstance(main, click.Group)
    shown = _shown_commands()
    assert len(shown) >= 3  # serve, publish, reconcile at least
    for page, (name, *args) in shown:
        assert name in main.commands, (page, name)
        try:
            main.commands[name].make_context(name, list(args))
        except click.UsageError as error:
            pytest.fail(f"{page}: peacegraph {name} {' '.join(args)}: {error.format_message()}")
