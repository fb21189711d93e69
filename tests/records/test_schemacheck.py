"""The record schema means the same with jsonschema and fastjsonschema: ECMA-262's ``$`` ends the text."""

from __future__ import annotations

import copy
from typing import Any

import fastjsonschema
import pytest

from peacegraph.records import loader
from peacegraph.records.schemacheck import ecma_pattern
from peacegraph.records.yamlsource import Located, read_yaml

from ..conftest import MINI


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^a$", "a", True),
        ("^a$", "a\n", False),
        ("^a\\$$", "a$", True),
        ("^[$]+$", "$$", True),
        ("^[$]+$", "$$\n", False),
        ("^(a|b$)", "b\n", False),
    ],
)
def test_dollar_is_the_end_of_the_text(pattern: str, text: str, matches: bool) -> None:
    assert bool(ecma_pattern(pattern).search(text)) is matches


#: Values the schema constrains by pattern, each with a line break appended (as ``key: |`` gives).
PATHS = [
    ("documents", 0, "key"),
    ("documents", 0, "date"),
    ("documents", 0, "url"),
    ("documents", 0, "issuers", 0),
    ("people", 0, "roles", 0, "key"),
    ("people", 0, "roles", 0, "start"),
    ("places", 0, "wikidata"),
    ("memberships", 0, "group"),
]


def _append_newline(data: Any, path: tuple[Any, ...]) -> None:
    *parents, last = path
    for step in parents:
        data = data[step]
    data[last] += "\n"


@pytest.mark.parametrize("path", PATHS, ids=["/".join(map(str, p)) for p in PATHS])
def test_both_engines_refuse_a_value_ending_in_a_line_break(path: tuple[Any, ...]) -> None:
    located = read_yaml(MINI / "seeds" / "records" / "mini.yaml")
    data = copy.deepcopy(located.data)
    _append_newline(data, path)
    with pytest.raises(fastjsonschema.JsonSchemaException):
        loader._fast_validator(loader.schema_path())(data)
    assert list(loader._validator(loader.schema_path()).iter_errors(data))
    error = loader.schema_error(Located(located.file, data, located.lines))
    assert error is not None
    assert error.line == located.lines[path]
    assert error.message.startswith("/".join(map(str, path)) + ": ")
