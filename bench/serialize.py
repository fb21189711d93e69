#!/usr/bin/env python3
"""The serialize stage alone, on a release a build already made: its CPU, wall time and peak memory,
and whether it wrote the same bytes.

    .venv/bin/python bench/serialize.py /tmp/b1m [--repeat 3]

``WORKDIR`` is one ``bench/run.py --workdir`` made (``seeds/`` and ``out/``). The stage reads
``out/peacegraph.nt`` as the build hands it its triples, writes every file of the release into a
fresh folder with ``pipeline.write_release`` (the dumps, the tables, the metadata) and compares them
with ``out/``, file by file: a faster serialize must give the same release. The peak is the resident
memory's high-water mark during the stage (``VmHWM``, reset at its start), above what the process
held before it (the interpreter, the modules and the N-Triples). Each run is a fresh process; the
figures printed are each run's, then the least CPU (the steadiest figure on a shared machine).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _status(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _child(work: Path, into: Path) -> dict[str, float]:
    from peacegraph import pipeline
    from peacegraph.rdf.lines import Lines
    from peacegraph.rdf.namespaces import using
    from peacegraph.release import versions

    settings = pipeline.resolved(pipeline.Settings(seeds=work / "seeds", out=work / "out"))
    assert settings.collection is not None
    data = (work / "out" / "peacegraph.nt").read_bytes()
    graph = Lines(data, data.count(b"\n"))
    current = versions.read(settings.seeds)
    before = _status("VmRSS:")
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")
    with using(settings.collection.space):
        cpu, wall = time.process_time(), time.perf_counter()
        pipeline.write_release(graph, settings, settings.collection, current, into)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"cpu": cpu, "wall": wall, "peak_mb": _status("VmHWM:"), "before_mb": before}


def _same(written: Path, out: Path) -> list[str]:
    """The files that differ from ``out``'s (or are only in one of them)."""
    names = {p.relative_to(written).as_posix() for p in written.rglob("*") if p.is_file()}
    names |= {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    return sorted(name for name in names if not _identical(written / name, out / name))


def _identical(one: Path, other: Path) -> bool:
    return one.is_file() and other.is_file() and filecmp.cmp(one, other, shallow=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workdir", type=Path, help="a bench/run.py --workdir (seeds/ and out/)")
    parser.add_argument("--repeat", type=int, default=1, help="runs, each in a fresh process")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.workdir, args.child)))
        return
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="peacegraph-serialize-") as tmp:
            into = Path(tmp) / "release"
            into.mkdir()
            command = [sys.executable, __file__, str(args.workdir), "--child", str(into)]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            figures = json.loads(done.stdout.splitlines()[-1])
            differ = _same(into, args.workdir / "out")
        runs.append(figures)
        same = "the same release" if not differ else f"DIFFERENT: {', '.join(differ)}"
        print(
            f"serialize: {figures['cpu']:.2f} s CPU, {figures['wall']:.2f} s wall, peak {figures['peak_mb']:.0f} MB"
            f" (held before: {figures['before_mb']:.0f} MB); {same}",
            flush=True,
        )
        if differ:
            sys.exit(1)
    best = min(runs, key=lambda r: r["cpu"])
    print(json.dumps({"cpu_seconds": round(best["cpu"], 2), "wall_seconds": round(best["wall"], 2), "runs": runs}))


if __name__ == "__main__":
    main()
