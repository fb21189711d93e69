"""Signatory lists ("Signatories:", "Sincerely,", "Signed by", numbered or one per line, across blank
lines and page breaks) and copy lines ("CC:"), and resolving printed names to existing records."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..records import model as r
from ..records.names import normalize, variants
from .layout import Line

_TRIGGER = re.compile(
    r"^[\s#*_>]*(?:list of\s+)?(?:signatories|signatory organi[sz]ations|signing organi[sz]ations|signed(?: by)?|"
    r"endorsed by|endorsing organi[sz]ations|sincerely(?: yours)?|yours (?:sincerely|faithfully|truly)|"
    r"(?:liste des )?signataires|organisations signataires|sign[ée] par|"
    r"الموقعون|الموقعين|المنظمات الموقعة|الجهات الموقعة|"
    r"(?:best|kind|warm) regards|regards|respectfully(?: yours)?|the undersigned(?: organi[sz]ations)?)"
    r"(?:\s*\([^()]{1,40}\))?[*_\s]*(?::[*_\s]*(?P<rest>.*)|[,.]?[*_\s]*)$",
    re.IGNORECASE,
)
_SUBHEADING = re.compile(r"^[#*_\s]*[^:]{1,60}:[*_\s]*$")
#: Lines that end a signatory list: contacts, notes, links.
_AFTER_LIST = re.compile(
    r"^\s*(?:(?:contacts?|press contact|media contact|notes?|website|source|follow us)\s*(?::|$)|"
    r"for (?:more|further) information|-{3,}|\*{3,}|_{3,})",
    re.IGNORECASE,
)
_COPY = re.compile(r"^\s*(?:cc|c\.c\.|copy to|copied to|copies to)\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(?:\d{1,4}\s*[.)\-\u2013]|[-\u2013\u2022*\u00b7\u25aa\u25cf])\s*")
_INLINE_SPLIT = re.compile(r"\s*(?:;|,|\band\b|\bet\b|\u060c)\s*")
#: What a comma in a name list joins to the name before it: a legal form, a country code ("…, Inc.", "…, UK").
_NAME_TAIL = re.compile(r"^(?:Inc|Ltd|LLC|e\.V|[A-Z]{2,3})\.?$")
#: Fuzzy matches at or above this ratio (0-100, rapidfuzz) resolve, with a review note.
FUZZY_THRESHOLD = 90.0
#: Below the threshold, at or above this: a new record, with a note naming the close one.
NEAR_THRESHOLD = 80.0
#: At most this many blank lines in a row inside one list (page breaks print several).
MAX_GAP = 4


@dataclass(frozen=True)
class Printed:
    """A name as printed, with its offsets."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class SignatureList:
    start: int  # the trigger line
    end: int
    names: tuple[Printed, ...]


def is_signature_line(text: str) -> bool:
    """Whether a line opens a signatory list ("Signatories:", "Sincerely,", "Signed by: …")."""
    return _TRIGGER.match(text) is not None


def _item(line: Line) -> Printed | None:
    number = _NUMBER.match(line.text)
    text = line.text[number.end() :] if number else line.text
    name = text.strip().rstrip(";,")
    if not any(c.isalpha() for c in name) or _is_prose(name):
        return None
    start = line.text.index(name, number.end() if number else 0) + line.start
    return Printed(name, start, start + len(name))


def _is_prose(text: str) -> bool:
    if _AFTER_LIST.match(text):
        return True
    words = text.split()
    lowered = text.lower()
    if len(words) > 14 or "http" in lowered or "www." in lowered or "@" in text:
        return True
    return text.endswith((".", ":", "?", "!")) and len(words) > 6 and not text.endswith(("Inc.", "Ltd."))


def find_list(
    all_lines: list[Line], begin: int = 0, is_place: Callable[[str], bool] = lambda _: False
) -> SignatureList | None:
    """The first signatory list at or after line ``begin``; in a list on one line, a place after a
    comma (``is_place``: a place of the collection) is part of the name before it."""
    for index in range(begin, len(all_lines)):
        trigger = _TRIGGER.match(all_lines[index].text)
        if trigger is None:
            continue
        rest = trigger.group("rest")
        names = _inline(all_lines[index], rest, is_place) if rest else []
        end = all_lines[index].end
        gap = 0
        for following in all_lines[index + 1 :]:
            if not following.stripped or following.stripped == "\f":
                gap += 1
                if gap > MAX_GAP:
                    break
                continue
            if _COPY.match(following.text):
                break
            if _SUBHEADING.match(following.stripped) and not _AFTER_LIST.match(following.stripped):
                continue  # "Second group:", "International organizations:" inside the list
            item = _item(following)
            if item is None:
                break
            gap = 0
            names.append(item)
            end = following.end
        if names:
            return SignatureList(all_lines[index].start, end, tuple(names))
    return None


