"""The identifier guard that reads only the lines a rebuild changed finds what reading every line finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacegraph.errors import InputError
from peacegraph.rdf import identifiers, lines
from peacegraph.rdf.namespaces import Space, using

SPACE = Space("https://example.org/archive/")
#: Identifiers one of which names a prefix of another's, and a node outside the collection.
NODES = [f"<{SPACE.id}{name}>" for name in ("a", "ab", "a/b", "b", "c")] + ["<https://example.org/other>"]
_LINE = st.builds(
    lambda s, p, o: f"{s} <https://example.org/p{p}> {o} .\n",
    st.sampled_from(NODES),
    st.integers(0, 2),
    st.one_of(st.sampled_from(NODES), st.sampled_from(['"a"', '"<https://example.org/archive/id/c>"'])),
)


def _lines(text: set[str]) -> lines.Lines:
    data = "".join(sorted(text)).encode()
    return lines.Lines(data, len(text))


def _verdict(check: object) -> str | None:
    try:
        check()  # type: ignore[operator]
    except InputError as error:
        return str(error)
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.sets(_LINE, max_size=25), new=st.sets(_LINE, max_size=25))
def test_reading_the_changed_lines_finds_what_reading_all_finds(old: set[str], new: set[str], tmp_path: Path) -> None:
    dump = tmp_path / "previous.nt"
    dump.write_bytes(_lines(old).data)
    now = _lines(new)
    with using(SPACE):
        full = _verdict(lambda: identifiers.check_kept(identifiers.published_in_file(dump), now, dump))
        since = _verdict(lambda: identifiers.check_kept_since(dump, now))
    assert since == full


@pytest.mark.parametrize(
    "written",
    [
        "<{id}ab>\t<https://example.org/p> <{id}a> .\n",  # a tab: not canonical
        "# a comment\n<{id}ab> <https://example.org/p> <{id}a> .\n",
        "<{id}ab> <https://example.org/p> <{id}a>  .\n",  # two spaces
    ],
)
def test_a_previous_dump_written_otherwise_is_read_the_full_way(tmp_path: Path, written: str) -> None:
    dump = tmp_path / "previous.nt"
    dump.write_text(written.format(id=SPACE.id), encoding="utf-8")
    kept = _lines({f"<{SPACE.id}ab> <https://example.org/q> <{SPACE.id}b> .\n"})
    with using(SPACE), pytest.raises(InputError, match=r"1 published identifier\(s\) would disappear: <.*/id/a>"):
        identifiers.check_kept_since(dump, kept)


@pytest.mark.parametrize(
    ("iri", "found"),
    [("a", True), ("ab", True), ("a/b", False), ("b", True), ("c", False), ("d", False)],
)
def test_mentioned_as_subject_or_object(iri: str, found: bool) -> None:
    graph = _lines(
        {
            f"<{SPACE.id}a> <https://example.org/p> <{SPACE.id}b> .\n",
            f'<{SPACE.id}ab> <https://example.org/p> "<{SPACE.id}c>" .\n',
            f"<{SPACE.id}a/bc> <https://example.org/p> <{SPACE.id}b> .\n",
        }
    )
    assert identifiers.mentioned(graph.data, SPACE.id + iri) is found
