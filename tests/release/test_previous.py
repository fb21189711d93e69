"""The identifier guard cannot be switched off by accident, through the real CLI: a previous release
that is missing or damaged is refused, a first release says so, and `release` and `diff` find the
previous release in the repository's history without tags."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph import pipeline
from peacegraph.cli import main
from peacegraph.release import versions

from .. import hostile

RECORD = Path("records") / "mini.yaml"
BETA = "https://w3id.org/peacegraph/id/organization/beta-network"
NEEDS_GIT = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _build(seeds: Path, out: Path, *extra: str) -> tuple[int, str]:
    return _cli("build", "--quiet", "--collection", str(seeds), "--out", str(out), *extra)


def _one_line_error(output: str, start: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(f"Error: {start}"), output


def _drop_beta_topic(seeds: Path) -> None:
    """Remove a published identifier (the local-ceasefire topic) from the records."""
    path = seeds / RECORD
    text = path.read_text(encoding="utf-8")
    removed = (
        '  - key: local-ceasefire\n    label: "Local ceasefire"\n    definition: "A truce in one place."\n'
        "    broader: topic:ceasefire\n"
    )
    assert removed in text
    path.write_text(text.replace(removed, ""), encoding="utf-8")


LOST = "<https://w3id.org/peacegraph/id/topic/local-ceasefire>"


@pytest.fixture
def released(mini_seeds: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    assert _build(mini_seeds, out)[0] == 0
    return out


# --- --previous and out/ ----------------------------------------------------------------------


def test_a_previous_release_that_does_not_exist_is_refused(mini_seeds: Path, released: Path, tmp_path: Path) -> None:
    before = hostile.snapshot(released)
    code, output = _build(mini_seeds, released, "--previous", str(tmp_path / "v1.2.0"))
    assert code == 2
    _one_line_error(output, f"{tmp_path / 'v1.2.0'}: no such previous release")
    assert hostile.snapshot(released) == before


def test_a_previous_release_that_is_a_dangling_symlink_is_refused(mini_seeds: Path, released: Path) -> None:
    link = released.parent / "last"
    link.symlink_to("gone")
    code, output = _build(mini_seeds, released, "--previous", str(link))
    assert code == 2
    _one_line_error(output, f"{link}: no such previous release")


def _damage(out: Path, how: str) -> Path:
    dump = out / "peacegraph.nt"
    if how == "truncated":
        lines = dump.read_bytes().splitlines(keepends=True)
        dump.write_bytes(b"".join(line for line in lines if b"local-ceasefire" not in line))
        return dump
    if how == "dump missing":
        dump.unlink()
        return dump
    if how == "metadata changed":
        (out / "void.ttl").write_bytes((out / "void.ttl").read_bytes() + b"\n")
        return out / "void.ttl"
    if how == "checksums missing":
        (out / "SHA256SUMS").unlink()
        return out / "SHA256SUMS"
    if how == "checksums without the dump":
        sums = out / "SHA256SUMS"
        sums.write_text("".join(line for line in sums.read_text().splitlines(True) if "peacegraph.nt" not in line))
        return sums
    raise AssertionError(how)


DAMAGES = {
    "truncated": "SHA-256 differs from SHA256SUMS: the previous release is damaged",
    "dump missing": "missing, though SHA256SUMS lists it: the previous release is damaged",
    "metadata changed": "SHA-256 differs from SHA256SUMS",
    "checksums missing": "missing, so the previous release here cannot be checked",
    "checksums without the dump": "SHA256SUMS does not list peacegraph.nt",
}


@pytest.mark.parametrize(("how", "message"), DAMAGES.items(), ids=DAMAGES.keys())
def test_a_damaged_release_in_out_is_refused_not_taken_for_a_first_release(
    mini_seeds: Path, released: Path, how: str, message: str
) -> None:
    """A dump that lost the very identifier the new data drops would otherwise let the loss through."""
    named = _damage(released, how)
    _drop_beta_topic(mini_seeds)
    before = hostile.snapshot(released)
    code, output = _build(mini_seeds, released)
    assert code == 2
    _one_line_error(output, f"{named}: {message}")
    assert hostile.snapshot(released) == before


@pytest.mark.parametrize(("how", "message"), DAMAGES.items(), ids=DAMAGES.keys())
def test_a_damaged_release_given_as_previous_is_refused(
    mini_seeds: Path, released: Path, tmp_path: Path, how: str, message: str
) -> None:
    named = _damage(released, how)
    code, output = _build(mini_seeds, tmp_path / "fresh", "--previous", str(released))
    assert code == 2
    _one_line_error(output, f"{named}: {message}")
    assert not (tmp_path / "fresh").exists()


def test_a_damaged_dump_given_alone_is_refused_by_the_checksums_beside_it(
    mini_seeds: Path, released: Path, tmp_path: Path
) -> None:
    dump = _damage(released, "truncated")
    code, output = _build(mini_seeds, tmp_path / "fresh", "--previous", str(dump))
    assert code == 2
    _one_line_error(output, f"{dump}: SHA-256 differs from")


def test_a_whole_previous_release_still_guards_the_identifiers(
    mini_seeds: Path, released: Path, tmp_path: Path
) -> None:
    _drop_beta_topic(mini_seeds)
    code, output = _build(mini_seeds, tmp_path / "fresh", "--previous", str(released))
    assert code == 2
    assert LOST in output
    code, output = _build(mini_seeds, released)
    assert code == 2
    assert LOST in output


@pytest.mark.parametrize("state", ["absent", "empty", "only an operator's files"])
def test_a_first_release_is_allowed_and_says_so(mini_seeds: Path, tmp_path: Path, state: str) -> None:
    out = tmp_path / "out"
    if state != "absent":
        out.mkdir()
    if state == "only an operator's files":
        (out / ".htaccess").write_text("Options -Indexes\n", encoding="utf-8")
    code, output = _cli("build", "--collection", str(mini_seeds), "--out", str(out))
    assert code == 0, output
    assert (
        output.splitlines()[0]
        == f"peacegraph: first release: {out} holds no previous release whose identifiers must be kept"
    )
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out).returncode == 0


# --- release and diff without tags ------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _mark_released(seeds: Path, out: Path) -> None:
    """Name out/'s dump as the dump of the release in the release file, as `peacegraph release` does."""
    digest = pipeline.dump_sha256((out / "peacegraph.nt").read_bytes())
    with open(seeds / "release.yaml", "a", encoding="utf-8") as release_file:
        release_file.write(f"dump: {digest}\n")


