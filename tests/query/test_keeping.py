"""A release keeps one store: when its dump changes, the stores no release needs any more are removed, but
never one another process uses, never one we did not make, never through a symbolic link."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from peacegraph.query import keeping

PROGRAM = str(Path(sys.executable).parent / "peacegraph")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def release(out_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(out_dir, copy)
    return copy


def count(release: Path, home: Path) -> int:
    """The number of triples, as the installed program answers it with its stores in ``home``."""
    command = [PROGRAM, "query", "--release", str(release), "--format", "csv", COUNT]
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, env={**os.environ, "PEACEGRAPH_CACHE": str(home)}
    )
    return int(done.stdout.split()[1])


def change(release: Path, number: int) -> None:
    with (release / "peacegraph.nt").open("a", encoding="utf-8") as dump:
        dump.write(f"<urn:x:s> <urn:x:p> <urn:x:o{number}> .\n")


def stores(home: Path) -> set[str]:
    return {entry.name for entry in home.iterdir() if keeping.is_store_name(entry.name)}


def test_a_changed_dump_replaces_the_releases_store(release: Path, tmp_path: Path) -> None:
    home = tmp_path / "cache"
    before = count(release, home)
    (first,) = stores(home)
    change(release, 1)
    assert count(release, home) == before + 1
    (second,) = stores(home)
    assert second != first
    assert not (home / keeping.LOCKS / first).exists()
    assert all(first not in path.read_text(encoding="ascii") for path in (home / "stamps").glob("*"))


def test_two_releases_keep_a_store_each(release: Path, tmp_path: Path) -> None:
    home, other = tmp_path / "cache", tmp_path / "other"
    shutil.copytree(release, other)
    change(other, 1)
    count(release, home)
    count(other, home)
    assert len(stores(home)) == 2
    change(other, 2)
    count(other, home)
    assert len(stores(home)) == 2  # the other's first store went; this release's stays


def test_a_store_in_use_is_kept_until_it_is_not(release: Path, tmp_path: Path) -> None:
    home = tmp_path / "cache"
    count(release, home)
    (first,) = stores(home)
    holding = (
        "import sys; from pathlib import Path; from peacegraph.query import cache\n"
        f"print(cache.store_folder(Path({str(release)!r})).name, flush=True); sys.stdin.read()"
    )
    environment = {**os.environ, "PEACEGRAPH_CACHE": str(home)}
    holder = subprocess.Popen(
        [sys.executable, "-c", holding], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == first
        change(release, 1)
        count(release, home)
        assert first in stores(home)  # another process has it open
        assert len(stores(home)) == 2
    finally:
        holder.communicate("", timeout=60)
    change(release, 2)
    count(release, home)
    assert len(stores(home)) == 1
    assert first not in stores(home)


def test_what_we_did_not_make_is_left_alone(release: Path, tmp_path: Path) -> None:
    home, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    count(release, home)
    elsewhere.mkdir()
    (elsewhere / "precious").write_text("keep me", encoding="utf-8")
    linked, foreign = "a" * 64, "b" * 64
    (home / linked).symlink_to(elsewhere, target_is_directory=True)
    (home / keeping.LOCKS / linked).write_text("", encoding="ascii")  # even with a lock file beside it
    (home / foreign).mkdir()  # named like a store, with no lock file of ours
    change(release, 1)
    count(release, home)
    assert (home / linked).is_symlink()
    assert (elsewhere / "precious").read_text(encoding="utf-8") == "keep me"
    assert (home / foreign).is_dir()
    assert stores(home) - {linked, foreign} != set()
    assert len(stores(home) - {linked, foreign}) == 1


def test_a_store_is_named_by_its_digest() -> None:
    digest = "0123456789abcdef" * 4
    assert keeping.is_store_name(digest)
    assert keeping.is_store_name(digest + keeping.ONTOLOGY_SUFFIX)
    for name in (digest[:-1], digest + "0", digest.upper(), digest + "-other", "locks", "", digest[:-1] + "g"):
        assert not keeping.is_store_name(name), name
