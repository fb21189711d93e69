"""The guard's verdicts kept between runs (``verdicts.py``): only for the very same text, by the very same guard."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from peacegraph import verdicts
from peacegraph.serve import guard

from .test_quick import PROGRAM

TEXT = "SELECT ?x # a comment\nWHERE { BIND(1 AS ?x) }"


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PEACEGRAPH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_verdict_is_recalled_for_the_same_text_only() -> None:
    assert verdicts.recall(TEXT) is None
    run = guard.check(TEXT).text
    verdicts.keep(TEXT, run)
    assert verdicts.recall(TEXT) == run
    assert verdicts.recall(TEXT + " ") is None
    assert verdicts.recall(TEXT[:-1]) is None


def test_a_text_in_the_same_slot_takes_it_over() -> None:
    verdicts.keep(TEXT, TEXT)
    slot = verdicts.place(TEXT)
    assert slot is not None
    texts = (f"ASK {{}} #{n}" for n in range(10_000))
    other = next(text for text in texts if (verdicts.place(text) or ("",))[0] == slot[0])
    assert verdicts.recall(other) is None
    verdicts.keep(other, "ASK {}")
    assert verdicts.recall(other) == "ASK {}"
    assert verdicts.recall(TEXT) is None


def test_a_changed_guard_forgets_every_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "guard.py"
    copy.write_text("# the guard\n", encoding="utf-8")
    monkeypatch.setattr(verdicts, "GUARD", str(copy))
    verdicts.keep(TEXT, TEXT)
    assert verdicts.recall(TEXT) == TEXT
    copy.write_text("# the guard, changed\n", encoding="utf-8")
    assert verdicts.recall(TEXT) is None
    copy.unlink()
    verdicts.keep(TEXT, TEXT)  # without the guard's source, nothing is kept
    assert verdicts.recall(TEXT) is None


def test_long_texts_are_not_kept_and_odd_ones_round_trip(cache: Path) -> None:
    verdicts.keep("#" * (verdicts.MAX_TEXT + 1), "")
    assert not (cache / verdicts.FOLDER).exists()
    odd = "ASK { FILTER('\udcff' != '\u00e9\n') }"  # an undecodable byte of a command line, a line break
    verdicts.keep(odd, odd)
    assert verdicts.recall(odd) == odd


def test_the_guard_file_is_the_guard() -> None:
    assert Path(verdicts.GUARD).samefile(guard.__file__)


def test_a_refused_query_is_refused_each_time(out_dir: Path, cache: Path) -> None:
    refused = ["query", "--release", str(out_dir), "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"]
    said = [subprocess.run([*PROGRAM, *refused], capture_output=True, text=True, timeout=120) for _ in range(3)]
    assert {(done.returncode, done.stderr) for done in said} == {(2, said[0].stderr)}
    assert "SERVICE is refused" in said[0].stderr
    assert not (cache / verdicts.FOLDER).exists()


def test_a_damaged_entry_is_no_verdict() -> None:
    """A slot holding anything but an entry for the very same text (junk, another tool's bytes, a run text
    that is not UTF-8) recalls nothing: the guard decides again."""
    found = verdicts.place(TEXT)
    assert found is not None
    path, start = found
    Path(path).parent.mkdir(parents=True)
    for damaged in (b"", b"junk", start[:-1], start + b"\xff\xfe"):
        Path(path).write_bytes(damaged)
        assert verdicts.recall(TEXT) is None
