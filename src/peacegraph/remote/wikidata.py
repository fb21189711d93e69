"""Reconcile records with Wikidata: check every link, and propose candidates where there is none.

For each record that can carry a Wikidata link, a Wikidata-compatible SPARQL endpoint is asked
for the linked entity's English label and aliases (``rdfs:label``, ``skos:altLabel``) and its
classes (``wdt:P31``, and through ``wdt:P279*`` whether it reaches a class that the record's kind
expects, see :data:`EXPECTED_CLASSES`). A link is ``ok`` when one of the record's names matches a
label or alias (compared as :func:`peacegraph.records.names.normalize` reduces them) and the kind
matches. Records without a link, or whose link is wrong, get candidates: entities whose English
label or alias is one of the record's names exactly and whose kind matches.

Records that a curator could not link offline are listed in the collection's ``wikidata-review.csv`` (the
*review list*: record, name, kind, and any candidate QID seen with its single source). They are
checked first, before every other record, and a listed candidate is checked as a link would be
(``candidate_verdict``), so one run with network access settles what offline curation could not.

The verdicts go into a review file for a curator; records are never changed here. Every answer
is cached on disk, keyed by a hash of endpoint and query, so a second run sends no request for
what it already knows. Requests are spaced by a minimum interval and 429 ``Retry-After`` is
obeyed (see :mod:`peacegraph.endpoint`).
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pyoxigraph import Literal, NamedNode

from .. import collection
from ..errors import InputError
from ..rdf.namespaces import RDFS, SKOS, WD, term, wikidata, wikidata_property
from ..records import loader
from ..records.model import Corpus, Origin
from ..records.names import normalize
from .endpoint import Client, RateLimiter, Retry

WIKIDATA_SPARQL: Final = "https://query.wikidata.org/sparql"
REVIEW_FILE: Final = Path("reconcile-review.csv")
#: The curated list of unlinked records to check first, in the seeds directory.
REVIEW_LIST: Final = "wikidata-review.csv"
REVIEW_LIST_COLUMNS: Final = ("key", "name", "kind", "candidate", "source")
QID: Final = re.compile(r"Q[1-9][0-9]*")
CACHE_DIR: Final = Path(".cache/reconcile")
LANGUAGE: Final = "en"
MAX_CANDIDATES: Final = 10

#: What a record may be on Wikidata: an instance (P31) of one of these classes, or of a subclass
#: of one (P279*). Keyed by (reference prefix, record ``type``); ``*`` stands for every type of
#: that prefix not listed. Topics have no entry: their kind is not checked, only their label.
EXPECTED_CLASSES: Final[dict[tuple[str, str], dict[str, str]]] = {
    ("place", "country"): {"Q6256": "country", "Q3624078": "sovereign state"},
    ("place", "city"): {"Q515": "city", "Q486972": "human settlement"},
    ("place", "governorate"): {"Q56061": "administrative territorial entity"},
    ("place", "region"): {"Q82794": "geographic region", "Q56061": "administrative territorial entity"},
    ("place", "road"): {"Q34442": "road"},
    ("place", "*"): {
        "Q2221906": "geographic location",
        "Q618123": "geographical feature",
        "Q56061": "administrative territorial entity",
        "Q486972": "human settlement",
    },
    ("org", "government"): {"Q7188": "government", "Q327333": "government agency", "Q43229": "organization"},
    ("org", "*"): {"Q43229": "organization"},
    ("person", "*"): {"Q5": "human"},
    ("event", "*"): {"Q1656682": "event", "Q1190554": "occurrence"},
    ("doc", "*"): {"Q49848": "document", "Q17537576": "creative work"},
}

#: The kinds of record that can carry a Wikidata link, in the order the review lists them.
LINKABLE: Final = ("doc", "org", "person", "place", "event", "topic")

REVIEW_COLUMNS: Final = (
    "record",
    "origin",
    "name",
    "kind",
    "link",
    "verdict",
    "wikidata_label",
    "wikidata_classes",
    "candidates",
    "listed",
    "candidate",
    "candidate_verdict",
)


class Verdict(enum.Enum):
    OK = "ok"
    LABEL_MISMATCH = "label mismatch"
    KIND_MISMATCH = "kind mismatch"
    BOTH_MISMATCH = "label and kind mismatch"
    MISSING = "missing entity"
    UNLINKED = "unlinked"


@dataclass(frozen=True)
class Settings:
    #: The collection's folder; default: the one the current folder is in (an error when there is none).
    seeds: Path = field(default_factory=collection.nearest)
    endpoint: str = WIKIDATA_SPARQL
    review: Path = REVIEW_FILE
    cache: Path = CACHE_DIR
    #: Minimum seconds between the starts of two requests (cached answers send none).
    interval: float = 1.0
    timeout: float = 60.0
    retry: Retry = field(default_factory=Retry)


@dataclass(frozen=True)
class Subject:
    """A record as reconciliation sees it."""

    ref: str
    origin: Origin
    names: tuple[str, ...]
    kind: str
    expected: dict[str, str] | None
    link: str | None
    #: Where the review list names this record (``file:line``), if it does.
    listed: Origin | None = None
    #: The candidate QID the review list gives, if any.
    candidate: str | None = None


@dataclass(frozen=True)
class Listed:
    """One row of the review list."""

    ref: str
    origin: Origin
    candidate: str | None


@dataclass(frozen=True)
class Facts:
    """What the endpoint knows of one entity."""

    labels: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()

    @property
    def exists(self) -> bool:
        return bool(self.labels or self.aliases or self.classes)


@dataclass(frozen=True)
class Candidate:
    qid: str
    label: str

    def __str__(self) -> str:
        return f"{self.qid} {self.label}".rstrip()


@dataclass(frozen=True)
class Review:
    subject: Subject
    verdict: Verdict
    facts: Facts = field(default_factory=Facts)
    candidates: tuple[Candidate, ...] = ()
    candidate_verdict: Verdict | None = None

    def row(self) -> dict[str, str]:
        return {
            "record": self.subject.ref,
            "origin": str(self.subject.origin),
            "name": self.subject.names[0],
            "kind": self.subject.kind,
            "link": self.subject.link or "",
            "verdict": self.verdict.value,
            "wikidata_label": " | ".join(self.facts.labels),
            "wikidata_classes": " ".join(self.facts.classes),
            "candidates": "; ".join(str(c) for c in self.candidates),
            "listed": str(self.subject.listed or ""),
            "candidate": self.subject.candidate or "",
            "candidate_verdict": self.candidate_verdict.value if self.candidate_verdict else "",
        }


def reconcile(settings: Settings) -> list[Review]:
    """Review every linkable record against the endpoint and write the review file."""
    corpus = loader.load(settings.seeds)
    client = Client(
        settings.endpoint,
        retry=settings.retry,
        limiter=RateLimiter(settings.interval, sleep=settings.retry.sleep),
        timeout=settings.timeout,
    )
    answers = CachedAnswers(client, settings.cache)
    listed = load_review_list(settings.seeds / REVIEW_LIST, corpus)
    reviews = [review(answers, subject) for subject in subjects(corpus, listed)]
    write_review(reviews, settings.review)
    return reviews


def summary(reviews: Iterable[Review]) -> str:
    reviews = list(reviews)
    counts = Counter(r.verdict for r in reviews)
    parts = [f"{counts[v]} {v.value}" for v in Verdict if counts[v]]
    proposals = sum(1 for r in reviews if r.verdict is not Verdict.OK and r.candidates)
    text = f"{', '.join(parts) or 'nothing to review'}; candidates proposed for {proposals}"
    listed = [r for r in reviews if r.subject.listed]
    if listed:
        confirmed = sum(1 for r in listed if r.candidate_verdict is Verdict.OK)
        text += f"; {len(listed)} from the review list checked first, {confirmed} listed candidates confirmed"
    return text


# --- records ------------------------------------------------------------------------------------


def expected_classes(prefix: str, kind: str | None) -> dict[str, str] | None:
    return EXPECTED_CLASSES.get((prefix, kind or "*")) or EXPECTED_CLASSES.get((prefix, "*"))


def _names(record: Any) -> tuple[str, ...]:
    names = (record.name, *getattr(record, "alternate_names", ()), *getattr(record, "alt_labels", ()))
    return tuple(dict.fromkeys(names))


def subjects(corpus: Corpus, listed: Iterable[Listed] = ()) -> list[Subject]:
    """Every linkable record: those on the review list first, in its order, then the rest by kind."""
    first = {row.ref: row for row in listed}
    found = []
    for prefix in LINKABLE:
        for key, record in sorted(corpus.table(prefix).items()):
            kind = getattr(record, "type", None)
            row = first.get(f"{prefix}:{key}")
            found.append(
                Subject(
                    ref=f"{prefix}:{key}",
                    origin=record.origin,
                    names=_names(record),
                    kind=f"{prefix}/{kind}" if kind else prefix,
                    expected=expected_classes(prefix, kind),
                    link=record.wikidata,
                    listed=row.origin if row else None,
                    candidate=row.candidate if row else None,
                )
            )
    order = {ref: index for index, ref in enumerate(first)}
    return sorted(found, key=lambda subject: order.get(subject.ref, len(order)))


# --- the review list ----------------------------------------------------------------------------


def load_review_list(path: Path, corpus: Corpus) -> list[Listed]:
    """The review list in ``path`` (none if there is no such file), each row checked against the records."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8", path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        return _listed_rows(reader, path, corpus)
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", path, reader.reader.line_num) from None


