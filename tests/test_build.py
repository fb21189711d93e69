"""The build: reproducible, conforming, atomic, and faithful to the five source documents."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from pyoxigraph import Store

from peacegraph import pipeline

from .conftest import ROOT, SEEDS, SHARED, SMALL_GROUP_GOVERNMENTS, select


def test_rebuild_is_byte_identical(built: pipeline.BuildResult, out_dir: Path, tmp_path: Path) -> None:
    again = pipeline.build(pipeline.Settings(seeds=SEEDS, out=tmp_path / "out"))
    for name, path in built.files.items():
        assert path.read_bytes() == again.files[name].read_bytes(), name


def test_committed_release_is_what_the_seeds_build(out_dir: Path) -> None:
    """out/ in the repository is the published release: it must be exactly what the seeds give."""
    committed = ROOT / "out"
    names = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    _match, mismatch, errors = filecmp.cmpfiles(committed, out_dir, names, shallow=False)
    assert not errors, f"out/ lacks files, run `make build`: {errors}"
    assert not mismatch, f"out/ is stale, run `make build`: {mismatch}"


def test_seed_texts_are_byte_identical_copies_of_the_sources() -> None:
    sources = SHARED / "seeds"
    if not sources.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for original in sorted(sources.glob("*.txt")):
        assert (SEEDS / original.name).read_bytes() == original.read_bytes(), original.name


def test_no_blank_nodes(built: pipeline.BuildResult) -> None:
    text = (built.files["peacegraph.nt"]).read_text(encoding="utf-8")
    assert "_:" not in "".join(line.split(" ", 1)[0] + line.rsplit(" ", 2)[-2] for line in text.splitlines())


def test_dumps_conform_to_the_shapes(built: pipeline.BuildResult) -> None:
    assert built.report.conforms, [str(v) for v in built.report.violations]


FIVE = {
    "small-group-statement-of-principles": ("StatementOfPrinciples", None, {"small-group-on-syria"}),
    "civil-society-letter-to-issg-2017-03-22": ("Letter", "2017-03-22", None),
    "civil-society-statement-on-sochi-2018": ("JointStatement", "2018-01-03", None),
    "small-group-ministers-statement-2019-11-14": (
        "JointStatement",
        "2019-11-14",
        {"small-group-on-syria", *SMALL_GROUP_GOVERNMENTS},
    ),
    "peace-process-timeline": ("Timeline", "2016-10-14", None),
}


@pytest.mark.parametrize("key", sorted(FIVE))
def test_source_documents_have_type_date_and_authors(real_store: Store, key: str) -> None:
    cls, date, authors = FIVE[key]
    doc = f"<https://w3id.org/peacegraph/id/document/{key}>"
    rows = select(
        real_store,
        f"SELECT ?date WHERE {{ {doc} a schema:CreativeWork, pg:{cls} ; schema:encoding ?text . "
        f"OPTIONAL {{ {doc} schema:datePublished ?date }} }}",
    )
    assert rows == [(date,)]
    if authors is not None:
        found = select(real_store, f"SELECT ?a WHERE {{ {doc} schema:author ?a }}")
        assert {row[0].rsplit("/", 1)[1] for row in found if row[0]} == authors


def test_signatories_keep_printed_order(real_store: Store) -> None:
    rows = select(
        real_store,
        """
        SELECT ?pos ?name WHERE {
          <https://w3id.org/peacegraph/id/document/civil-society-statement-on-sochi-2018> pg:signature ?s .
          ?s schema:position ?pos ; schema:item/schema:name ?name }""",
    )
    ordered = sorted(rows, key=lambda row: int(row[0] or 0))
    assert len(ordered) == 133
    assert ordered[0][1] == "Agriculture Engineering Syndicate of Daraa"
    assert [int(r[0] or 0) for r in ordered] == list(range(1, 134))


def test_failed_build_leaves_previous_release_untouched(mini_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=out))
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    record = mini_seeds / "records" / "mini.yaml"
    record.write_text(record.read_text().replace("start: 31", "start: 30"))
    with pytest.raises(Exception, match="quote"):
        pipeline.build(pipeline.Settings(seeds=mini_seeds, out=out))
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"] or all(
        not p.name.startswith(".out") for p in tmp_path.iterdir()
    )
