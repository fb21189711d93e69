"""Work in a thread beside a block: its result and errors, and a stop when the block fails."""

from __future__ import annotations

import threading

import pytest

from peacegraph.beside import Beside


def test_the_work_runs_beside_the_block_and_result_waits_for_it() -> None:
    started, done = threading.Event(), []

    def work(stop: threading.Event) -> None:
        started.set()
        done.append(threading.current_thread().name)

    with Beside(work, "a test") as beside:
        assert started.wait(10)  # it runs while the block does
        beside.result()
        assert done == ["peacegraph: a test"]


def test_an_error_of_the_work_is_raised_by_result() -> None:
    def work(stop: threading.Event) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device"), Beside(work, "a test") as beside:
        beside.result()


def test_an_error_of_the_block_stops_the_work_and_is_the_one_raised() -> None:
    """The work is told to stop, and waited for: it ends before the error leaves the block."""
    steps: list[int] = []
    ended = threading.Event()

    def work(stop: threading.Event) -> None:
        for step in range(1000):
            if stop.wait(0.01):
                break
            steps.append(step)
        ended.set()
        raise RuntimeError("not this one")  # the block's error wins

    with pytest.raises(ValueError, match="the block failed"), Beside(work, "a test"):
        raise ValueError("the block failed")
    assert ended.is_set()
    assert len(steps) < 1000


def test_without_result_the_block_still_waits_for_the_work_and_raises_its_error() -> None:
    ended = threading.Event()

    def work(stop: threading.Event) -> None:
        if not stop.wait(0.05):  # a block that ends well does not stop it
            ended.set()
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device"), Beside(work, "a test"):
        pass
    assert ended.is_set()
