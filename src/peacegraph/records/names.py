"""Matching names as people write them: one normalization for curation checks, drafting and reconciliation.

``normalize`` reduces a name to what identifies it: no accents, case, punctuation or curly quotes,
``&`` read as "and", no parenthesized part (an acronym such as "(LDSPS)"), no leading "The".
``variants`` adds the other readings a printed name allows: without a trailing place
("Help4Syria, UK"), and the parenthesized acronym on its own.
"""

from __future__ import annotations

import re
import unicodedata

_PARENTHESIZED = re.compile(r"\(([^()]*)\)")
_LEADING = re.compile(r"^(?:the|foundation (?:to|for)) ")
_WORD = re.compile(r"[a-z0-9]+")
#: What a trailing place may not hold; its separator is the last of these in a name.
_NOT_IN_PLACE = frozenset(",()-\u2013\u2014")


def fold(text: str) -> str:
    """Lower case ASCII: accents dropped, compatibility forms (curly quotes, ligatures) unified."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode().lower()


def normalize(name: str) -> str:
    """The words of a name that identify it, joined by single spaces ("" when nothing is left)."""
    text = fold(name).replace("&", " and ")
    text = _PARENTHESIZED.sub(" ", text)
    text = _LEADING.sub("", text.strip())
    return " ".join(_WORD.findall(text))


def acronym(name: str) -> str | None:
    """The parenthesized acronym of a name ("Local Development … (LDSPS)" gives "ldsps"), if it has one."""
    for inner in _PARENTHESIZED.findall(name):
        words: list[str] = _WORD.findall(fold(inner))
        if len(words) == 1 and 2 <= len(words[0]) <= 12 and inner.strip().upper() == inner.strip():
            return words[0]
    return None


def without_trailing_place(name: str) -> str:
    """A name without a trailing ", Place" or " - Place" (2 to 40 characters), as signatory lists print them.

    One scan from the end, not a pattern: ``\\s*(?:,|\\s-\\s)\\s*[^,()-]{2,40}$`` searched a name of
    a thousand spaces in quadratic time. The place is what follows the last comma, parenthesis or dash; a dash
    separates only with white space on both sides; the white space before the separator goes too.
    """
    at = next((i for i in range(len(name) - 1, -1, -1) if name[i] in _NOT_IN_PLACE), -1)
    if at < 0 or name[at] in "()":
        return name
    place = name[at + 1 :]
    start = at
    if name[at] != ",":  # a dash: " - Place"
        if not (place[:1].isspace() and at > 0 and name[at - 1].isspace()):
            return name
        place, start = place[1:], at - 1
    if len(place) < 2 or len(place.lstrip()) > 40:
        return name
    return name[:start].rstrip()


def variants(name: str) -> list[str]:
    """Every normalized reading of a printed name, the full one first, without duplicates or blanks."""
    found = [normalize(name)]
    without_place = without_trailing_place(name)
    if without_place != name and len(normalize(without_place).split()) >= 1:
        found.append(normalize(without_place))
    short = acronym(name)
    if short:
        found.append(short)
    return list(dict.fromkeys(v for v in found if v))
