"""A rebuild after a change maps again only what the change touches, and its release is byte for byte
the release a full build of the same records writes."""

from __future__ import annotations

import itertools
import random
import re
import shutil
import sys
from collections.abc import Callable
from operator import methodcaller
from pathlib import Path

import pytest

from peacegraph import pipeline, stamps
from peacegraph.rdf import mapping, remap
from peacegraph.rdf.namespaces import using
from peacegraph.records import model as r
from peacegraph.release import keep, retable

from .conftest import MINI
from .rdf.test_identifiers import DEPRECATIONS, REMOVALS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import synthetic  # type: ignore[import-not-found]  # noqa: E402  (a script of bench/, not a package)

Edit = Callable[[Path], None]


def _replace(name: str, old: str, new: str) -> Edit:
    def edit(seeds: Path) -> None:
        path = seeds / "records" / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _move(name: str, start: str, end: str, into: str) -> Edit:
    """Move the lines from ``start`` up to ``end`` of a record file into a new file, under ``into``."""

    def edit(seeds: Path) -> None:
        path = seeds / "records" / name
        text = path.read_text(encoding="utf-8")
        first = text.index(start)
        last = text.index(end, first)
        path.write_text(text[:first] + text[last:], encoding="utf-8")
        (seeds / "records" / "moved.yaml").write_text(f"{into}\n{text[first:last]}", encoding="utf-8")

    return edit


def _all(*edits: Edit, append: str = "") -> Edit:
    """Several edits, then ``append`` added to the end of ``mini.yaml``."""

    def edit(seeds: Path) -> None:
        for one in edits:
            one(seeds)
        path = seeds / "records" / "mini.yaml"
        path.write_text(path.read_text(encoding="utf-8") + append, encoding="utf-8")

    return edit


#: Beta Network deprecated: its record and every reference to it go, its identifier and its signature's stay.
DEPRECATED = _all(*(_replace("mini.yaml", old, new) for old, new in REMOVALS), append=DEPRECATIONS)


def _rename_file(seeds: Path) -> None:
    shutil.move(seeds / "records" / "mini.yaml", seeds / "records" / "renamed.yaml")


MINI_EDITS: dict[str, Edit] = {
    "an organization renamed (signatures and memberships read its name)": _replace(
        "mini.yaml", 'name: "Beta Network"', 'name: "Beta Network Renamed"'
    ),
    "a document's date (its positions take it)": _replace("mini.yaml", "date: 2017-03-22", "date: 2017-03-23"),
    "a position's holders": _replace("mini.yaml", "holders: [org:beta-network]", "holders: [org:alpha-group]"),
    "a membership removed": _replace(
        "mini.yaml",
        "memberships:\n  - group: org:alpha-group\n    members: [org:beta-network]\n"
        "    documents: [doc:mini-statement]\n",
        "",
    ),
    "an organization added": _replace(
        "mini.yaml",
        "organizations:\n",
        'organizations:\n  - key: gamma-forum\n    name: "Gamma Forum"\n    type: civil-society\n',
    ),
    "a comment only": _replace("mini.yaml", "# A small corpus", "# A comment that changes nothing\n# A small corpus"),
    "a record moved to another file": _move(
        "mini.yaml", "  - key: beta-network", "  - key: united-nations", "organizations:"
    ),
    "the record file renamed": _rename_file,
    "a topic's label (positions link to it only)": _replace("mini.yaml", 'label: "Ceasefire"', 'label: "Truce"'),
    "an organization deprecated (its rows go, and its name from the rows that read it)": DEPRECATED,
    "an organization's kind (its type column)": _replace(
        "mini.yaml", 'name: "Beta Network"\n    type: civil-society', 'name: "Beta Network"\n    type: media'
    ),
    "a membership pair added": _replace(
        "mini.yaml", "memberships:\n", "memberships:\n  - group: org:united-nations\n    members: [org:alpha-group]\n"
    ),
    "a person renamed (a document's authors read her name)": _replace(
        "mini.yaml", 'name: "Jane Envoy"', 'name: "Jane Q. Envoy"'
    ),
    "a document's title (its signatures and positions read it)": _replace(
        "mini.yaml", 'title: "Joint Statement on Testing"', 'title: "Joint Statement on Tests"'
    ),
}