@pytest.fixture
def repository(mini_seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose history holds release 1.2.0 of the mini corpus, untagged, then more
    commits that rebuild out/ with changed data (stamped 1.2.0+dev: changes since 1.2.0)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.move(mini_seeds, repo / "seeds")
    config = repo / "seeds" / "collection.yaml"  # its release at the repository's root, as this repository has it
    config.write_text(config.read_text(encoding="utf-8").replace("\nout: out\n", "\nout: ../out\n"), encoding="utf-8")
    monkeypatch.chdir(repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "seeds")
    _git(repo, "commit", "-q", "-m", "records")
    assert _build(Path("seeds"), Path("out"))[0] == 0
    _mark_released(Path("seeds"), Path("out"))
    assert _build(Path("seeds"), Path("out"))[0] == 0
    assert json.loads(Path("out/dataset.jsonld").read_text(encoding="utf-8"))["version"] == "1.2.0"
    _git(repo, "add", "out", "seeds")
    _git(repo, "commit", "-q", "-m", "out/ of release 1.2.0, committed after seeds/release.yaml")
    record = repo / "seeds" / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace('name: "Jane Envoy"', 'name: "Jane Q. Envoy"'))
    release_file = repo / "seeds" / "release.yaml"  # the version line changes, the version does not
    release_file.write_text(release_file.read_text(encoding="utf-8").replace("version: 1.2.0", 'version: "1.2.0"'))
    assert _build(Path("seeds"), Path("out"))[0] == 0
    assert json.loads(Path("out/dataset.jsonld").read_text(encoding="utf-8"))["version"] == "1.2.0+dev"
    _git(repo, "commit", "-q", "-am", "a development rebuild")
    assert _git(repo, "tag") == ""
    return repo


