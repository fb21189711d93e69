"""The build deletes nothing it did not write, through the real CLI.

Each case checks the exit code, that a refusal is one line naming the file, and that ``out/`` is
byte-identical afterwards, or that the new release is whole (``sha256sum -c SHA256SUMS``) and
everything the build did not write is still there, the very same files.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import subprocess
import sys
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
    return _cli("build", "--quiet", "--seeds", str(seeds), "--out", str(out), *extra)


def _process(seeds: Path, out: Path | str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "peacegraph", "build", "--quiet", "--seeds", str(seeds), "--out", str(out), *extra]


def _change(seeds: Path) -> None:
    """An edit that changes every dump, so a rebuild is a new release."""
    record = seeds / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace('"Beta Network"', '"Beta Network (renamed)"'))


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
    foreign = {k: v for k, v in _inodes(released).items() if k not in outdir.release_names()}
    foreign_bytes = {k: v for k, v in hostile.snapshot(released).items() if k in foreign and k != "latest"}
    _change(mini_seeds)
    code, output = _build(mini_seeds, released)
    assert code == 0, output
    assert {k: v for k, v in _inodes(released).items() if k not in outdir.release_names()} == foreign
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
        "peacegraph.ttl",
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


@pytest.mark.parametrize("marker", ["pyproject.toml", "setup.py", "build.py", "seeds", "src"])
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
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o644}


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o2775])
def test_a_rebuild_keeps_the_mode_out_had(mini_seeds: Path, released: Path, mode: int) -> None:
    os.chmod(released, mode)
    _change(mini_seeds)
    assert _build(mini_seeds, released)[0] == 0
    assert stat.S_IMODE(released.stat().st_mode) == mode
    assert {stat.S_IMODE(p.stat().st_mode) for p in released.iterdir()} == {0o644}
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
    changed = tmp_path / "changed"
    shutil.copytree(mini_seeds, changed)
    _change(changed)
    script = f"""
        mount -t tmpfs tmpfs {out}
        echo 'deny from all' > {out}/.htaccess
        $PY -m peacegraph build --quiet --seeds {mini_seeds} --out {out}
        $PY -m peacegraph build --quiet --seeds {changed} --out {out}
        cd {out} && sha256sum -c --strict --quiet SHA256SUMS
        grep -q 'renamed' peacegraph.nt
        test "$(cat .htaccess)" = 'deny from all'
        mountpoint -q {out}
        ls -A {out}
    """
    done = _in_namespace(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted([".htaccess", *outdir.release_names()])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changed", "out", "seeds"]


@ROOT_ONLY
def test_out_as_a_bind_mount_falls_back_to_in_place_on_ebusy(mini_seeds: Path, released: Path) -> None:
    """A bind mount within one file system is no mount point to ``os.path.ismount``: the swap is
    tried, the rename fails with EBUSY, and the files are replaced in place instead."""
    volume = released.parent / "volume"
    volume.mkdir()
    for path in released.iterdir():
        shutil.copy2(path, volume / path.name)
    _change(mini_seeds)
    script = f"""
        mount --bind {volume} {released}
        $PY -c 'import os, sys; sys.exit(os.path.ismount("{released}"))'
        $PY -m peacegraph build --quiet --seeds {mini_seeds} --out {released}
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
        $PY -m peacegraph build --quiet --seeds {mini_seeds} --out {released}
        cd {released} && sha256sum -c --strict --quiet SHA256SUMS && ls -A
    """
    done = _in_namespace(script, mini_seeds.parent)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted(outdir.release_names())


# --- two builds at once -----------------------------------------------------------------------


def test_a_second_build_waits_for_the_first_and_says_so(mini_seeds: Path, released: Path) -> None:
    before = hostile.snapshot(released)
    lock = outdir.lock_file(released)
    with open(lock, "w", encoding="ascii") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write("4242\n")
        handle.flush()
        _change(mini_seeds)
        command = [sys.executable, "-m", "peacegraph", "build", "--seeds", str(mini_seeds), "--out", str(released)]
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
        $PY -m peacegraph build --quiet --seeds {mini_seeds} --out {released}
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
        $PY -m peacegraph build --quiet --seeds {mini_seeds} --out {released}
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
