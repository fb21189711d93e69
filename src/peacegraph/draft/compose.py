"""Draft records for one document: reads its text, finds what the stages below find, and puts it
together as records in the record format, with a review note on every value a person must check."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..records import model as r
from ..records import written as dates
from ..records.names import normalize
from . import addressees, chronicle, citations, document, entities, keys, layout, positions, signatories
from .gazetteer import Gazetteer, Match

MAX_NAME_WORDS = 16


@dataclass
class Drafted:
    """The records of a draft (plain dicts in record-file order) and what the summary tells."""

    key: str
    #: The key the title and date give, before it was made longer to be free.
    wanted_key: str = ""
    documents: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    positions: list[dict[str, Any]] = field(default_factory=list)
    resolved: int = 0
    proposed: int = 0
    ambiguous: list[str] = field(default_factory=list)
    mentions: int = 0

    @property
    def document(self) -> dict[str, Any]:
        return self.documents[0]

    def sections(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "documents": self.documents,
            "organizations": self.organizations,
            "people": self.people,
            "places": self.places,
            "events": self.events,
            "positions": self.positions,
        }


class _Keys:
    """Keys taken in the corpus and by this draft, per kind."""

    def __init__(self, corpus: r.Corpus):
        self.taken = {
            prefix: set(corpus.table(prefix)) for prefix in ("doc", "org", "person", "place", "event", "position")
        }
        self.taken["agent"] = self.taken["org"] | self.taken["person"]

    def mint(self, prefix: str, text: str, suffix: str = "", max_words: int = 8, kind: str = "record") -> str:
        pool = self.taken["agent"] if prefix in ("org", "person") else self.taken[prefix]
        key = keys.mint(text, pool.__contains__, suffix=suffix, max_words=max_words, kind=kind)
        pool.add(key)
        self.taken[prefix].add(key)
        return key


@dataclass
class _Context:
    corpus: r.Corpus
    text: str
    source: str
    lines: list[layout.Line]
    blocks: list[layout.Block]
    gazetteer: Gazetteer
    keys: _Keys
    notes: list[str] = field(default_factory=list)  # review notes of the document record
    doc_key: str = ""
    drafted: Drafted = field(default_factory=lambda: Drafted(""))
    #: New records proposed so far, by normalized name: one record per name in a draft.
    proposals: dict[str, r.Ref] = field(default_factory=dict)
    resolvers: dict[str, signatories.Resolver] = field(default_factory=dict)
    #: Names in the text resolved to records by fuzzy matching, as printed.
    resolved_names: list[tuple[str, r.Ref]] = field(default_factory=list)
    #: A letter's annex (a text it transmits): where it starts, and who holds its positions.
    annex: tuple[int, r.Ref] | None = None

    def names(self, kind: str = "agent") -> signatories.Resolver:
        """The names of records of a kind ("agent": organizations and people), to resolve printed
        names against (made once per kind)."""
        kinds = ("org", "person") if kind in ("agent", "org", "person") else (kind,)
        if kinds[0] not in self.resolvers:
            self.resolvers[kinds[0]] = signatories.Resolver(self.corpus, kinds)
        return self.resolvers[kinds[0]]


def draft(corpus: r.Corpus, text: str, source: str, key: str | None) -> Drafted:
    """Draft records for ``text`` (the seed text ``source``) against the records of ``corpus``."""
    ctx = _Context(corpus, text, source, layout.lines(text), layout.blocks(text), Gazetteer.of(corpus), _Keys(corpus))
    head = document.read_head(ctx.blocks)
    entries = chronicle.entries(ctx.lines)
    places = Gazetteer.of(corpus, ("place",))
    siglist = signatories.find_list(ctx.lines, is_place=lambda name: _whole_name(places, name))
    date = _issue_date(ctx, head, siglist)
    result = _keyed(ctx, head, date, key)
    record: dict[str, Any] = {"key": result.key, "title": head.title or "Untitled document"}
    _title_notes(ctx, record, head)
    signed = _signatories(ctx, result, siglist, head, date)
    doc_type, evidence = document.guess_type(text, head, len(signed), len(entries))
    ctx.notes.append(f"type {doc_type} guessed from {evidence}")
    record.update(type=doc_type, source=source)
    record.update({name: value for name, value in (("date", date), ("url", head.url)) if value})
    authors = _agents(ctx, record, head, signed, vote=doc_type != "timeline")
    if doc_type == "letter":
        _annex(ctx, record, head)
    copies = signatories.copy_lines(ctx.lines)
    _set_refs(record, "copied_to", _addressees(ctx, [c.text for c in copies], "copy"))
    excluded = [(siglist.start, siglist.end)] if siglist else []
    excluded += [(c.start, c.end) for c in copies]
    _names_and_mentions(ctx, result, record, head.body_start, excluded, timeline=doc_type == "timeline")
    _chronicle(ctx, result, record, entries, result.key)
    end = siglist.start if siglist and siglist.start > head.body_start else len(text)
    if authors:
        _positions(ctx, result, record, (head.body_start, end), excluded)
    elif doc_type != "timeline":
        ctx.notes.append("no issuer or signatory found, so no positions were drafted: add the authors")
    _finish(ctx, result, record)
    return result


def _title_notes(ctx: _Context, record: dict[str, Any], head: document.Head) -> None:
    if not head.title:
        ctx.notes.append("no title found: give one")
    elif head.made_title:
        ctx.notes.append("no title printed: this one is made up from the text; give the right one")
    if head.navigation is not None:
        ctx.notes.append(
            f"the line {head.navigation!r} looks like a web site's navigation, so it was not taken as the title"
        )
    if head.alternate_names:
        record["alternate_names"] = list(dict.fromkeys(head.alternate_names))


def _names_and_mentions(
    ctx: _Context,
    result: Drafted,
    record: dict[str, Any],
    body_start: int,
    excluded: list[tuple[int, int]],
    *,
    timeline: bool,
) -> None:
    """Curated names mentioned (a place inside the name of a document or event is not mentioned as
    such: "the Morvan Declaration" is no mention of Morvan), cited documents, and every other name."""
    lookup = entities.Lookup(ctx.gazetteer, _close_to(ctx))
    named = entities.find(ctx.text, (body_start, len(ctx.text)), excluded, lookup)
    inside_names = [(n.start, n.end) for n in named if n.kind in ("doc", "event")]
    _mentions_and_citations(ctx, result, record, excluded + inside_names, result.key)
    if not timeline:
        _unknown_names(ctx, record, named)


def _whole_name(gazetteer: Gazetteer, name: str) -> bool:
    return any(m.start == 0 and m.end == len(name) for m in gazetteer.find(name))


def _keyed(ctx: _Context, head: document.Head, date: str | None, key: str | None) -> Drafted:
    """The draft, under ``key`` or a key minted from the title's first words and the date."""
    options = [keys.slug(f"{keys.slug(head.title or '', n) or 'document'} {date or ''}", 40) for n in (6, 9, 40)]
    doc_key = key or keys.unique(options, ctx.keys.taken["doc"].__contains__)
    if doc_key is None:
        raise InputError(f"doc:{options[-1]} and shorter keys for this title are taken: give --key")
    ctx.keys.taken["doc"].add(doc_key)
    ctx.doc_key = doc_key
    ctx.drafted = Drafted(doc_key, wanted_key=options[0])
    return ctx.drafted


