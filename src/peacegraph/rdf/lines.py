"""A graph held as its canonical N-Triples: each triple once, one a line, lines sorted bytewise.

These are the bytes of the release's N-Triples dump, and what a build keeps of its triples between
the stages instead of a list of :class:`~pyoxigraph.Triple` objects (a third of the memory, and
nothing for the cycle collector to walk). A stage that needs triples reads them back, in
canonical order (:func:`.canonical.sort_key`), as often as it needs them: Oxigraph parses a
million lines in about a second.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, parse, serialize

from . import serialize as canonical


@dataclass(frozen=True, eq=True)
class Lines:
    """Canonical N-Triples (see the module's description); iterating gives the triples in canonical order."""

    data: bytes
    count: int
    #: Whether the lines are in canonical order too (:func:`.serialize.canonical`'s ``as_lines``): they
    #: are unless one predicate extends another with a character below ``>``.
    as_lines: bool = True

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Triple]:
        if self.as_lines:
            return self.in_line_order()
        return iter(sorted(self.in_line_order(), key=canonical.sort_key))

    def in_line_order(self) -> Iterator[Triple]:
        """The triples in the order of the lines (bytewise, as the N-Triples dump has them)."""
        return (quad.triple for quad in parse(self.data, RdfFormat.N_TRIPLES, lenient=True))


def of(triples: Iterable[Triple], spill_above: int | None = None) -> Lines:
    """The canonical N-Triples of ``triples`` (no blank nodes: a :class:`ValueError` names one).

    Sorted in memory, or, past ``spill_above`` distinct lines held at once (default
    :data:`SPILL_ABOVE`), as sorted runs in temporary files merged into the result.
    """
    limit = SPILL_ABOVE if spill_above is None else spill_above
    predicates: set[NamedNode] = set()
    held: set[bytes] = set()
    with tempfile.TemporaryDirectory(prefix="peacegraph-lines-") as tmp:
        runs: list[Path] = []
        iterator = iter(triples)
        while chunk := list(itertools.islice(iterator, CHUNK)):
            predicates.update(triple.predicate for triple in chunk)
            written = serialize(chunk, format=RdfFormat.N_TRIPLES) or b""
            if b"_:" in written:  # maybe a blank node, or text that looks like one
                _refuse_blank_nodes(chunk)
            held.update(written.split(b"\n"))
            if len(held) > limit:
                runs.append(_spill(held, Path(tmp), len(runs)))
        held.discard(b"")
        if runs:
            runs.append(_spill(held, Path(tmp), len(runs)))
            data, count = _merged(runs, Path(tmp) / "merged")
        else:
            ordered = sorted(held)  # bytewise: the order of the triples' N-Triples forms (see canonical.Canonical)
            held.clear()
            data, count = (b"\n".join(ordered) + b"\n" if ordered else b""), len(ordered)
    return Lines(data, count, canonical.ntriples_order_is_sort_key({p.value for p in predicates}))


#: Distinct lines held in memory before they are sorted into a run on disk (about 500 MB of them):
#: below, sorting in memory is cheaper, and the build's peak is in validation anyway.
SPILL_ABOVE = 2_000_000


def _spill(held: set[bytes], folder: Path, number: int) -> Path:
    """Write the lines ``held`` to a new run, sorted, one a line; empty ``held``."""
    held.discard(b"")
    run = folder / f"run-{number}"
    with open(run, "wb") as handle:
        handle.writelines(line + b"\n" for line in sorted(held))
    held.clear()
    return run


def _merged(runs: list[Path], into: Path) -> tuple[bytes, int]:
    """The sorted runs merged, each line once, and the number of lines (written to ``into`` first,
    so that only the result is ever held whole)."""
    count = 0
    with contextlib.ExitStack() as stack, open(into, "wb") as out:
        sources = [stack.enter_context(open(run, "rb")) for run in runs]
        last = None
        for line in heapq.merge(*sources):
            if line != last:
                out.write(line)
                count += 1
                last = line
    for run in runs:
        run.unlink()
    return into.read_bytes(), count


#: Triples written to N-Triples at once (in Rust) before their lines are sorted (in Python).
CHUNK = 65536


def _refuse_blank_nodes(triples: list[Triple]) -> None:
    for triple in triples:
        if isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode):
            raise ValueError(f"blank node in {triple}")
