"""Statistics and checks that catch curation slips. They warn; they do not stop a build."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from . import model as r
from .names import normalize

MIN_QUOTE_WORDS = 6


@dataclass(frozen=True, order=True)
class Finding:
    origin: r.Origin
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.check}: {self.message}"


@dataclass
class Stats:
    per_kind: dict[str, int]
    per_document: dict[str, dict[str, int]]
    positions_per_topic: dict[str, int]
    without_wikidata: dict[str, list[str]]
    findings: list[Finding] = field(default_factory=list)


def _names(record: r.Record) -> list[str]:
    names: list[str] = [getattr(record, "name")]  # noqa: B009 - named records only
    names += list(getattr(record, "alternate_names", ()))
    return names


def duplicate_names(corpus: r.Corpus) -> list[Finding]:
    findings = []
    for prefix in ("org", "person", "place", "event", "doc"):
        seen: dict[str, list[r.Record]] = defaultdict(list)
        for record in corpus.table(prefix).values():
            for key in {normalize(n) for n in _names(record)}:
                if key:
                    seen[key].append(record)
        for key, records in sorted(seen.items()):
            if len(records) > 1:
                keys = ", ".join(f"{prefix}:{rec.key}" for rec in records)
                findings.append(Finding(records[1].origin, "same-name", f"{key!r} names {keys}"))
    return findings


NAMED_KINDS = ("org", "person", "place", "event", "doc")


def cross_kind_names(corpus: r.Corpus) -> list[Finding]:
    """An alternate name that also names a record of another kind: a label-based search finds both."""
    by_name: dict[str, dict[r.Ref, bool]] = defaultdict(dict)  # name -> record -> named by an alternate name
    for prefix in NAMED_KINDS:
        for record in corpus.table(prefix).values():
            ref = r.Ref(prefix, record.key)
            for index, name in enumerate(_names(record)):
                key = normalize(name)
                if key:
                    by_name[key][ref] = by_name[key].get(ref, False) or index > 0
    findings = []
    for name, refs in sorted(by_name.items()):
        refs = {ref: alternate for ref, alternate in refs.items() if not _government_of(corpus, ref, refs)}
        if len({ref.prefix for ref in refs}) > 1 and any(refs.values()):
            named = sorted(refs, key=str)
            origin = min(corpus.table(ref.prefix)[ref.key].origin for ref in named if refs[ref])
            listed = ", ".join(str(ref) for ref in named)
            findings.append(Finding(origin, "ambiguous-name", f"{name!r} names records of different kinds: {listed}"))
    return findings


def _government_of(corpus: r.Corpus, ref: r.Ref, named: dict[r.Ref, bool]) -> bool:
    """A government called by the name of its own country (its ``country``), as sources do: not ambiguous."""
    if ref.prefix != "org":
        return False
    org = corpus.organizations[ref.key]
    return org.type == "government" and org.country is not None and org.country in named


def referenced(corpus: r.Corpus) -> set[r.Ref]:
    refs: set[r.Ref] = set()
    for doc in corpus.documents.values():
        refs.update(doc.issuers + doc.signatories + doc.recipients + doc.copied_to + doc.mentions + doc.cites)
    for event in corpus.events.values():
        refs.update(event.attendees + event.organizers)
        refs.update(ref for ref in (event.location, event.super_event) if ref)
    for position in corpus.positions.values():
        refs.update(corpus.holders(position) + position.targets + (position.document,))
        if position.quoted_from:
            refs.add(position.quoted_from)
    for membership in corpus.memberships:
        refs.update((*membership.members, membership.group))
    for org in corpus.organizations.values():
        if org.country:
            refs.add(org.country)
    for place in corpus.places.values():
        refs.update(ref for ref in (place.country, place.contained_in) if ref)
    for person in corpus.people.values():
        refs.update(role.organization for role in person.roles if role.organization)
    return refs


def unmentioned(corpus: r.Corpus) -> list[Finding]:
    refs = referenced(corpus)
    findings = []
    for prefix in ("org", "person", "place", "doc"):
        for key, record in corpus.table(prefix).items():
            if r.Ref(prefix, key) not in refs and not (prefix == "doc" and key in corpus.sources):
                findings.append(
                    Finding(record.origin, "unmentioned", f"{prefix}:{key} is not referred to by any record")
                )
    for key, event in corpus.events.items():
        if not event.reported_in and r.Ref("event", key) not in refs:
            findings.append(Finding(event.origin, "unmentioned", f"event:{key} is reported in no document"))
    return findings


def incomplete_events(corpus: r.Corpus) -> list[Finding]:
    return [
        Finding(event.origin, "event-without-place", f"event:{key} ({event.type}) has no location")
        for key, event in corpus.events.items()
        if event.type not in ("series", "military-operation", "ceasefire", "telephone-call", "other")
        and event.location is None
    ]


def short_quotes(corpus: r.Corpus) -> list[Finding]:
    return [
        Finding(
            position.where("quote"),
            "short-quote",
            f"position:{key} quotes only {len(position.quote.text.split())} words",
        )
        for key, position in corpus.positions.items()
        if len(position.quote.text.split()) < MIN_QUOTE_WORDS
    ]


def unprinted_variants(corpus: r.Corpus) -> list[Finding]:
    """A printed variant is a spelling a source text prints; one that none prints is a name of ours (or a
    spelling of a source that is not among the seeds)."""
    texts = [source.text for source in corpus.sources.values()]
    return [
        Finding(record.where(f"printed_variants.{index}"), "unprinted-variant", f"{variant!r} is in no source text")
        for prefix in ("doc", "org", "person", "place", "event")
        for record in corpus.table(prefix).values()
        for index, variant in enumerate(record.printed_variants)
        if not any(variant in text for text in texts)
    ]


def open_reviews(corpus: r.Corpus) -> list[Finding]:
    """Every ``review:`` note still in the records: a value a person has not checked yet."""
    return [Finding(note.origin, "review", f"{note.record}: {note.note}") for note in corpus.reviews]


def findings(corpus: r.Corpus) -> list[Finding]:
    return sorted(
        duplicate_names(corpus)
        + cross_kind_names(corpus)
        + unmentioned(corpus)
        + incomplete_events(corpus)
        + short_quotes(corpus)
        + unprinted_variants(corpus)
        + open_reviews(corpus)
    )


def stats(corpus: r.Corpus) -> Stats:
    per_kind = {
        "documents": len(corpus.documents),
        "organizations": len(corpus.organizations),
        "people": len(corpus.people),
        "places": len(corpus.places),
        "events": len(corpus.events),
        "positions": len(corpus.positions),
        "topics": len(corpus.topics),
        "memberships": sum(len(m.members) for m in corpus.memberships),
    }
    per_document: dict[str, dict[str, int]] = {}
    for key, doc in sorted(corpus.documents.items()):
        if key not in corpus.sources:
            continue
        per_document[key] = {
            "signatories": len(doc.signatories),
            "issuers": len(doc.issuers),
            "positions": sum(1 for p in corpus.positions.values() if p.document.key == key),
            "events reported": sum(1 for e in corpus.events.values() if r.Ref("doc", key) in e.reported_in),
            "documents cited": len(doc.cites),
            "mentions": len(doc.mentions),
        }
    topics = Counter(t.key for p in corpus.positions.values() for t in p.topics)
    without = {
        prefix: sorted(k for k, rec in corpus.table(prefix).items() if not getattr(rec, "wikidata", None))
        for prefix in ("org", "person", "place")
    }
    return Stats(per_kind, per_document, dict(sorted(topics.items())), without, findings(corpus))