def _inline(line: Line, rest: str, is_place: Callable[[str], bool]) -> list[Printed]:
    found: list[Printed] = []
    offset = line.start + line.text.index(rest)
    at = 0
    for part in _INLINE_SPLIT.split(rest.rstrip(". ")):
        name = part.strip()
        if not name:
            continue
        at = rest.index(name, at)
        gap = rest[found[-1].end - offset : at] if found else ""
        if found and gap.strip() == "," and (_NAME_TAIL.match(name) or is_place(name)):
            previous = found.pop()  # "Families for Freedom, London": one name
            found.append(
                Printed(rest[previous.start - offset : at + len(name)], previous.start, offset + at + len(name))
            )
        else:
            found.append(Printed(name, offset + at, offset + at + len(name)))
        at += len(name)
    return found


def copy_lines(all_lines: list[Line]) -> list[Printed]:
    """The text after each "CC:" (continued on the following lines up to a blank line)."""
    found: list[Printed] = []
    for index, line in enumerate(all_lines):
        match = _COPY.match(line.text)
        if match is None:
            continue
        parts = [match.group("rest")]
        start = line.start + match.start("rest")
        end = line.end
        following = all_lines[index + 1 : index + 8]
        while not parts[0].strip() and following and not following[0].stripped:
            following = following[1:]  # "CC:" alone, the names below it after a blank line, as pages print
        for after in following[:5]:
            if not after.stripped or _is_prose(after.stripped):
                break
            if not parts[0].strip() and len(parts) == 1:
                start = after.start + (len(after.text) - len(after.text.lstrip()))
            parts.append(after.stripped)
            end = after.end
        text = " ".join(" ".join(parts).split())
        if text:
            found.append(Printed(text, start, end))
    return found


@dataclass(frozen=True)
class Resolution:
    ref: r.Ref | None
    note: str | None = None  # why a person should look
    ambiguous: tuple[r.Ref, ...] = ()


