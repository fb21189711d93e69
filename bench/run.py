#!/usr/bin/env python3
"""Build a synthetic corpus of about N triples with the real build, and with a naive baseline.

    .venv/bin/python bench/run.py --triples 200000

Prints, for each build, the CPU time, wall time and peak memory of each stage (the peak is the
high-water mark of the build's resident memory during that stage: ``VmHWM`` of ``/proc/self/status``,
reset at each stage's start through ``/proc/self/clear_refs``, or that of the process the stage forked
for its work if larger: the validation's; a stage's CPU counts that process too), and as its last line JSON:
``{"triples": …, "seconds": …, "cpu_seconds": …, "rebuild_cpu_seconds": …, "baseline_seconds": …,
"baseline_cpu_seconds": …, "speedup": …, "peak_rss_mb": …, "stages": …}``.
``seconds`` is the wall time of the real build in a fresh process (start-up included),
``cpu_seconds`` its CPU time (user and system: the steadier figure on a shared machine),
``peak_rss_mb`` its peak memory (the largest of its stages') and ``stages`` each stage's ``cpu``,
``wall`` and ``peak_mb``. Then (unless ``--no-rebuild``) one record is changed and the build runs
again into the same ``out/``, as a curator's rebuild does. The baseline runs last, in its own
process; ``--skip-baseline-above N`` skips it for larger corpora (its fields are then null). A
large corpus gets the caps that grow with a collection raised in the builds' environment.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import synthetic

HERE = Path(__file__).resolve()


def _calibrate() -> tuple[float, float]:
    """Triples of the shared records and of each unit: ``count(units) = base + per_unit * units``."""
    from peacegraph import collection, pipeline, resources
    from peacegraph.rdf.namespaces import using
    from peacegraph.records import loader

    counts = []
    for units in (2, 4):
        with tempfile.TemporaryDirectory() as tmp:
            seeds = synthetic.write_seeds(Path(tmp) / "seeds", units)
            col = collection.load(seeds)
            with using(col.space):
                counts.append(len(pipeline.assemble(loader.load(seeds, col.texts), resources.ontology_file(), col)))
    per_unit = (counts[1] - counts[0]) / 2
    return counts[0] - 2 * per_unit, per_unit


def _child(mode: str, seeds: Path, out: Path, triples: float) -> dict[str, Any]:
    """Run ``mode`` (build or baseline) in a fresh Python; its JSON answer, wall time and CPU time."""
    start, used = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, str(HERE), "--child", mode, str(seeds), str(out)],
        check=True,
        capture_output=True,
        text=True,
        env=_limits(triples),
    )
    answer: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    answer["wall"] = time.perf_counter() - start
    answer["cpu"] = _children_cpu() - used
    return answer


def _limits(triples: float) -> dict[str, str]:
    """The environment of a build of about ``triples`` triples: the caps against hostile input that grow
    with a collection (``records/limits.py``) raised for a large corpus, as its curator would."""
    from peacegraph.records.limits import RDF_BYTES, RECORD_NODES

    env = dict(os.environ)
    for setting, per_triple in ((RECORD_NODES, 1), (RDF_BYTES, 400)):
        env.setdefault(setting.variable, str(max(setting.default, round(triples * per_triple))))
    return env


def _children_cpu() -> float:
    """User and system CPU seconds of the child processes that have ended (the stable figure on a busy machine)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Stages:
    """CPU, wall and peak memory of each stage of a build, as ``progress`` tells of the next stage's start.

    A stage's CPU counts the child processes it forked and waited for (the validation runs in one,
    see ``peacegraph.isolated``), and its peak is the larger of the build's own and such a child's."""

    def __init__(self) -> None:
        self.figures: dict[str, dict[str, float]] = {}
        self.current: str | None = None
        self.started = (0.0, 0.0)
        self.children_peak = 0.0

    def __call__(self, stage: str) -> None:
        self.close()
        self.current, self.started = stage, (_cpu(), time.perf_counter())
        self.children_peak = _children_peak_mb()
        _reset_peak()

    def close(self) -> None:
        if self.current is None:
            return
        cpu, wall = _cpu() - self.started[0], time.perf_counter() - self.started[1]
        peak = _peak_mb()
        if _children_peak_mb() > self.children_peak:  # a child of this stage was the largest so far
            peak = max(peak, _children_peak_mb())
        self.figures[self.current] = {"cpu": cpu, "wall": wall, "peak_mb": peak}
        self.current = None


def _cpu() -> float:
    """The CPU seconds of this process and of the children it waited for."""
    return time.process_time() + _children_cpu()


