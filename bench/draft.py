"""Measure `peacegraph draft`: the 70 KB timeline (target ≤ 2 s) and a joint statement with 1,000
signatories (target ≤ 1 s), each drafted by the real command in a fresh process, start-up included,
into a copy of the seeds without the document's records.

    .venv/bin/python bench/draft.py [--repeat 3]
    .venv/bin/python bench/draft.py --web   # what it finds in the web-style statements (issue 23)

Prints the seconds of each run (median), and, as a baseline for resolving the 1,000 names, the
standard library's difflib (what one would write without rapidfuzz) against rapidfuzz.
"""

from __future__ import annotations

import argparse
import difflib
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.draft.leaveout import leave_out  # noqa: E402

from peacegraph import collection  # noqa: E402
from peacegraph.draft.run import Settings, run  # noqa: E402
from peacegraph.draft.signatories import Resolver  # noqa: E402
from peacegraph.rdf.namespaces import using  # noqa: E402
from peacegraph.records import loader  # noqa: E402
from peacegraph.records.names import normalize  # noqa: E402

TIMELINE = "peace-process-timeline"
#: CPU seconds of each command run (the machine may be shared: wall-clock time then says little).
CPU: list[float] = []
SYLLABLES = ["al", "ba", "dar", "ha", "jab", "ka", "ma", "na", "qa", "ra", "sha", "ta", "wa", "za", "mi", "lu"]


def statement(corpus_names: list[str], count: int) -> str:
    """A joint statement of the genre with ``count`` numbered signatories, a tenth of them curated."""
    rng = random.Random(14)
    names = []
    for index in range(count):
        if index % 10 == 0 and corpus_names:
            names.append(rng.choice(corpus_names))
        else:
            place = "".join(rng.choice(SYLLABLES) for _ in range(3)).title()
            kind = rng.choice(["Local Council of", "Youth Team of", "Women Association in", "Relief Committee of"])
            names.append(f"{kind} {place}")
    names = list(dict.fromkeys(names))
    signatures = "\n".join(f"{n}. {name}" for n, name in enumerate(names, start=1))
    return (
        "Syrian Civil Society Rejects Forced Returns\n\nJoint Statement\n\n3 March 2019\n\n"
        "The undersigned organizations reject any forced return of refugees and call on the members of the "
        "Security Council to uphold resolution 2254. We urge the UN Special Envoy Geir Pedersen to act.\n\n"
        f"Signatories:\n\n{signatures}\n"
    )


def timed(argv: list[str]) -> float:
    """Wall-clock seconds of a command; its CPU seconds are added to ``CPU``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{done.stdout}{done.stderr}")
    return seconds


def _clear(seeds: Path, pattern: str) -> None:
    for path in (seeds / "records").glob(pattern):
        path.unlink()


def in_process(source: Path, seeds: Path, key: str | None) -> float:
    start = time.perf_counter()
    with using(collection.load(seeds).space):
        run(Settings(source=source, seeds=seeds, key=key))
    return time.perf_counter() - start


def web() -> None:
    """What the draft finds in the web-style statements of tests/fixtures/draft/web (issue 23)."""
    from tests.draft.web import expected, measure

    totals = [0] * 11
    for name in expected():
        with tempfile.TemporaryDirectory() as tmp:
            figures = measure(name, Path(tmp))
        print(figures.line())
        for miss in figures.misses:
            print(f"    {miss}")
        if figures.extra:
            print(f"    proposed besides: {', '.join(figures.extra)}")
        counts = [figures.title_right, figures.title_flagged, figures.date_found, figures.date_invented]
        counts += [
            *figures.addressees,
            figures.positions,
            figures.wrongly_held,
            *figures.unresolved,
            len(figures.extra),
        ]
        totals = [a + int(b) for a, b in zip(totals, counts, strict=True)]
    print(
        f"{len(expected())} texts: titles right {totals[0]}, flagged {totals[1]}; dates found {totals[2]}, "
        f"invented {totals[3]}; addressees {totals[4]} of {totals[5]}; positions {totals[6]}, wrongly held "
        f"{totals[7]}; unresolved names proposed {totals[8]} of {totals[9]}, {totals[10]} records proposed besides"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--web", action="store_true", help="only the figures on the web-style statements")
    args = parser.parse_args()
    if args.web:
        web()
        return
    exe = str(ROOT / ".venv" / "bin" / "peacegraph")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        copy = work / "timeline-seeds"
        leave_out(ROOT / "seeds", copy, TIMELINE)
        source = copy / "004_0df86756ba49dc31.txt"
        runs, inside, cpu = [], [], []
        for _ in range(args.repeat):
            _clear(copy, "de-mistura-initiative*.yaml")
            runs.append(timed([exe, "draft", str(source), "--collection", str(copy)]))
            cpu.append(CPU[-1])
            _clear(copy, "de-mistura-initiative*.yaml")
            inside.append(in_process(source, copy, None))
        print(
            f"timeline ({source.stat().st_size / 1000:.0f} KB): {statistics.median(runs):.2f} s with start-up "
            f"({statistics.median(cpu):.2f} s CPU), {statistics.median(inside):.2f} s drafting in-process "
            "(load the records, draft, write, check) (target 2 s)"
        )

        seeds = work / "seeds"
        shutil.copytree(ROOT / "seeds", seeds)
        with using(collection.load(seeds).space):
            corpus = loader.load(seeds)
        text = statement(sorted(o.name for o in corpus.organizations.values()), 1000)
        big = work / "statement.txt"
        big.write_text(text, encoding="utf-8")
        runs, inside, cpu = [], [], []
        for _ in range(args.repeat):
            _clear(seeds, "bench-statement.yaml")
            runs.append(timed([exe, "draft", str(big), "--collection", str(seeds), "--key", "bench-statement"]))
            cpu.append(CPU[-1])
            _clear(seeds, "bench-statement.yaml")
            inside.append(in_process(big, seeds, "bench-statement"))
        startup = timed([exe, "--version"])
        print(f"(start-up alone, `peacegraph --version`: {startup:.2f} s, {CPU[-1]:.2f} s CPU)")
        print(
            f"statement with 1,000 signatories: {statistics.median(runs):.2f} s with start-up "
            f"({statistics.median(cpu):.2f} s CPU), {statistics.median(inside):.2f} s drafting in-process (target 1 s)"
        )

        names = [line.split(". ", 1)[1] for line in text.split("\n") if line[:1].isdigit() and ". " in line]
        resolver = Resolver(corpus)
        start = time.perf_counter()
        fast = [resolver.resolve(name).ref for name in names]
        ours = time.perf_counter() - start
        start = time.perf_counter()
        slow = [difflib.get_close_matches(normalize(name), resolver.choices, n=1, cutoff=0.9) for name in names]
        baseline = time.perf_counter() - start
        agree = sum(1 for a, b in zip(fast, slow, strict=True) if (a is None) == (not b))
        print(
            f"resolving {len(names)} names against {len(resolver.choices)} curated names: rapidfuzz {ours:.3f} s, "
            f"difflib {baseline:.3f} s ({baseline / ours:.0f}x); {agree} of {len(names)} verdicts agree"
        )


if __name__ == "__main__":
    main()