class Resolver:
    """Printed names to records (organizations and people, or the kinds ``prefixes`` names):
    normalized variants, then fuzzy matching."""

    def __init__(self, corpus: r.Corpus, prefixes: tuple[str, ...] = ("org", "person")):
        self.index: dict[str, set[r.Ref]] = {}
        self.printed: dict[r.Ref, set[str]] = {}
        for prefix in prefixes:
            for key, record in corpus.table(prefix).items():
                ref = r.Ref(prefix, key)
                names = [record.title if isinstance(record, r.Document) else record.name]
                names += list(getattr(record, "alternate_names", ()))
                self.printed[ref] = set(names)
                for name in names:
                    for variant in variants(name):
                        self.index.setdefault(variant, set()).add(ref)
        self.choices = sorted(self.index)

    def resolve(self, printed: str) -> Resolution:
        for variant in variants(printed):
            refs = sorted(self.index.get(variant, ()), key=str)
            if len(refs) == 1:
                return Resolution(refs[0], self._variant_note(printed, refs[0]))
            if refs:
                listed = " or ".join(map(str, refs))
                return Resolution(refs[0], f"ambiguous name {printed!r}: {listed}; {refs[0]} taken", tuple(refs))
        return self._fuzzy(printed)

    def _variant_note(self, printed: str, ref: r.Ref) -> str | None:
        if printed in self.printed[ref]:
            return None
        return f"{ref} is printed here as {printed!r}, not yet one of its names (add it to alternate_names)"

    def shortened(self, printed: str) -> Resolution:
        """A name of at least three words printed as the start of exactly one record's name ("Office of
        the Special Envoy" for "Office of the Special Envoy for Kestria"), with a note."""
        wanted = normalize(printed)
        if len(wanted.split()) < 3:
            return Resolution(None)
        refs = {ref for choice in self.choices if choice.startswith(wanted + " ") for ref in self.index[choice]}
        if len(refs) != 1:
            return Resolution(None)
        ref = refs.pop()
        return Resolution(ref, f"{printed!r} taken as {ref}, whose name starts so (printed shorter here)")

    def near(self, printed: str) -> tuple[r.Ref, str, float] | None:
        """The closest name below the threshold (ratio at least ``NEAR_THRESHOLD``), for a note."""
        wanted = normalize(printed)
        best = process.extractOne(wanted, self.choices, scorer=fuzz.ratio, score_cutoff=NEAR_THRESHOLD)
        if not wanted or best is None:
            return None
        choice, score, _ = best
        return sorted(self.index[choice], key=str)[0], choice, score / 100

    def _fuzzy(self, printed: str) -> Resolution:
        wanted = normalize(printed)
        if not wanted or not self.choices:
            return Resolution(None)
        best = process.extractOne(wanted, self.choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if best is None:
            return Resolution(None)
        choice, score, _ = best
        refs = sorted(self.index[choice], key=str)
        note = f"fuzzy match {score / 100:.2f} of {printed!r} to {refs[0]} ({choice!r})"
        return Resolution(refs[0], note, tuple(refs) if len(refs) > 1 else ())


_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    (r"\blocal council\b|\bcouncil of\b|\bgovernorate council\b|\bmunicipal", "local-council"),
    (r"\bministry\b|\bgovernment\b|\bembassy\b", "government"),
    # directorates and registries of a local authority run local services
    (r"\bdirectorate\b|\bregistry\b", "local-administration"),
    (r"\bmedia\b|\bmagazine\b|\bnews\b|\bradio\b|\btv\b|\bjournalists?\b|\bpress\b|\bnewspaper\b", "media"),
    (r"\bbrigades?\b|\bbattalions?\b|\barmy\b|\bfront\b|\bfaction\b|\bforces\b", "armed-group"),
    (r"\bparty\b|\bpolitical\b|\bnational coalition\b", "political"),
    (r"\bunited nations\b|\bun\b|\bunicef\b|\bunhcr\b", "un-body"),
    (
        r"\bassociation\b|\borgani[sz]ation\b|\bnetwork\b|\bcent(?:er|re)\b|\bfoundation\b|\bteam\b|\binitiative\b|"
        r"\bsociety\b|\bsyndicate\b|\bgroup\b|\bcampaign\b|\bcoalition\b|\bmovement\b|\bforum\b|\bcharity\b|"
        r"\brelief\b|\bvoice\b|\bassembly\b|\bunion\b|\bcommittee\b|\bhouse\b|\bdevelopment\b|\brights\b",
        "civil-society",
    ),
)
_ORG_WORDS = re.compile("|".join(pattern for pattern, _ in _TYPE_WORDS))
#: A person, as signatory lists print one: an honorific, then two to four names.
_PERSON = re.compile(
    r"^(?i:dr|mr|mrs|ms|prof|h\.\s?e|sheikh|judge)\.?\s+[A-Z][a-z'\-]+(?:\s+(?:[A-Z]\.|[A-Z][a-z'\-]+|al-[A-Z][a-z]+|de|van|von|el)){0,3}$"
)


_HONORIFIC = re.compile(r"^(?i:dr|mr|mrs|ms|prof|h\.\s?e|sheikh|judge)\.?\s+(?=[A-Z])")
_ACRONYM_END = re.compile(r"\s*(?:\((?P<paren>[A-Z][A-Z0-9&\-]{1,11})\)|\s[-\u2013]\s(?P<dash>[A-Z][A-Z0-9&]{1,7}))$")
_PLACE_END = re.compile(r",\s*(?P<place>[A-Z][A-Za-z .'-]{1,30})$")


def printed_forms(printed: str) -> tuple[str, list[str]]:
    """The name a new record gets and the printed forms kept as its alternate names:
    "Kestrian Women's Forum (KWF)" gives "Kestrian Women's Forum" with the printed name and "KWF";
    "Help4Kestria, UK" gives "Help4Kestria" with the printed name."""
    honorific = _HONORIFIC.match(printed)
    if honorific:
        return printed[honorific.end() :].strip(), [printed]
    acronym = _ACRONYM_END.search(printed)
    if acronym:
        short = acronym.group("paren") or acronym.group("dash")
        return printed[: acronym.start()].strip(), [printed, short]
    place = _PLACE_END.search(printed)
    if place and len(place.group("place").split()) <= 2 and not _ORG_WORDS.search(place.group("place").lower()):
        return printed[: place.start()].strip(), [printed]
    return printed, []


def org_type(name: str) -> str | None:
    """The type of organization the words of its name say, if they say one."""
    lowered = name.lower()
    return next((kind for pattern, kind in _TYPE_WORDS if re.search(pattern, lowered)), None)


def guess_type(name: str) -> tuple[str, str]:
    """(kind prefix, organization type or "") guessed from the words of a new signatory's name."""
    kind = org_type(name)
    if kind is not None:
        return "org", kind
    if _PERSON.match(name.strip()):
        return "person", ""
    return "org", "civil-society"
