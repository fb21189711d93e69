"""Run the shell sessions of a Markdown page and compare what they print with what the page shows.

A session is a ```` ```console ```` block: ``$ COMMAND`` lines (a heredoc's lines follow as ``> LINE``),
each followed by the output the page promises. Commands run one after another in bash, in a folder of
the test's own; ``cd`` moves it. What varies from run to run is written as it is normalized here:
the seconds of each build stage as ``…``, the test's folder as ``~``.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.S | re.M)
_TIMINGS = re.compile(r"\((load [^)]*)\)")


@dataclass
class Step:
    command: str
    shown: str  # the output the page shows


def sessions(page: str) -> list[list[Step]]:
    """The steps of every console block of ``page``, in order."""
    found = []
    for block in _BLOCK.finditer(page):
        steps: list[Step] = []
        for line in block.group(1).splitlines():
            if line.startswith("$ "):
                steps.append(Step(line[2:], ""))
            elif line.startswith("> ") or line == ">":
                steps[-1].command += "\n" + line[2:]
            else:
                steps[-1].shown += line + "\n"
        found.append(steps)
    return found


def normalized(output: str, home: Path) -> str:
    text = output.replace(str(home), "~")
    return _TIMINGS.sub("(…)", text)


class Shell:
    """Commands run as a reader runs them: one after another, in one folder that ``cd`` changes."""

    def __init__(self, home: Path, path: str):
        self.home = home
        self.cwd = home
        self.environment = {**os.environ, "PATH": path, "COLUMNS": "100", "HOME": str(home)}

    def run(self, command: str) -> str:
        if command.startswith("cd "):
            self.cwd = (self.cwd / command[3:].strip()).resolve()
            return ""
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=self.cwd,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        return normalized(done.stdout + done.stderr, self.home)


def rewrite(page: str, outputs: list[list[str]]) -> str:
    """``page`` with each step's shown output replaced by ``outputs`` (for --regen-golden)."""
    blocks = iter(outputs)

    def block(match: re.Match[str]) -> str:
        lines = []
        for step, output in zip(sessions(match.group(0))[0], next(blocks), strict=True):
            first, *rest = step.command.split("\n")
            lines += [f"$ {first}", *(f"> {line}" if line else ">" for line in rest)]
            lines += output.splitlines()
        return "```console\n" + "\n".join(lines) + "\n```\n"

    return _BLOCK.sub(block, page)
