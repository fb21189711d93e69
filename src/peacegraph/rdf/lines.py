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
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, RdfFormat, Triple, parse

from .. import tempspace, writes
from . import serialize as canonical
from .bulk import BLOCK_BYTES, blocks_of
from .ntriples import TextTriple


class Lines:
    """Canonical N-Triples (see the module's description); iterating gives the triples in canonical order.

    Made with a file that holds exactly the lines (:func:`of_text`'s ``hold``), they are read from it only
    when first asked for (:attr:`data`): a build sets them aside by linking that file, and never reads
    them into memory at all (1.6 GB at ten million triples). Two lines are equal if their bytes are.
    """

    __slots__ = ("_data", "as_lines", "count", "file")

    def __init__(self, data: bytes | None, count: int, as_lines: bool = True, file: Path | None = None):
        if data is None and file is None:
            raise ValueError("lines need their bytes or the file that holds them")
        self._data = data
        self.count = count
        #: Whether the lines are in canonical order too (:func:`.serialize.canonical`'s ``as_lines``): they
        #: are unless one predicate extends another with a character below ``>``.
        self.as_lines = as_lines
        #: A temporary file that holds exactly these bytes, while its maker holds it (:func:`of_text`'s
        #: ``hold``): :class:`.spill.SpilledLines` links it instead of writing them again.
        self.file = file

    @property
    def data(self) -> bytes:
        """The lines' bytes (read from :attr:`file` the first time, if that is all there was)."""
        if self._data is None:
            assert self.file is not None
            self._data = self.file.read_bytes()
        return self._data

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Lines):
            return NotImplemented
        return (self.count, self.as_lines, self.data) == (other.count, other.as_lines, other.data)

    __hash__ = None  # type: ignore[assignment]  # equal by their bytes, which are not hashed whole

    def __repr__(self) -> str:
        return f"Lines(count={self.count}, as_lines={self.as_lines}, file={self.file})"

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Triple]:
        if self.as_lines:
            return self.in_line_order()
        return iter(sorted(self.in_line_order(), key=canonical.sort_key))

    def blocks(self, size: int = BLOCK_BYTES) -> Iterator[bytes]:
        """The lines, about ``size`` bytes of whole lines at a time."""
        return blocks_of(self.data, size)

    def in_line_order(self) -> Iterator[Triple]:
        """The triples in the order of the lines (bytewise, as the N-Triples dump has them)."""
        return (quad.triple for quad in parse(self.data, RdfFormat.N_TRIPLES, lenient=True))


def of(triples: Iterable[Triple], spill_above: int | None = None) -> Lines:
    """The canonical N-Triples of ``triples`` (no blank nodes: a :class:`ValueError` names one)."""
    return of_text(map(as_text, triples), spill_above)


@dataclass
class Made:
    """What making a graph's lines (:func:`of_text`) found besides them: each predicate, the lines made
    more than once, and how many lines there are."""

    predicates: set[str] = field(default_factory=set)
    repeated: set[str] = field(default_factory=set)
    count: int = 0
    #: How many records were mapped again to edit the last build's lines (:mod:`.remap`); None: all were mapped.
    remapped: int | None = None