def _set_refs(record: dict[str, Any], name: str, refs: list[r.Ref]) -> None:
    if refs:
        record[name] = [str(ref) for ref in refs]


def _agents(ctx: _Context, record: dict[str, Any], head: document.Head, signed: list[r.Ref], *, vote: bool) -> bool:
    """Issuers, signatories and addressees into ``record``; whether the document has authors."""
    recipients = _addressees(ctx, head.addressee_texts, "addressee")
    issuers = _issuers(ctx, head, signed, recipients, vote=vote)
    if not issuers and not signed and vote:
        issuers = [_signatories_as_group(ctx, head)]
    _set_refs(record, "issuers", issuers)
    _set_refs(record, "signatories", signed)
    _set_refs(record, "recipients", recipients)
    return bool(issuers or signed)


def _annex(ctx: _Context, record: dict[str, Any], head: document.Head) -> None:
    """A letter that transmits a text in its annex: the annex's authors are issuers beside the sender,
    and they, not the sender, hold the positions of the annex."""
    start = document.annex(ctx.lines)
    if start is None:
        return
    sender = document.transmitted(ctx.gazetteer, ctx.text[:start])
    if sender is not None and len(sender[1]) == 1:
        author = sender[1][0]
        ctx.notes.append(f"the annex is taken to be by {author} ({sender[0]!r}), an issuer beside the sender")
    else:
        title = head.title or ctx.doc_key
        named = f" ({sender[0]!r})" if sender else ""
        note = f"the authors of the annex{named} are not in the records: name them (and drop this record)"
        author = _propose(ctx, "org", f"Authors of the annex to “{title}”", {"type": "other"}, [note])
    record["issuers"] = list(dict.fromkeys([*record.get("issuers", []), str(author)]))
    ctx.annex = (start, author)


