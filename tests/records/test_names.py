"""Reading names: the trailing place is found in linear time, and exactly where the old pattern found it."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from peacegraph.records.names import variants, without_trailing_place

#: The pattern ``without_trailing_place`` replaces: right, but quadratic on long runs of white space.
BACKTRACKING = re.compile(r"\s*(?:,|\s[-\u2013\u2014]\s)\s*[^,()\-\u2013\u2014]{2,40}$")
PIECES = st.sampled_from([*"ab ,-()\u2013\u2014\t\u00a0\u2028\x1c", "x" * 20, " " * 10, ", ", " - "])


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_the_same_reading_as_the_pattern(name: str) -> None:
    assert without_trailing_place(name) == BACKTRACKING.sub("", name)


def test_printed_places() -> None:
    assert without_trailing_place("Help4Syria, UK") == "Help4Syria"
    assert without_trailing_place("Syrian Women's Network \u2013 Gaziantep") == "Syrian Women's Network"
    assert without_trailing_place("Al-Nour") == "Al-Nour"
    assert without_trailing_place("Local Development (LDSPS)") == "Local Development (LDSPS)"


def test_a_thousand_spaces_cost_little() -> None:
    name = "x" + " " * 998 + "y"
    began = time.monotonic()
    for _ in range(500):
        variants(name)
    assert time.monotonic() - began < 0.5
