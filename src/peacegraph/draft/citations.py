"""Documents a text cites: Security Council resolutions by number ("resolution 2254", "UNSCR 2254",
"UNSCR-2254", "S/RES/2254 (2015)") and curated documents by name (a communiqué named after its city)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import model as r
from ..records.written import DIGITS
from .gazetteer import Gazetteer

_RESOLUTION = re.compile(
    r"(?:\bUNSCR?\s*-?\s*|\bS/RES/|\b(?:Security Council\s+)?[Rr]esolutions?\s+(?:No\.?\s*)?|"
    r"\b[Rr][ée]solution\s+(?:du Conseil de s[ée]curit[ée]\s+)?(?:n[°o]\s*)?|"
    r"(?:ال)?قرار\s+(?:مجلس\s+الأمن\s+)?(?:رقم\s+)?)"
    r"(?P<number>\d{3,4})(?:\s*\((?P<year>(?:19|20)\d\d)\))?"
)
_IDENTIFIER = re.compile(r"S/RES/(?P<number>\d+)")
#: Titles too generic to cite a document by ("Joint Statement", the title of many documents).
_GENERIC = re.compile(r"^(?:joint |press |open )?(?:statement|release|letter|communiqu[eé]|declaration)s?$", re.I)


@dataclass(frozen=True)
class Cited:
    ref: r.Ref | None  # an existing document, or None for a resolution to draft
    number: str | None  # the resolution's number
    year: str | None
    printed: str


def resolutions_by_number(corpus: r.Corpus) -> dict[str, r.Ref]:
    found: dict[str, r.Ref] = {}
    for key, document in sorted(corpus.documents.items()):
        match = _IDENTIFIER.match(document.identifier or "")
        if match and document.type == "resolution":
            found.setdefault(match.group("number"), r.Ref("doc", key))
    return found


def find(text: str, corpus: r.Corpus, documents: Gazetteer) -> list[Cited]:
    """Cited documents in order of first citation, each once."""
    known = resolutions_by_number(corpus)
    cited: dict[str, Cited] = {}
    hits: list[tuple[int, str, Cited]] = []
    for numbered in _RESOLUTION.finditer(text.translate(DIGITS)):  # one character for one: same offsets
        number = numbered.group("number")
        ref = known.get(number)
        printed = text[numbered.start() : numbered.end()]
        hits.append((numbered.start(), number, Cited(ref, number, numbered.group("year"), printed)))
    for named in documents.find(text):
        refs = [ref for ref in named.refs if ref.prefix == "doc"]
        if refs and not _GENERIC.match(text[named.start : named.end].strip()):
            hits.append((named.start, str(refs[0]), Cited(refs[0], None, None, text[named.start : named.end])))
    for _, identity, citation in sorted(hits, key=lambda h: h[0]):
        key = str(citation.ref) if citation.ref else identity
        if key not in cited or (citation.year and not cited[key].year):
            cited[key] = (
                citation
                if key not in cited
                else Cited(cited[key].ref, cited[key].number, citation.year, cited[key].printed)
            )
    return list(cited.values())