def _listed_rows(reader: csv.DictReader[str], path: Path, corpus: Corpus) -> list[Listed]:
    if tuple(reader.fieldnames or ()) != REVIEW_LIST_COLUMNS:
        raise InputError(f"header must be {','.join(REVIEW_LIST_COLUMNS)}", path, 1)
    rows: dict[str, Listed] = {}
    for row in reader:
        origin = Origin(path, reader.line_num)
        ref, candidate = row["key"] or "", row["candidate"] or None
        problem = _listed_problem(ref, candidate, corpus)
        if ref in rows:
            problem = f"{ref} is listed twice (first at line {rows[ref].origin.line})"
        if problem:
            raise InputError(problem, path, reader.line_num)
        rows[ref] = Listed(ref, origin, candidate)
    return list(rows.values())


def _listed_problem(ref: str, candidate: str | None, corpus: Corpus) -> str | None:
    prefix, _, key = ref.partition(":")
    if prefix not in LINKABLE or not key:
        return f"key {ref!r} must be a reference to a {', '.join(LINKABLE)} record, e.g. person:jane-envoy"
    record = corpus.table(prefix).get(key)
    if record is None:
        return f"{ref} is not defined in any record file"
    if record.wikidata:
        return f"{ref} already links to {record.wikidata}: remove it from the review list"
    if candidate is not None and not QID.fullmatch(candidate):
        return f"candidate {candidate!r} is not a Wikidata item id (Q followed by digits)"
    return None


