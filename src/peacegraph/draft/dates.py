"""Dates as letters and statements write them: "2016-05-17", "22 March 2017", "March 22, 2017",
"Wednesday, March 22, 2017", "14 Nov 2019", "April 24-25, 2018" (a span, any dash: the first day), "March 2017".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_SPAN = r"(?:\s*[-\u2013\u2014]\s*[0-3]?\d(?:st|nd|rd|th)?)?"
_WEEKDAY = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"

PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    # day first, as the genre writes numbers: 18.03.2019, 18/03/2019
    re.compile(r"\b(?P<day>[0-3]?\d)[./](?P<month>[01]?\d)[./](?P<year>(?:19|20)\d\d)\b"),
    re.compile(_WEEKDAY + _DAY + _SPAN + r"\s+" + _MONTH + r",?\s+" + _YEAR + r"\b", re.IGNORECASE),
    re.compile(_WEEKDAY + r"\b" + _MONTH + r"\s+" + _DAY + _SPAN + r",?\s+" + _YEAR + r"\b", re.IGNORECASE),
    re.compile(r"\b" + _MONTH + r",?\s+" + _YEAR + r"\b", re.IGNORECASE),
]


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    value: str  # YYYY-MM-DD or YYYY-MM


def _value(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    month_text = groups["month"].lower().rstrip(".")
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text)
    year = int(groups["year"])
    if month is None:
        return None
    if groups.get("day") is None:
        return f"{year:04d}-{month:02d}"
    try:
        return datetime.date(year, month, int(groups["day"])).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[FoundDate]:
    """Every date in ``text``, in order; where patterns overlap, the longest wins."""
    found: list[FoundDate] = []
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            value = _value(match)
            if value and not any(f.start < match.end() and match.start() < f.end for f in found):
                found.append(FoundDate(match.start(), match.end(), value))
    return sorted(found, key=lambda f: f.start)


def whole_date(line: str) -> str | None:
    """The date a line consists of (with a weekday, "Posted", "Dated", a place and comma allowed)."""
    stripped = re.sub(r"^(?:posted|published|dated|date|updated)\s*:?\s*(?:on\s+)?", "", line.strip(), flags=re.I)
    # a place first: "Geneva, 3 May 2018", "Istanbul - 14 February 2019"
    stripped = re.sub(r"^[A-Z][A-Za-z .,'-]{1,40}?(?:,|\s[-\u2013\u2014])\s+(?=\d|[A-Z][a-z]+ \d)", "", stripped)
    found = find_dates(stripped)
    if len(found) != 1 or len(found[0].value) != 10:
        return None
    matched = stripped[found[0].start : found[0].end]
    if not PATTERNS[0].fullmatch(matched) and re.search(r"\d\s*[-\u2013\u2014]\s*\d", matched):
        return None  # a span of days is when an event took place, not a date of issue
    rest = (stripped[: found[0].start] + stripped[found[0].end :]).strip(" ,.:;()-\u2013\u2014")
    return found[0].value if not rest else None
