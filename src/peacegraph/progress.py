"""Progress of long work (build, release, publish): a bar when stderr is a terminal, and nothing
at all when it is not, so that logs and pipes get plain output only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

import click

Progress = Callable[[str], None]


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def stages(names: Sequence[str], label: str, enabled: bool | None = None) -> Iterator[Progress]:
    """A callback to tell of each stage as it starts; a bar over ``names`` on a terminal.

    ``enabled`` defaults to whether stderr is a terminal.
    """
    if not (is_terminal() if enabled is None else enabled):
        yield lambda _stage: None
        return
    with click.progressbar(
        length=len(names),
        label=label,
        item_show_func=lambda s: s,
        show_eta=False,
        file=sys.stderr,
        update_min_steps=0,  # redraw on every call, so a stage's name shows as soon as it starts
    ) as bar:
        started: list[str] = []

        def tell(stage: str) -> None:
            bar.update(1 if started else 0, stage)
            started.append(stage)

        yield tell
        bar.update(len(names) - bar.pos, "done")