def _children_peak_mb() -> float:
    """The peak resident memory of the largest child this process waited for (Linux gives kilobytes)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start the resident-memory high-water mark again from the current size (Linux ≥ 4.0)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")


def _peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _child_main(mode: str, seeds: Path, out: Path) -> None:
    if mode == "build":
        from peacegraph import pipeline

        stages = _Stages()
        result = pipeline.build(pipeline.Settings(seeds=seeds, out=out), progress=stages)
        stages.close()
        answer = {"triples": result.count, "timings": result.timings, "stages": stages.figures, "reused": result.reused}
        print(json.dumps(answer))
    else:
        import baseline

        print(json.dumps({"timings": baseline.run(seeds, out)}))


def _show(title: str, answer: dict[str, Any]) -> None:
    print(f"{title}: {answer['cpu']:.2f}s CPU, {answer['wall']:.2f}s wall (whole process)", flush=True)
    if "stages" not in answer:
        stages = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in answer["timings"].items())
        print(f"  stages ({stages}, wall)", flush=True)
        return
    print(f"  {'stage':<12} {'CPU s':>8} {'wall s':>8} {'peak MB':>8}")
    for stage, figures in answer["stages"].items():
        reused = answer["reused"].get(stage)
        print(
            f"  {stage:<12} {figures['cpu']:>8.2f} {figures['wall']:>8.2f} {figures['peak_mb']:>8.0f}"
            + (f"  ({reused})" if reused else ""),
            flush=True,
        )


def _change_one_record(seeds: Path) -> None:
    record = sorted((seeds / "records").glob("unit-*.yaml"))[-1]
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("name: Organization 0 of group", "name: Renamed organization 0 of group", 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, help="about how many triples the corpus has")
    parser.add_argument(
        "--workdir", type=Path, help="keep seeds/, out/ and baseline/ here, replacing them (default: a temporary dir)"
    )
    parser.add_argument("--skip-baseline-above", type=int, metavar="N", help="no baseline for more than N triples")
    parser.add_argument("--no-rebuild", action="store_true", help="do not time a rebuild after changing a record")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "SEEDS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_main(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    if not args.triples:
        parser.error("--triples is required")
    with tempfile.TemporaryDirectory(prefix="peacegraph-bench-") as tmp:
        _bench(args, args.workdir or Path(tmp))


def _bench(args: argparse.Namespace, work: Path) -> None:
    for previous in ("seeds", "out", "baseline"):  # a first build starts with no previous release
        shutil.rmtree(work / previous, ignore_errors=True)
    base, per_unit = _calibrate()
    units = max(1, round((args.triples - base) / per_unit))
    start = time.perf_counter()
    seeds = synthetic.write_seeds(work / "seeds", units)
    took = time.perf_counter() - start
    print(f"corpus: {units} documents, about {base + per_unit * units:.0f} triples (written in {took:.1f}s)")
    triples = base + per_unit * units
    built = _child("build", seeds, work / "out", triples)
    peak_mb = max(figures["peak_mb"] for figures in built["stages"].values())  # each stage resets the mark
    _show(f"build of {built['triples']} triples", built)
    print(f"build peak memory: {peak_mb:.0f} MB")
    rebuilt = None
    if not args.no_rebuild:
        _change_one_record(seeds)
        rebuilt = _child("build", seeds, work / "out", triples)
        _show("rebuild after changing one record", rebuilt)
    naive = None
    if args.skip_baseline_above is None or built["triples"] <= args.skip_baseline_above:
        naive = _child("baseline", seeds, work / "baseline", triples)
        _show("baseline (rdflib + pySHACL)", naive)
        wall, cpu = naive["wall"] / built["wall"], naive["cpu"] / built["cpu"]
        print(f"the build is {wall:.1f} times faster than the baseline (wall), {cpu:.1f} times (CPU)")
    else:
        print(f"baseline skipped: more than {args.skip_baseline_above} triples")
    summary = {
        "triples": built["triples"],
        "seconds": round(built["wall"], 2),
        "cpu_seconds": round(built["cpu"], 2),
        "rebuild_cpu_seconds": round(rebuilt["cpu"], 2) if rebuilt else None,
        "baseline_seconds": round(naive["wall"], 2) if naive else None,
        "baseline_cpu_seconds": round(naive["cpu"], 2) if naive else None,
        "speedup": round(naive["wall"] / built["wall"], 1) if naive else None,
        "peak_rss_mb": round(peak_mb),
        "stages": built["stages"],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
