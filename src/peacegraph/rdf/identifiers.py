"""Identifiers never break: every identifier of the previous release is still in the new one.

A record that is removed or merged keeps its identifier as a deprecated resource (the
``deprecated:`` list of the record files); anything else that disappears fails the build.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Final

from pyoxigraph import NamedNode, RdfFormat, Triple

from ..errors import InputError
from ..records.limits import open_regular
from ..records.model import Corpus
from . import delta, rdfio
from .bulk import blocks_from
from .lines import Lines
from .mapping import map_deprecation
from .namespaces import OWL, active, term
from .sorted_lines import SortedLines

SHOWN: Final = 5  # identifiers named in an error message before "and N more"

DEPRECATED: Final = term(OWL, "deprecated")


def published(triples: Iterable[Triple]) -> set[str]:
    """Every identifier in our namespace that the triples mention, as subject or object."""
    found = set()
    last = None
    ids = active().id
    for subject, _predicate, obj in triples:
        if subject != last:  # the triples of a subject mostly come together (dumps are sorted)
            last = subject
            if isinstance(subject, NamedNode) and subject.value.startswith(ids):
                found.add(subject.value)
        if isinstance(obj, NamedNode) and obj.value.startswith(ids):
            found.add(obj.value)
    return found


def published_lines(lines: Iterable[bytes], ids: str) -> set[str]:
    """:func:`published` of canonical N-Triples lines (:func:`canonical_block`), read as text.

    Ten times fewer Python operations than reading each line as a triple: a subject is read when it
    changes (a subject's lines come together), an object when the line ends with an IRI.
    """
    prefix = f"<{ids}".encode()
    found: set[bytes] = set()
    subject = b"\n"  # no line starts with it
    for line in lines:
        if not line.startswith(subject):
            subject = line[: line.index(b">") + 1]
            if subject.startswith(prefix):
                found.add(subject[1:-1])
        if line.endswith(b"> ."):
            start = line.rindex(b"<")  # an IRI holds no "<"; a datatype's is after "^^", an object's after a space
            if line[start - 1] == 32 and line.startswith(prefix, start):
                found.add(line[start + 1 : -3])
    return {iri.decode() for iri in found}


#: What canonical N-Triples (one triple a line, as Oxigraph writes it) never hold: tabs, carriage
#: returns, ``\u`` escapes, more than one space before the final dot. (Comments, blank nodes, empty
#: or indented lines are lines that do not start with "<".)
_NOT_CANONICAL: Final = (b"\t", b"\r", b"\\u", b"\\U", b"  .\n")


def canonical_block(block: bytes) -> bool:
    """Whether ``block`` (whole lines, each ending in a newline) can be read by :func:`published_lines`:
    every line starts with an IRI and ends with " .", and nothing in it needs a parser."""
    lines = block.count(b"\n")
    return (
        block.startswith(b"<")
        and block.endswith(b"\n")
        and not any(mark in block for mark in _NOT_CANONICAL)
        and block.count(b" .\n") == lines
        and block.count(b"\n<") == lines - 1
    )


def published_in_file(dump: Path) -> set[str]:
    """The identifiers of a previous release's N-Triples dump, read a block at a time: as text when it is
    canonical (as a build writes it), else by the parser."""
    with open_regular(dump, file=dump) as handle:
        found = published_in_dump(handle)
    return found if found is not None else published(rdfio.iter_triples(dump, RdfFormat.N_TRIPLES))


def published_in_dump(handle: BinaryIO, block_size: int = 1 << 23) -> set[str] | None:
    """:func:`published` of the N-Triples read from ``handle`` a block at a time, or None (read no
    further) as soon as a block is not canonical: then only a parser reads it right."""
    ids = active().id
    found: set[str] = set()
    for block in blocks_from(handle, block_size):
        if not canonical_block(block):
            return None
        found |= published_lines(block.splitlines(), ids)
    return found


def check_kept(previous: set[str], triples: Iterable[Triple], where: Path | str) -> None:
    """Fail, naming the identifiers, if any identifier of ``previous`` (read from ``where``) is gone."""
    if isinstance(triples, Lines):  # read a block of lines at a time, never all of them as line objects at once
        now = published_lines((line for block in triples.blocks() for line in block.splitlines()), active().id)
    else:
        now = published(triples)
    _fail_if_gone(sorted(previous - now), where)


def check_kept_since(dump: Path, triples: Lines) -> None:
    """:func:`check_kept` for the previous release's N-Triples ``dump``, reading only the lines it does not
    share with ``triples`` (:mod:`.delta`): an identifier can be gone only if a line that mentioned it is.

    Each line of the dump is either found among the new lines or is one of those removed, whatever its
    order, so the identifiers of the removed lines are all that need looking for. A removed line that is
    not canonical, or a dump that differs in many lines (:func:`.delta.near`), is read the full way."""
    with open_regular(dump, file=dump) as handle:
        changed = delta.near(delta.FileText(handle), triples.data)
    gone = b"".join(changed.removed) if changed is not None else b""
    if changed is None or (gone and not canonical_block(gone)):
        check_kept(published_in_file(dump), triples, dump)
        return
    ids = active().id
    _fail_if_gone(
        sorted(iri for iri in published_lines(gone.splitlines(), ids) if not mentioned(triples.data, iri)), dump
    )


def mentioned(data: bytes, iri: str) -> bool:
    """Whether the canonical N-Triples ``data`` (sorted lines) mention ``iri`` as subject or object."""
    node = f"<{iri}> ".encode()
    return data.startswith(node, SortedLines(data).lower_bound(node)) or b" " + node + b".\n" in data


def _fail_if_gone(missing: list[str], where: Path | str) -> None:
    if not missing:
        return
    named = ", ".join(f"<{iri}>" for iri in missing[:SHOWN])
    more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
    raise InputError(
        f"{len(missing)} published identifier(s) would disappear: {named}{more}; keep the record, "
        "or list the identifier under `deprecated:` in a record file (docs/records.md)",
        where,
    )


def check_deprecations(corpus: Corpus, triples: Iterable[Triple]) -> None:
    """A deprecated identifier is described by nothing but its deprecation (records describe it no more)."""
    deprecated = set(corpus.deprecations)
    if not deprecated:
        return
    own = {t for record in corpus.deprecations.values() for t in map_deprecation(record)}
    described = {
        t.subject.value
        for t in triples
        if isinstance(t.subject, NamedNode) and t.subject.value in deprecated and t not in own
    }
    for identifier in sorted(described):
        record = corpus.deprecations[identifier]
        where = record.where("iri" if record.ref is None else "ref")
        raise InputError(f"{identifier} is deprecated but the records still describe it", where.file, where.line)
