"""The corpus of bad inputs in ``tests/fixtures/bad``, laid out over a copy of the mini seeds.

Each case is a folder. Its files (other than ``expect.yaml``) replace or extend the files of a
copy of ``tests/fixtures/mini/seeds``. ``expect.yaml`` says what the error must be and may ask
for what a fixture folder cannot hold:

- ``message``, ``file`` (relative to the seeds), ``line``: the one-line error expected;
- ``generate``: large files, a list of ``{path, head, repeat, times, tail}`` written at test time;
- ``links``: symbolic links, ``{path: target}``; ``fifos``: named pipes; ``dirs``: directories;
- ``outside``: files written beside ``seeds/`` (for links that escape it), ``{name: text}``.

Used by ``tests/test_hostile.py`` and measured by ``bench/hostile.py``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "fixtures" / "bad"
MINI_SEEDS = HERE / "fixtures" / "mini" / "seeds"
EXPECT = "expect.yaml"


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    message: str
    file: str
    line: int
    setup: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name


def cases() -> list[Case]:
    """Every case of the corpus, by name."""
    found = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        spec = yaml.safe_load((folder / EXPECT).read_text(encoding="utf-8"))
        setup = {k: v for k, v in spec.items() if k not in ("description", "message", "file", "line")}
        found.append(Case(folder.name, folder, spec["message"], spec["file"], spec["line"], setup))
    return found


def lay_out(case: Case, workdir: Path) -> Path:
    """A fresh ``workdir/seeds``: the mini seeds with the case laid over them. Returns the seeds."""
    seeds = workdir / "seeds"
    shutil.copytree(MINI_SEEDS, seeds)
    for source in sorted(p for p in case.folder.rglob("*") if p.is_file() and p.name != EXPECT):
        target = seeds / source.relative_to(case.folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for name, text in case.setup.get("outside", {}).items():
        (workdir / name).write_text(text, encoding="utf-8")
    for path in case.setup.get("dirs", []):
        (seeds / path).mkdir(parents=True)
    for path in case.setup.get("fifos", []):
        os.mkfifo(seeds / path)
    for path, target in case.setup.get("links", {}).items():
        os.symlink(target, seeds / path)
    for spec in case.setup.get("generate", []):
        _generate(seeds, **spec)
    return seeds


def _generate(seeds: Path, path: str, head: str, repeat: str, times: int, tail: str = "") -> None:
    """``head``, ``repeat`` ``times`` times (``{n}`` in it numbered from 0), then ``tail``."""
    with open(seeds / path, "w", encoding="utf-8") as handle:
        handle.write(head)
        if "{n}" in repeat:
            handle.writelines(repeat.replace("{n}", str(n)) for n in range(times))
        else:
            handle.write(repeat * times)
        handle.write(tail)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file under ``root`` (bytes) and every directory (marked), by relative path."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        found[key] = "<dir>" if path.is_dir() else path.read_bytes()
    return found
