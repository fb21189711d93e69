"""Lines and blocks (runs of non-blank lines) of a text, with their offsets in it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # without the line break
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


@dataclass(frozen=True)
class Block:
    lines: tuple[Line, ...]

    @property
    def start(self) -> int:
        return self.lines[0].start + (len(self.lines[0].text) - len(self.lines[0].text.lstrip()))

    @property
    def end(self) -> int:
        last = self.lines[-1]
        return last.start + len(last.text.rstrip())

    @property
    def joined(self) -> str:
        """The block as one line: lines joined by a space, white space collapsed."""
        return " ".join(" ".join(line.stripped for line in self.lines).split())

    @property
    def words(self) -> int:
        return len(self.joined.split())


def lines(text: str) -> list[Line]:
    found: list[Line] = []
    at = 0
    for raw in text.split("\n"):
        found.append(Line(at, at + len(raw), raw))
        at += len(raw) + 1
    return found


def blocks(text: str) -> list[Block]:
    found: list[Block] = []
    current: list[Line] = []
    for line in lines(text):
        if line.stripped and line.stripped != "\f":
            current.append(line)
        elif current:
            found.append(Block(tuple(current)))
            current = []
    if current:
        found.append(Block(tuple(current)))
    return found


#: A line that ends a unit of the head: a sentence, a salutation, a list heading.
_ENDED = re.compile(r"[.!?:;,\u060c\u061b][\"'\u201d\u2019)\]]*\s*$")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s*$")
#: Words a line cannot stop at unless a line break wraps a phrase.
_CONNECTOR = re.compile(r"\b(?:of|the|and|for|to|in|on|at|by|with|a|an|de|du|des|la|le|et|pour)\s*$", re.IGNORECASE)
#: A courtesy title or honorific before a name, or an office that opens an addressee line.
COURTESY = re.compile(
    r"(?:^|(?<=\s))(?:(?:(?:His|Her|Their|Your) Excellenc(?:y|ies)|H\.\s?E\.|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?|"
    r"Ambassador|M\.|Mme\.?|Madame|Monsieur|S\.E\.|السيد|السيدة|سعادة|معالي)\s+)+(?=\w)"
)
OFFICE = re.compile(
    r"^(?:Permanent Representative|President|Vice[- ]President|(?:Under-|Assistant )?Secretary|Minister|"
    r"(?:Deputy |UN |United Nations )?(?:Special )?Envoy|Chief|Director|Head|Chair|Ambassador|Coordinator|"
    r"High Commissioner|Commissioner|Representative)\b"
)


def units(
    blocks: list[Block], starts_unit: Callable[[str], bool], whole_unit: Callable[[str], bool], limit: int
) -> list[Block]:
    """The blocks of a head with web text's single line breaks taken as breaks between units (title,
    dateline, addressee lines, paragraphs), where hard-wrapped text would not break: after a sentence,
    a salutation or a line that is a unit of its own (``whole_unit``: a date, a heading), before a line
    that ``starts_unit`` (a date, an addressee), before an
    office or a name with a courtesy title, and between a short heading and a long paragraph. At most
    ``limit`` units."""
    found: list[Block] = []
    for block in blocks:
        current: list[Line] = [block.lines[0]]
        for line in block.lines[1:]:
            if len(found) >= limit:
                return found  # the head is read from the first ``limit`` units only
            if _breaks(current[-1].stripped, line.stripped, starts_unit, whole_unit):
                found.append(Block(tuple(current)))
                current = []
            current.append(line)
        found.append(Block(tuple(current)))
    return found[:limit]


def _breaks(before: str, after: str, starts_unit: Callable[[str], bool], whole_unit: Callable[[str], bool]) -> bool:
    if not after or after[0].islower() or _CONNECTOR.search(before):
        return False
    if _ENDED.search(before) or whole_unit(before) or starts_unit(after):
        return True
    if COURTESY.search(before) or COURTESY.search(after) or OFFICE.match(after):
        return True
    words = len(before.split())
    if len(after.split()) >= 12 and _SENTENCE_END.search(after) and not _SENTENCE_END.search(before):
        return True  # a heading of any length over a paragraph printed on one line
    return words <= 12 and len(after.split()) >= 12 and len(after) >= 2 * len(before)
