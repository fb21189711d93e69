"""A validation report: violations with the focus node, path, constraint and the seed file and line.

Validation returns a report; it never prints or exits. The CLI formats it and picks the exit code.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from ..errors import PeacegraphError
from ..rdf.namespaces import KINDS, SH, active
from ..records.model import Corpus, Origin


@dataclass(frozen=True, order=True)
class Violation:
    focus: str
    path: str | None
    constraint: str
    severity: str
    message: str
    value: str | None = None
    origin: Origin | None = None
    #: The ``sh:message`` of the shape, or of the node shape it is part of: the rule in a curator's words.
    explanation: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        """The rule broken (if the shapes word it), then the record's file and line, then the detail."""
        where = f"{self.origin}: " if self.origin else ""
        path = f" {self.path}" if self.path else ""
        value = f" (value {self.value})" if self.value else ""
        detail = f"{self.severity}: <{self.focus}>{path}: {self.message} [{self.constraint}]{value}"
        return f"{self.explanation} — {where}{detail}" if self.explanation else f"{where}{detail}"

    def sort_key(self) -> tuple[str, str, str, str, str]:
        """Report order: by focus node, path, constraint (a node-level violation has no path)."""
        return (self.focus, self.path or "", self.constraint, self.value or "", self.message)

    def full_key(self) -> tuple[tuple[str, str, str, str, str], str, str]:
        """:meth:`sort_key`, then what tells apart violations it puts together (the origin follows the
        focus node): violations in this order are in one order, however they were found."""
        return (self.sort_key(), self.severity, self.explanation or "")


#: The severities a build publishes data with: their results are shown, but do not stop it.
ACCEPTED_SEVERITIES: Final = frozenset(("sh:Info", "sh:Warning"))


@dataclass
class Report:
    """A SHACL validation report: it conforms when there is no result at all, of any severity (SHACL §3.1)."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def summary(self) -> str:
        if self.conforms:
            return "the data conforms to the shapes"
        accepted = len(self.violations) - len(self.blocking())
        also = f" ({accepted} of them warnings or notes, which are accepted)" if accepted else ""
        return f"{len(self.violations)} violation(s) of the shapes{also}"

    def blocking(self, accepted: frozenset[str] = ACCEPTED_SEVERITIES) -> list[Violation]:
        """The results whose severity is not ``accepted``: those that stop a build."""
        return [v for v in self.violations if v.severity not in accepted]


class NonConformingError(PeacegraphError):
    """The data does not conform to the shapes (exit code 1). Carries the report."""

    def __init__(self, report: Report, summary: str):
        self.report = report
        super().__init__(summary)


def origins(corpus: Corpus) -> Origins:
    """The seed file and line of every record, by the IRI of the record."""
    ids = active().id
    return Origins(
        (f"{ids}{kind}/{key}", record.origin)
        for prefix, kind in KINDS.items()
        for key, record in corpus.table(prefix).items()
    )


class Origins(Mapping[str, Origin]):
    """Where each record is, by its IRI, kept in two blocks of memory (the IRIs as one text, the
    places as an array) until it is first looked up, which only a validation result does.

    A build lets go of its records before the validation store is made. Whatever it still holds that
    was made while the records were alive, a dictionary of a string and an :class:`Origin` per record
    above all, is scattered among them and keeps Python from giving their memory back: at ten million
    triples this took 0.6 GB from the validation stage, which then holds the store.
    """

    def __init__(self, pairs: Iterable[tuple[str, Origin]]):
        files: dict[Path, int] = {}
        iris: list[str] = []
        places = array("Q")  # the file's number, shifted, and the line
        for iri, origin in pairs:
            iris.append(iri)
            places.append(files.setdefault(origin.file, len(files)) << 32 | origin.line)
        self._iris = "\n".join(iris)  # an IRI holds no line break
        self._places = places
        self._files = list(files)
        self._by_iri: dict[str, Origin] | None = None

    def _table(self) -> dict[str, Origin]:
        if self._by_iri is None:
            iris = self._iris.split("\n") if self._places else []
            files = self._files
            self._by_iri = {
                iri: Origin(files[p >> 32], p & 0xFFFFFFFF) for iri, p in zip(iris, self._places, strict=True)
            }
        return self._by_iri

    def __getitem__(self, iri: str) -> Origin:
        return self._table()[iri]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._places)


def origin_of(iri: str, by_iri: Mapping[str, Origin]) -> Origin | None:
    """The record an IRI belongs to: itself, or the owner of an auxiliary node minted under it."""
    ids = active().id
    if not iri.startswith(ids):
        return None
    parts = iri[len(ids) :].split("/")
    return by_iri.get(ids + "/".join(parts[:2]))


def short_name(node: object) -> str:
    """``sh:`` and ``schema:`` names abbreviated, anything else in full."""
    text = str(node)
    for prefix, namespace in (("sh:", SH), ("schema:", "https://schema.org/")):
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text
