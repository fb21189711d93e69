"""A build killed at any moment leaves a whole release in ``out/``: the previous one, byte for
byte, or (once the swap is done) the new one. Nothing in the product knows it is being tested:
the build runs as its own process and is killed with SIGKILL after delays spread over its run,
and at the moments its staging directory and the retired release appear on disk. The one window
too short to hit that way, between the two renames of the swap, is laid out on disk directly.
The same holds when ``out/`` also holds files the build did not write and is replaced in place:
those files survive every kill.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from peacegraph import pipeline, tempspace
from peacegraph.release import outdir

from .. import hostile

Snapshot = dict[str, bytes | str]

#: Kills at random moments of a build (bounded: each costs at most one build).
RANDOM_KILLS = 8


def _command(seeds: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "peacegraph", "build", "--quiet", "--collection", str(seeds), "--out", str(out)]


@dataclass(frozen=True)
class Releases:
    seeds: Path
    out: Path
    first: Snapshot
    second: Snapshot
    seconds: float  # how long an unkilled build of the second release takes

    def reset(self) -> None:
        """``out/`` back to the first release, nothing beside it."""
        for entry in self.out.parent.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()  # a lock file a killed build left
        _restore(self.first, self.out)


def _restore(snapshot: Snapshot, root: Path) -> None:
    root.mkdir(parents=True)
    for name, content in sorted(snapshot.items()):
        if content == "<dir>":
            (root / name).mkdir()
        else:
            assert isinstance(content, bytes)
            (root / name).write_bytes(content)


#: What an operator keeps in a served out/: the build must never touch it.
FOREIGN: Snapshot = {
    ".htaccess": b"Options -Indexes\n",
    ".git": "<dir>",
    ".git/HEAD": b"ref: refs/heads/main\n",
    "tables/notes.txt": b"kept by the operator\n",
}


def _releases(base: Path, foreign: Snapshot) -> Releases:
    """Seeds whose build differs from the release already in ``out/``, and both releases' bytes."""
    seeds, out = base / "seeds", base / "release" / "out"
    shutil.copytree(hostile.MINI_SEEDS, seeds)
    pipeline.build(pipeline.Settings(seeds=seeds, out=out))
    for name, content in foreign.items():
        if isinstance(content, bytes):
            (out / name).write_bytes(content)
        else:
            (out / name).mkdir()
    first = hostile.snapshot(out)
    record = seeds / "records" / "mini.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace('"Beta Network"', '"Beta Network (renamed)"'))
    start = time.perf_counter()
    subprocess.run(_command(seeds, out), check=True, capture_output=True)
    seconds = time.perf_counter() - start
    second = hostile.snapshot(out)
    assert second != first
    result = Releases(seeds, out, first, second, seconds)
    result.reset()
    return result


@pytest.fixture(scope="module", autouse=True)
def nothing_left_where_other_builds_work() -> Iterator[None]:
    """The builds killed here keep their temporary files beside their seeds: none reaches the temporary
    folder the other tests' builds share, whose next build would remove it and say so in its output."""
    shared = Path(tempfile.gettempdir())
    yield
    assert not sorted(shared.glob("*peacegraph-*-*")), "a killed build left its files in the shared TMPDIR"


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    """``out/`` holds nothing but a release: it is swapped as a whole."""
    return _releases(tmp_path_factory.mktemp("killed"), {})


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    """``out/`` also holds files the build did not write: its release files are replaced in place."""
    built = _releases(tmp_path_factory.mktemp("killed-in-place"), FOREIGN)
    assert all(built.second[name] == content for name, content in FOREIGN.items())
    return built


