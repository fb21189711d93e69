"""Reading canonical N-Triples as bytes, in bulk, without making a term object per triple.

The release's N-Triples (:class:`.lines.Lines`) are as Oxigraph writes them: one triple a line,
``<s> <p> o .``, the subject and predicate each an IRI between ``<`` and ``>`` with no space in it
(and none escaped: Oxigraph writes an IRI as it is), the object an IRI or a literal. So a line's
subject is its text up to the first space, its predicate the second token, its object the rest
less the final `` .``. Counting them with ``bytes.split``, :class:`collections.Counter` and
:func:`itertools.compress` runs in C, where a loop over :class:`pyoxigraph.Triple` objects made
a term object for every attribute read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from operator import methodcaller
from typing import BinaryIO, Final, Protocol

#: About how many bytes of lines are handled at once: enough for the C-level operations to
#: dominate, few enough that what is made of them stays small (a few megabytes).
CHUNK_BYTES: Final = 1 << 20

#: What :meth:`.lines.Lines.blocks` gives at a time: enough for the work on each to be done in C, little to hold.
BLOCK_BYTES = 1 << 22


def blocks_of(data: bytes, size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """``data`` in blocks of whole lines of about ``size`` bytes (the last as it ends)."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", min(start + size, len(data)) - 1) + 1 or len(data)
        yield data[start:end]
        start = end


def blocks_from(handle: BinaryIO, size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """What ``handle`` reads, in blocks of whole lines of about ``size`` bytes (the last as it ends)."""
    while block := handle.read(size):
        yield block + handle.readline()


_SPLIT: Final = methodcaller("split", b" ", 2)


@dataclass(frozen=True)
class Chunk:
    """Some consecutive lines, and their subjects, predicates and objects, each as the line holds it
    (with its brackets or quotes; an object still ends with the line's `` .``: see :func:`term`)."""

    lines: list[bytes]
    subjects: tuple[bytes, ...]
    predicates: tuple[bytes, ...]
    objects: tuple[bytes, ...]
    #: The lines as the N-Triples hold them (each with its ``\n``).
    data: bytes


def chunks(data: bytes, size: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """The lines of ``data`` (without their ``\\n``), about ``size`` bytes of them at a time."""
    for block in blocks_of(data, size):
        lines = block.split(b"\n")
        if not lines[-1]:
            lines.pop()
        if lines:
            subjects, predicates, objects = zip(*map(_SPLIT, lines), strict=True)
            yield Chunk(lines, subjects, predicates, objects, block)


class Blocks(Protocol):
    """Lines that give themselves in blocks (:class:`.lines.Lines`, :class:`.spill.SpilledLines`)."""

    def blocks(self, size: int = BLOCK_BYTES) -> Iterator[bytes]: ...


def chunks_of(graph: Blocks) -> Iterator[Chunk]:
    """The lines of ``graph`` in chunks, each read as a block of its own: a chunk is not cut from a
    larger block, which would copy every byte once more (1.6 GB at ten million triples)."""
    for block in graph.blocks(CHUNK_BYTES):
        yield from chunks(block)


def objects(data: bytes) -> list[bytes]:
    """The objects of the lines ``data`` as :attr:`Chunk.objects` has them (with the line's `` .``), in one
    pass in C: where nothing else of the lines is wanted, twice as fast as :func:`chunks`."""
    return _OBJECT.findall(data)


#: A line's object: what follows its second space (a line holds no line break: N-Triples escapes them).
_OBJECT: Final = re.compile(rb"^[^ \n]+ [^ \n]+ (.*)$", re.MULTILINE)


def term(obj: bytes) -> bytes:
    """An object from :func:`columns` as its N-Triples form (without the line's `` .``)."""
    return obj[:-2]


def iri(node: bytes) -> str:
    """The IRI of ``<…>``."""
    return node[1:-1].decode("utf-8")


def name(node: bytes) -> str:
    """The IRI of ``<…>``, the N-Triples form of a literal (what ``str`` gives of it in pyoxigraph)."""
    return iri(node) if node.startswith(b"<") else node.decode("utf-8")


def bracketed(iri_text: str) -> bytes:
    """``<iri>``, as a line holds it."""
    return b"<" + iri_text.encode("utf-8") + b">"
