#!/usr/bin/env python3
"""The system CPU of writing a new file in large writes (as Python's buffered file hands a large block
to the kernel) and through :func:`peacegraph.writes.create` (a slice of 64 KiB at a time).

    .venv/bin/python bench/writes.py [--megabytes 800] [--block 4194304] [--rounds 3] [--pause 4]

Each write runs in a fresh process, the two ways taking turns, each after ``--pause`` idle seconds
(as a build's files are written after other work, not one right after the other); the file is
``--megabytes`` of ``--block``-byte blocks, written into a temporary folder and removed. Prints each
run's system and user CPU seconds, then the medians and their ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WAYS = ("python", "sliced")


def _child(way: str, path: Path, megabytes: int, block: int) -> dict[str, float]:
    from peacegraph import writes

    data = b"x" * block
    before = resource.getrusage(resource.RUSAGE_SELF)
    with open(path, "xb") if way == "python" else writes.create(path) as sink:
        for _ in range((megabytes << 20) // block):
            sink.write(data)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"system": after.ru_stime - before.ru_stime, "user": after.ru_utime - before.ru_utime}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=800)
    parser.add_argument("--block", type=int, default=4 << 20, help="bytes a write call is given")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pause", type=float, default=4.0, help="idle seconds before each run")
    parser.add_argument("--child", nargs=2, metavar=("WAY", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], Path(args.child[1]), args.megabytes, args.block)))
        return
    found: dict[str, list[float]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory(prefix="peacegraph-bench-writes-") as folder:
        for _ in range(args.rounds):
            for way in WAYS:
                time.sleep(args.pause)
                path = Path(folder) / "file"
                command = [sys.executable, __file__, "--megabytes", str(args.megabytes), "--block", str(args.block)]
                done = subprocess.run([*command, "--child", way, str(path)], check=True, capture_output=True, text=True)
                path.unlink()
                figures = json.loads(done.stdout)
                found[way].append(figures["system"])
                print(f"{way:7s} system {figures['system']:.2f} s  user {figures['user']:.2f} s", flush=True)
    python, sliced = (statistics.median(found[way]) for way in WAYS)
    print(f"{args.megabytes} MB in {args.block}-byte writes, median system CPU: Python's buffered file {python:.2f} s,")
    print(f"  sliced (peacegraph.writes) {sliced:.2f} s: {python / max(sliced, 1e-3):.1f}x less")


if __name__ == "__main__":
    main()
