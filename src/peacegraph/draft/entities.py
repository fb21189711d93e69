"""Names a text gives that are not in the records yet: capitalized phrases ("Joint Relief Committee",
"Third Morvan Conference", "Mira Santos", "the town of Seltin"), each with the kind of thing it
probably names, guessed from its words and from the words around it. A person reviews every guess."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..records import written as dates
from .gazetteer import Gazetteer
from .layout import COURTESY

_WORD = r"(?:[A-Z][\w'\u2019-]*|[IVX]{1,4})"
_SPAN = re.compile(r"(?<![\w'\u2019-])" + _WORD + r"(?: (?:(?:of|for|on|the|and|in|de|du|des|al) )*" + _WORD + r")*")
_CONNECTOR = re.compile(r" (?:(?:of|for|on|in|and|the) )+")
KINDS: tuple[tuple[str, str, str], ...] = (
    # (kind, type, words of the name)
    ("event", "conference", r"conference|summit|congress"),
    ("event", "negotiation-round", r"talks|round"),
    ("event", "meeting", r"meeting"),
    ("doc", "statement", r"declaration|communiqu[eé]|statement|appeal"),
    ("doc", "agreement", r"agreement|accord|memorandum|charter"),
    ("doc", "letter", r"letter"),
    ("doc", "report", r"report"),
    (
        "org",
        "",
        r"council|committee|mechanism|office|network|forum|association|group|initiative|agency|commission|"
        r"coalition|union|ministry|organi[sz]ation|fund|programme|program|mission|centre|center|foundation|"
        r"institute|authority|party|movement|front|army|brigade|alliance|society|league|directorate|circle|"
        r"court|tribunal|parliament|assembly|police|university|bank|government|room|platform|board|panel|"
        r"task force|working group|facility|secretariat|team|unit|service|cluster|bureau",
    ),
)
_OFFICE = re.compile(
    r"\b(?:envoy|minister|secretary-general|secretary|coordinator|chief|president|ambassador|representative|"
    r"commissioner|director|spokes(?:person|man|woman)|chair(?:man|woman|person)?|said|says|by)"
    r"(?:\s+(?:for|of|to)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)?\W*$",
    re.IGNORECASE,
)
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|from|into|to|around|outside|across)(?:\sthe)?|\b(?:towns?|city|cities|villages?|region|"
    r"province|district|governorate|camps?|crossing|area|suburbs?|neighbou?rhoods?)\sof(?:\sthe)?)"
    r"(?:\s(?:northern|southern|eastern|western|north|south|east|west|rural|central|greater|besieged))?\s$",
    re.IGNORECASE,
)
#: A name followed by its acronym in brackets: "Civic Support Room (CSR)", the way bodies are introduced.
_ACRONYM_AFTER = re.compile(r"^\s\((?P<acronym>[A-Z][A-Za-z0-9&]{1,9})\)")
#: French: "à Sarn", "près de Sarn", "l'hôpital de Sarn".
_PLACE_BEFORE_FR = re.compile(
    r"(?:\b(?:à|au|aux|dans|près de|vers|depuis)|\b(?:hôpital|ville|village|région|camp|quartier|province|district)"
    r"\s(?:de|d')|\bl'hôpital de)\s$",
    re.IGNORECASE,
)
#: A person described after the name: "Samir Haddad, a participant from …".
_APPOSITION = re.compile(r"^,\s(?:a|an|the|our|their|who)\s[a-z]")
_PLACE_AFTER = re.compile(r"^\s(?:region|province|district|governorate|valley|area|countryside)\b", re.IGNORECASE)
_DATE_AFTER = re.compile(r"^\s*(?:,\s*)?(?:on|of|held on|\()\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    start: int
    end: int
    text: str
    kind: str  # "org", "person", "place", "event" or "doc"
    type: str  # the type guessed within the kind ("" for a person)
    evidence: str  # why the kind was guessed
    date: str | None = None  # an event's date, stated right after its name


@dataclass(frozen=True)
class Lookup:
    """What is known already: the names of the records (exactly), and ``close``, the kind of record
    ("org", "person", "place", …) whose name a phrase is close to (fuzzy matching), or None."""

    gazetteer: Gazetteer
    close: Callable[[str], str | None] = lambda _: None


def find(text: str, region: tuple[int, int], excluded: list[tuple[int, int]], lookup: Lookup) -> list[Name]:
    """Names in text[region] (outside ``excluded``) that no record's name matches whole, and names close
    to a record's name (kind "org", "person", … of that record, evidence "close")."""
    found: list[Name] = []
    known = [(m.start + region[0], m.end + region[0]) for m in lookup.gazetteer.find(text[region[0] : region[1]])]
    for span in _SPAN.finditer(text, region[0], region[1]):
        if any(a <= span.start() < b for a, b in excluded) or any(
            a <= span.start() and span.end() <= b for a, b in known
        ):
            continue  # excluded, or inside a curated name ("Conseil de sécurité")
        start = span.start()
        for part in [*_AND.finditer(span.group(0)), None]:  # "the Peace Council and on the Office of …"
            end = span.start() + part.start() if part else span.end()
            found += _names(text, start, end, lookup)
            start = span.start() + part.end() if part else end
    return found


_AND = re.compile(r" and (?:on|in|to|at|for|from|with) (?:the )?")


CLOSE = "a name close to a record's"


