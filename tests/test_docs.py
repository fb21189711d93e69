"""Documentation stays true: every command and every record field is documented."""

from __future__ import annotations

import json
import re

import click

from peacegraph.cli import main
from peacegraph.records.loader import schema_path

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
RECORDS_DOC = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    assert isinstance(main, click.Group)
    missing = [name for name in main.commands if f"`peacegraph {name}" not in README]
    assert missing == []


def test_every_option_of_every_command_is_in_its_help() -> None:
    for name, command in main.commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"peacegraph {name} {param.opts[0]} has no help text"


def test_the_quick_start_is_two_make_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in quick.strip().splitlines()]
    assert commands == ["make build", "make test"]
    assert re.search(r"^build:", (ROOT / "Makefile").read_text(), re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_record_field_is_documented() -> None:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    for definition in schema["$defs"].values():
        for field in definition.get("properties", {}):
            assert f"`{field}`" in RECORDS_DOC, field
    for section in schema["properties"]:
        assert f"`{section}`" in RECORDS_DOC, section