def _signatories_as_group(ctx: _Context, head: document.Head) -> r.Ref:
    """The document's own authors as a group, when the text does not name them (an excerpt without its
    signatures, "civil society organisations" in general): they hold its positions until a person
    names them."""
    title = head.title or ctx.doc_key
    note = (
        "the authors are not named in the text: its positions are held by its signatories as a group; "
        "name the authors (and drop this record) if they are known"
    )
    return _propose(ctx, "org", f"Signatories of “{title}”", {"type": "other"}, [note])


def _finish(ctx: _Context, result: Drafted, record: dict[str, Any]) -> None:
    """Topics of the positions, the language, the review notes; the document record goes first."""
    about = Counter(t for p in result.positions for t in p["topics"])
    if about:
        record["about"] = sorted(about, key=lambda t: (-about[t], t))
    language = document.language(ctx.text)
    record["language"] = language
    if language != "en":
        ctx.notes.append(f"language {language} guessed from common words")
    record["review"] = ctx.notes
    result.documents.insert(0, _ordered(record))


_DOCUMENT_ORDER = [
    "key",
    "title",
    "alternate_names",
    "type",
    "source",
    "date",
    "url",
    "issuers",
    "signatories",
    "recipients",
    "copied_to",
    "mentions",
    "cites",
    "about",
    "language",
    "review",
]


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    return {name: record[name] for name in _DOCUMENT_ORDER if name in record}


def _line_index(line_ends: list[int], offset: int) -> int:
    """The index of the line that holds ``offset``."""
    return bisect.bisect_left(line_ends, offset)


def _issue_date(ctx: _Context, head: document.Head, siglist: signatories.SignatureList | None) -> str | None:
    date = (
        head.date
        or document.dateline(ctx.text, head.body_start)
        or document.closing_date(ctx.blocks, siglist.start if siglist else None)
    )
    yearless = list(dict.fromkeys(m.group(0) for m in dates.YEARLESS.finditer(ctx.text.translate(dates.DIGITS))))
    if yearless:
        listed = ", ".join(repr(day) for day in yearless[:3])
        ctx.notes.append(f"the text gives {listed} without a year: no year was guessed, date it if it matters")
    if date is None:
        mentioned = sorted({d.value for d in dates.find_dates(ctx.text)})
        seen = f"; dates of events it mentions: {', '.join(mentioned[:5])}" if mentioned else ""
        ctx.notes.append(f"no date of issue stated, so none given{seen}")
    return date


# --- agents -----------------------------------------------------------------------------------


def _signatories(
    ctx: _Context,
    result: Drafted,
    siglist: signatories.SignatureList | None,
    head: document.Head,
    date: str | None,
) -> list[r.Ref]:
    if siglist is None:
        governments = document.country_list(ctx.gazetteer, ctx.corpus, ctx.text, head.body_start + 2000)
        result.resolved = len(governments)
        return governments
    resolver = ctx.names()
    signed: list[r.Ref] = []
    seen: set[r.Ref] = set()
    proposed: dict[str, r.Ref] = {}
    for printed in siglist.names:
        ref = _signatory(ctx, result, resolver, proposed, printed.text, head.title, date)
        if ref in seen:
            ctx.notes.append(f"{printed.text!r} is listed twice among the signatories (as {ref}); kept once")
            continue
        seen.add(ref)
        signed.append(ref)
    return signed