@NEEDS_GIT
def test_diff_names_a_release_by_version_without_tags(repository: Path) -> None:
    code, output = _cli("diff", "release:1.2.0", "out", "--collection", "seeds")
    assert code == 0, output
    first = _git(repository, "rev-list", "--max-parents=0", "HEAD")
    release_commit = _git(repository, "rev-parse", "HEAD~1")
    assert output.splitlines()[0] == f"release:1.2.0 (out/ at {release_commit[:12]}) → out"
    assert "1 changed" in output.splitlines()[1]
    assert first != release_commit  # the commit that set the version had no out/: the next one is the release


@NEEDS_GIT
def test_a_missing_tag_points_to_the_release_form(repository: Path) -> None:
    code, output = _cli("diff", "git:v1.2.0", "out", "--collection", "seeds")
    assert code == 2
    _one_line_error(output, "git:v1.2.0: fatal: ")
    assert output.strip().endswith("without a tag, name the release release:1.2.0")


@NEEDS_GIT
def test_an_unknown_release_version_is_refused(repository: Path) -> None:
    code, output = _cli("diff", "release:9.9.9", "out", "--collection", "seeds")
    assert code == 2
    _one_line_error(output, "release:9.9.9: no commit sets version 9.9.9 in seeds/release.yaml")


@NEEDS_GIT
def test_release_without_tags_compares_with_the_release_in_history(repository: Path) -> None:
    code, output = _cli("release", "1.3.0", "--date", "2017-05-02", "--collection", "seeds", "--out", "out")
    assert code == 0, output
    changelog = (repository / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"release:1.2.0 (out/ at {_git(repository, 'rev-parse', 'HEAD~1')[:12]})" in changelog
    assert "| `pg:Person` | 0 | 0 | 1 |" in changelog
    assert replace(versions.read(Path("seeds")), dump=None) == versions.Release("1.3.0", "2017-05-02", "1.2.0")
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=repository / "out").returncode == 0


@NEEDS_GIT
def test_release_without_tags_keeps_the_guard_of_the_release_in_history(repository: Path) -> None:
    """The identifier lost since release 1.2.0 is caught even though out/ was rebuilt since."""
    _drop_beta_topic(repository / "seeds")
    before = hostile.snapshot(repository)
    code, output = _cli("release", "1.3.0", "--date", "2017-05-02", "--collection", "seeds", "--out", "out")
    assert code == 2
    _one_line_error(output, "release:1.2.0 (out/ at ")
    assert LOST in output
    assert hostile.snapshot(repository) == before


@NEEDS_GIT
def test_a_damaged_release_in_history_is_refused(repository: Path) -> None:
    """The release commit's out/ must match its own SHA256SUMS."""
    _git(repository, "checkout", "-q", "HEAD~1")
    dump = repository / "out" / "peacegraph.nt"
    dump.write_bytes(dump.read_bytes().replace(b"Alpha", b"Alpah", 1))
    _git(repository, "commit", "-q", "-a", "--amend", "-m", "the release commit, damaged")
    code, output = _cli("diff", "release:1.2.0", "out", "--collection", "seeds")
    assert code == 2
    _one_line_error(output, "release:1.2.0: out/peacegraph.nt at ")
    assert "SHA-256 differs from SHA256SUMS" in output


def test_release_outside_a_repository_says_how_to_name_the_previous(
    mini_seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = _cli("release", "1.3.0", "--collection", str(mini_seeds), "--out", str(tmp_path / "out"))
    assert code == 2
    _one_line_error(output, "release:1.2.0: fatal: not a git repository")
    assert output.strip().endswith("or give --since OLD")
    assert not (tmp_path / "out").exists()


def test_the_first_release_of_a_development_tree_needs_no_previous(
    mini_seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (mini_seeds / "release.yaml").unlink()
    monkeypatch.chdir(tmp_path)
    code, output = _cli("release", "0.1.0", "--collection", str(mini_seeds), "--out", "out", "--date", "2017-01-01")
    assert code == 0, output
    assert "first release: " in output
    assert replace(versions.read(mini_seeds), dump=None) == versions.Release("0.1.0", "2017-01-01", None)