SYNTHETIC_EDITS: dict[str, Edit] = {
    "an organization renamed": _replace(
        "unit-000001.yaml", "name: Organization 1 of group 1\n", "name: Renamed organization 1 of group 1\n"
    ),
    "a document's date": _replace("unit-000000.yaml", "date: '2010-01-10'", "date: '2010-01-11'"),
    "a signatory added": _replace(
        "unit-000000.yaml", "  - org:org-0-9\n  mentions:", "  - org:org-0-9\n  - org:united-nations\n  mentions:"
    ),
    "an organization's kind": _replace(
        "unit-000001.yaml",
        "name: Organization 1 of group 1\n  type: local-council",
        "name: Organization 1 of group 1\n  type: media",
    ),
    "a member added": _replace(
        "unit-000000.yaml", "  members:\n  - org:org-0-1\n", "  members:\n  - org:org-0-1\n  - org:org-1-5\n"
    ),
    "an organization added": _replace(
        "unit-000001.yaml",
        "organizations:\n",
        "organizations:\n- key: org-new\n  name: A new organization\n  type: media\n",
    ),
    "a position's quote ends earlier (its offsets' end)": _replace(
        "unit-000000.yaml",
        "ceasefire access corridor ceasefire principles.\n    start: 50\n    end: 415",
        "ceasefire access corridor ceasefire\n    start: 50\n    end: 403",
    ),
}


def _build(seeds: Path, out: Path) -> pipeline.BuildResult:
    return pipeline.build(pipeline.Settings(seeds=seeds, out=out))


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _rebuilt_as_built(seeds: Path, edit: Edit, tmp_path: Path) -> pipeline.BuildResult:
    out = tmp_path / "out"
    _build(seeds, out)
    edit(seeds)
    again = _build(seeds, out)
    assert _files(out) == _files(_build(seeds, tmp_path / "fresh").files["SHA256SUMS"].parent)
    return again


@pytest.mark.parametrize("edit", MINI_EDITS.values(), ids=MINI_EDITS)
def test_a_rebuild_of_the_mini_corpus_writes_what_a_full_build_writes(
    mini_seeds: Path, tmp_path: Path, edit: Edit
) -> None:
    again = _rebuilt_as_built(mini_seeds, edit, tmp_path)
    assert "map" in again.reused  # the lines were edited, not made again
    assert "validate" in again.reused  # and only what the change reaches was validated
    assert "serialize" in again.reused  # and the dumps of what did not change were copied
    assert "table rows made again" in again.reused["serialize"]  # and the tables' rows it does not reach


