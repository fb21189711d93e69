"""uvicorn is pinned exactly, because ``serve/transport.py`` builds on its internals: any other version fails here."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

from peacegraph.serve import transport

from ..conftest import ROOT


def test_the_installed_uvicorn_is_the_one_the_transport_is_written_against() -> None:
    installed = version("uvicorn")
    assert installed == transport.UVICORN_VERSION, (
        f"uvicorn {installed} is installed, but serve/transport.py reaches into uvicorn {transport.UVICORN_VERSION}'s "
        "HttpToolsProtocol: read uvicorn's changes to it, then move UVICORN_VERSION and the pin together"
    )


def test_pyproject_and_the_lock_pin_that_version_exactly() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert f"uvicorn=={transport.UVICORN_VERSION}" in dependencies
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert re.search(rf"^uvicorn=={re.escape(transport.UVICORN_VERSION)} ", lock, re.MULTILINE)
