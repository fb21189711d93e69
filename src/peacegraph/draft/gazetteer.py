"""Every existing entity a text names: all names and alternate names of the curated records, found
with one Aho-Corasick automaton (multi-pattern), longest match first, on word boundaries.

The text is folded character by character (lower case, no accents, one space for any run of white
space, straight quotes), keeping the offset of every folded character in the original, so a match
is reported at its place in the text. Names written in capitals (acronyms such as "US", "UN",
"CG") match only in capitals, so "us" is never the United States. A name that several records
carry (a capital: the city and the government) is ambiguous and reported with all of them.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from ..records import model as r

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
NAMED = ("org", "person", "place", "event", "doc")
_PARTS = re.compile(r",\s*|\s+and\s+")
_GENERIC = frozenset({"assistance", "action", "role", "reform", "return", "participation", "access"})


@dataclass(frozen=True)
class Folded:
    """A text folded for matching, and the offset in the original of each folded character."""

    text: str
    offsets: array[int]


def _fold_char(c: str) -> str:
    c = c.translate(_QUOTES)
    if c.isascii():
        return c.lower()
    base = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
    return base[0].lower() if len(base) == 1 and base.isascii() else c.lower()[:1] or " "


_TOKENS = re.compile(r"\S+|\s+")


def fold(text: str) -> Folded:
    parts: list[str] = []
    offsets = array("q")
    for token in _TOKENS.finditer(text):
        start, word = token.start(), token.group(0)
        if word[0].isspace():
            if parts:
                parts.append(" ")
                offsets.append(start)
            continue
        parts.append(word.lower() if word.isascii() else "".join(_fold_char(c) for c in word))
        offsets.extend(range(start, start + len(word)))
    if parts and parts[-1] == " ":
        parts.pop()
        offsets.pop()
    return Folded("".join(parts), offsets)


def fold_name(name: str) -> str:
    """``fold(name).text``, without the offsets (the fast way for the ASCII names most are)."""
    if name.isascii():
        return " ".join(name.lower().split())
    return fold(name.strip()).text


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and len(name) <= 8 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class Match:
    start: int  # offsets in the original text
    end: int
    name: str  # the name as the record gives it
    refs: tuple[r.Ref, ...]  # sorted; more than one: ambiguous

    @property
    def ambiguous(self) -> bool:
        return len(self.refs) > 1


class Gazetteer:
    """Names (as printed, with the records each names) in one automaton."""

    def __init__(self, printed: dict[str, set[r.Ref]]):
        self.names: dict[str, dict[str, set[r.Ref]]] = {}  # folded -> printed name -> refs
        for name, refs in printed.items():
            folded = fold_name(name)
            if len(folded) >= 2:
                self.names.setdefault(folded, {}).setdefault(name.strip(), set()).update(refs)
        self.automaton = ahocorasick.Automaton()
        for folded in self.names:
            self.automaton.add_word(folded, folded)
        if self.names:
            self.automaton.make_automaton()

    @classmethod
    def of(cls, corpus: r.Corpus, prefixes: Iterable[str] = NAMED) -> Gazetteer:
        """Every name and alternate name of the records of ``prefixes``."""
        printed: dict[str, set[r.Ref]] = {}
        for prefix in prefixes:
            for key, record in corpus.table(prefix).items():
                for name in _names(record):
                    printed.setdefault(name, set()).add(r.Ref(prefix, key))
        return cls(printed)

    @classmethod
    def of_topics(cls, corpus: r.Corpus) -> Gazetteer:
        """Topic labels and alternate labels, their parts ("Detainees and missing persons": "detainees",
        "missing persons") and their singular or plural."""
        printed: dict[str, set[r.Ref]] = {}
        for key, topic in corpus.topics.items():
            for label in (topic.label, *topic.alt_labels):
                for part in {label, *_PARTS.split(label)}:
                    part = part.strip()
                    if len(part) < 4 or part.lower() in _GENERIC:
                        continue
                    for form in (part, part[:-1] if part.endswith("s") else part + "s"):
                        printed.setdefault(form, set()).add(r.Ref("topic", key))
        return cls(printed)

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches, longest first, in text order."""
        if not self.names:
            return []
        folded = fold(text)
        found: list[tuple[int, int, str]] = []
        for end, pattern in self.automaton.iter(folded.text):
            start = end - len(pattern) + 1
            if _bounded(folded.text, start, end + 1):
                found.append((start, end + 1, pattern))
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        taken = bytearray(len(folded.text) + 1)
        matches: list[Match] = []
        for start, end, pattern in found:
            if any(taken[start:end]):
                continue
            match = self._match(text, folded, start, end, pattern)
            if match is not None:
                taken[start:end] = b"\x01" * (end - start)
                matches.append(match)
        return sorted(matches, key=lambda m: m.start)

    def _match(self, text: str, folded: Folded, start: int, end: int, pattern: str) -> Match | None:
        begin, finish = folded.offsets[start], folded.offsets[end - 1] + 1
        printed = " ".join(text[begin:finish].split())
        refs: set[r.Ref] = set()
        names = self.names[pattern]
        for name, name_refs in names.items():
            if not _is_acronym(name) or " ".join(name.split()) == printed:
                refs |= name_refs
        if not refs:
            return None
        name = sorted(names)[0]
        return Match(begin, finish, name, tuple(sorted(refs, key=str)))


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def _names(record: r.Record) -> list[str]:
    if isinstance(record, r.Document):
        return [record.title, *record.alternate_names]
    if isinstance(record, r.Topic):
        return [record.label, *record.alt_labels]
    names: list[str] = [getattr(record, "name")]  # noqa: B009 - named records only
    return names + list(getattr(record, "alternate_names", ()))
