"""What the head of a document says: title, date of issue (not the dates of events it mentions),
type, language, addressees, those in copy, the issuer, the address it was published at."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import model as r
from ..records import written as dates
from .gazetteer import Gazetteer, Match
from .layout import COURTESY, OFFICE, Block, Line, units
from .signatories import is_signature_line

#: The head of a document: blocks before the first paragraph of prose, at most this many.
MAX_HEAD_BLOCKS = 12
MAX_TITLE_WORDS = 25
_MARKUP = re.compile(r"^[#>*_\s]+|[*_\s]+$")
_LINK = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<url>https?://[^)\s]+)\)$")
_URL = re.compile(r"^(?P<url>https?://\S+)$")
_ADDRESS = re.compile(
    r"^(?:to\b:?|dear\b|your excellenc|(?:his |her |their )?excellenc|h\.\s?e\.|members of\b|attn\b|attention\b|"
    r"for the attention|(?:permanent )?representatives of the members\b)",
    re.IGNORECASE,
)
#: "Dear …" after the addressees were named: the salutation, not one more addressee.
_DEAR = re.compile(
    r"^(?:dear|madame|monsieur|mesdames|messieurs|ch[eè]re?s?|excellence|your excellenc\w*)\b"
    r"(?!\s+(?:members|representatives)\b)",
    re.IGNORECASE,
)
#: A bracketed date opening the first paragraph: "[14 March 2019] As donors gather …".
_BRACKET_DATE = re.compile(r"^\s*\[(?P<date>[^\[\]\n]{6,40})\]\s*")
_SALUTATION = re.compile(r"^(?:dear\b|your excellenc|excellenc|to whom it may concern)", re.IGNORECASE)
_CLOSING = re.compile(
    r"^\s*(?:sincerely|yours (?:sincerely|faithfully|truly)|(?:best |kind )?regards|respectfully)", re.I | re.M
)
_PULL_QUOTE = re.compile(r"^[\"\u201c\u201e\u00ab'\u2018]")
_KIND_WORDS = (
    r"(?:joint |public |open |press )?(?:ngo |civil[- ]society )?(?:statement|letter|release|communiqu[eé]|"
    r"declaration|appeal|position paper|briefing|press release)|for immediate release|communiqu[ée] de presse|"
    r"d[ée]claration (?:conjointe|commune)|lettre ouverte|بيان صحفي|بيان مشترك"
)
_TYPE_LINE = re.compile(r"^(?:" + _KIND_WORDS + r")\b", re.IGNORECASE)
#: A heading that only names the kind of document ("Joint Statement"): a title printed next to it wins.
_BARE_TYPE = re.compile(r"(?:" + _KIND_WORDS + r")s?", re.IGNORECASE)
#: Headings that say how a text is released, not what it is called: never an alternate name.
_RELEASE_NOTE = re.compile(r"for immediate release|embargoed.*", re.IGNORECASE)
_TITLE_DATE = re.compile(r"\s*[(\[](?P<date>[^()\[\]]{6,40})[)\]]\s*$")
_BY = re.compile(r"\b(?:by|of)\s+(?:the\s+)?(?P<who>.+)$", re.IGNORECASE)
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z .'-]{1,30},?\s*)?[(\[]?(?P<date>[^()\[\]\n]{6,40}?)[)\]]?\s*[-\u2013\u2014:]\s"
)

TYPES: tuple[tuple[str, str], ...] = (
    (r"statement of principles|\bprinciples for\b", "statement-of-principles"),
    (
        r"joint statement|joint declaration|d[ée]claration conjointe|d[ée]claration commune|بيان مشترك",
        "joint-statement",
    ),
    (r"press release|press statement|communiqu[ée] de presse|بيان صحفي", "press-release"),
    (r"communiqu", "communique"),
    (r"open letter|\bletter\b|\blettre\b|رسالة", "letter"),
    (r"\breport\b", "report"),
    (r"\binterview\b", "interview"),
    (r"\bstatement\b|\bdeclaration\b|\bappeal\b|d[ée]claration|بيان", "statement"),
)


@dataclass
class Head:
    title: str | None = None
    alternate_names: list[str] = field(default_factory=list)
    date: str | None = None
    date_evidence: str | None = None
    url: str | None = None
    addressee_texts: list[str] = field(default_factory=list)
    body_start: int = 0  # offset of the first paragraph of prose
    made_title: bool = False  # no title printed: one was made up
    release_note: str | None = None  # "For immediate release": says the text is a press release
    navigation: str | None = None  # a line like a site's navigation bar, not taken as the title
    addressing: bool = False  # the last unit was an addressee line ("To:" or a name), so an office may follow


def _clean(text: str) -> str:
    return _MARKUP.sub("", text).strip()


def _is_title(text: str) -> bool:
    words = text.split()
    if not words or len(words) > MAX_TITLE_WORDS or _PULL_QUOTE.match(text) or _ADDRESS.match(text):
        return False
    if dates.whole_date(text) or _URL.match(text) or _LINK.match(text) or is_signature_line(text):
        return False
    if text.endswith(":") or (text.endswith((".", ",", ";")) and len(words) > 3):
        return False
    return any(c.isalpha() for c in text)


def _starts_unit(text: str) -> bool:
    text = _clean(text)
    return bool(
        dates.whole_date(text)
        or _ADDRESS.match(text)
        or _TYPE_LINE.fullmatch(text)
        or is_signature_line(text)
        or _BRACKET_DATE.match(text)
    )


def _whole_unit(text: str) -> bool:
    text = _clean(text)
    return bool(
        dates.whole_date(text)
        or _TYPE_LINE.fullmatch(text)
        or re.fullmatch(r"to\s*:?", text, re.I)
        or _is_navigation(text)
    )


def read_head(blocks: list[Block]) -> Head:
    head = Head()
    blocks = units(blocks[:MAX_HEAD_BLOCKS], _starts_unit, _whole_unit, MAX_HEAD_BLOCKS * 2)
    for block in blocks:
        text = _clean(block.joined)
        if _is_prose(text):
            heading = _leading_heading(block)
            if heading is not None:
                _read_block(head, heading)
            head.body_start = block.lines[1].start if heading is not None else block.start
            if head.title is None and heading is None:
                _title_after_intro(head, blocks[blocks.index(block) + 1 : blocks.index(block) + 4])
            break
        head.body_start = block.end
        _read_block(head, text)
    if head.title is None and head.addressee_texts:
        head.title = "Letter to " + re.sub(r"^(?:to\b:?\s*)", "", head.addressee_texts[0], flags=re.I).rstrip(",:")
        head.made_title = True
    if head.title is None:
        head.title = _fallback_title(blocks)
        head.made_title = head.title is not None
    return head


def _title_after_intro(head: Head, following: list[Block]) -> None:
    """A title printed after an opening paragraph (a summary or a note on the text)."""
    for block in following:
        text = _clean(block.joined)
        if _is_prose(text):
            return
        if _is_title(text) and not _TYPE_LINE.match(text):
            _set_title(head, text)
            return


def _leading_heading(block: Block) -> str | None:
    """A short first line over a paragraph with no blank line between ("Joint Statement")."""
    if len(block.lines) < 2:
        return None
    first, second = block.lines[0].stripped, block.lines[1].stripped
    if len(first.split()) > 8 or first.endswith((".", ",", ";", ":")) or len(first) * 2 > len(second):
        return None
    return _clean(first) if _is_title(_clean(first)) else None


def _is_prose(text: str) -> bool:
    words = len(text.split())
    return words > MAX_TITLE_WORDS or (text.endswith((".", "!", "?")) and words >= 6)


def _read_block(head: Head, text: str) -> None:
    link = _LINK.match(text) or _URL.match(text)
    if link:
        head.url = head.url or link.group("url")
        return
    day = dates.whole_date(text)
    if day:
        if head.date is None:
            head.date, head.date_evidence = day, text
        head.addressing = False
        return
    if _addressee_line(head, text):
        return
    head.addressing = False
    if head.title is None and head.navigation is None and _is_navigation(text):
        head.navigation = text
        return
    if not _is_title(text):
        return
    if head.title is None:
        _set_title(head, text)
    elif _BARE_TYPE.fullmatch(head.title) and not _TYPE_LINE.match(text):
        head.alternate_names.append(head.title)
        if _RELEASE_NOTE.fullmatch(head.title):
            head.release_note = head.alternate_names.pop()
        _set_title(head, text)
    elif _TYPE_LINE.match(text) and text not in head.alternate_names:
        head.alternate_names.append(text)


_NAV_WORDS = re.compile(
    r"\b(?:home|about(?: us)?|news|contact(?: us)?|donate|search|menu|log ?in|sign ?in|subscribe|"
    r"accueil|actualit[ée]s|contact|faire un don|الرئيسية|اتصل بنا|من نحن)\b",
    re.IGNORECASE,
)
_NAV_SEPARATOR = re.compile(r"\s*[|\u2022\u00b7>]\s*|\s{3,}")


def _is_navigation(text: str) -> bool:
    """A line like a web site's navigation bar ("Home | About us | News | Donate"), as a PDF printed
    from a page carries at its top."""
    parts = [part for part in _NAV_SEPARATOR.split(text) if part.strip()]
    return len(_NAV_WORDS.findall(text)) >= 2 and (len(parts) >= 3 or len(text.split()) <= 8)


def _addressee_line(head: Head, text: str) -> bool:
    """An addressee line into ``head``: "To:", a name with its office, a body's members, or an office
    on the line after a name (joined to it)."""
    if _DEAR.match(text) and head.addressee_texts:
        head.addressing = False
        return True  # the salutation
    if head.addressing and OFFICE.match(text) and head.addressee_texts:
        head.addressee_texts[-1] = f"{head.addressee_texts[-1].rstrip(',')}, {text}"
        return True
    if _ADDRESS.match(text) or (
        (head.addressing or head.title is not None) and COURTESY.search(text) and len(text.split()) <= 25
    ):
        if re.fullmatch(r"to\s*:?", text, re.IGNORECASE) is None:
            head.addressee_texts.append(text)
        head.addressing = True
        return True
    return False


#: The United Nations' way of titling a letter: "Letter dated 5 March 2019 from the Permanent Representative
#: of Tarsonia to the United Nations addressed to the President of the Security Council".
_LETTER_DATED = re.compile(
    r"^(?:identical )?letters? dated (?P<date>.{6,30}?) from .+? addressed to (?P<to>.+)$", re.IGNORECASE
)


def _set_title(head: Head, text: str) -> None:
    dated = _TITLE_DATE.search(text)
    day = dates.whole_date(dated.group("date")) if dated else None
    if dated and day:
        head.alternate_names.append(text)
        text = text[: dated.start()].strip()
        if head.date is None:
            head.date, head.date_evidence = day, dated.group("date")
    letter = _LETTER_DATED.match(text)
    if letter:
        day = dates.whole_date(letter.group("date"))
        if day and head.date is None:
            head.date, head.date_evidence = day, letter.group("date")
        head.addressee_texts.append(letter.group("to"))
    head.title = text


def _fallback_title(blocks: list[Block]) -> str | None:
    """The first sentence of the first block that has one: a person will retitle it (review note)."""
    for block in blocks:
        text = _clean(block.joined)
        if text and not _PULL_QUOTE.match(text) and not dates.whole_date(text) and not _ADDRESS.match(text):
            return " ".join(text.split()[:12]).rstrip(",;:")
    return None


def dateline(text: str, body_start: int) -> str | None:
    """A press-release dateline at the start of the body: "GENEVA (3 May 2018) - …", or a date in
    square brackets opening it: "[14 March 2019] As donors gather …"."""
    opening = text[body_start : body_start + 120]
    match = _DATELINE.match(opening) or _BRACKET_DATE.match(opening)
    return dates.whole_date(match.group("date")) if match else None


def closing_date(blocks: list[Block], signature_start: int | None) -> str | None:
    """A date line just before the signatures, or in the last blocks."""
    tail = [b for b in blocks if signature_start is None or b.end <= signature_start][-4:]
    for block in reversed(tail):
        day = dates.whole_date(block.joined)
        if day:
            return day
    return None


def guess_type(text: str, head: Head, signatures: int, dated_entries: int) -> tuple[str, str]:
    """(type, evidence)."""
    if dated_entries >= 3:
        return "timeline", f"{dated_entries} dated entries"
    heading = " ".join([head.title or "", *head.alternate_names, head.release_note or ""])
    if re.search(r"press release|for immediate release|communiqu[ée] de presse|بيان صحفي", heading, re.I):
        return "press-release", "a press-release heading"  # a release about a letter is a release
    opening = text[: head.body_start + 400]
    salutation = _SALUTATION.search(opening) or re.search(r"^(?:dear|your excellenc)", opening, re.I | re.M)
    if salutation and (_CLOSING.search(text) or head.addressee_texts):
        return "letter", "a salutation and a closing" if _CLOSING.search(text) else "addressees and a salutation"
    named = " ".join([head.title or "", *head.alternate_names, text[:1000]]).lower()
    for pattern, kind in TYPES:
        found = re.search(pattern, named)
        if found and kind == "statement" and signatures > 1:
            return "joint-statement", f"{found.group(0)!r} and {signatures} signatories"
        if found:
            return kind, repr(found.group(0))
    return ("joint-statement", f"{signatures} signatories") if signatures > 1 else ("statement", "nothing")


_ARABIC = re.compile(r"[\u0600-\u06ff]")
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "we", "with"},
    "fr": {"le", "la", "les", "et", "des", "du", "est", "que", "pour", "nous"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "wir", "mit", "für", "zu"},
}


def language(text: str) -> str:
    if len(_ARABIC.findall(text)) > len(text) / 4:
        return "ar"
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿñæœäöß]+", text.lower()[:20000])
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    return max(sorted(scores), key=lambda lang: scores[lang])


def agents(gazetteer: Gazetteer, text: str) -> tuple[list[r.Ref], list[Match]]:
    """The organizations and people an addressee or copy line names; a title before a name
    ("UN Special Envoy for Kestria Elena Marsh") belongs to the person, so only the person counts.
    Also the ambiguous matches, for review."""
    found = [m for m in gazetteer.find(text) if any(ref.prefix in ("org", "person") for ref in m.refs)]
    people = [m for m in found if any(ref.prefix == "person" for ref in m.refs)]
    kept: list[r.Ref] = []
    for match in found:
        is_person = match in people
        titled = not is_person and any(
            0 <= p.start - match.end <= 60 and not re.search(r";|\band\b|&", text[match.end : p.start]) for p in people
        )
        if titled:
            continue
        refs = [ref for ref in match.refs if ref.prefix == ("person" if is_person else "org")] or list(match.refs)
        if refs[0] not in kept:
            kept.append(refs[0])
    return kept, [m for m in found if m.ambiguous]


def by_whom(gazetteer: Gazetteer, title: str | None) -> list[r.Ref]:
    """The issuer a title names: "Joint Statement by the Foreign Ministers of the Contact Group"."""
    if not title or _LETTER_DATED.match(title):
        return []  # "Letter dated … from the Permanent Representative of …": see ``mission_of``
    match = _BY.search(title)
    if match is None:
        return []
    refs, _ = agents(gazetteer, match.group("who"))
    return [ref for ref in refs if ref.prefix == "org"][:1] if refs else []


_FROM = re.compile(
    r"\bfrom (?:the )?(?:permanent |deputy |chargé d'affaires |charge d'affaires )*(?P<who>.+?) addressed to", re.I
)


def mission_of(gazetteer: Gazetteer, corpus: r.Corpus, title: str | None) -> list[r.Ref]:
    """The government a letter in the United Nations' form comes from: "Letter dated … from the
    Permanent Representative of Tarsonia to the United Nations addressed to …" is Tarsonia's
    (a government of the collection whose country the sender's office names)."""
    found = _FROM.search(title or "") if title and _LETTER_DATED.match(title) else None
    if found is None:
        return []
    office = re.sub(r"\s+to the united nations.*$", "", found.group("who"), flags=re.I)
    governments = {
        o.country: r.Ref("org", k) for k, o in sorted(corpus.organizations.items()) if o.type == "government"
    }
    for match in gazetteer.find(office):
        for ref in match.refs:
            if ref.prefix == "place" and ref in governments:
                return [governments[ref]]
            if ref.prefix == "org" and ref in governments.values():
                return [ref]
    return []


_ANNEX = re.compile(r"^\s*(?:annex|annexe|مرفق)(?:\s+(?:[IVX]+|\d+))?\s*:?\s*$", re.IGNORECASE)
_TRANSMITTED = re.compile(
    r"\btransmit(?:ting)? herewith (?:a|the) (?:joint )?(?:statement|letter|declaration|appeal|communiqu[eé]) "
    r"(?:by|of|from|issued by) (?:the )?(?P<who>[^(.;]+)",
    re.IGNORECASE,
)


def annex(lines: list[Line]) -> int | None:
    """Where the annex of a letter that transmits a text starts (after its "Annex" heading)."""
    return next((line.end for line in lines if _ANNEX.match(line.text)), None)


def transmitted(gazetteer: Gazetteer, text: str) -> tuple[str, list[r.Ref]] | None:
    """Whose text a letter transmits ("I have the honour to transmit herewith a statement by …"): the
    words, and the organizations of the collection they name."""
    found = _TRANSMITTED.search(text)
    if found is None:
        return None
    who = found.group("who").strip()
    return who, [m.refs[0] for m in gazetteer.find(who) if not m.ambiguous and m.refs[0].prefix == "org"]


#: How a press release names its issuer: "…, the Relief Network said today", "The Relief Network calls on …".
_SPEAKS = re.compile(
    r"(?:^|[,.\u2013\u2014-]\s+)(?:the\s+)?(?P<who>[A-Z][^,.;:\"\u201c\u201d]{2,80}?)\s+"
    r"(?:said|says|announced|stated|calls on|calls for|urges|demands|welcomes|condemns)\b",
    re.MULTILINE,
)


def release_issuer(gazetteer: Gazetteer, text: str, recipients: list[r.Ref]) -> r.Ref | None:
    """The organization a press release speaks for in the third person: named at least twice as the
    one who says, calls on or urges (never an addressee)."""
    votes: dict[r.Ref, int] = {}
    for said in _SPEAKS.finditer(text):
        found = gazetteer.find(said.group("who"))
        if len(found) == 1 and found[0].end == len(said.group("who")) and found[0].refs[0].prefix == "org":
            ref = found[0].refs[0]
            if not found[0].ambiguous and ref not in recipients:
                votes[ref] = votes.get(ref, 0) + 1
    ranked = sorted(votes.items(), key=lambda item: (-item[1], str(item[0])))
    return ranked[0][0] if ranked and ranked[0][1] >= 2 else None


_NAMED_FIRST = re.compile(
    r"^(?P<who>.+?)\s+(?:joint |public |open |press )?(?:statement|letter|declaration|appeal|communiqu[eé])\b", re.I
)


def named_first(gazetteer: Gazetteer, title: str | None) -> list[r.Ref]:
    """The issuer a title opens with: "Morvan Relief Network Statement on the Siege of Dalvora"."""
    match = _NAMED_FIRST.match(title or "")
    if match is None:
        return []
    found = gazetteer.find(match.group("who"))
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(match.group("who")):
        return [ref for ref in found[0].refs if ref.prefix == "org"][:1]
    return []


_MEMBERS_OF = re.compile(
    r"\b(?:foreign |defen[cs]e )?(?:ministers|governments|ministries|leaders|representatives|"
    r"heads of state(?: and government)?) of\s+",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(r"^(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?$", re.IGNORECASE)


def country_list(gazetteer: Gazetteer, corpus: r.Corpus, text: str, limit: int) -> list[r.Ref]:
    """Governments listed as "The Foreign Ministers of Egypt, France, …, and the United States"."""
    ranked = sorted(
        (not o.name.lower().startswith("government"), k, o.country)
        for k, o in corpus.organizations.items()
        if o.type == "government"
    )
    governments: dict[r.Ref | None, r.Ref] = {}
    for _, key, country in ranked:
        governments.setdefault(country, r.Ref("org", key))
    for opening in _MEMBERS_OF.finditer(text[:limit]):
        found: list[r.Ref] = []
        base = at = opening.end()
        for match in gazetteer.find(text[base : base + 600]):
            gap = text[at : base + match.start]
            if (found and not _LIST_GAP.match(gap)) or (not found and gap.strip().lower() not in ("", "the")):
                break
            government = _government(match, governments)
            if government is None:
                break
            found.append(government)
            at = base + match.end
        if len(found) >= 2:
            return found
    return []


def _government(match: Match, governments: dict[r.Ref | None, r.Ref]) -> r.Ref | None:
    chosen = set(governments.values())
    for ref in match.refs:
        if ref.prefix == "org" and ref in chosen:
            return ref
    for ref in match.refs:
        if ref.prefix == "place" and ref in governments:
            return governments[ref]
    return None
