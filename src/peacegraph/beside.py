"""Work run in a thread beside the code that starts it: for work that spends its time where Python lets
go of the lock that lets one thread run at a time (zlib compressing, SHA-256 hashing, reading and
writing files), so that it is not waited for. The N-Triples dump and its gzipped copy are written so
while the Turtle, the JSON-LD and the tables' index are made: about a second of fifteen at a million
triples.

    with Beside(lambda stop: write(stop), "the gzipped lines") as gzipped:
        ...                # the rest of the work
        gzipped.result()   # waits for it; raises what it raised

The work is given an event, ``stop``, set when the block ends with an error: it should stop at its
next step, as its result will not be used (the block's error is the one raised). The block waits for
it either way, so that no thread outlives the work it was part of; a block that ends well raises the
work's error if :meth:`result` was not called.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType


class Beside:
    """``work(stop)`` running in a thread of its own while the ``with`` block runs (see the module)."""

    def __init__(self, work: Callable[[threading.Event], None], name: str):
        self.stop = threading.Event()
        self._work = work
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"peacegraph: {name}", daemon=True)

    def _run(self) -> None:
        try:
            self._work(self.stop)
        except BaseException as error:  # handed to the thread that waits for it, raised there
            self._error = error

    def __enter__(self) -> Beside:
        self._thread.start()
        return self

    def result(self) -> None:
        """Wait for the work to end; raise what it raised."""
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if kind is not None:
            self.stop.set()
            self._thread.join()
        else:
            self.result()