# --- queries ------------------------------------------------------------------------------------

_LABEL = str(term(RDFS, "label"))
_ALIAS = str(term(SKOS, "altLabel"))
_P31 = str(wikidata_property("P31"))
_P279 = str(wikidata_property("P279"))


def _values(variable: str, terms: Iterable[NamedNode | Literal]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(str(t) for t in terms)} }}"


def _english(variable: str) -> str:
    return f'FILTER(LANG(?{variable}) = "{LANGUAGE}")'


def _classes(expected: dict[str, str]) -> list[NamedNode]:
    return [wikidata(qid) for qid in sorted(expected)]


def entity_query(qid: str, expected: dict[str, str] | None) -> str:
    """English labels and aliases, P31 classes, and which expected classes it reaches."""
    entity = str(wikidata(qid))
    parts = [
        f"{{ {entity} {_LABEL} ?label {_english('label')} }}",
        f"{{ {entity} {_ALIAS} ?alias {_english('alias')} }}",
        f"{{ {entity} {_P31} ?class }}",
    ]
    if expected:
        parts.append(f"{{ {_values('matched', _classes(expected))} {entity} {_P31}/{_P279}* ?matched }}")
    return "SELECT ?label ?alias ?class ?matched WHERE {\n  " + "\n  UNION ".join(parts) + "\n}"


