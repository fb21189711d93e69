"""The build deletes nothing it did not write, through the real CLI.

Each case checks the exit code, that a refusal is one line naming the file, and that ``out/`` is
byte-identical afterwards, or that the new release is whole (``sha256sum -c SHA256SUMS``) and
everything the build did not write is still there, the very same files.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph.cli import main
from peacegraph.release import outdir

from .. import hostile

RECORD = Path("records") / "mini.yaml"
ROOT_ONLY = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root and unshare for a mount namespace"
)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _build(seeds: Path, out: Path | str, *extra: str) -> tuple[int, str]:
    return _cli("build", "--quiet", "--collection", str(seeds), "--out", str(out), *extra)


def _process(seeds: Path, out: Path | str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "peacegraph",
        "build",
        "--quiet",
        "--collection",
        str(seeds),
        "--out",
        str(out),
        *extra,
    ]


def _change(seeds: Path) -> None:
    """An edit that changes every dump, so a rebuild is a new release."""
    record = seeds / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace('"Beta Network"', '"Beta Network (renamed)"'))


def _changed_copy(seeds: Path, copy: Path) -> Path:
    """A copy of ``seeds`` with :func:`_change` made."""
    shutil.copytree(seeds, copy)
    _change(copy)
    return copy


def _verifies(directory: Path) -> None:
    done = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=directory, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _one_line_error(output: str, names: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(f"Error: {names}"), output
    assert "Traceback" not in output


def _inodes(root: Path) -> dict[str, tuple[int, int, int]]:
    """Identity (inode, mtime, mode) of every entry under ``root``: the same files, not copies."""
    return {
        str(p.relative_to(root)): (p.lstat().st_ino, p.lstat().st_mtime_ns, p.lstat().st_mode)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def released(mini_seeds: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site" / "out"
    assert _build(mini_seeds, out)[0] == 0
    return out


def _operator_files(out: Path) -> None:
    """What an operator keeps in a served out/: server rules, well-known files, a git checkout."""
    (out / ".htaccess").write_text("Options -Indexes\n", encoding="utf-8")
    (out / ".well-known").mkdir()
    (out / ".well-known" / "security.txt").write_text("Contact: mailto:a@example.org\n", encoding="utf-8")
    (out / "README.md").write_text("The published release.\n", encoding="utf-8")
    (out / "latest").symlink_to("peacegraph.ttl")
    git = ["git", "-C", str(out), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "published"], check=True)


# --- everything the build did not write stays, untouched ------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_hidden_entries_and_a_git_checkout_in_out_are_kept_untouched(mini_seeds: Path, released: Path) -> None:
    _operator_files(released)
    ours = outdir.release_names() | outdir.release_folders()
    foreign = {k: v for k, v in _inodes(released).items() if k not in ours}
    foreign_bytes = {k: v for k, v in hostile.snapshot(released).items() if k in foreign and k != "latest"}
    _change(mini_seeds)
    code, output = _build(mini_seeds, released)
    assert code == 0, output
    assert {k: v for k, v in _inodes(released).items() if k not in ours} == foreign
    assert {k: v for k, v in hostile.snapshot(released).items() if k in foreign_bytes} == foreign_bytes
    assert "(renamed)" in (released / "peacegraph.nt").read_text(encoding="utf-8")
    _verifies(released)
    status = subprocess.run(["git", "-C", str(released), "status", "--porcelain"], capture_output=True, text=True)
    assert status.returncode == 0
    assert sorted(line[3:] for line in status.stdout.splitlines()) == [
        "SHA256SUMS",
        "dataset.jsonld",
        "peacegraph.jsonld",
        "peacegraph.nt",
        "peacegraph.nt.gz",
        "peacegraph.ttl",
        "ro-crate-metadata.json",
        "tables/documents.csv",
        "tables/memberships.csv",
        "tables/organizations.csv",
        "tables/positions.csv",
        "tables/signatures.csv",
        "void.ttl",
    ]
    assert sorted(p.name for p in released.parent.iterdir()) == ["out"]


def _repository(root: Path, seeds: Path) -> Path:
    """A source tree as a clone of peacegraph has it."""
    root.mkdir()
    shutil.copytree(seeds, root / "seeds")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (root / ".gitignore").write_text(".venv/\n", encoding="utf-8")
    (root / ".ci").mkdir()
    (root / ".ci" / "run").write_text("make test\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "init", "-q"], check=True)
    return root


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("{root}", "{root}: --out is the current directory or above it"),
        (".", ".: --out is the current directory or above it"),
        ("..", "..: --out is the current directory or above it"),
        ("/", "/: --out is the root of the file system"),
    ],
)
def test_out_is_never_the_working_tree_or_above_it(mini_seeds: Path, tmp_path: Path, out: str, message: str) -> None:
    root = _repository(tmp_path / "repo", mini_seeds)
    before = hostile.snapshot(tmp_path)
    done = subprocess.run(_process(Path("seeds"), out.format(root=root)), cwd=root, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    _one_line_error(done.stderr, message.format(root=root))
    assert hostile.snapshot(tmp_path) == before


@pytest.mark.parametrize("marker", ["pyproject.toml", "setup.py", "build.py", "collection.yaml", "src"])
def test_a_source_tree_is_refused_as_out(mini_seeds: Path, tmp_path: Path, marker: str) -> None:
    tree = tmp_path / "project"
    tree.mkdir()
    (tree / ".git").mkdir()
    if "." in marker:
        (tree / marker).write_text("x\n", encoding="utf-8")
    else:
        (tree / marker).mkdir()
    before = hostile.snapshot(tmp_path)
    code, output = _build(mini_seeds, tree)
    assert code == 2
    _one_line_error(output, f"{tree / marker}: a release never holds this, so --out looks like a source tree")
    assert hostile.snapshot(tmp_path) == before


def test_out_holding_the_seeds_is_refused(mini_seeds: Path) -> None:
    before = hostile.snapshot(mini_seeds.parent)
    code, output = _build(mini_seeds, mini_seeds.parent)
    assert code == 2
    _one_line_error(output, f"{mini_seeds.parent}: --out ")
    assert hostile.snapshot(mini_seeds.parent) == before


def test_a_file_as_out_is_refused(mini_seeds: Path, tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("mine\n", encoding="utf-8")
    code, output = _build(mini_seeds, tmp_path / "notes")
    assert code == 2
    _one_line_error(output, f"{tmp_path / 'notes'}: --out must be a directory")
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "mine\n"


# --- readable by others ---------------------------------------------------------------------


def test_a_new_out_is_0755_and_its_files_0644(mini_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        ["sh", "-c", 'umask 022 && exec "$@"', "sh", *_process(mini_seeds, out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert _modes(out) == {"tables": 0o755, "files": 0o644}


def _modes(out: Path) -> dict[str, int]:
    """The mode of the tables folder, and the one mode every file of the release has."""
    files = {stat.S_IMODE(p.lstat().st_mode) for p in out.rglob("*") if p.is_file()}
    assert len(files) == 1, files
    return {"tables": stat.S_IMODE((out / "tables").lstat().st_mode), "files": files.pop()}


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o2775])
def test_a_rebuild_keeps_the_mode_out_had(mini_seeds: Path, released: Path, mode: int) -> None:
    os.chmod(released, mode)
    _change(mini_seeds)
    assert _build(mini_seeds, released)[0] == 0
    assert stat.S_IMODE(released.stat().st_mode) == mode
    assert _modes(released) == {"tables": 0o755, "files": 0o644}
    _verifies(released)


# --- symlinks and mount points --------------------------------------------------------------


def test_out_as_a_symlink_keeps_the_link_and_swaps_its_target(mini_seeds: Path, released: Path) -> None:
    link = released.parent / "current"
    link.symlink_to(released.name)
    for _build_number in range(2):  # the second build proves the first left nothing stuck
        _change(mini_seeds)
        code, output = _build(mini_seeds, link)
        assert code == 0, output
        assert link.is_symlink()
        assert os.readlink(link) == "out"
        _verifies(link)
    assert "(renamed)" in (released / "peacegraph.nt").read_text(encoding="utf-8")
    assert sorted(p.name for p in released.parent.iterdir()) == ["current", "out"]


def test_a_dangling_symlink_as_out_gets_its_target_built(mini_seeds: Path, tmp_path: Path) -> None:
    link = tmp_path / "out"
    link.symlink_to("releases/v1")
    (tmp_path / "releases").mkdir()
    code, output = _build(mini_seeds, link)
    assert code == 0, output
    assert link.is_symlink()
    _verifies(tmp_path / "releases" / "v1")


def _in_namespace(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a private mount namespace: mounts made there vanish when it ends."""
    env = {**os.environ, "PY": sys.executable}
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], cwd=cwd, env=env, capture_output=True, text=True)