def _kill_when(releases: Releases, ready: Callable[[], bool], delay: float = 0.0, tmpdir: Path | None = None) -> None:
    """Start a build; SIGKILL it once ``delay`` has passed and ``ready()`` holds (or it ends). Its temporary
    files go to ``tmpdir``, by default a folder beside the seeds: what a killed build leaves there, the next
    build elsewhere would remove and say so, in the middle of another test's output."""
    scratch = tmpdir or releases.seeds.parent / "tmp"
    scratch.mkdir(exist_ok=True)
    process = subprocess.Popen(
        _command(releases.seeds, releases.out),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    deadline = time.perf_counter() + delay
    while process.poll() is None and not (time.perf_counter() >= deadline and ready()):
        time.sleep(0.0002)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _assert_whole_after_recovery(releases: Releases) -> None:
    """What the next build does first: take the lock (then removed) and recover."""
    with outdir.locked(outdir.target_of(releases.out)):
        outdir.recover(releases.out)
    assert hostile.snapshot(releases.out) in (releases.first, releases.second)
    assert sorted(p.name for p in releases.out.parent.iterdir()) == ["out"]


@pytest.mark.parametrize("kind", ["swapped", "in-place"])
def test_killed_at_random_moments(releases: Releases, shared: Releases, kind: str) -> None:
    chosen = releases if kind == "swapped" else shared
    moments = random.Random(2254).sample(range(1, 100), RANDOM_KILLS)
    for percent in sorted(moments):
        chosen.reset()
        _kill_when(chosen, lambda: True, delay=chosen.seconds * percent / 100)
        _assert_whole_after_recovery(chosen)


def test_killed_while_staging_in_place(shared: Releases) -> None:
    """Killed while the new files are written inside out/: the old release and the operator's
    files are untouched (tried a few times to land the kill early, as below)."""
    landed = False
    for _attempt in range(5):
        shared.reset()
        _kill_when(shared, lambda: any(shared.out.glob(".peacegraph-staging-*")))
        landed = any(shared.out.glob(".peacegraph-staging-*"))
        _assert_whole_after_recovery(shared)
        if landed:
            assert hostile.snapshot(shared.out) == shared.first
            break
    assert landed, "no kill landed while the in-place staging directory existed"


def test_recover_finishes_an_in_place_replacement_cut_short(shared: Releases) -> None:
    """Killed after every new file was written but before all were renamed into out/: the next
    build finishes the renames (SHA256SUMS goes last, so it is still the old one here), in
    tables/ as at the top."""
    shared.reset()
    ready = shared.out / ".peacegraph-ready-999999999-x"
    (ready / "tables").mkdir(parents=True)
    names = sorted(name for name in shared.second if name in outdir.release_names() and name != "SHA256SUMS")
    renamed, pending = names[::2], [*names[1::2], "SHA256SUMS"]
    assert any(name.startswith("tables/") for name in renamed)
    assert any(n.startswith("tables/") for n in pending)
    for name in renamed:
        (shared.out / name).write_bytes(_bytes(shared.second[name]))
    for name in pending:
        (ready / name).write_bytes(_bytes(shared.second[name]))
    _assert_whole_after_recovery(shared)
    assert hostile.snapshot(shared.out) == shared.second


def _bytes(content: bytes | str) -> bytes:
    assert isinstance(content, bytes)
    return content


def test_killed_while_writing_the_staging_directory(releases: Releases) -> None:
    """Killed while the new release is being written: the old one is untouched. A kill can land a
    little late on a busy machine (after the swap), so this tries a few times to land one early."""
    landed = False
    for _attempt in range(5):
        releases.reset()
        _kill_when(releases, lambda: any(releases.out.parent.glob(".out.staging-*")))
        landed = any(releases.out.parent.glob(".out.staging-*"))
        if landed:
            assert hostile.snapshot(releases.out) == releases.first
        _assert_whole_after_recovery(releases)
        if landed:
            break
    assert landed, "no kill landed while the staging directory existed"


def test_killed_while_the_previous_release_is_set_aside(releases: Releases) -> None:
    releases.reset()
    _kill_when(releases, lambda: (releases.out.parent / ".out.previous").exists())
    _assert_whole_after_recovery(releases)


def _between_the_renames(releases: Releases) -> None:
    """The state a kill between ``out → .out.previous`` and ``staging → out`` leaves."""
    releases.reset()
    os.rename(releases.out, releases.out.with_name(".out.previous"))
    _restore({"peacegraph.nt": b"<a> <b> "}, releases.out.with_name(".out.staging-999999999-x"))


def test_recover_puts_back_a_release_set_aside(releases: Releases) -> None:
    _between_the_renames(releases)
    assert outdir.recover(releases.out) is True
    assert hostile.snapshot(releases.out) == releases.first
    assert sorted(p.name for p in releases.out.parent.iterdir()) == ["out"]


def test_the_next_build_recovers_first_even_when_it_fails(releases: Releases, tmp_path: Path) -> None:
    _between_the_renames(releases)
    broken = tmp_path / "seeds"
    shutil.copytree(releases.seeds, broken)
    (broken / "records" / "zz-broken.yaml").write_text("topics: [\n", encoding="utf-8")
    result = subprocess.run(_command(broken, releases.out), capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert hostile.snapshot(releases.out) == releases.first


def test_the_next_build_recovers_then_publishes(releases: Releases) -> None:
    _between_the_renames(releases)
    subprocess.run(_command(releases.seeds, releases.out), check=True, capture_output=True)
    assert hostile.snapshot(releases.out) == releases.second
    assert sorted(p.name for p in releases.out.parent.iterdir()) == ["out"]


def test_the_next_build_removes_what_a_killed_one_left_in_the_temporary_folder(
    releases: Releases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed while its lines are set aside (1.6 GB at ten million triples): the file stays where
    ``TMPDIR`` says, and the next build, once its grace has passed, removes it and says so."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    left: list[Path] = []
    for _attempt in range(5):
        releases.reset()
        _kill_when(releases, lambda: any(scratch.glob("peacegraph-spill-*")), tmpdir=scratch)
        left = sorted(scratch.iterdir())  # the folder, or (killed while it was made) its first name
        if left:
            break
    assert left, "no kill landed while the lines were set aside"
    _assert_whole_after_recovery(releases)
    then = time.time() - 2 * tempspace.GRACE
    for folder in left:
        for path in (folder / tempspace.OWNER, folder):
            if path.exists():
                os.utime(path, (then, then))
    command = [arg for arg in _command(releases.seeds, releases.out) if arg != "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert list(scratch.iterdir()) == []
    for folder in left:
        assert f"removed {folder.name} from the temporary folder: a build that was killed left it" in done.stderr
    assert hostile.snapshot(releases.out) == releases.second
