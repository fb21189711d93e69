"""The release state: which version of the dataset a build stamps, when it was issued, and the
version before it. It lives in ``seeds/release.yaml``; ``peacegraph release`` updates it and the
build only reads it, so that the same inputs always give the same bytes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..errors import InputError
from ..records.verdict import passes

# Reading release.yaml needs PyYAML and jsonschema, imported where it is read: what only shows a
# release (``serve``) starts without them.

RELEASE_FILE: Final = "release.yaml"
SEMVER_PATTERN: Final = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
DATE_PATTERN: Final = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
#: A DOI name, as DataCite's metadata schema writes it (``10.1234/abcd``, no ``https://doi.org/``).
DOI_PATTERN: Final = r"^10[.][0-9]{4,9}/[^\s]+$"
_SEMVER = re.compile(SEMVER_PATTERN)

_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "issued"],
    "properties": {
        "version": {"type": "string", "pattern": SEMVER_PATTERN, "description": "MAJOR.MINOR.PATCH, e.g. 1.2.0"},
        "issued": {"type": "string", "pattern": DATE_PATTERN},
        "previous": {"type": ["string", "null"], "pattern": SEMVER_PATTERN},
        "dump": {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "SHA-256 of the N-Triples dump"},
        "doi": {"type": "string", "pattern": DOI_PATTERN, "description": "a DOI such as 10.5281/zenodo.1234"},
    },
}

_HEADER: Final = (
    "# The last release: a build whose N-Triples dump has the SHA-256 `dump` is stamped with its version;\n"
    "# any other build is VERSION+dev (changes since VERSION) in out/ (void.ttl, dataset.jsonld).\n"
    "# `peacegraph release VERSION` updates this file and CHANGELOG.md; see the README, Releases.\n"
)


@dataclass(frozen=True)
class Release:
    version: str
    #: ``YYYY-MM-DD``; None only for a development build (no release file).
    issued: str | None
    previous: str | None = None
    #: The SHA-256 (hex) of the release's N-Triples dump: the build that gives these bytes is this release.
    dump: str | None = None
    #: The DOI reserved for this release (``peacegraph release VERSION --doi DOI``), if any.
    doi: str | None = None


#: What a seed directory without a release file builds as: version 0.0.0, never issued.
DEVELOPMENT: Final = Release(version="0.0.0", issued=None)


def semver(text: str) -> tuple[int, int, int]:
    """``MAJOR.MINOR.PATCH`` as a tuple that compares the way versions do."""
    match = _SEMVER.fullmatch(text)
    if not match:
        raise InputError(f"not a semantic version MAJOR.MINOR.PATCH: {text!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def release_file(seeds: Path) -> Path:
    return Path(seeds) / RELEASE_FILE


def read(seeds: Path) -> Release:
    """The release state of ``seeds/`` (a development build when it has no release file)."""
    path = release_file(seeds)
    if not path.exists():
        return DEVELOPMENT
    from ..records.yamlsource import read_yaml, walk_errors

    located = read_yaml(path)
    if not passes(_SCHEMA, located.data):
        from ..records.schemacheck import Validator

        error = walk_errors(located, Validator(_SCHEMA).iter_errors(located.data))
        if error:
            raise error
    data = located.data
    release = Release(data["version"], data["issued"], data.get("previous"), data.get("dump"), data.get("doi"))
    _check(release, path, located.line(("previous",)))
    return release


def _check(release: Release, path: Path, line: int) -> None:
    try:
        datetime.date.fromisoformat(release.issued or "")
    except ValueError:
        raise InputError(f"issued {release.issued!r} is not a real date", path, line) from None
    if release.previous is not None and semver(release.previous) >= semver(release.version):
        raise InputError(f"previous {release.previous} is not before version {release.version}", path, line)


def write(seeds: Path, release: Release) -> Path:
    path = release_file(seeds)
    if release.issued is None:
        raise ValueError("a release written to the release file needs an issued date")
    lines = [f"version: {release.version}", f"issued: {release.issued}"]
    if release.previous is not None:
        lines.append(f"previous: {release.previous}")
    if release.dump is not None:
        lines.append(f"dump: {release.dump}")
    if release.doi is not None:
        lines.append(f"doi: {release.doi}")
    path.write_text(_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


#: What marks a build that is not the release it follows: ``0.1.0+dev``, "changes since 0.1.0" (SemVer build metadata).
UNRELEASED_SUFFIX: Final = "+dev"


def stamp(current: Release, dump_sha256: str) -> Release:
    """The release a build whose N-Triples dump has ``dump_sha256`` is: ``current`` if it is that release's
    dump, else ``X.Y.Z+dev`` (not issued, following ``X.Y.Z``), so two different builds are never both
    called ``X.Y.Z``. Seeds never released build as :data:`DEVELOPMENT`, as before.
    """
    if current.issued is None or current.dump == dump_sha256:
        return current
    return Release(version=current.version + UNRELEASED_SUFFIX, issued=None, previous=current.version)


def successor(current: Release, version: str, issued: datetime.date, doi: str | None = None) -> Release:
    """The release after ``current``: a greater version, issued no earlier, with the DOI reserved for it."""
    if doi is not None and not re.fullmatch(DOI_PATTERN, doi):
        raise InputError(f"--doi {doi!r} is not a DOI such as 10.5281/zenodo.1234 (without https://doi.org/)")
    if semver(version) <= semver(current.version):
        raise InputError(f"version {version} must be greater than the current {current.version}")
    if current.issued is not None and issued.isoformat() < current.issued:
        raise InputError(f"issued {issued.isoformat()} is before {current.version} ({current.issued})")
    previous = current.version if current.issued is not None else None
    return Release(version=version, issued=issued.isoformat(), previous=previous, doi=doi)
