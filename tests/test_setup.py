"""What a fresh machine installs: every dependency pinned with hashes, and the system packages named."""

from __future__ import annotations

import re
import subprocess
import tomllib

from .conftest import ROOT

LOCK = ROOT / "requirements.lock"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pinned() -> dict[str, list[str]]:
    """Each locked package with its hashes."""
    pins: dict[str, list[str]] = {}
    current = ""
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line):
            current = match.group(1).lower().replace("_", "-")
            pins[current] = []
        elif match := re.search(r"--hash=sha256:([0-9a-f]{64})", line):
            pins[current].append(match.group(1))
    return pins


def test_every_dependency_is_locked_to_one_version_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    pins = _pinned()
    assert wanted - set(pins) == set(), "run `make lock` after changing dependencies in pyproject.toml"
    assert all(pins.values()), [name for name, hashes in pins.items() if not hashes]


def test_the_system_packages_script_is_silent_when_everything_is_there() -> None:
    result = subprocess.run([ROOT / "scripts" / "system-packages"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_without_root_the_system_packages_script_names_what_to_install_in_one_line() -> None:
    # As nobody, with a file list that cannot be satisfied, the script must not try apt-get.
    script = (ROOT / "scripts" / "system-packages").read_text(encoding="utf-8")
    script = script.replace("/usr/bin/dot:graphviz", "/nonexistent/dot:graphviz")
    result = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "bash", "-c", script],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "graphviz" in result.stderr
    assert "apt-get install" in result.stderr