@pytest.fixture(scope="module")
def units(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(synthetic.write_seeds(tmp_path_factory.mktemp("synthetic") / "seeds", 3))


@pytest.mark.parametrize("edit", SYNTHETIC_EDITS.values(), ids=SYNTHETIC_EDITS)
def test_a_rebuild_of_many_files_writes_what_a_full_build_writes(units: Path, tmp_path: Path, edit: Edit) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(units, seeds)
    again = _rebuilt_as_built(seeds, edit, tmp_path)
    assert again.reused["map"].startswith(tuple("123456789"))
    assert again.reused["validate"].endswith("focus nodes validated again")
    segments, rows = again.reused["serialize"].split("; ")
    assert segments.endswith("segments of the dumps as last time")
    made, total = (int(n.replace(",", "")) for n in rows.removesuffix(" table rows made again").split(" of "))
    assert 0 < made < total / 20  # of the tables' rows, only the few the change reaches were made again
    assert again.reused["load"].startswith(f"{len(list((seeds / 'records').glob('*.yaml'))) - 1} of ")


def test_a_change_to_a_source_text_is_mapped_the_full_way(mini_seeds: Path, tmp_path: Path) -> None:
    def edit(seeds: Path) -> None:
        text = seeds / "000_mini.txt"
        text.write_bytes(text.read_bytes() + b"\n")

    again = _rebuilt_as_built(mini_seeds, edit, tmp_path)
    assert "map" not in again.reused


def test_a_damaged_keep_is_a_full_build(mini_seeds: Path, tmp_path: Path) -> None:
    damaged = []

    def damage(seeds: Path) -> None:
        MINI_EDITS["an organization renamed (signatures and memberships read its name)"](seeds)
        for kept in Path(stamps.cache_home()).glob(f"{keep.BUILDS}/*/*/map/{remap.KEPT}"):
            kept.write_bytes(b"\x00" * 40)
            damaged.append(kept)

    again = _rebuilt_as_built(mini_seeds, damage, tmp_path)
    assert damaged
    assert "map" not in again.reused


def _corpora(tmp_path: Path) -> list[tuple[pipeline.Settings, r.Corpus]]:
    found = []
    for seeds in (ROOT / "seeds", MINI / "seeds", synthetic.write_seeds(tmp_path / "synthetic", 2)):
        settings = pipeline.resolved(pipeline.Settings(seeds=seeds, out=tmp_path / "unused"))
        assert settings.collection is not None
        with using(settings.collection.space):
            found.append((settings, pipeline.load(settings)))
    return found


def test_each_record_maps_the_same_over_only_the_records_it_reads(tmp_path: Path) -> None:
    """What :func:`.remap.reads` says a mapper reads is all it reads: over a corpus of nothing but the
    record, those records and the source texts, each record maps to the same triples."""
    for settings, corpus in _corpora(tmp_path):
        assert settings.collection is not None
        with using(settings.collection.space):
            records: list[r.Record] = [*corpus.memberships, *corpus.deprecations.values()]
            for table in r.TABLES.values():
                records.extend(getattr(corpus, table).values())
            for record in records:
                alone = r.Corpus(sources=corpus.sources)
                itself = [r.Ref(PREFIXES[type(record)], record.key)] if type(record) in PREFIXES else []
                for ref in [*remap.reads(record, corpus), *itself]:
                    found = corpus.resolve(ref)
                    if found is not None:
                        alone.table(ref.prefix)[ref.key] = found
                assert sorted(mapping.map_record(record, alone)) == sorted(mapping.map_record(record, corpus)), record


#: The reference prefix of each kind of record that has one.
PREFIXES = {
    r.Document: "doc",
    r.Organization: "org",
    r.Person: "person",
    r.Place: "place",
    r.Event: "event",
    r.Position: "position",
    r.Topic: "topic",
}


SECOND_MEMBERSHIP = "  - group: org:alpha-group\n    members: [org:beta-network]\n    documents: [doc:unscr-2254]\n"


def test_a_line_two_records_make_stays_when_one_no_longer_makes_it(mini_seeds: Path, tmp_path: Path) -> None:
    """Both memberships say Beta Network is a member of Alpha Group: one goes, the line stays. The second
    membership comes in a rebuild, in a file of its own, so the line's being made twice is found by a
    rebuild, and the file that still makes it is not read again when the other changes."""
    out = tmp_path / "out"
    _build(mini_seeds, out)
    (mini_seeds / "records" / "more.yaml").write_text("memberships:\n" + SECOND_MEMBERSHIP, encoding="utf-8")
    assert "map" in _build(mini_seeds, out).reused
    first = "memberships:\n  - group: org:alpha-group\n    members: [org:beta-network]\n"
    first += "    documents: [doc:mini-statement]\n"
    _replace("mini.yaml", first, "")(mini_seeds)
    _build(mini_seeds, out)
    member_of = b"/organization/beta-network> <https://schema.org/memberOf> "
    assert member_of in (out / "peacegraph.nt").read_bytes()
    assert _files(out) == _files(_build(mini_seeds, tmp_path / "fresh").files["SHA256SUMS"].parent)


def test_a_line_two_new_records_make_stays_when_one_goes(mini_seeds: Path, tmp_path: Path) -> None:
    """Two files come in one rebuild, each with a membership that says the same; then one goes."""
    out = tmp_path / "out"
    _build(mini_seeds, out)
    same = "memberships:\n  - group: org:alpha-group\n    members: [org:united-nations]\n"
    for name in ("one.yaml", "two.yaml"):
        (mini_seeds / "records" / name).write_text(same, encoding="utf-8")
    assert "map" in _build(mini_seeds, out).reused
    (mini_seeds / "records" / "two.yaml").unlink()
    _build(mini_seeds, out)
    assert b"/organization/united-nations> <https://schema.org/memberOf> " in (out / "peacegraph.nt").read_bytes()
    assert _files(out) == _files(_build(mini_seeds, tmp_path / "fresh").files["SHA256SUMS"].parent)


def test_the_command_says_what_a_rebuild_reused_and_a_garbled_keep_changes_nothing(
    mini_seeds: Path, tmp_path: Path
) -> None:
    """Through ``peacegraph build``: a rebuild names what it took from the last build; with every kept file
    overwritten with garbage, it takes nothing and writes the same release."""
    from click.testing import CliRunner

    from peacegraph.cli import main

    out = tmp_path / "out"
    command = ["build", "--collection", str(mini_seeds), "--out", str(out)]
    assert CliRunner().invoke(main, command).exit_code == 0
    MINI_EDITS["a document's date (its positions take it)"](mini_seeds)
    again = CliRunner().invoke(main, command)
    assert again.exit_code == 0
    assert "records mapped again" in again.output
    assert "segments of the dumps as last time" in again.output
    rebuilt = _files(out)
    MINI_EDITS["a position's holders"](mini_seeds)
    assert CliRunner().invoke(main, command).exit_code == 0
    for kept in Path(stamps.cache_home()).glob(f"{keep.BUILDS}/*/*/*/*"):
        if kept.is_file():
            kept.unlink()  # a hard link may share the release's own file: replace, never write into it
            kept.write_bytes(b"garbage")
    _replace("mini.yaml", "holders: [org:alpha-group]", "holders: [org:beta-network]")(mini_seeds)
    garbled = CliRunner().invoke(main, command)
    assert garbled.exit_code == 0, garbled.output
    assert "as last time" not in garbled.output
    assert "mapped again" not in garbled.output
    assert _files(out) == rebuilt


@pytest.mark.parametrize("name", [retable.KEPT, "signatures.csv"])
def test_a_damaged_tables_keep_writes_the_tables_the_full_way(mini_seeds: Path, tmp_path: Path, name: str) -> None:
    """The tables' keep (its notes, or a CSV file it holds) damaged: the dumps' segments are still reused,
    and the tables are written from all the lines, as a full build writes them."""
    damaged = []

    def damage(seeds: Path) -> None:
        MINI_EDITS["an organization renamed (signatures and memberships read its name)"](seeds)
        for kept in Path(stamps.cache_home()).glob(f"{keep.BUILDS}/*/*/serialize/{name}"):
            size = kept.stat().st_size
            kept.unlink()  # a hard link shares the release's own file: replace it, never write into it
            kept.write_bytes(b"\x00" * size)
            damaged.append(kept)

    again = _rebuilt_as_built(mini_seeds, damage, tmp_path)
    assert damaged
    assert again.reused["serialize"].endswith("segments of the dumps as last time")


def test_a_change_to_many_shown_names_writes_the_tables_the_full_way(
    mini_seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past :data:`.retable.MANY` renamed identifiers to look for in the last CSV files, the tables are
    written from all the lines (and are what a full build writes)."""
    monkeypatch.setattr(retable, "MANY", 0)
    again = _rebuilt_as_built(mini_seeds, MINI_EDITS["a person renamed (a document's authors read her name)"], tmp_path)
    assert again.reused["serialize"].endswith("segments of the dumps as last time")


def _random_edit(rng: random.Random, seeds: Path) -> None:
    """One edit of a record of the synthetic corpus: a name, a kind of organization, a date, a signatory or
    a member added (each keeps the corpus valid); a file where the edit drawn cannot be made draws again."""
    keys = {f"  - org:{key}" for f in seeds.glob("records/*.yaml") for key in _ORGS.findall(f.read_text())}
    while True:
        path = rng.choice(sorted((seeds / "records").glob("unit-*.yaml")))
        text = path.read_text(encoding="utf-8")
        kind = rng.randrange(5)
        if kind < 3:
            pattern = _EDITS[kind]
            found = list(pattern.finditer(text))
            if not found:
                continue
            match = rng.choice(found)
            if kind == 0:
                new = f"{match.group(1)} {rng.randrange(1000)}"
            else:
                new = rng.choice(synthetic.ORG_TYPES) if kind == 1 else str(int(match.group(1)) + 1)
        else:
            heading = "  signatories:\n" if kind == 3 else "  members:\n"
            lists = [m.end() for m in re.finditer(re.escape(heading), text)]
            unlisted = {at: keys - set(itertools.takewhile(_ITEM, text[at:].splitlines())) for at in lists}
            places = [at for at in lists if unlisted[at]]  # the lists that do not hold every organization
            if not places:
                continue
            at = rng.choice(places)
            path.write_text(text[:at] + rng.choice(sorted(unlisted[at])) + "\n" + text[at:], encoding="utf-8")
            return
        path.write_text(text[: match.start(1)] + new + text[match.end(1) :], encoding="utf-8")
        return


#: A name, a kind of organization, a year of a document's date.
_EDITS = [
    re.compile(r"(?m)^  name: ((?:Organization|Person) .*)$"),
    re.compile(r"(?m)^  type: (civil-society|local-council|media|political)$"),
    re.compile(r"(?m)^  date: '(\d{4})-"),
]
_ORGS = re.compile(r"(?m)^- key: (org-\S+)$")
_ITEM = methodcaller("startswith", "  - ")


@pytest.mark.parametrize("seed", range(4))
def test_rebuilds_after_random_edits_write_what_full_builds_write(units: Path, tmp_path: Path, seed: int) -> None:
    """Edit after edit, each rebuild from the last one's keep is byte for byte the full build of the same
    records, and makes again only some of the tables' rows."""
    rng = random.Random(seed)
    seeds = tmp_path / "seeds"
    shutil.copytree(units, seeds)
    out = tmp_path / "out"
    _build(seeds, out)
    for step in range(6):
        _random_edit(rng, seeds)
        again = _build(seeds, out)
        full = _build(seeds, tmp_path / f"full-{step}").files["SHA256SUMS"].parent
        assert _files(out) == _files(full), f"seed {seed}, step {step}"
        assert again.reused["serialize"].endswith("table rows made again"), again.reused
