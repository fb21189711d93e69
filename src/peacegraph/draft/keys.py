"""Keys for drafted records, by the project's rules: lower-case ASCII words joined by hyphens,
describing the thing, never a counter (docs/explanation/identifiers.md)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from ..errors import InputError
from ..records.names import fold

_WORD = re.compile(r"[a-z0-9]+")
#: Words a key can start without.
_LEADING = frozenset({"the", "a", "an"})


def slug(text: str, max_words: int = 8) -> str:
    """The first ``max_words`` meaningful words of ``text`` as a key ("" if it has none)."""
    words = _WORD.findall(fold(text).replace("&", " and ").replace("'", ""))
    while len(words) > 1 and words[0] in _LEADING:
        words = words[1:]
    return "-".join(words[:max_words])


def unique(candidates: list[str], taken: Callable[[str], bool]) -> str | None:
    """The first candidate key that is not taken, or None."""
    for candidate in candidates:
        if candidate and not taken(candidate):
            return candidate
    return None


def mint(text: str, taken: Callable[[str], bool], *, suffix: str = "", max_words: int = 8, kind: str = "record") -> str:
    """A free key for ``text``: more of its words until free, then ``suffix`` (a date, a document's key).
    A text with no ASCII word (a name in Arabic script) gets ``kind`` and a digest of the text, for a
    person to replace with a transliteration."""
    if not slug(text):
        text = f"{kind} {hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"
    words = slug(text, 40).split("-")
    candidates = ["-".join(words[:n]) for n in range(min(max_words, len(words)), len(words) + 1)]
    if suffix:
        candidates += [f"{c}-{suffix}" for c in candidates]
    found = unique(candidates, taken)
    if found is None:
        raise InputError(f"no free key for {text!r}: every key its words give is taken")
    return found
