"""Measure how long and how much memory `peacegraph build` takes to refuse each bad input.

    .venv/bin/python bench/hostile.py [--repeat 3] [CASE ...]

Runs the real command line once per case of ``tests/fixtures/bad`` (laid over the mini seeds,
as the tests do) and prints, for each, the exit code, the wall time (median of the repeats) and
the peak resident memory of the process. The first rows are baselines: the interpreter starting
the command (``--help``) and a good build of the mini seeds. The tests assert no timing; this is
where "within 2 s and bounded memory" is measured.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import hostile

BUILD = ["build", "--collection", "seeds", "--out", "release/out"]


def measure(args: list[str], cwd: Path) -> tuple[int, float, float]:
    """Exit code, wall seconds and peak resident MiB of ``python -m peacegraph ARGS``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "peacegraph", *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, seconds, usage.ru_maxrss / 1024


def run(name: str, args: list[str], prepare: Callable[[Path], object], repeat: int) -> tuple[str, int, float, float]:
    times, peaks, code = [], [], 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            prepare(workdir)
            code, seconds, peak = measure(args, workdir)
            times.append(seconds)
            peaks.append(peak)
    return name, code, statistics.median(times), max(peaks)


def _mini(workdir: Path) -> None:
    shutil.copytree(hostile.MINI_SEEDS, workdir / "seeds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    args = parser.parse_args()
    chosen = [c for c in hostile.cases() if not args.cases or c.name in args.cases]
    rows = [
        run("(baseline) peacegraph --help", ["--help"], lambda _w: None, args.repeat),
        run("(baseline) good build of the mini seeds", BUILD, _mini, args.repeat),
    ]
    for case in chosen:
        rows.append(run(case.name, BUILD, lambda w, c=case: hostile.lay_out(c, w), args.repeat))
    print(f"{'case':<45} {'exit':>4} {'seconds':>8} {'peak MiB':>9}")
    for name, code, seconds, peak in rows:
        print(f"{name:<45} {code:>4} {seconds:>8.2f} {peak:>9.1f}")
    worst_time = max(rows[2:], key=lambda row: row[2], default=None)
    worst_memory = max(rows[2:], key=lambda row: row[3], default=None)
    if worst_time and worst_memory:
        print(f"slowest: {worst_time[0]} {worst_time[2]:.2f} s; largest: {worst_memory[0]} {worst_memory[3]:.1f} MiB")


if __name__ == "__main__":
    main()
