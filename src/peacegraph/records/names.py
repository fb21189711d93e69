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
#: A trailing ", Place" or " - Place" of at most three words, as signatory lists print them.
_TRAILING_PLACE = re.compile(r"\s*(?:,|\s[-\u2013\u2014]\s)\s*[^,()\-\u2013\u2014]{2,40}$")


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


def variants(name: str) -> list[str]:
    """Every normalized reading of a printed name, the full one first, without duplicates or blanks."""
    found = [normalize(name)]
    without_place = _TRAILING_PLACE.sub("", name)
    if without_place != name and len(normalize(without_place).split()) >= 1:
        found.append(normalize(without_place))
    short = acronym(name)
    if short:
        found.append(short)
    return list(dict.fromkeys(v for v in found if v))
