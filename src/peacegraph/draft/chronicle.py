"""Dated entries of a chronicle: headings such as "2016-05-17: Contact Group (CG)
Meeting", "2016-05-02 | Battlefield dynamics in the north", or "posted 2016-10-14" followed by the
entry's title. Each becomes a candidate event, or a candidate document when the heading names one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .layout import Line

_HEADING = re.compile(
    r"^\s*(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+)?"
    r"(?P<date>(?:19|20)\d\d-[01]\d-[0-3]\d)\s*(?::|\||-|\u2013)?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_POSTED = re.compile(
    r"^\s*(?:posted|published|updated)\s*:?\s*(?:on\s+)?(?P<date>(?:19|20)\d\d-[01]\d-[0-3]\d)\s*$", re.I
)
_HASHTAG = re.compile(r"^(?:#\w+\s*\|?\s*)+")
#: Words in a heading that make its entry a document rather than an event, with the document type.
DOCUMENT_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bjoint statement\b", "joint-statement"),
    (r"\bpress release\b", "press-release"),
    (r"\bcommuniqu", "communique"),
    (r"\bresolution\b(?!.*\bmeeting\b)", "resolution"),
    (r"\breport\b", "report"),
    (r"\binterview\b", "interview"),
    (r"\bletter\b|\bmessage\b", "letter"),
    (r"\bstatement\b|\bremarks\b|\bbriefing\b|\banalys[ie]s\b|\btranscript\b", "statement"),
)
EVENT_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bsecurity council\b.*\bmeeting\b|\bcouncil (?:meeting|session)\b", "council-session"),
    (r"\btask force\b", "task-force-meeting"),
    (r"\bconference\b", "conference"),
    (r"\bcongress\b", "congress"),
    (r"\btalks\b|\bnegotiations?\b|\bround\b", "negotiation-round"),
    (r"\bceasefire\b|\bcease-fire\b|\bcessation of hostilities\b|\btruce\b", "ceasefire"),
    (r"\bmeets?\b|\bmet\b|\bmeeting\b|\bvisit\b", "meeting"),
    (r"\bbriefing\b", "briefing"),
)


@dataclass(frozen=True)
class Entry:
    date: str
    title: str
    start: int  # offsets of the heading line in the text
    end: int
    kind: str  # "event" or "doc"
    type: str


def _kind(title: str) -> tuple[str, str]:
    lowered = title.lower()
    for pattern, event_type in EVENT_WORDS[:2]:
        if re.search(pattern, lowered):
            return "event", event_type
    for pattern, doc_type in DOCUMENT_WORDS:
        if re.search(pattern, lowered):
            return "doc", doc_type
    for pattern, event_type in EVENT_WORDS[2:]:
        if re.search(pattern, lowered):
            return "event", event_type
    return "event", "other"


def _clean(title: str) -> str:
    title = _HASHTAG.sub("", title.strip())
    return " ".join(title.strip(' :|-\u2013"\u201c\u201d').split())


def entries(lines: list[Line], skip_first: bool = True) -> list[Entry]:
    """The dated headings, in text order. The first "Posted DATE" of the text is the document's own
    date, not an entry, when ``skip_first``."""
    found: list[Entry] = []
    first = next((index for index, line in enumerate(lines) if line.stripped), -1)
    for index, line in enumerate(lines):
        posted = _POSTED.match(line.text)
        if posted:
            if skip_first and index == first:
                continue
            title = next((_clean(ln.text) for ln in lines[index + 1 : index + 8] if ln.stripped), "")
            date = posted.group("date")
        else:
            heading = _HEADING.match(line.text)
            if heading is None:
                continue
            date, title = heading.group("date"), _clean(heading.group("title"))
            if not title and index + 1 < len(lines):
                title = next((_clean(ln.text) for ln in lines[index + 1 : index + 4] if ln.stripped), "")
        if len(title) < 3:
            continue
        kind, entry_type = _kind(title)
        found.append(Entry(date, title, line.start, line.end, kind, entry_type))
    return found