def _close(text: str, start: int, end: int, lookup: Lookup) -> Name | None:
    """A phrase close to a record's name ("Goverment of Kestria", "the shelling of Dalvorra")."""
    phrase = text[start:end]
    before = text[max(0, start - 45) : start]
    single = len(phrase.split()) == 1
    if single and (len(phrase) < 5 or not (_PLACE_BEFORE.search(before) or re.search(r"\bof\s$", before))):
        return None
    kind = lookup.close(phrase)
    return Name(start, end, phrase, kind, "", CLOSE) if kind else None


def _names(text: str, start: int, end: int, lookup: Lookup) -> list[Name]:
    gazetteer = lookup.gazetteer
    phrase = text[start:end]
    if phrase.startswith(("The ", "Le ", "La ", "Les ")):
        start += phrase.index(" ") + 1
        phrase = text[start:end]
    if _whole(gazetteer, phrase):
        return []  # a curated name
    close = _close(text, start, end, lookup)
    if close is not None:
        return [close]
    office = _office_then_name(phrase)
    if office is not None:
        return _names(text, start + office, end, lookup)
    pair = _PAIR.match(phrase)
    if pair and _PLACE_BEFORE.search(text[max(0, start - 45) : start]):  # "the towns of Ostel and Brin"
        return [
            Name(start + a, start + b, phrase[a:b], "place", "other", _PLACE_EVIDENCE)
            for a, b in (pair.span(1), pair.span(2))
            if not _whole(gazetteer, phrase[a:b])
        ]
    for cut in _CONNECTOR.finditer(phrase):
        left, rest = phrase[: cut.start()], phrase[cut.end() :]
        if rest.lower() in dates.MONTHS:  # "Halden in January"
            return _names(text, start, start + cut.start(), lookup)
        if _whole(gazetteer, left) or (len(left.split()) == 1 and _kind(left) is None):  # "Dalvora and in the …"
            close = _close(text, start, start + cut.start(), lookup)
            return ([close] if close else []) + _names(text, start + cut.end(), end, lookup)
        if _whole(gazetteer, rest) and _kind(left) is None:
            return _names(text, start, start + cut.start(), lookup)  # "Mira Santos of the Morvan Relief Network"
    name = _classify(text, start, end, phrase)
    return [name] if name is not None else []


_PLACE_EVIDENCE = "where it stands (after 'in', 'at', 'near', 'the town of' …)"
_PAIR = re.compile(r"^([A-Z][\w'\u2019-]+) and ([A-Z][\w'\u2019-]+)$")


def _whole(gazetteer: Gazetteer, phrase: str) -> bool:
    return any(m.start == 0 and m.end == len(phrase) for m in gazetteer.find(phrase))


def _office_then_name(phrase: str) -> int | None:
    """Where the name starts in "UN Special Envoy Elena Marsh"."""
    found = re.search(
        r"\b(?:Envoy|Minister|Secretary-General|Coordinator|Chief|President|Ambassador|Commissioner|Director|"
        r"Representative|Spokesperson|Rapporteur|Chair|Chairperson|Mediator)\s",
        phrase,
    )
    if found is None:
        return None
    rest = phrase[found.end() :].split()
    named = 2 <= len(rest) <= 3 and all(word[:1].isupper() for word in rest)
    return found.end() if named and _kind(phrase[found.end() :]) is None else None


def _kind(phrase: str) -> tuple[str, str, str] | None:
    for kind, type_, words in KINDS:
        word = re.search(r"\b(?:" + words + r")\b", phrase, re.IGNORECASE)
        if word:
            return kind, type_, word.group(0)
    return None


def _classify(text: str, start: int, end: int, phrase: str) -> Name | None:
    words = phrase.split()
    before = text[max(0, start - 45) : start]
    at_start = not before.strip() or before.rstrip()[-1:] in '.!?:;"\u201c\n' or before.endswith("\n")
    if phrase.upper() == phrase or (len(words) == 1 and (at_start or words[0].lower() in dates.MONTHS)):
        return None  # an acronym, or a capital at the start of a sentence
    kind = _kind(phrase)
    if kind is None and len(words) >= 2 and _ACRONYM_AFTER.match(text[end : end + 14]):
        kind = ("org", "", "an acronym after it")
    if kind is not None and len(words) >= 2:
        date = _date_after(text, end) if kind[0] == "event" else None
        evidence = kind[2] if kind[2].startswith("an acronym") else f"the word {kind[2]!r}"
        return Name(start, end, phrase, kind[0], kind[1], evidence, date)
    person_after = _APPOSITION.match(text[end : end + 16])
    if (
        kind is None
        and 2 <= len(words) <= 3
        and (COURTESY.search(before[-12:]) or _OFFICE.search(before) or person_after)
    ):
        return Name(start, end, phrase, "person", "", "a name after an office, title or 'said', or described")
    place_after = _PLACE_AFTER.match(text[end : end + 20])
    if (
        kind is None
        and len(words) <= 3
        and (_PLACE_BEFORE.search(before) or _PLACE_BEFORE_FR.search(before) or place_after)
    ):
        type_ = "region" if place_after else "other"
        return Name(start, end, phrase, "place", type_, _PLACE_EVIDENCE)
    return None


def _date_after(text: str, end: int) -> str | None:
    """The date an event's name is followed by ("… Conference on 25 April 2019"): a stated date, never more."""
    lead = _DATE_AFTER.match(text[end : end + 20])
    if lead is None:
        return None
    found = dates.find_dates(text[end + lead.end() : end + lead.end() + 40])
    if found and found[0].start == 0 and len(found[0].value) == 10:
        return found[0].value
    return None
