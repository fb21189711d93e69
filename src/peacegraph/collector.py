"""Pausing Python's cycle collector around work that makes millions of objects and no cycles.

The collector runs a pass each time enough new container objects have been made since the last, and
the older generations' passes walk every object still alive: while a stage builds millions of records,
values and lines that it keeps, the passes find nothing and cost it a tenth of its time or more.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside the block (what it leaves in cycles is collected after it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
