"""Quotes and the seed texts they come from: reading a text, finding a quote in it, and saying why
a quote that looks right is not found.

``peacegraph locate`` uses this to print offsets for a new position record; the loader uses it
to explain a quote that does not match its source.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Final

from ..errors import InputError
from .limits import MAX_SOURCE_BYTES, read_utf8

_FORMS: Final = ("NFC", "NFD", "NFKC", "NFKD")

#: What ``locate`` accepts after a backslash, as in a Python or YAML double-quoted string.
_ESCAPE: Final = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([nrt\\\"']))")
_SIMPLE: Final = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"', "'": "'"}
ESCAPES_HELP: Final = "\\n \\r \\t \\\\ \\\" \\' \\xHH \\uHHHH \\UHHHHHHHH"


def read_text(path: Path, shown: Path | str | None = None) -> str:
    """A seed text: bounded, and UTF-8 or refused naming the line of the first bad byte."""
    return read_utf8(path, MAX_SOURCE_BYTES, file=shown if shown is not None else path)


def unescape(argument: str, name: str = "QUOTE") -> str:
    """``argument`` with its backslash escapes turned into the characters they stand for."""
    out: list[str] = []
    at = 0
    for match in _ESCAPE.finditer(argument):
        _refuse_stray_backslash(argument, at, match.start(), name)
        out.append(argument[at : match.start()])
        out.append(_escaped(match, name))
        at = match.end()
    _refuse_stray_backslash(argument, at, len(argument), name)
    out.append(argument[at:])
    return "".join(out)


def _refuse_stray_backslash(argument: str, start: int, end: int, name: str) -> None:
    stray = argument.find("\\", start, end)
    if stray >= 0:
        escape = argument[stray : stray + 2]
        raise InputError(
            f"argument {name}, character {stray + 1}: '{escape}' is not an escape (the escapes are {ESCAPES_HELP})"
        )


def _escaped(match: re.Match[str], name: str) -> str:
    hexadecimal = match.group(1) or match.group(2) or match.group(3)
    if hexadecimal is None:
        return _SIMPLE[match.group(4)]
    code = int(hexadecimal, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise InputError(f"argument {name}, character {match.start() + 1}: {match.group()} is not a Unicode character")
    return chr(code)


def locate(source: Path, argument: str) -> list[tuple[int, int]]:
    """The offsets (start, end) of every occurrence of the quote ``argument`` (escapes allowed) in ``source``."""
    quote = unescape(argument)
    if not quote:
        raise InputError("argument QUOTE: the quote is empty; give the words to find")
    text = read_text(source)
    spans = []
    at = text.find(quote)
    while at >= 0:
        spans.append((at, at + len(quote)))
        at = text.find(quote, at + 1)
    if not spans:
        hint = normalization_hint(text, quote)
        raise InputError(f"quote not found; {hint}" if hint else "quote not found", source)
    return spans


def normalization_hint(text: str, quote: str) -> str | None:
    """Why ``quote`` is not in ``text`` if it differs only by Unicode normalization, else None."""
    for form in _FORMS:
        normalized = unicodedata.normalize(form, quote)
        if normalized != quote and normalized in text:
            at = text.find(normalized)
            return (
                f"the quote differs from the source only by Unicode normalization: the source has it "
                f"in {form} at {at}-{at + len(normalized)}; copy the quote from the source"
            )
    if unicodedata.normalize("NFC", quote) in unicodedata.normalize("NFC", text):
        return "the quote differs from the source only by Unicode normalization (NFC and NFD); copy it from the source"
    return None