def _signatory(
    ctx: _Context,
    result: Drafted,
    resolver: signatories.Resolver,
    proposed: dict[str, r.Ref],
    printed: str,
    title: str | None,
    date: str | None,
) -> r.Ref:
    resolution = resolver.resolve(printed)
    if resolution.ref is not None:
        result.resolved += 1
        if resolution.note:
            ctx.notes.append(f"signatory: {resolution.note}")
        if resolution.ambiguous:
            result.ambiguous.append(f"{printed} ({' or '.join(map(str, resolution.ambiguous))})")
        return resolution.ref
    prefix, org_type = signatories.guess_type(printed)
    name, alternates = signatories.printed_forms(printed)
    if _name_key(name) in proposed:
        return proposed[_name_key(name)]
    of = f"Signatory of “{title}”" + (f" ({date})" if date else "") + "."
    if prefix == "person":
        ref = _propose(ctx, "person", name, {"description": of}, ["new person: is it one, and is it new?"], alternates)
    else:
        note = f"new organization, type {org_type} guessed from its name"
        ref = _propose(ctx, "org", name, {"type": org_type, "description": of}, [note], alternates)
    if proposed.setdefault(_name_key(name), ref) is ref:
        result.proposed += 1
    return ref


def _name_key(name: str) -> str:
    """A name as compared with others: normalized, or as printed when it has no Latin letters."""
    return normalize(name) or " ".join(name.split())


_SECTION = {"org": "organizations", "person": "people", "place": "places", "event": "events", "doc": "documents"}
_KIND = {"org": "organization", "person": "person", "place": "place", "event": "event", "doc": "document"}


def _propose(
    ctx: _Context,
    prefix: str,
    name: str,
    fields: dict[str, Any],
    notes: list[str],
    alternates: Sequence[str] = (),
) -> r.Ref:
    """A new record for a name not in the records (once per name in a draft), with its review notes."""
    name_key = _name_key(name)
    if name_key in ctx.proposals:
        return ctx.proposals[name_key]
    key = ctx.keys.mint(prefix, name, suffix=ctx.doc_key, kind=_KIND[prefix])
    ref = r.Ref(prefix, key)
    ctx.proposals[name_key] = ref
    record: dict[str, Any] = {"key": key, "title" if prefix == "doc" else "name": name}
    if alternates:
        record["alternate_names"] = list(alternates)
    record.update(fields)
    near = ctx.names(prefix).near(name)
    if near is not None:
        notes = [*notes, f"close to {near[0]} ({near[1]}, {near[2]:.2f}): the same, misspelt?"]
    if not keys.slug(name):
        notes = [*notes, "its key is made from a digest of its name: give a key from its name in Latin letters"]
    record["review"] = notes
    getattr(ctx.drafted, _SECTION[prefix]).append(record)
    return ref


def _issuers(
    ctx: _Context, head: document.Head, signed: list[r.Ref], recipients: list[r.Ref], *, vote: bool
) -> list[r.Ref]:
    named = document.by_whom(ctx.gazetteer, head.title) or document.named_first(ctx.gazetteer, head.title)
    mission = document.mission_of(ctx.gazetteer, ctx.corpus, head.title)
    if mission and not named:
        ctx.notes.append(f"issuer {mission[0]} guessed from the office the letter is sent from")
        named = mission
    if named:
        return [ref for ref in named if ref not in signed and ref not in recipients]
    if signed or not vote:
        return []
    speaker = document.release_issuer(ctx.gazetteer, ctx.text, recipients)
    if speaker is not None:
        ctx.notes.append(f"issuer {speaker} guessed: the text names it as the one who says and calls for")
        return [speaker]
    voted = _vote(ctx, recipients)
    if voted:
        ctx.notes.append(f"issuer {voted} guessed from the text speaking as the members of it")
        return [voted]
    return []


