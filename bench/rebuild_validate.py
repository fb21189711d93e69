#!/usr/bin/env python3
"""The validation stage alone, on a rebuild after one changed record: full against incremental.

    .venv/bin/python bench/run.py --triples 1000000 --workdir /tmp/w --no-rebuild --skip-baseline-above 0
    .venv/bin/python bench/rebuild_validate.py /tmp/w

Validates the corpus in ``WORKDIR/seeds`` in full, without a keep and then writing one (the
difference is what a full build pays for the next one's shortcut); changes one record as
``bench/run.py`` does (and puts it back at the end); then validates again in full and from the keep,
checks that both reports are the same, and prints the CPU seconds of each.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from run import _change_one_record

from peacegraph import pipeline
from peacegraph.rdf.namespaces import using
from peacegraph.rdf.spill import SpilledLines
from peacegraph.validation import incremental
from peacegraph.validation.fast.literals import blocks
from peacegraph.validation.report import origins
from peacegraph.validation.segments import Digests

T = TypeVar("T")


def _cpu(title: str, work: Callable[[], T]) -> T:
    start = time.process_time()
    result = work()
    print(f"{title:<48} {time.process_time() - start:6.2f} s CPU", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workdir", type=Path, help="where bench/run.py wrote seeds/")
    seeds = parser.parse_args().workdir / "seeds"
    record = sorted((seeds / "records").glob("unit-*.yaml"))[-1]
    original = record.read_text(encoding="utf-8")
    try:
        with tempfile.TemporaryDirectory(prefix="rebuild-validate-") as tmp:
            _bench(seeds, Path(tmp))
    finally:
        record.write_text(original, encoding="utf-8")


def _bench(seeds: Path, tmp: Path) -> None:
    settings = pipeline.resolved(pipeline.Settings(seeds=seeds, out=tmp / "out"))
    assert settings.collection is not None
    col = settings.collection
    shapes = pipeline.shape_files(settings, col)
    keep, again = tmp / "keep", tmp / "again"
    keep.mkdir()
    again.mkdir()
    with using(col.space):
        corpus = pipeline.load(settings)
        by_iri, lines = origins(corpus), pipeline.assemble(corpus, settings.ontology, col)
        del corpus
        with SpilledLines(lines) as spilled:
            shutil.copyfile(spilled.path, tmp / "previous.nt")
            _cpu("full, no keep", lambda: incremental.validate(spilled, shapes, by_iri))
            _cpu("full, writing the keep", lambda: incremental.validate(spilled, shapes, by_iri, fresh=keep))
            _keep_share(spilled, keep)
        _change_one_record(seeds)
        corpus = pipeline.load(settings)
        by_iri, lines = origins(corpus), pipeline.assemble(corpus, settings.ontology, col)
        del corpus
        with SpilledLines(lines) as spilled:
            full = _cpu("after the change: full", lambda: incremental.validate(spilled, shapes, by_iri))
            fast = _cpu(
                "after the change: incremental, writing the keep",
                lambda: incremental.validate(spilled, shapes, by_iri, keep, tmp / "previous.nt", again),
            )
    same = full == fast
    print(f"reports the same: {same} ({len(full.violations)} violations)")
    if not same:
        sys.exit(1)


def _keep_share(spilled: SpilledLines, keep: Path) -> None:
    """What the keep costs a full validation, measured apart (the difference of two full ones is noise):
    the blocks read as the store reads them, with and without their digests, and the keep written."""
    for title, digests in (("  reading the blocks", None), ("  reading the blocks, with their digests", Digests())):
        with spilled.open() as source:
            chunks = blocks(source) if digests is None else digests.through(blocks(source))
            _cpu(title, lambda: sum(map(len, chunks)))  # noqa: B023 - called at once
    kept = incremental.read_kept(keep)
    assert kept is not None
    _cpu("  writing the keep", lambda: kept.write(keep))


if __name__ == "__main__":
    main()