def of_text(
    triples: Iterable[TextTriple],
    spill_above: int | None = None,
    made: Made | None = None,
    hold: contextlib.ExitStack | None = None,
) -> Lines:
    """The canonical N-Triples of triples given as their terms' N-Triples text (:mod:`.ntriples`).

    Sorted in memory into a temporary file, or, past ``spill_above`` lines held at once
    (default :data:`SPILL_ABOVE`), into several such runs merged into the result. Lines are sorted
    as text: code point order is the bytewise order of their UTF-8 (and Python compares text that is
    all Latin-1 faster than bytes). ``made`` gets the predicates and the lines made more than once.
    With ``hold``, the temporary folder stays until that stack is closed, and the lines name the file
    that holds them (:attr:`Lines.file`) and are read from it only if asked for: setting them aside then
    reads and writes nothing (160 MB at a million triples).
    """
    limit = SPILL_ABOVE if spill_above is None else spill_above
    found = made if made is not None else Made()
    predicates = found.predicates
    held: list[str] = []  # not a set: duplicates are few, and dropped once sorted, at no cost of hashing
    repeated: list[str] = []  # the lines made twice, joined: see _spill
    with contextlib.ExitStack() as own:
        tmp = (own if hold is None else hold).enter_context(tempspace.folder("lines", "the sorted lines"))
        runs: list[Path] = []
        iterator = iter(triples)
        while chunk := list(itertools.islice(iterator, CHUNK)):
            predicates.update(map(operator.itemgetter(1), chunk))
            held.extend(f"{s} {p} {o} ." for s, p, o in chunk)
            if len(held) > limit:
                runs.append(_spill(held, tmp, len(runs), repeated)[0])
        run, count = _spill(held, tmp, len(runs), repeated)
        if runs:
            count = _merged([*runs, run], tmp / "merged", repeated)
            run = tmp / "merged"
        # read back once the lines are let go of (a lower peak); with a hold, when asked for, if ever
        data = None if hold is not None else run.read_bytes()
    found.repeated.update(line for text in repeated for line in text.split("\n") if line)
    found.count = count
    as_lines = canonical.ntriples_order_is_sort_key({p[1:-1] for p in predicates})
    return Lines(data, count, as_lines, run if hold is not None else None)


def triples(text: Iterable[TextTriple]) -> Iterator[Triple]:
    """Triples given as their terms' N-Triples text, as Oxigraph's objects."""
    document = "".join(f"{s} {p} {o} .\n" for s, p, o in text)
    return (quad.triple for quad in parse(document, RdfFormat.N_TRIPLES))


def as_text(triple: Triple) -> TextTriple:
    """The N-Triples text of the terms of ``triple`` (no blank nodes: a :class:`ValueError` names one)."""
    if isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode):
        raise ValueError(f"blank node in {triple}")
    return str(triple.subject), str(triple.predicate), str(triple.object)


#: Lines held in memory before they are sorted into a run on disk (about 500 MB of them):
#: below, sorting in memory is cheaper, and the build's peak is in validation anyway.
SPILL_ABOVE = 2_000_000


@tempspace.writing("the sorted lines")
def _spill(held: list[str], folder: Path, number: int, repeated: list[str]) -> tuple[Path, int]:
    """Write the lines ``held`` to a new run, sorted, each once, one a line, in UTF-8, and empty ``held``;
    the run and its number of lines. Those held more than once are added to ``repeated`` as one text:
    a few of the million lines kept as themselves would each keep the memory block it is in from
    being given back (300 MB at ten million lines)."""
    run = folder / f"run-{number}"
    held.sort()
    differs = list(map(operator.ne, itertools.islice(held, 1, None), held))  # each line from the one before
    repeated.append("\n".join(itertools.compress(itertools.islice(held, 1, None), map(operator.not_, differs))))
    distinct = itertools.compress(held, itertools.chain([True], differs))  # each line but those equal to the one before
    count = 0
    with writes.create(run) as handle:
        while batch := list(itertools.islice(distinct, CHUNK)):
            handle.write("\n".join(batch).encode("utf-8"))
            handle.write(b"\n")
            count += len(batch)
    held.clear()
    return run, count


@tempspace.writing("the sorted lines")
def _merged(runs: list[Path], into: Path, repeated: list[str]) -> int:
    """The sorted runs merged into ``into``, each line once; the number of lines. The lines in more than
    one run are added to ``repeated`` as one text (see :func:`_spill`)."""
    again: list[bytes] = []
    count = 0
    with contextlib.ExitStack() as stack, writes.create(into) as out:
        sources = [stack.enter_context(open(run, "rb")) for run in runs]
        last = None
        for line in heapq.merge(*sources):
            if line != last:
                out.write(line)
                count += 1
                last = line
            else:
                again.append(line)
    repeated.append(b"".join(again).decode("utf-8"))
    del again
    for run in runs:
        run.unlink()
    return count


#: Triples made into lines at once, and lines written at once.
CHUNK = 65536
