"""How long `peacegraph site` takes to write the whole static site of a release (the budget: 10 s
for the real dataset), against what a user would otherwise do to get the same static copy:
mirror the running server (`peacegraph serve`) page by page, every identifier's HTML and RDF.

    .venv/bin/python bench/site.py                      # the real release in out/
    .venv/bin/python bench/site.py --skip-baseline      # only the site

Each run is a fresh Python process, start-up included; the figure is the best of ``--runs``. The
last line is JSON: ``{"files": …, "seconds": …, "cpu_seconds": …, "baseline_seconds": …, "speedup": …}``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 10.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_site(release: Path, seeds: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of one `peacegraph site` run, and the number of files it wrote."""
    with tempfile.TemporaryDirectory(prefix="peacegraph-bench-site-") as tmp:
        command = [sys.executable, "-m", "peacegraph", "site", "--out", f"{tmp}/site"]
        command += ["--release", str(release), "--collection", str(seeds)]
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
        files = sum(len(names) for _dir, _dirs, names in os.walk(f"{tmp}/site"))
    return wall, cpu, files


def time_mirror(release: Path, seeds: Path) -> float:
    """Seconds to fetch every identifier's page and RDF from a running server, as a mirror would
    (the server's start-up is not counted)."""
    command = [
        sys.executable,
        "-m",
        "peacegraph",
        "serve",
        "--release",
        str(release),
        "--collection",
        str(seeds),
        "--port",
        "0",
    ]
    with tempfile.TemporaryFile("w+") as log, subprocess.Popen(command, stdout=log, stderr=log, text=True) as server:
        try:
            base = _listening(log)
            with httpx.Client(base_url=base, timeout=60) as client:
                while client.get("sparql", params={"query": "ASK {}"}).status_code != 200:
                    time.sleep(0.1)
                lines = client.get("sitemap.xml").text.split("<loc>")[1:]
                paths = [line.split("</loc>")[0].removeprefix("https://w3id.org/peacegraph/") for line in lines]
                start = time.perf_counter()
                for path in paths:
                    client.get(path)
                    if path.startswith("id/") and not path.endswith("/"):
                        for extension in ("ttl", "nt", "jsonld"):
                            client.get(f"{path}.{extension}")
                return time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=30)


def _listening(log: IO[str]) -> str:
    """The URL `peacegraph serve` says it listens at (its output goes to a file, never a full pipe)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log.seek(0)
        for line in log:
            if " at http" in line:
                return line.split(" at ", 1)[1].split(" ", 1)[0]
        time.sleep(0.1)
    raise RuntimeError("`peacegraph serve` did not start within 60 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, default=ROOT / "out")
    parser.add_argument("--collection", type=Path, default=ROOT / "seeds")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    runs = [time_site(args.release, args.seeds) for _ in range(args.runs)]
    wall, cpu, files = min(runs)
    print(f"peacegraph site: {files} files in {wall:.2f} s ({cpu:.2f} s of CPU), best of {args.runs}")
    print(f"budget: {BUDGET_SECONDS:.0f} s; {'within' if wall <= BUDGET_SECONDS else 'OVER'} budget")
    result: dict[str, object] = {"files": files, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2)}
    if not args.skip_baseline:
        baseline = time_mirror(args.release, args.seeds)
        print(f"mirroring the server page by page: {baseline:.2f} s ({baseline / wall:.1f}x longer)")
        result |= {"baseline_seconds": round(baseline, 2), "speedup": round(baseline / wall, 1)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
