"""Dates as letters and statements write them: "2016-05-17", "22 March 2017", "March 22, 2017",
"Wednesday, March 22, 2017", "14 Nov 2019", "April 24-25, 2018" (a span, any dash: the first day), "March 2017",
"4 août 2019", Arabic months and digits. The drafter finds them in texts; record errors use them to tell a
curator how to write a date they typed. Nothing is completed by guessing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    # English, French, Arabic (Levantine and Egyptian names)
    ("january", "jan", "janvier", "janv", "كانون الثاني", "يناير"),
    ("february", "feb", "février", "fevrier", "févr", "fevr", "شباط", "فبراير"),
    ("march", "mar", "mars", "آذار", "اذار", "مارس"),
    ("april", "apr", "avril", "avr", "نيسان", "أبريل", "ابريل", "إبريل"),
    ("may", "mai", "أيار", "ايار", "مايو"),
    ("june", "jun", "juin", "حزيران", "يونيو", "يونيه"),
    ("july", "jul", "juillet", "juil", "تموز", "يوليو", "يوليه"),
    ("august", "aug", "août", "aout", "آب", "اب", "أغسطس", "اغسطس"),
    ("september", "sep", "sept", "septembre", "أيلول", "ايلول", "سبتمبر"),
    ("october", "oct", "octobre", "تشرين الأول", "تشرين الاول", "أكتوبر", "اكتوبر"),
    ("november", "nov", "novembre", "تشرين الثاني", "نوفمبر"),
    ("december", "dec", "décembre", "decembre", "déc", "كانون الأول", "كانون الاول", "ديسمبر"),
)
MONTHS = {name: index for index, names in enumerate(_MONTH_NAMES, start=1) for name in names}
#: Arabic-Indic and Eastern Arabic-Indic digits, read as the digits they are.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_MONTH = r"(?P<month>" + "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_SPAN = r"(?:\s*[-\u2013\u2014]\s*[0-3]?\d(?:st|nd|rd|th)?)?"
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    "dimanche|الإثنين|الاثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|السبت|الأحد|الاحد"
)
_WEEKDAY = r"(?:(?:" + _WEEKDAYS + r"),?\s+(?:le\s+)?)?"
#: "4 آب/أغسطس 2019": a month written with both its names.
_ALSO = r"(?:\s*/\s*(?:" + "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True)) + r"))?"
#: Arabic writes "في" (on) or "،" before the year, and a year may end with "م" (Gregorian).
_YEAR_GAP = r",?\s+(?:في\s+)?"

PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    # day first, as the genre writes numbers: 18.03.2019, 18/03/2019
    re.compile(r"\b(?P<day>[0-3]?\d)[./](?P<month>[01]?\d)[./](?P<year>(?:19|20)\d\d)\b"),
    re.compile(
        _WEEKDAY + _DAY + _SPAN + r"\s+" + _MONTH + _ALSO + _YEAR_GAP + _YEAR + r"(?:\s*م)?(?!\w)", re.IGNORECASE
    ),
    re.compile(_WEEKDAY + r"\b" + _MONTH + r"\s+" + _DAY + _SPAN + r",?\s+" + _YEAR + r"\b", re.IGNORECASE),
    re.compile(r"(?<!\w)" + _MONTH + _ALSO + r",?\s+" + _YEAR + r"\b", re.IGNORECASE),
]
#: A day and a month with no year ("on 5 March", "le 4 août"): never a date, since the year would be a guess.
_ANY_MONTH = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
YEARLESS = re.compile(
    r"(?<!\w)(?:[0-3]?\d(?:st|nd|rd|th|er)?\s+(?:" + _ANY_MONTH + r")|(?:" + _ANY_MONTH + r")\s+[0-3]?\d)\b"
    r"(?!(?:st|nd|rd|th)?,?\s+(?:في\s+)?(?:19|20)\d\d)",
    re.IGNORECASE,
)


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
    text = text.translate(DIGITS)  # one character for one: the offsets stay those of the text
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            value = _value(match)
            if value and not any(f.start < match.end() and match.start() < f.end for f in found):
                found.append(FoundDate(match.start(), match.end(), value))
    return sorted(found, key=lambda f: f.start)


_PREFIX = re.compile(
    r"^(?:(?:posted|published|dated|date|updated|publié|publie|date de publication|fait|بتاريخ|التاريخ|تاريخ)"
    r"\s*:?\s*(?:on\s+|le\s+|à\s+)?|le\s+|في\s+)",
    re.IGNORECASE,
)
#: A place before the date: "Geneva, 3 May 2018", "Istanbul - 14 February 2019", "Paris, le 4 août 2019".
_PLACE_FIRST = re.compile(
    r"^(?:[A-Z][A-Za-zÀ-ÿ .,'-]{1,40}?|[\u0600-\u06ff][\u0600-\u06ff ]{1,30}?)(?:,|،|\s[-\u2013\u2014])\s+"
    r"(?=\d|le\s+\d|في\s|[A-Z][a-zé]+ \d)"
)


def whole_date(line: str) -> str | None:
    """The date a line consists of (with a weekday, "Posted", "Dated", a place and comma allowed)."""
    stripped = _PREFIX.sub("", line.strip().translate(DIGITS))
    # a place first: "Geneva, 3 May 2018", "Istanbul - 14 February 2019"
    stripped = _PLACE_FIRST.sub("", stripped)
    stripped = _PREFIX.sub("", stripped)  # "Paris, le 4 août 2019"
    found = find_dates(stripped)
    if len(found) != 1 or len(found[0].value) != 10:
        return None
    matched = stripped[found[0].start : found[0].end]
    if not PATTERNS[0].fullmatch(matched) and re.search(r"\d\s*[-\u2013\u2014]\s*\d", matched):
        return None  # a span of days is when an event took place, not a date of issue
    rest = (stripped[: found[0].start] + stripped[found[0].end :]).strip(" ,.:;()-\u2013\u2014")
    return found[0].value if not rest else None
