"""Lines and blocks (runs of non-blank lines) of a text, with their offsets in it."""

from __future__ import annotations

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
