"""Scalars are read as PyYAML's resolver reads them, though most skip its regular expressions."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from yaml.resolver import Resolver

from peacegraph.errors import InputError
from peacegraph.records import yamlsource

VALUES = [
    "",
    "~",
    "null",
    "Null",
    "no",
    "off",
    "On",
    "yes",
    "true",
    "False",
    "0",
    "012",
    "0x1f",
    "1_000",
    "-3",
    "+4",
    "1.5",
    ".inf",
    "-.inf",
    ".nan",
    "2020-01-02",
    "2020-01-02 10:00:00",
    "<<",
    "=",
    "key",
    "name",
    "type",
    "Organization 5",
    "nothing",
    "yesterday",
    "1 of 2",
    *("".join(pair) for pair in itertools.product("yYnNtTfFoO01-+.~<=x é", repeat=2)),
]


@pytest.mark.parametrize("style", [None, "'", '"'])
@pytest.mark.parametrize("tag", [None, "!"])
def test_a_scalar_has_the_tag_the_resolver_gives(style: str | None, tag: str | None) -> None:
    for value in VALUES:
        implicit = (style is None and tag is None, style is not None)
        event = yaml.ScalarEvent(None, tag, implicit, value, style=style)
        expected = Resolver().resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
        assert yamlsource._tag(event) == expected, value


def _built(*events: yaml.Event) -> object:
    """What the builder makes of ``events`` (each at line 1), or the error it raises."""
    builder = yamlsource._Builder(Path("events.yaml"), 100, yamlsource.LineNumbers("x\n"))
    try:
        for event in events:
            builder.feed(event)
    except InputError as error:
        return error
    return builder.root


def _scalar(value: str, style: str | None, tag: str | None) -> yaml.ScalarEvent:
    mark = yaml.Mark("events.yaml", 0, 0, 0, None, 0)
    implicit = (style is None and tag is None, style is not None)
    return yaml.ScalarEvent(None, tag, implicit, value, mark, mark, style=style)


@pytest.mark.parametrize("style", [None, "'", '"'])
@pytest.mark.parametrize("tag", [None, "!"])
def test_the_builder_reads_each_value_and_key_as_the_resolver_tags_it(style: str | None, tag: str | None) -> None:
    """What the builder makes of a scalar, as a value and as a key, is what the resolver's tag says."""
    mark = yaml.Mark("events.yaml", 0, 0, 0, None, 0)
    start, end = yaml.MappingStartEvent(None, None, True, mark, mark), yaml.MappingEndEvent(mark, mark)
    for value in VALUES:
        implicit = (style is None and tag is None, style is not None)
        resolved = Resolver().resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
        as_value = _built(start, _scalar("key", None, None), _scalar(value, style, tag), end)
        as_key = _built(start, _scalar(value, style, tag), _scalar("x", None, None), end)
        if resolved in (yamlsource._STR, yamlsource._TIMESTAMP):
            assert as_value == {"key": value}, value
        elif resolved == yamlsource._INT and value.replace("_", "").lstrip("+-").isdecimal():
            assert as_value == {"key": int(value.replace("_", ""), 10)}, value
        elif resolved == yamlsource._BOOL:
            assert as_value == {"key": value.lower() in ("true", "yes", "on")}, value
        elif resolved == yamlsource._NULL:
            assert as_value == {"key": None}, value
        else:  # a float, an integer not in decimal digits, a merge key or "=": never a record's value
            assert isinstance(as_value, InputError), value
        if resolved == yamlsource._STR and value != "<<":
            assert as_key == {value: "x"}, value
        else:
            assert isinstance(as_key, InputError), value
