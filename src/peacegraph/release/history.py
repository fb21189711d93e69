"""Releases in the repository's own history, found without tags.

Release ``X.Y.Z`` of a collection is its committed release folder (``out/``) in the first commit,
from the one where its ``release.yaml`` changed ``version`` to ``X.Y.Z`` onwards, whose ``out/`` is stamped
``X.Y.Z`` (``dataset.jsonld``) and matches its own ``SHA256SUMS``. ``peacegraph release`` writes
both, so normally that is the very commit that changed the version.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

from ..errors import InputError
from . import previous
from .metadata import CHECKSUMS_FILE, SCHEMA_ORG_FILE
from .versions import RELEASE_FILE

GIT_PREFIX: Final = "git:"
RELEASE_PREFIX: Final = "release:"


@dataclass(frozen=True)
class Found:
    label: str
    commit: str
    dump: bytes


class Repository:
    """``git`` run at the top of the repository holding ``anchor``."""

    def __init__(self, anchor: Path, spec: str):
        self.spec = spec
        where = anchor if anchor.is_dir() else anchor.parent
        self.top = Path(self._run(["rev-parse", "--show-toplevel"], cwd=where).decode("utf-8").strip())

    def _run(self, args: list[str], cwd: Path | None = None) -> bytes:
        try:
            done = subprocess.run(["git", *args], cwd=cwd or self.top, capture_output=True, check=False, timeout=120)
        except FileNotFoundError:
            raise InputError(f"{self.spec}: git is not installed") from None
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"{self.spec}: {reason[0] if reason else 'git failed'}")
        return done.stdout

    def relative(self, path: Path) -> str:
        """``path`` (not following a final symlink) relative to the top of the repository."""
        absolute = Path(path).absolute()
        try:
            return (absolute.parent.resolve() / absolute.name).relative_to(self.top.resolve()).as_posix()
        except ValueError:
            raise InputError(f"{self.spec}: not in the git repository at {self.top}", path) from None

    def show(self, commit: str, path: str) -> bytes | None:
        """The committed bytes of ``path`` at ``commit``, or None when it has no such file."""
        try:
            return self._run(["show", f"{commit}:{path}"])
        except InputError:
            return None

    def lines(self, *args: str) -> list[str]:
        return self._run(list(args)).decode("utf-8").split()


def find(version: str, seeds: Path, out: Path) -> Found:
    """Release ``version``'s ``out`` from the history of ``release.yaml`` in the collection ``seeds`` and ``out``."""
    spec = f"{RELEASE_PREFIX}{version}"
    repo = Repository(seeds, spec)
    release_file, out_dir = repo.relative(seeds / RELEASE_FILE), repo.relative(out)
    changed = repo.lines("log", "--format=%H", "-G", "^version:", "--", release_file)
    setting = [c for c in changed if _version(repo.show(c, release_file)) == version]
    start = setting[-1] if setting else None  # the oldest: where the version became this one
    if start is None:
        raise InputError(f"{spec}: no commit sets version {version} in {release_file}")
    for commit in [start, *repo.lines("rev-list", "--reverse", f"{start}..HEAD", "--", out_dir)]:
        if stamp(repo.show(commit, f"{out_dir}/{SCHEMA_ORG_FILE}")) == version:
            dump = checked(repo, commit, out_dir, required=True)
            return Found(f"{spec} ({out_dir}/ at {commit[:12]})", commit, dump)
    raise InputError(
        f"{spec}: no commit since {start[:12]} has {out_dir}/ stamped {version} and matching its {CHECKSUMS_FILE}"
    )


def at_revision(revision: str, spec: str, out: Path) -> bytes:
    """The dump of the release folder ``out`` at ``revision``, checked against its ``SHA256SUMS`` there
    if it has one."""
    repo = Repository(out.parent, spec)
    commit = repo.lines("rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")[0]
    return checked(repo, commit, repo.relative(out), required=False)


def checked(repo: Repository, commit: str, out_dir: str, required: bool) -> bytes:
    """The dump in ``out_dir`` at ``commit``, once every file ``SHA256SUMS`` lists there matches it."""
    where = f"{repo.spec}: {out_dir}/"
    sums_bytes = repo.show(commit, f"{out_dir}/{CHECKSUMS_FILE}")
    dump = repo.show(commit, f"{out_dir}/{previous.DUMP}")
    if sums_bytes is None:
        if required or dump is None:
            raise InputError(f"{where}{CHECKSUMS_FILE if required else previous.DUMP} is not in commit {commit[:12]}")
        return dump
    sums = previous.parse_sums(sums_bytes, f"{where}{CHECKSUMS_FILE}")

    def digest(name: str) -> str | None:
        data = dump if name == previous.DUMP else repo.show(commit, f"{out_dir}/{name}")
        return None if data is None else hashlib.sha256(data).hexdigest()

    previous.check(sums, digest, lambda name: f"{where}{name} at {commit[:12]}")
    assert dump is not None  # check() found it
    return dump


def _version(data: bytes | None) -> str | None:
    try:
        loaded = yaml.safe_load(data or b"")
    except yaml.YAMLError:
        return None
    return str(loaded.get("version")) if isinstance(loaded, dict) else None


def stamp(data: bytes | None) -> str | None:
    """The version a release's ``dataset.jsonld`` (its bytes, or None) is stamped with."""
    try:
        loaded = json.loads(data or b"null")
    except ValueError:
        return None
    return str(loaded.get("version")) if isinstance(loaded, dict) else None