#: "the members of the Contact Group" as the text's subject; not "to the members of", "call on the members of".
_MEMBERS = re.compile(r"\bmembers of\s+", re.IGNORECASE)
#: Words before "the members of X" that make X addressed, not the text's subject ("we urge the members of").
_ADDRESSED = re.compile(
    r"\b(?:to|on|upon|urges?|asks?|invites?|calls? on|appeals? to|dear|with|among|from)\s+(?:all\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)


def _vote(ctx: _Context, recipients: list[r.Ref]) -> r.Ref | None:
    """The organization the text most often speaks as "the members of" — never one it addresses, and
    never one it only names as the subject of someone else's words ("the UN Special Envoy called for")."""
    votes: Counter[r.Ref] = Counter()
    for members in _MEMBERS.finditer(ctx.text):
        if _ADDRESSED.search(ctx.text[max(0, members.start() - 24) : members.start()]):
            continue
        named = _orgs(ctx.gazetteer.find(ctx.text[members.end() : members.end() + 80])[:1])
        votes.update(ref for ref in named if ref not in recipients)
    ranked = sorted(votes.items(), key=lambda item: (-item[1], str(item[0])))
    return ranked[0][0] if ranked else None


def _orgs(matches: list[Match]) -> list[r.Ref]:
    return [m.refs[0] for m in matches if not m.ambiguous and m.refs[0].prefix == "org"]


def _addressees(ctx: _Context, texts: list[str], what: str) -> list[r.Ref]:
    found: list[r.Ref] = []
    for text in texts:
        parsed = addressees.parse(text)
        refs = [_addressee(ctx, parsed, what)] if parsed is not None else _named_agents(ctx, text, what)
        found += [ref for ref in refs if ref not in found]
    return found


def _addressee(ctx: _Context, addressee: addressees.Addressee, what: str) -> r.Ref:
    """A person addressed by name (in an office), or a body addressed through its members: the record
    of that name, or a new one proposed."""
    if addressee.kind == "org":
        named = [m.refs[0] for m in ctx.gazetteer.find(addressee.name) if m.refs[0].prefix == "org"]
        if named and len(named) == 1:
            return named[0]
    resolution = ctx.names().resolve(addressee.name)
    if resolution.ref is not None:
        if resolution.note:
            ctx.notes.append(f"{what}: {resolution.note}")
        return resolution.ref
    described = f"Addressed as {addressee.office}." if addressee.office else None
    fields: dict[str, Any] = {"description": described} if described else {}
    if addressee.kind == "org":
        org_type = signatories.org_type(addressee.name) or "other"
        notes = [f"new organization, the {what} of “{ctx.doc_key}”; type {org_type} guessed from its name"]
        return _propose(ctx, "org", addressee.name, {"type": org_type, **fields}, notes)
    notes = [f"new person, the {what} of doc:{ctx.doc_key}: is it one, and is it new?"]
    return _propose(ctx, "person", addressee.name, fields, notes)


def _named_agents(ctx: _Context, text: str, what: str) -> list[r.Ref]:
    """The curated organizations and people an addressee or copy line names, with notes on what is not."""
    refs, ambiguous = document.agents(ctx.gazetteer, text)
    for match in ambiguous:
        ctx.notes.append(f"{what} {match.name!r} is ambiguous: {' or '.join(map(str, match.refs))}")
    if not refs and not re.match(r"^(?:your )?excellenc|^dear (?:sir|madam|all|friends|colleagues)", text, re.I):
        ctx.notes.append(f"{what} {text!r} names no curated organization or person: add one")
    elif refs:
        for part in _LIST_PARTS.split(re.sub(r"^(?:to|cc)\b:?\s*", "", text, flags=re.I)):
            if len(part.split()) >= 2 and not ctx.gazetteer.find(part):
                ctx.notes.append(f"{what} {part.strip()!r} names no curated organization or person: add one")
    return refs


#: Where a list of addressees splits: commas, semicolons, "and".
_LIST_PARTS = re.compile(r"\s*(?:[,;]|\band\b)\s*")


# --- mentions, citations, dated entries -----------------------------------------------------------


def _mentions_and_citations(
    ctx: _Context, result: Drafted, record: dict[str, Any], excluded: list[tuple[int, int]], doc_key: str
) -> None:
    mentioned: list[str] = []
    flagged: set[str] = set()
    named = {ref for field in ("issuers", "signatories", "recipients", "copied_to") for ref in record.get(field, ())}
    for match in ctx.gazetteer.find(ctx.text):
        if any(a <= match.start < b for a, b in excluded):
            continue
        refs = [ref for ref in match.refs if ref.prefix != "doc"]
        chosen = [ref for ref in refs if str(ref) in named]
        if chosen:  # "France" among the ministers who sign: the government, not the country
            refs = chosen
        elif match.ambiguous and refs and match.name not in flagged:
            flagged.add(match.name)
            listed = " or ".join(map(str, match.refs))
            ctx.notes.append(f"{match.name!r} is ambiguous ({listed}); all are mentioned: keep the right one")
            result.ambiguous.append(f"{match.name} ({listed})")
        mentioned += [str(ref) for ref in refs if str(ref) not in mentioned]
    if mentioned:
        record["mentions"] = mentioned
    result.mentions = len(mentioned)
    cites: list[str] = []
    for cited in citations.find(ctx.text, ctx.corpus, Gazetteer.of(ctx.corpus, ("doc",))):
        ref = cited.ref or _resolution(ctx, result, cited)
        if ref.key != doc_key and str(ref) not in cites:
            cites.append(str(ref))
    if cites:
        record["cites"] = cites


def _resolutions_issuer(corpus: r.Corpus) -> r.Ref | None:
    """Who issues the collection's resolutions: the issuer most of its curated resolutions name."""
    issuers = Counter(ref for d in corpus.documents.values() if d.type == "resolution" for ref in d.issuers)
    ranked = sorted(issuers.items(), key=lambda item: (-item[1], str(item[0])))
    return ranked[0][0] if ranked else None


def _widest_topic(corpus: r.Corpus) -> str:
    """The topic a position with no topic named falls under: the collection's top topic with the most
    topics under it."""
    narrower = Counter(t.broader.key for t in corpus.topics.values() if t.broader is not None)
    tops = [key for key, topic in corpus.topics.items() if topic.broader is None]
    return sorted(tops or sorted(corpus.topics), key=lambda key: (-narrower[key], key))[0]


def _close_to(ctx: _Context) -> Callable[[str], str | None]:
    """The kind of the record whose name a phrase is close to (fuzzy matching), or None."""

    def close(phrase: str) -> str | None:
        for kind in ("agent", "place", "event", "doc"):
            resolution = ctx.names(kind).resolve(phrase)
            if resolution.ref is None:
                resolution = ctx.names(kind).shortened(phrase)
            if resolution.ref is not None:
                return resolution.ref.prefix
        return None

    return close


def _unknown_names(ctx: _Context, record: dict[str, Any], named: list[entities.Name]) -> None:
    """Every name not in the records: resolved by fuzzy matching (with a note), or proposed as a new
    record of the kind its words suggest (with a note); an event with no stated date only noted."""
    for name in named:
        resolver = ctx.names(name.kind)
        resolution = resolver.resolve(name.text)
        if resolution.ref is None:
            resolution = resolver.shortened(name.text)
        if resolution.ref is not None:
            if resolution.note:
                ctx.notes.append(f"mention: {resolution.note}")
            ctx.resolved_names.append((name.text, resolution.ref))
            _add(record, "cites" if resolution.ref.prefix == "doc" else "mentions", str(resolution.ref))
            continue
        ref = _propose_name(ctx, name)
        if ref is not None:
            _add(record, "cites" if ref.prefix == "doc" else "mentions", str(ref))


def _propose_name(ctx: _Context, name: entities.Name) -> r.Ref | None:
    guess = f"new {_KIND[name.kind]}, named in the text: kind guessed from {name.evidence}"
    if name.kind == "event":
        if name.date is None:
            ctx.notes.append(f"the event {name.text!r} is named but not drafted: no date is stated next to it")
            return None
        fields: dict[str, Any] = {"type": name.type, "start": name.date, "reported_in": [f"doc:{ctx.doc_key}"]}
        return _propose(ctx, "event", name.text, fields, [guess, f"type {name.type} and date guessed"])
    if name.kind == "doc":
        return _propose(ctx, "doc", name.text, {"type": name.type}, [guess, f"type {name.type} guessed; date it"])
    if name.kind == "place":
        return _propose(
            ctx, "place", name.text, {"type": name.type}, [guess, f"type {name.type}: give its type and country"]
        )
    if name.kind == "org":
        org_type = signatories.org_type(name.text)
        typed = f"type {org_type} guessed from its name" if org_type else "type other: give its type"
        return _propose(ctx, "org", name.text, {"type": org_type or "other"}, [guess, typed])
    return _propose(ctx, "person", name.text, {}, [guess, "is it a person, and a new one?"])


def _add(record: dict[str, Any], field: str, value: str) -> None:
    values = record.setdefault(field, [])
    if value not in values:
        values.append(value)


def _resolution(ctx: _Context, result: Drafted, cited: citations.Cited) -> r.Ref:
    number = cited.number or ""
    key = keys.unique([f"unscr-{number}"], ctx.keys.taken["doc"].__contains__)
    if key is None:
        key = ctx.keys.mint("doc", f"unscr {number} {cited.year or ''}", suffix=ctx.doc_key)
    ctx.keys.taken["doc"].add(key)
    year = f" ({cited.year})" if cited.year else ""
    record: dict[str, Any] = {
        "key": key,
        "title": f"United Nations Security Council Resolution {number}{year}",
        "type": "resolution",
        "alternate_names": [cited.printed] if cited.printed != f"Resolution {number}" else [],
    }
    if cited.year:
        record["identifier"] = f"S/RES/{number} ({cited.year})"
        record["date"] = cited.year
    issuer = _resolutions_issuer(ctx.corpus)
    if issuer is not None:
        record["issuers"] = [str(issuer)]
    record["review"] = [f"cited as {cited.printed!r}: taken to be a Security Council resolution; check and date it"]
    result.documents.append({k: v for k, v in record.items() if v != []})
    return r.Ref("doc", key)


def _chronicle(
    ctx: _Context, result: Drafted, record: dict[str, Any], entries: list[chronicle.Entry], doc_key: str
) -> None:
    if len(entries) < 3:
        return
    cites = record.setdefault("cites", [])
    seen: set[tuple[str, str, str]] = set()
    line_ends = [line.end for line in ctx.lines]
    for entry in entries:
        if (entry.kind, entry.title, entry.date) in seen:
            continue  # the same heading twice is one entry
        seen.add((entry.kind, entry.title, entry.date))
        note = f"dated entry at line {_line_index(line_ends, entry.start) + 1}: check its kind, type and date"
        if entry.kind == "doc":
            key = ctx.keys.mint("doc", entry.title, suffix=entry.date, max_words=6)
            result.documents.append(
                {"key": key, "title": entry.title, "type": entry.type, "date": entry.date, "review": [note]}
            )
            cites.append(f"doc:{key}")
            continue
        key = ctx.keys.mint("event", f"{entry.title} {entry.date}", suffix=ctx.doc_key, max_words=9)
        event: dict[str, Any] = {"key": key, "name": entry.title, "type": entry.type, "start": entry.date}
        located = [
            m.refs[0] for m in ctx.gazetteer.find(entry.title) if not m.ambiguous and m.refs[0].prefix == "place"
        ]
        if located:
            event["location"] = str(located[0])
        event["reported_in"] = [f"doc:{doc_key}"]
        event["review"] = [note]
        result.events.append(event)
    if not cites:
        del record["cites"]


# --- positions --------------------------------------------------------------------------------


def _positions(
    ctx: _Context,
    result: Drafted,
    record: dict[str, Any],
    region: tuple[int, int],
    excluded: list[tuple[int, int]],
) -> None:
    if not ctx.corpus.topics:
        ctx.notes.append("no topics are curated, so no positions were drafted")
        return
    authors = {ref for field in ("issuers", "signatories") for ref in record.get(field, ())}
    names = tuple(name for ref in sorted(authors) for name in _names_of(ctx, ref))
    topics = Gazetteer.of_topics(ctx.corpus)
    for candidate in positions.find(ctx.text, ctx.lines, region, excluded, topics, names):
        result.positions.append(_position(ctx, candidate, record, authors))


def _position(
    ctx: _Context, candidate: positions.Candidate, record: dict[str, Any], authors: set[str]
) -> dict[str, Any]:
    """One candidate position as a record, with a note on every guess."""
    quote = ctx.text[candidate.start : candidate.end]
    notes = [
        f"stance {candidate.stance} guessed from {candidate.cue!r}"
        if candidate.cue
        else "no stance cue: stance asserts assumed",
        "name is the start of the quote: paraphrase it",
    ]
    topics = list(candidate.topics)
    if not topics:
        topics = [_widest_topic(ctx.corpus)]
        notes.append(f"no topic named in the quote: {topics[0]} assumed")
    else:
        notes.append("topics guessed from " + ", ".join(topics))
    position: dict[str, Any] = {
        "key": _position_key(ctx, ctx.doc_key, candidate, quote),
        "name": _name(quote),
        "document": f"doc:{ctx.doc_key}",
        "stance": candidate.stance,
        "topics": [f"topic:{t}" for t in topics],
    }
    holders = _holders(ctx, candidate, record)
    if holders:
        position["holders"] = holders
        notes.append("holders: the annex's authors hold its positions, the sender the letter's")
    targets = _targets(ctx, candidate, authors)
    if targets:
        position["targets"] = targets
        notes.append("targets: what the words after the stance name; keep those the stance bears on")
    if candidate.point:
        position["point"] = candidate.point
    position["quote"] = {"text": quote, "start": candidate.start, "end": candidate.end}
    position["review"] = notes
    return position


_NAMED = ("org", "person", "place", "event", "doc")


def _names_of(ctx: _Context, ref: str) -> tuple[str, ...]:
    """The names a record of the collection goes by (none for a record this draft proposes)."""
    prefix, key = ref.split(":", 1)
    record = ctx.corpus.table(prefix).get(key)
    if record is None:
        return ()
    return (getattr(record, "name"), *getattr(record, "alternate_names", ()))  # noqa: B009


def _holders(ctx: _Context, candidate: positions.Candidate, record: dict[str, Any]) -> list[str]:
    """Who holds a position of a letter with an annex ([] for the document's authors, as usual)."""
    if ctx.annex is None:
        return []
    start, author = ctx.annex
    if candidate.start >= start:
        return [str(author)]
    return [ref for ref in record.get("issuers", []) + record.get("signatories", []) if ref != str(author)]


def _targets(ctx: _Context, candidate: positions.Candidate, authors: set[str]) -> list[str]:
    """What the object of a stance names ("… urge the Government of Kestria to …"): curated records and
    the records this draft proposes, never the authors or the document itself."""
    quote = ctx.text[candidate.start : candidate.end]
    at = quote.lower().find(candidate.cue.lower()) if candidate.cue else -1
    start = candidate.start + (at + len(candidate.cue) if candidate.cue and at >= 0 else 0)
    found: list[tuple[int, str]] = []
    for match in ctx.gazetteer.find(ctx.text[start : candidate.end]):
        if not match.ambiguous and match.refs[0].prefix in _NAMED:
            found.append((match.start, str(match.refs[0])))
    for section in ("organizations", "people", "places", "events", "documents"):
        for item in getattr(ctx.drafted, section):
            name = item.get("name") or item.get("title") or ""
            at = ctx.text.find(name, start, candidate.end) if len(name) > 2 else -1
            prefix = next(p for p, s in _SECTION.items() if s == section)
            if at >= 0:
                found.append((at - start, f"{prefix}:{item['key']}"))
    for name, ref in ctx.resolved_names:  # names resolved by fuzzy matching ("Elana Marsh")
        at = ctx.text.find(name, start, candidate.end)
        if at >= 0:
            found.append((at - start, str(ref)))
    own = {f"doc:{ctx.doc_key}", *authors}
    return list(dict.fromkeys(ref for _, ref in sorted(found) if ref not in own))


def _position_key(ctx: _Context, doc_key: str, candidate: positions.Candidate, quote: str) -> str:
    taken = ctx.keys.taken["position"]
    point = keys.slug(candidate.point or "", 8) if candidate.point else ""
    options = [f"{doc_key}-{point}"] if point else []
    words = keys.slug(quote, 40).split("-")
    options += [f"{doc_key}-{'-'.join(words[:n])}" for n in range(4, len(words) + 1)]
    options.append(f"{doc_key}-at-{candidate.start}")
    key = keys.unique(options, taken.__contains__) or f"{doc_key}-at-{candidate.start}-{candidate.end}"
    taken.add(key)
    return key


def _name(quote: str) -> str:
    joined = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", quote)
    words = joined.split()
    text = " ".join(words[:MAX_NAME_WORDS])
    return text + ("…" if len(words) > MAX_NAME_WORDS else "")
