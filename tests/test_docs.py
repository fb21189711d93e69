"""Documentation stays true: every command and every record field is documented."""

from __future__ import annotations

import json
import re
import shlex

import click
from click.testing import CliRunner

from peacegraph.cli import main
from peacegraph.records.loader import schema_path

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: The reference's overview of the commands (the options themselves are written from the CLI when the site is built).
COMMANDS_DOC = (ROOT / "docs" / "reference" / "commands.md").read_text(encoding="utf-8")
RECORDS_DOC = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_reference() -> None:
    assert isinstance(main, click.Group)
    missing = [name for name in main.commands if f"| `peacegraph {name}` |" not in COMMANDS_DOC]
    assert missing == []


def test_every_documentation_page_is_in_the_navigation() -> None:
    """Each Markdown page under docs/ is reachable from the site's navigation (mkdocs.yml)."""
    navigation = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:", 1)[1]
    pages = sorted(path.relative_to(ROOT / "docs").as_posix() for path in (ROOT / "docs").rglob("*.md"))
    assert [page for page in pages if f": {page}\n" not in navigation] == []


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


def _examples_of(name: str) -> list[list[str]]:
    """The examples at the end of a command's --help, through the real CLI, as argument lists (up to a ``>``)."""
    result = CliRunner().invoke(main, [name, "--help"], terminal_width=200)
    assert result.exit_code == 0
    head, _, examples = result.output.rpartition("\n  Examples:\n")
    assert head, f"peacegraph {name} --help ends without examples"
    lines = examples.replace("\\\n", " ").strip().splitlines()
    return [words[: words.index(">")] if ">" in words else words for words in map(shlex.split, lines)]


def _parse_error(command: click.Command, name: str, args: list[str]) -> str | None:
    try:
        command.make_context(name, args)
    except click.BadParameter as error:
        return error.format_message()
    return None


def test_every_command_help_ends_with_examples_that_parse() -> None:
    """One or two examples, each a `peacegraph NAME …` line whose options and values the command accepts."""
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        examples = _examples_of(name)
        assert 1 <= len(examples) <= 2, name
        for words in examples:
            assert words[:2] == ["peacegraph", name], words
            error = _parse_error(command, name, words[2:])
            assert error is None or "does not exist" in error, (words, error)  # its paths need not exist here
