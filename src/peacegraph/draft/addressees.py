"""Addressees as diplomatic letters print them, read into who is addressed and in which office:
an honorific, a name and an office ("His Excellency Mr. Jonas Albrecht, Permanent Representative of
Tarsonia to the United Nations"); a courtesy title, a name and an office ("Ms. Ana Kovac,
Under-Secretary-General for Humanitarian Affairs"); the office first ("Humanitarian Chief, Mr. Pablo
Ferreira"); a body's members or chairs ("Dear Members of the Peace Council", "Representatives of the Members
of the Contact Group", "the Co-Chairs of the Forum")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .layout import COURTESY, OFFICE

_LEAD = re.compile(r"^(?:to\b\s*:?|dear\b|attn\b\s*:?|attention\b\s*:?|for the attention of\b)\s*", re.IGNORECASE)
_MEMBERS = re.compile(
    r"^(?:the\s+)?(?:(?:permanent\s+)?representatives\s+of\s+the\s+)?(?:members|member states|(?:co-)?chairs?|"
    r"(?:co-)?chairpersons?|presidency|president|secretariat|bureau)\s+of\s+(?:the\s+)?",
    re.IGNORECASE,
)
#: A name: two to four capitalized words (particles allowed), ending where the office starts.
_OFFICE_WORD = (
    r"(?!(?:Permanent|Representative|President|Secretary|Minister|Envoy|Chief|Director|Head|Chair|Ambassador|"
    r"Coordinator|Commissioner|Special|Deputy|Under-Secretary-General|Secretary-General)\b)"
)
_NAME = re.compile(
    r"(?P<name>[A-Z][\w'\u2019-]+(?:\s+"
    + _OFFICE_WORD
    + r"(?:[A-Z]\.|[A-Z][\w'\u2019-]+|al-\w+|de|van|von|el|bin|ibn|da|di|du)){1,3})"
    r"(?=\s*(?:,|$)|\s+" + OFFICE.pattern.lstrip("^") + ")"
)
_SALUTATION_ONLY = re.compile(
    r"^(?:your\s+excellenc(?:y|ies)|excellenc(?:y|ies)|sir|madam|sir or madam|all|friends|colleagues|"
    r"to whom it may concern)\W*$",
    re.IGNORECASE,
)


#: "سعادة السيدة إيلينا مارش، المبعوثة الخاصة …": an honorific, a courtesy title, the name, then the office.
_ARABIC = re.compile(
    r"^(?:(?:سعادة|معالي|فخامة)\s+)?(?:السيد|السيدة|الدكتور|الدكتورة)\s+(?P<name>[^،,]{3,60})(?:[،,]\s*(?P<office>.*))?$"
)


@dataclass(frozen=True)
class Addressee:
    name: str  # a person's name, or a body's
    office: str | None  # the office a person is addressed in
    kind: str  # "person" or "org"


def parse(text: str) -> Addressee | None:
    """Who one addressee line addresses, or None (a bare salutation, or a form not recognized)."""
    text = _LEAD.sub("", text.strip()).strip().rstrip(",:;")
    if not text or _SALUTATION_ONLY.match(text):
        return None
    members = _MEMBERS.match(text)
    if members:
        return Addressee(text[members.end() :].strip(), None, "org")
    arabic = _ARABIC.match(text)
    if arabic:
        office = arabic.group("office").strip(" ،,") or None
        return Addressee(arabic.group("name").strip(), office, "person")
    courtesy = list(COURTESY.finditer(text))
    if not courtesy:
        return None
    last = courtesy[-1]
    name = _NAME.match(text, last.end())
    if name is None:
        return None
    before = text[: courtesy[0].start()].strip(" ,")
    after = text[name.end() :].strip(" ,")
    office = ", ".join(part for part in (before, after) if part) or None
    return Addressee(name.group("name"), office, "person")