@ROOT_ONLY
def test_out_as_a_mount_point_gets_its_files_replaced_in_place(mini_seeds: Path, tmp_path: Path) -> None:
    """A tmpfs mounted on out/ (as a Docker volume is): renaming it fails with EBUSY."""
    out = tmp_path / "out"
    out.mkdir()
    changed = _changed_copy(mini_seeds, tmp_path / "changed")
    script = f"""
        mount -t tmpfs tmpfs {out}
        echo 'deny from all' > {out}/.htaccess
        $PY -m peacegraph build --quiet --collection {mini_seeds} --out {out}
        $PY -m peacegraph build --quiet --collection {changed} --out {out}
        cd {out} && sha256sum -c --strict --quiet SHA256SUMS
        grep -q 'renamed' peacegraph.nt
        test "$(cat .htaccess)" = 'deny from all'
        mountpoint -q {out}
        find {out} -mindepth 1 -printf '%P\\n'
    """
    done = _in_namespace(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted([".htaccess", "tables", *_listed(changed, tmp_path / "reference")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changed", "out", "seeds"]


@ROOT_ONLY
def test_out_as_a_bind_mount_falls_back_to_in_place_on_ebusy(mini_seeds: Path, released: Path) -> None:
    """A bind mount within one file system is no mount point to ``os.path.ismount``: the swap is
    tried, the rename fails with EBUSY, and the files are replaced in place instead."""
    volume = released.parent / "volume"
    volume.mkdir()
    for path in released.iterdir():
        if path.is_dir():
            shutil.copytree(path, volume / path.name)
        else:
            shutil.copy2(path, volume / path.name)
    _change(mini_seeds)
    script = f"""
        mount --bind {volume} {released}
        $PY -c 'import os, sys; sys.exit(os.path.ismount("{released}"))'
        $PY -m peacegraph build --quiet --collection {mini_seeds} --out {released}
    """
    done = _in_namespace(script, released.parent)
    assert done.returncode == 0, done.stderr
    assert "(renamed)" in (volume / "peacegraph.nt").read_text(encoding="utf-8")
    _verifies(volume)
    assert sorted(p.name for p in released.parent.iterdir()) == ["out", "volume"]


@ROOT_ONLY
def test_a_mount_point_under_a_read_only_parent_is_locked_and_replaced_in_place(
    mini_seeds: Path, released: Path
) -> None:
    """Nothing can be created beside out/: the lock is taken on out/ itself."""
    parent = released.parent
    script = f"""
        mount --bind -o ro {parent} {parent}
        mount -t tmpfs tmpfs {released}
        $PY -m peacegraph build --quiet --collection {mini_seeds} --out {released}
        cd {released} && sha256sum -c --strict --quiet SHA256SUMS && find . -mindepth 1 -printf '%P\\n'
    """
    done = _in_namespace(script, mini_seeds.parent)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted(["tables", *_listed(mini_seeds, released.parent / "reference")])


def _listed(seeds: Path, reference: Path) -> list[str]:
    """The files of the release built from ``seeds``: SHA256SUMS and every file it lists."""
    assert _build(seeds, reference)[0] == 0
    sums = (reference / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    shutil.rmtree(reference)
    return ["SHA256SUMS", *(line.split("  ", 1)[1] for line in sums)]


# --- two builds at once -----------------------------------------------------------------------


def test_a_second_build_waits_for_the_first_and_says_so(mini_seeds: Path, released: Path) -> None:
    before = hostile.snapshot(released)
    lock = outdir.lock_file(released)
    with open(lock, "w", encoding="ascii") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write("4242\n")
        handle.flush()
        _change(mini_seeds)
        command = [sys.executable, "-m", "peacegraph", "build", "--collection", str(mini_seeds), "--out", str(released)]
        waiting = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert waiting.stderr is not None
        line = waiting.stderr.readline()
        assert line == f"peacegraph: another build (pid 4242) is writing {released}; waiting for it to finish\n"
        time.sleep(0.5)
        assert waiting.poll() is None
        assert hostile.snapshot(released) == before
    _, rest = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, rest
    assert "(renamed)" in (released / "peacegraph.nt").read_text(encoding="utf-8")
    _verifies(released)
    assert sorted(p.name for p in released.parent.iterdir()) == ["out"]


def test_builds_at_once_all_succeed_and_leave_one_whole_release(mini_seeds: Path, released: Path) -> None:
    _change(mini_seeds)
    builds = [subprocess.Popen(_process(mini_seeds, released), stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errors = [b.communicate(timeout=300)[1] for b in builds]
    assert [b.returncode for b in builds] == [0, 0, 0], errors
    _verifies(released)
    assert sorted(p.name for p in released.parent.iterdir()) == ["out"]


# --- a failure to tidy up after the release is in place ---------------------------------------


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("chattr") is None, reason="needs root and chattr")
def test_a_cleanup_error_after_the_swap_is_a_warning_not_a_failure(mini_seeds: Path, released: Path) -> None:
    """A file of the old release that cannot be deleted (immutable): the new release stands, and
    builds go on (in place, while the old release is still beside out/) until it can be removed."""
    stuck = released / "peacegraph.ttl"
    attr = subprocess.run(["chattr", "+i", str(stuck)], capture_output=True, text=True)
    if attr.returncode != 0:
        pytest.skip(f"no immutable files here: {attr.stderr.strip()}")
    retired = released.with_name(".out.previous")
    try:
        _change(mini_seeds)
        code, output = _build(mini_seeds, released)
        assert code == 0, output
        assert "warning: the new release is in place, but the previous one could not be removed" in output
        _verifies(released)
        assert "(renamed)" in (released / "peacegraph.nt").read_text(encoding="utf-8")
        assert retired.is_dir()
        (mini_seeds / RECORD).write_text((mini_seeds / RECORD).read_text().replace("(renamed)", "(again)"))
        code, output = _build(mini_seeds, released)
        assert code == 0, output
        assert "(again)" in (released / "peacegraph.nt").read_text(encoding="utf-8")
        _verifies(released)
    finally:
        subprocess.run(["chattr", "-i", str(retired / stuck.name)], check=False)
    assert _build(mini_seeds, released)[0] == 0  # the next build removes it
    assert sorted(p.name for p in released.parent.iterdir()) == ["out"]


# --- recovery never raises a traceback --------------------------------------------------------


def test_recover_with_out_a_dangling_symlink_puts_the_release_back(mini_seeds: Path, released: Path) -> None:
    """Killed between the renames, with out/ reached through a symlink: the link dangles until
    the next build puts the release back."""
    first = hostile.snapshot(released)
    link = released.with_name("current")
    link.symlink_to("out")
    released.rename(released.with_name(".out.previous"))
    assert outdir.recover(link) is True
    assert hostile.snapshot(link) == first
    assert link.is_symlink()


def test_a_build_through_a_dangling_symlink_recovers_then_publishes(mini_seeds: Path, released: Path) -> None:
    link = released.with_name("current")
    link.symlink_to("out")
    released.rename(released.with_name(".out.previous"))
    _change(mini_seeds)
    code, output = _build(mini_seeds, link)
    assert code == 0, output
    assert link.is_symlink()
    assert "(renamed)" in (released / "peacegraph.nt").read_text(encoding="utf-8")
    _verifies(released)
    assert sorted(p.name for p in released.parent.iterdir()) == ["current", "out"]


@ROOT_ONLY
def test_recover_under_a_read_only_parent_is_a_one_line_error(mini_seeds: Path, released: Path) -> None:
    """Killed between the renames, and the directory above out/ is now read-only."""
    parent = released.parent
    released.rename(released.with_name(".out.previous"))
    before = hostile.snapshot(parent)
    script = f"""
        mount --bind -o ro {parent} {parent}
        $PY -m peacegraph build --quiet --collection {mini_seeds} --out {released}
    """
    done = _in_namespace(script, mini_seeds.parent)
    assert done.returncode == 2
    _one_line_error(done.stderr, f"{parent / '.out.lock'}: cannot take the build lock: Read-only file system")
    assert hostile.snapshot(parent) == before


@ROOT_ONLY
def test_a_read_only_out_is_a_one_line_error(mini_seeds: Path, released: Path) -> None:
    parent = released.parent
    before = hostile.snapshot(parent)
    _change(mini_seeds)
    script = f"""
        mount --bind -o ro {parent} {parent}
        $PY -m peacegraph build --quiet --collection {mini_seeds} --out {released}
    """
    done = _in_namespace(script, mini_seeds.parent)
    assert done.returncode == 2
    _one_line_error(done.stderr, f"{released}")
    assert "Read-only file system" in done.stderr
    assert hostile.snapshot(parent) == before


@ROOT_ONLY
def test_recover_itself_under_a_read_only_parent_raises_only_our_error(released: Path) -> None:
    """recover() on its own (no lock): it cannot put the release back, and says so as an InputError."""
    parent = released.parent
    released.rename(released.with_name(".out.previous"))
    (parent / ".out.staging-999999999-x").mkdir()
    probe = (
        "from peacegraph.errors import InputError\n"
        "from peacegraph.release import outdir\n"
        "try:\n"
        f"    outdir.recover(__import__('pathlib').Path('{released}'))\n"
        "except InputError as error:\n"
        "    print('InputError:', error)\n"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-ec", f'mount --bind -o ro {parent} {parent}; "$PY" -c "$PROBE"'],
        env={**os.environ, "PY": sys.executable, "PROBE": probe},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"InputError: {parent / '.out.previous'}: cannot put back the release")


# --- the tables/ folder: release files in a folder ------------------------------------------


def test_a_swap_replaces_the_tables_folder_with_the_release(mini_seeds: Path, released: Path) -> None:
    """out/ holds nothing but the release: the new tables/ comes in with the swap, a new folder."""
    before = (released / "tables").stat().st_ino
    _change(mini_seeds)
    code, output = _build(mini_seeds, released)
    assert code == 0, output
    assert (released / "tables").stat().st_ino != before
    assert "(renamed)" in (released / "tables" / "organizations.csv").read_text(encoding="utf-8")
    sums = (released / "SHA256SUMS").read_text(encoding="utf-8")
    assert "  tables/organizations.csv\n" in sums
    assert "  tables/organizations.csv-metadata.json\n" in sums
    _verifies(released)
    assert _modes(released) == {"tables": 0o755, "files": 0o644}
    assert sorted(p.name for p in released.parent.iterdir()) == ["out"]


def test_files_of_others_in_tables_stay_and_the_tables_are_replaced_in_place(mini_seeds: Path, released: Path) -> None:
    """A file the build did not write in tables/ (and a link there) is carried over, the very same
    file, and named in a warning; the tables around it are the new release's."""
    (released / "tables" / "notes.txt").write_text("the operator's\n", encoding="utf-8")
    (released / "tables" / "latest.csv").symlink_to("positions.csv")
    os.chmod(released / "tables", 0o750)
    ours = outdir.release_names() | outdir.release_folders()
    foreign = {k: v for k, v in _inodes(released).items() if k not in ours}
    folder, table = (released / "tables").stat().st_ino, (released / "tables" / "organizations.csv").stat().st_ino
    _change(mini_seeds)
    code, output = _build(mini_seeds, released)
    assert code == 0, output
    assert {k: v for k, v in _inodes(released).items() if k not in ours} == foreign
    assert (released / "tables").stat().st_ino == folder
    assert stat.S_IMODE((released / "tables").stat().st_mode) == 0o750
    assert (released / "tables" / "notes.txt").read_text(encoding="utf-8") == "the operator's\n"
    assert (released / "tables" / "organizations.csv").stat().st_ino != table
    assert "(renamed)" in (released / "tables" / "organizations.csv").read_text(encoding="utf-8")
    assert f"warning: {released / 'tables' / 'notes.txt'} is not a file of this release" in output
    assert f"warning: {released / 'tables' / 'latest.csv'} is not a file of this release" in output
    _verifies(released)
    assert sorted(p.name for p in released.iterdir() if p.name.startswith(".")) == []
    assert sorted(p.name for p in released.parent.iterdir()) == ["out"]


@pytest.mark.parametrize("planted", ["symlink", "file"])
def test_tables_that_is_not_a_folder_is_refused_and_nothing_written(
    mini_seeds: Path, released: Path, tmp_path: Path, planted: str
) -> None:
    """A symlink planted as out/tables would have the build write (or rename) outside out/, and a
    file there would have to be deleted: both are refused before anything is built."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "positions.csv").write_text("not the build's\n", encoding="utf-8")
    shutil.rmtree(released / "tables")
    if planted == "symlink":
        (released / "tables").symlink_to(elsewhere, target_is_directory=True)
    else:
        (released / "tables").write_text("a file\n", encoding="utf-8")
    before, outside = hostile.snapshot(released), hostile.snapshot(elsewhere)
    _change(mini_seeds)
    code, output = _build(mini_seeds, released)
    assert code == 2
    _one_line_error(output, f"{released / 'tables'}: a release has its own tables/ folder, and this is")
    assert "move it away" in output
    assert hostile.snapshot(released) == before
    assert hostile.snapshot(elsewhere) == outside
    assert sorted(p.name for p in released.parent.iterdir()) == ["out"]


def test_a_new_out_with_a_planted_tables_link_is_refused(mini_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "tables").symlink_to(tmp_path / "elsewhere")
    code, output = _build(mini_seeds, out)
    assert code == 2
    _one_line_error(output, f"{out / 'tables'}: a release has its own tables/ folder, and this is a symlink")
    assert sorted(p.name for p in out.iterdir()) == ["tables"]
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("foreign", [False, True], ids=["swap", "in-place"])
def test_a_table_a_later_version_drops_goes_only_when_named_retired(
    mini_seeds: Path, released: Path, monkeypatch: pytest.MonkeyPatch, foreign: bool
) -> None:
    """A table the release no longer makes is not the build's to delete, unless the code names it
    among RETIRED_NAMES (the file name an earlier version wrote): then it goes, in either mode."""
    if foreign:
        (released / ".htaccess").write_text("Options -Indexes\n", encoding="utf-8")
    dropped = released / "tables" / "treaties.csv"
    dropped.write_text("written by an earlier version\n", encoding="utf-8")
    code, output = _build(mini_seeds, released)
    assert code == 0, output
    assert dropped.read_text(encoding="utf-8") == "written by an earlier version\n"
    assert f"warning: {dropped} is not a file of this release" in output
    _verifies(released)
    monkeypatch.setattr(outdir, "RETIRED_NAMES", frozenset({"tables/treaties.csv"}))
    code, output = _build(mini_seeds, released)
    assert code == 0, output
    assert not dropped.exists()
    assert "warning" not in output
    assert "tables/treaties.csv" not in (released / "SHA256SUMS").read_text(encoding="utf-8")
    _verifies(released)
    assert (released / ".htaccess").exists() == foreign
    assert sorted(p.name for p in released.parent.iterdir()) == ["out"]


def test_a_previous_release_is_checked_also_in_tables(mini_seeds: Path, released: Path) -> None:
    """SHA256SUMS lists tables/*: a damaged or missing table stops the next build like a damaged dump."""
    table = released / "tables" / "people.csv"
    table.write_bytes(table.read_bytes() + b"x\n")
    before = hostile.snapshot(released)
    code, output = _build(mini_seeds, released)
    assert code == 2
    _one_line_error(output, f"{table}: SHA-256 differs from SHA256SUMS: the previous release is damaged")
    assert hostile.snapshot(released) == before
    table.unlink()
    code, output = _build(mini_seeds, released)
    assert code == 2
    _one_line_error(output, f"{table}: missing, though SHA256SUMS lists it")


@pytest.mark.parametrize("name", ["../peacegraph.nt", "/etc/passwd", "tables/../../x", "tables//x.csv", "./x"])
def test_checksum_lines_leaving_the_release_are_refused(released: Path, tmp_path: Path, name: str) -> None:
    """A name in a previous release's SHA256SUMS is a file below the release, never above or outside it."""
    sums = released / "SHA256SUMS"
    sums.write_text(sums.read_text(encoding="utf-8") + f"{'0' * 64}  {name}\n", encoding="utf-8")
    lines = len(sums.read_text(encoding="utf-8").splitlines())
    code, output = _cli("diff", str(released), str(released))
    assert code == 2
    _one_line_error(output, f"{sums}:{lines}: not a `sha256sum` line of a file in this directory")


def test_killed_in_tables_then_recovered_by_the_next_build(mini_seeds: Path, released: Path) -> None:
    """A build killed while renaming the new tables into out/ (some done, SHA256SUMS still the old
    one): the next build finishes that release first, then builds; the operator's file in tables/
    stays throughout."""
    (released / "tables" / "notes.txt").write_text("the operator's\n", encoding="utf-8")
    changed = _changed_copy(mini_seeds, released.parent.parent / "changed")
    reference = released.parent.parent / "reference"
    assert _build(changed, reference)[0] == 0
    ready = released / f"{outdir.IN_PLACE_READY}999999999-x"
    (ready / "tables").mkdir(parents=True)
    names = sorted((reference / "SHA256SUMS").read_text(encoding="utf-8").split()[1::2])
    for number, name in enumerate(names):
        done = number % 2 == 0 and name.startswith("tables/")
        shutil.copyfile(reference / name, (released if done else ready) / name)
    shutil.copyfile(reference / "SHA256SUMS", ready / "SHA256SUMS")
    code, output = _build(changed, released)
    assert code == 0, output
    assert hostile.snapshot(released) == {**hostile.snapshot(reference), "tables/notes.txt": b"the operator's\n"}
    _verifies(released)


# --- no room for temporary files --------------------------------------------------------------


@ROOT_ONLY
def test_a_full_temporary_folder_stops_the_build_with_one_line_and_the_release_intact(
    mini_seeds: Path, released: Path, tmp_path: Path
) -> None:
    """The build's sorted lines go to TMPDIR; there a tmpfs of one page fills at once."""
    before = {p: p.read_bytes() for p in released.rglob("*") if p.is_file()}
    changed = _changed_copy(mini_seeds, tmp_path / "changed")
    small = tmp_path / "small"
    small.mkdir()
    script = f"""
        mount -t tmpfs -o size=4k tmpfs {small}
        TMPDIR={small} $PY -m peacegraph build --quiet --collection {changed} --out {released} || echo "exit $?"
        find {small} -mindepth 1
    """
    done = _in_namespace(script, tmp_path)
    assert done.stdout.splitlines() == ["exit 2"], "nothing left in the temporary folder"
    [error] = done.stderr.splitlines()  # the first file the build sets aside there: a rebuild sorts nothing
    assert re.fullmatch(
        f"Error: {re.escape(str(small))}: cannot write the (sorted lines|lines set aside while they are validated) "
        "in the temporary folder: No space left on device; a build needs room there for about twice its "
        r"N-Triples dump \(set TMPDIR to a folder with more room\)",
        error,
    )
    assert {p: p.read_bytes() for p in released.rglob("*") if p.is_file()} == before


def test_lines_set_aside_where_no_file_can_be_made_is_a_plain_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from peacegraph.errors import InputError
    from peacegraph.rdf.lines import Lines
    from peacegraph.rdf.spill import SpilledLines

    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(not_a_folder))
    with pytest.raises(InputError, match="cannot write the lines set aside while they are validated"):
        SpilledLines(Lines(b"<a:b> <a:c> <a:d> .\n", 1))


@ROOT_ONLY
def test_the_n_triples_are_the_lines_set_aside_wherever_the_temporary_folder_is(
    mini_seeds: Path, released: Path, tmp_path: Path
) -> None:
    """The N-Triples dump is the file the lines were set aside in, linked into the release where the
    temporary folder shares its file system, copied where it does not (a tmpfs): the same release, and
    nothing left behind in either temporary folder."""
    near, far = tmp_path / "near", tmp_path / "far"
    near.mkdir()
    far.mkdir()
    outs = {}
    for name, folder in (("near", near), ("far", far)):
        out = tmp_path / f"{name}-release" / "out"
        outs[name] = out
        script = f"""
            mount -t tmpfs -o size=64m tmpfs {far}
            TMPDIR={folder} $PY -m peacegraph build --quiet --collection {mini_seeds} --out {out}
            find {folder} -mindepth 1
            stat -c '%h %a' {out}/peacegraph.nt {out}/peacegraph.ttl
        """
        done = _in_namespace(script, tmp_path)
        assert done.returncode == 0, done.stderr
        [nt, ttl] = done.stdout.splitlines()  # nothing left in the temporary folder
        assert nt.split()[0] == "1"  # the name it was set aside under is gone
        assert nt.split()[1] == ttl.split()[1]  # made with the mode of every file
    first, second = (hostile.snapshot(out) for out in outs.values())
    assert first == second == hostile.snapshot(released)


@ROOT_ONLY
def test_a_full_file_system_under_out_stops_the_build_with_one_line_and_the_release_intact(
    mini_seeds: Path, tmp_path: Path
) -> None:
    """out/ on a file system with room for the release it holds and not for a second one beside it: the
    new release's files fill it while they are written (the N-Triples and their gzipped copy in a thread
    beside the Turtle and the JSON-LD). One line, exit code 2, the release as it was, nothing left beside it."""
    reference = tmp_path / "reference"
    assert _build(mini_seeds, reference)[0] == 0
    size = sum(p.stat().st_size for p in reference.rglob("*") if p.is_file())
    shutil.rmtree(reference)
    changed = _changed_copy(mini_seeds, tmp_path / "changed")
    volume = tmp_path / "volume"
    volume.mkdir()
    script = f"""
        mount -t tmpfs -o size={size * 3 // 2} tmpfs {volume}
        $PY -m peacegraph build --quiet --collection {mini_seeds} --out {volume}/out
        (cd {volume}/out && sha256sum -c --strict --quiet SHA256SUMS && sha256sum SHA256SUMS)
        $PY -m peacegraph build --quiet --collection {changed} --out {volume}/out || echo "exit $?"
        (cd {volume}/out && sha256sum -c --strict --quiet SHA256SUMS && sha256sum SHA256SUMS)
        ls -A {volume}
    """
    done = _in_namespace(script, tmp_path)
    sums, after, left = done.stdout.splitlines()[0], done.stdout.splitlines()[2], done.stdout.splitlines()[3:]
    assert done.stdout.splitlines()[1] == "exit 2", done.stdout + done.stderr
    assert after == sums, "the release in out/ is the first build's, whole"
    assert left == ["out"]
    [error] = done.stderr.splitlines()
    assert "No space left on device" in error, error
    assert error.startswith(f"Error: {volume}/"), error