def candidates_query(names: Iterable[str], expected: dict[str, str] | None) -> str:
    """Entities whose English label or alias is one of ``names``, of an expected kind."""
    lines = [
        _values("name", (Literal(name, language=LANGUAGE) for name in names)),
        f"{{ ?item {_LABEL} ?name }} UNION {{ ?item {_ALIAS} ?name }}",
    ]
    if expected:
        lines += [_values("class", _classes(expected)), f"?item {_P31}/{_P279}* ?class ."]
    lines.append(f"OPTIONAL {{ ?item {_LABEL} ?label {_english('label')} }}")
    return "SELECT DISTINCT ?item ?label WHERE {\n  " + "\n  ".join(lines) + "\n}\nLIMIT 100"


def _qid(iri: str | None) -> str | None:
    if iri and iri.startswith(WD) and iri[len(WD) :].startswith("Q"):
        return iri[len(WD) :]
    return None


def _column(rows: list[dict[str, str]], name: str) -> tuple[str, ...]:
    return tuple(sorted({row[name] for row in rows if name in row}))


def facts_from(rows: list[dict[str, str]]) -> Facts:
    classes = tuple(q for q in (_qid(iri) for iri in _column(rows, "class")) if q)
    matched = tuple(q for q in (_qid(iri) for iri in _column(rows, "matched")) if q)
    return Facts(_column(rows, "label"), _column(rows, "alias"), _by_number(classes), _by_number(matched))


def _by_number(qids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(qids), key=lambda q: int(q[1:])))


def candidates_from(rows: list[dict[str, str]], exclude: str | None) -> tuple[Candidate, ...]:
    labels: dict[str, set[str]] = {}
    for row in rows:
        qid = _qid(row.get("item"))
        if qid and qid != exclude:
            labels.setdefault(qid, set()).add(row.get("label", ""))
    return tuple(Candidate(q, min(labels[q] - {""}, default="")) for q in _by_number(labels)[:MAX_CANDIDATES])


# --- judging ------------------------------------------------------------------------------------


def judge(subject: Subject, facts: Facts) -> Verdict:
    if not facts.exists:
        return Verdict.MISSING
    ours = {normalize(name) for name in subject.names}
    theirs = {normalize(name) for name in facts.labels + facts.aliases}
    label_ok = bool(ours & theirs)
    kind_ok = subject.expected is None or bool(facts.matched)
    if label_ok and kind_ok:
        return Verdict.OK
    if kind_ok:
        return Verdict.LABEL_MISMATCH
    return Verdict.KIND_MISMATCH if label_ok else Verdict.BOTH_MISMATCH


def review(answers: CachedAnswers, subject: Subject) -> Review:
    facts = Facts()
    verdict = Verdict.UNLINKED
    if subject.link:
        facts = facts_from(answers.select(entity_query(subject.link, subject.expected)))
        verdict = judge(subject, facts)
    candidate_verdict = None
    if subject.candidate and subject.candidate != subject.link:
        proposed = facts_from(answers.select(entity_query(subject.candidate, subject.expected)))
        candidate_verdict = judge(subject, proposed)
    candidates: tuple[Candidate, ...] = ()
    if verdict is not Verdict.OK:
        rows = answers.select(candidates_query(subject.names, subject.expected))
        candidates = candidates_from(rows, exclude=subject.link)
    return Review(subject, verdict, facts, candidates, candidate_verdict)


# --- cache and review file ----------------------------------------------------------------------


class CachedAnswers:
    """SELECT answers from the endpoint, kept on disk by a hash of endpoint and query."""

    def __init__(self, client: Client, directory: Path):
        self.client = client
        self.directory = Path(directory)

    def path(self, query: str) -> Path:
        digest = hashlib.sha256(f"{self.client.query_endpoint}\n{query}".encode()).hexdigest()
        return self.directory / f"{digest}.json"

    def select(self, query: str) -> list[dict[str, str]]:
        path = self.path(query)
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("query") == query and isinstance(cached.get("rows"), list):
                return [dict(row) for row in cached["rows"]]
        except (OSError, ValueError, AttributeError):
            pass  # not cached yet, or unreadable: ask again
        rows = self.client.select(query)
        record = {"endpoint": self.client.query_endpoint, "query": query, "rows": rows}
        _write_atomically(path, json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        return rows


def write_review(reviews: Iterable[Review], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(r.row() for r in reviews)
    _write_atomically(Path(path), buffer.getvalue())


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", path) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", path) from None
