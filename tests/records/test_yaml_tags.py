"""Scalars are read as PyYAML's resolver reads them, though most skip its regular expressions."""

from __future__ import annotations

import itertools

import pytest
import yaml
from yaml.resolver import Resolver

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
