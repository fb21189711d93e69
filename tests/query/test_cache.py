"""The on-disk store of a release: found by the stamp of its files, rebuilt when they change, never half-built."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import pytest

from peacegraph import pipeline
from peacegraph.query import cache
from peacegraph.serve.settings import Limits
from peacegraph.serve.workers import QueryPool, Request, Started

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def release(mini_built: pipeline.BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of a built release, with a cache of its own."""
    copy = tmp_path / "out"
    shutil.copytree(next(iter(mini_built.files.values())).parent, copy)
    monkeypatch.setenv("PEACEGRAPH_CACHE", str(tmp_path / "cache"))
    return copy


def _count(folder: Path | None, out: Path) -> int:
    solutions = cache.open_folder(out, folder).query(COUNT)
    return int(next(iter(solutions))["n"].value)  # type: ignore[arg-type]


def _unreadable(*_: object) -> str:
    raise AssertionError("the dump was read")


def test_a_settled_release_is_found_without_reading_its_dump(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SETTLED_SECONDS", 0.0)
    first = cache.store_folder(release)
    monkeypatch.setattr(cache, "_digest", _unreadable)
    assert cache.store_folder(release) == first


def test_a_stamp_is_kept_only_once_the_files_have_settled(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SETTLED_SECONDS", 3600.0)
    first = cache.store_folder(release)
    assert not (cache.cache_home() / cache.STAMPS).exists()
    assert cache.store_folder(release) == first  # found again by hashing


def test_a_changed_dump_gets_a_store_of_its_own(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SETTLED_SECONDS", 0.0)
    first = cache.store_folder(release)
    before = _count(first, release)
    with (release / "peacegraph.nt").open("a", encoding="utf-8") as dump:
        dump.write("<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    second = cache.store_folder(release)
    assert second != first
    assert _count(second, release) == before + 1
    assert _count(first, release) == before


def test_a_bad_stamp_or_a_store_gone_is_the_full_check(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SETTLED_SECONDS", 0.0)
    first = cache.store_folder(release)
    assert first is not None
    (stamp,) = (cache.cache_home() / cache.STAMPS).iterdir()
    stamp.write_text("../../elsewhere\n", encoding="ascii")
    assert cache.store_folder(release) == first
    shutil.rmtree(first)
    assert cache.store_folder(release) == first
    assert first.is_dir()


def test_what_a_killed_build_left_is_never_read_and_is_swept_a_day_later(release: Path) -> None:
    home = cache.cache_home()
    home.mkdir(parents=True)
    old, recent = home / (cache.BUILDING + "old"), home / (cache.BUILDING + "recent")
    for left in (old, recent):
        (left / "store").mkdir(parents=True)
        (left / "store" / "CURRENT").write_text("half\n", encoding="ascii")
    a_day_ago = time.time() - cache.ABANDONED_SECONDS - 60
    os.utime(old, (a_day_ago, a_day_ago))
    folder = cache.store_folder(release)
    assert folder is not None
    assert folder.parent == home
    assert not folder.name.startswith(".")
    assert not old.exists()
    assert recent.exists()


def test_no_writable_cache_means_memory(release: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("PEACEGRAPH_CACHE", str(blocked / "cache"))
    assert cache.store_folder(release) is None
    assert _count(None, release) == len((release / "peacegraph.nt").read_text(encoding="utf-8").splitlines())


def test_a_large_release_is_served_from_its_store(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache.serving_folder(release) is None  # a small one from memory
    monkeypatch.setattr(cache, "IN_MEMORY_BYTES", 0)
    folder = cache.serving_folder(release)
    assert folder is not None

    async def ask() -> bytes:
        pool = QueryPool(release, Limits(workers=1), folder)  # its workers start in the background
        try:
            deadline = asyncio.get_running_loop().time() + 60
            return (await pool.run(Request(COUNT, "text/csv"), deadline)).body
        finally:
            pool.close()

    lines = (release / "peacegraph.nt").read_text(encoding="utf-8").splitlines()
    assert asyncio.run(ask()).split() == [b"n", str(len(lines)).encode()]


def test_workers_started_before_the_server_are_the_pools(release: Path) -> None:
    """`peacegraph serve` starts its query workers before it loads the server: the pool takes them as they are,
    unless they were started for other limits (then they are stopped, and its own started)."""
    limits = Limits(workers=1)
    started = Started(release, limits, None)
    (early,) = [worker.process for worker in started._workers]
    other = Started(release, Limits(workers=1, timeout=1.5), None)
    (stale,) = [worker.process for worker in other._workers]

    async def ask(started: Started) -> tuple[bytes, set[int | None]]:
        pool = QueryPool(release, limits, None, started)
        try:
            deadline = asyncio.get_running_loop().time() + 60
            answer = (await pool.run(Request(COUNT, "text/csv"), deadline)).body
            return answer, {worker.process.pid for worker in pool._workers}
        finally:
            pool.close()

    lines = (release / "peacegraph.nt").read_text(encoding="utf-8").splitlines()
    answer, pids = asyncio.run(ask(started))
    assert answer.split() == [b"n", str(len(lines)).encode()]
    assert pids == {early.pid}
    answer, pids = asyncio.run(ask(other))
    assert answer.split() == [b"n", str(len(lines)).encode()]
    assert stale.pid not in pids
    assert not stale.is_alive()
