#!/usr/bin/env python3
"""The serialize stage alone, on a corpus ``bench/run.py`` wrote: fully, then after its change of one
record reusing the first run's keep; and what writing the keep costs a full build.

    .venv/bin/python bench/rebuild_serialize.py WORKDIR

``WORKDIR`` holds ``seeds/`` (left as it is: the change is made to a copy). Prints the CPU seconds of
each run and its peak memory, the keep's size, and checks that the release the rebuild wrote is byte for
byte the one a full build writes (exit 1 if not).
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from run import _change_one_record

from peacegraph import pipeline
from peacegraph.rdf.lines import Lines
from peacegraph.rdf.namespaces import using
from peacegraph.rdf.spill import SpilledLines
from peacegraph.release import versions
from peacegraph.release.keep import NOTHING, Stage


def _lines(seeds: Path) -> tuple[Lines, pipeline.Settings]:
    settings = pipeline.resolved(pipeline.Settings(seeds=seeds, out=seeds.parent / "unused"))
    assert settings.collection is not None
    with using(settings.collection.space):
        corpus = pipeline.load(settings)
        return pipeline.assemble(corpus, settings.ontology, settings.collection), settings


def _timed(what: str, run: Callable[[], object]) -> float:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")  # the peak of resident memory starts again from now (Linux)
    start = time.process_time()
    run()
    took = time.process_time() - start
    print(f"{what:<40} {took:6.2f} s CPU, peak {_peak_mb():5.0f} MB (the lines held by this script included)")
    return took


def _peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))


def _write(lines: Lines, settings: pipeline.Settings, into: Path, keep: Stage) -> Callable[[], object]:
    shutil.rmtree(into, ignore_errors=True)
    for folder in (keep.fresh,):
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
    assert settings.collection is not None
    col = settings.collection

    def run() -> object:
        into.mkdir(parents=True)
        with using(col.space), SpilledLines(lines) as spilled:
            return pipeline.write_release(spilled, settings, col, versions.read(settings.seeds), into, None, keep)

    return run


def _same(left: Path, right: Path) -> list[str]:
    """The files that differ between two release folders (or are in one only)."""
    names = {p.relative_to(left) for p in left.rglob("*") if p.is_file()}
    names |= {p.relative_to(right) for p in right.rglob("*") if p.is_file()}
    return sorted(
        str(n)
        for n in names
        if not ((left / n).exists() and (right / n).exists() and filecmp.cmp(left / n, right / n, shallow=False))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workdir", type=Path)
    work = parser.parse_args().workdir.resolve()
    scratch = work / "rebuild-serialize"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(work / "seeds", scratch / "seeds")
    lines, settings = _lines(scratch / "seeds")
    first, keep = scratch / "first", scratch / "keep-first"
    plain = _timed("full, keeping nothing", _write(lines, settings, scratch / "plain", NOTHING))
    kept = _timed("full, writing the keep", _write(lines, settings, first, Stage(fresh=keep)))
    _change_one_record(scratch / "seeds")
    lines, settings = _lines(scratch / "seeds")
    full = _timed("after the change: full", _write(lines, settings, scratch / "full", NOTHING))
    again = Stage(keep, first / "peacegraph.nt", scratch / "keep-again")
    incremental = _timed("after the change: reusing the keep", _write(lines, settings, scratch / "again", again))
    size = sum(p.stat().st_size for p in keep.iterdir())
    print(f"the keep: {size / 1e6:.1f} MB (its dumps are hard links to the release's where they can be)")
    print(f"writing the keep cost the full build {kept - plain:+.2f} s CPU; the rebuild took {incremental / full:.0%}")
    differ = _same(scratch / "full", scratch / "again")
    print("the rebuild's release is byte for byte the full build's" if not differ else f"DIFFERENT: {differ}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
