"""Work done in a child process of its own, where what it builds costs more to take apart than to
make: the validation store. Freeing the store Oxigraph built of ten million triples, node by node,
takes 4.5 s of CPU (0.36 s at a million); a process that ends gives its memory back at once. So
:func:`call` forks, runs the function in the child and sends back its result (or the exception it
raised) through a pipe; the child then ends without freeing anything (``os._exit``).

Only where forking is sound: on Linux, and only from a process with no other thread (a thread
holding a lock when the process forks would leave it held for ever in the child). Anywhere else the
function runs in the process itself, with the same result. The child dies with its parent (a build
that is killed leaves no validation running), and a child that dies before it answers (the
out-of-memory killer) is one plain error.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Final, TypeVar

from .errors import PeacegraphError

T = TypeVar("T")

#: ``prctl(PR_SET_PDEATHSIG, …)``: the signal a child gets when its parent ends (Linux).
_PR_SET_PDEATHSIG: Final = 1


class ChildDiedError(PeacegraphError):
    """The child process ended without an answer."""


def can_fork() -> bool:
    """Whether :func:`call` runs the function in a child process here."""
    return sys.platform == "linux" and threading.active_count() == 1


def call(function: Callable[[list[object]], T], what: str, freed: Callable[[], None] = lambda: None) -> T:
    """``function(leftovers)``, run in a child process where that is sound (see above), else in this one;
    what the function puts in ``leftovers`` is never freed in a child, and freed last here (then ``freed()``
    is called). ``what`` names the work in the error when the child dies."""
    if not can_fork():
        leftovers: list[object] = []
        try:
            return function(leftovers)
        finally:
            leftovers.clear()
            freed()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    parent = os.getpid()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's lines run in the child (coverage is not collected there)
        os.close(read)
        _answer(function, write, parent)
    os.close(write)
    try:
        with os.fdopen(read, "rb") as pipe:
            answer = pipe.read()
    except BaseException:  # interrupted: the child goes too
        with contextlib.suppress(OSError):
            os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        raise
    _pid, status = os.waitpid(child, 0)
    if not answer:
        raise ChildDiedError(
            f"the process doing {what} ended without an answer ({_ended(status)}); "
            "if it ran out of memory, give the build more"
        )
    done, value = pickle.loads(answer)  # our own child's answer, through our own pipe
    if done:
        return value  # type: ignore[no-any-return]
    raise value


def _answer(function: Callable[[list[object]], object], write: int, parent: int) -> None:
    """In the child: run ``function``, send its result or exception, and end at once."""
    try:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent ended before the line above
            os._exit(1)
        gc.disable()  # a collection would write to every object shared with the parent, copying its pages
        try:
            leftovers: list[object] = []  # never freed: the process ends
            outcome: tuple[bool, object] = (True, function(leftovers))
        except BaseException as error:  # every outcome is the parent's to raise
            error.add_note("".join(["raised in the child process:\n", *traceback.format_tb(error.__traceback__)]))
            outcome = (False, error)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an exception that cannot be sent is sent as text
            sent = outcome[1]
            described = "".join(traceback.format_exception(sent)) if isinstance(sent, BaseException) else repr(sent)
            data = pickle.dumps((False, RuntimeError(described)), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)


def _ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"killed by {signal.strsignal(number) or f'signal {number}'}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
