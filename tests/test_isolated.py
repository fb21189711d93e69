"""Work done in a child process of its own (:mod:`peacegraph.isolated`): its result and its errors
come back whole, a child that dies is one plain error, it dies with its parent, and where forking is
not sound the work is done in the process itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from peacegraph import isolated
from peacegraph.errors import InputError, MultiInputError

pytestmark = pytest.mark.skipif(not isolated.can_fork(), reason="forks only on Linux, from one thread")


class _Held:
    """Something a function leaves over (a weak reference can tell when it is freed)."""


def _pid(leftovers: list[object]) -> int:
    return os.getpid()


def test_the_work_is_done_in_another_process_and_its_result_comes_back() -> None:
    assert isolated.call(_pid, "a test") != os.getpid()
    answer = {"rows": [("a", 1)], "ok": True}
    assert isolated.call(lambda leftovers: answer, "a test") == answer


def test_an_input_error_comes_back_whole() -> None:
    def fails(leftovers: list[object]) -> None:
        raise InputError("not a date", "records/a.yaml", 12)

    with pytest.raises(InputError) as raised:
        isolated.call(fails, "a test")
    assert (raised.value.message, raised.value.file, raised.value.line) == ("not a date", "records/a.yaml", 12)
    assert str(raised.value) == "records/a.yaml:12: not a date"
    assert any("raised in the child process" in note for note in raised.value.__notes__)


def test_several_input_errors_come_back_as_they_were() -> None:
    errors = [InputError("two", "b.yaml", 2), InputError("one", "a.yaml", 1)]

    def fails(leftovers: list[object]) -> None:
        raise MultiInputError(errors)

    with pytest.raises(MultiInputError) as raised:
        isolated.call(fails, "a test")
    assert [str(e) for e in raised.value.errors] == ["a.yaml:1: one", "b.yaml:2: two"]
    assert str(raised.value) == "a.yaml:1: one (and 1 more error)"


class _UnsendableError(Exception):
    def __init__(self) -> None:
        super().__init__("held a lock")
        self.lock = threading.Lock()


def test_an_error_that_cannot_be_sent_comes_back_as_its_text() -> None:
    def fails(leftovers: list[object]) -> None:
        raise _UnsendableError

    with pytest.raises(RuntimeError, match="_UnsendableError: held a lock"):
        isolated.call(fails, "a test")


def test_a_child_that_dies_is_one_plain_error() -> None:
    def killed(leftovers: list[object]) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(isolated.ChildDiedError) as raised:
        isolated.call(killed, "the validation")
    assert str(raised.value) == (
        "the process doing the validation ended without an answer (killed by Killed); "
        "if it ran out of memory, give the build more"
    )


@pytest.fixture
def another_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@pytest.mark.usefixtures("another_thread")
def test_with_another_thread_the_work_is_done_here_and_its_leftovers_freed() -> None:
    assert not isolated.can_fork()
    made: list[weakref.ref[_Held]] = []
    freed: list[bool] = []

    def work(leftovers: list[object]) -> int:
        held = _Held()
        made.append(weakref.ref(held))
        leftovers.append(held)
        return os.getpid()

    assert isolated.call(work, "a test", freed=lambda: freed.append(made[0]() is None)) == os.getpid()
    assert freed == [True]  # called once the leftovers were let go


def test_the_child_dies_with_its_parent(tmp_path: Path) -> None:
    """A build killed while it validates leaves no validation running."""
    pid_file = tmp_path / "child.pid"
    script = textwrap.dedent(
        f"""
        import os, time
        from peacegraph import isolated

        def work(leftovers):
            with open({str(pid_file)!r}, "w") as out:
                out.write(str(os.getpid()))
            time.sleep(60)

        isolated.call(work, "a test")
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.01)
        child = int(pid_file.read_text())
        os.kill(child, 0)  # it runs
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped by init, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
