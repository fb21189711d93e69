"""Candidate positions: numbered points ("1.", "a)", inline "(1) … (2)") and sentences with a stance
cue ("we call on", "urge", "condemn", …), each with its stance guessed from the cue, its topics from
the topic scheme's labels, and its quote with the offsets computed here."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from .gazetteer import Gazetteer
from .layout import Line

#: Cue words by stance (the stance vocabulary of ontology/peacegraph.ttl), most specific first.
CUES: tuple[tuple[str, str], ...] = (
    (
        "conditions",
        r"unless|only if|conditional on|necessary conditions?|on condition|provided that|absent (?:a|an|any)|"
        r"as long as|can(?:not)? (?:\w+ ){0,3}without",
    ),
    ("condemns", r"condemn(?:s|ed)?|denounce(?:s|d)?|deplore(?:s|d)?|condamn\w*|d[ée]non[cç]\w*|ندين|تدين|يدين|نستنكر"),
    (
        "welcomes",
        r"welcome(?:s|d)?|commend(?:s|ed)?|applaud(?:s|ed)?|saluons|salue(?:nt)?|nous f[ée]licitons|نرحب|ترحب|يرحب",
    ),
    ("rejects", r"reject(?:s|ed)?|refuse(?:s|d)? to accept|no place|rejet(?:ons|tent|te)|نرفض|ترفض|يرفض"),
    ("opposes", r"oppose(?:s|d)?|stand against"),
    ("warns-against", r"warn(?:s|ed)?|threatens?|poses? a (?:serious )?threat|risks?|dangerous"),
    (
        "demands",
        r"demand(?:s|ed)?|insist(?:s|ed)?|urge(?:s|d)?|must|non-negotiable|not negotiable|exige(?:ons|nt)?|"
        r"exhort(?:ons|ent)|demandons|نطالب|تطالب|يطالب",
    ),
    (
        "calls-for",
        r"call(?:s|ed)? (?:on|upon|for)|appeal(?:s|ed|ing)? to|ask(?:s|ed)?|need(?:s)? to|invite(?:s|d)?|"
        r"it is (?:critical|essential|crucial|vital|imperative|urgent) that|appel(?:ons|le|lent)|invitons|"
        r"ندعو|تدعو|يدعو|نناشد",
    ),
    ("commits-to", r"commit(?:s|ted)?|pledge(?:s|d)?|remain committed|will continue|will take"),
    (
        "supports",
        r"support(?:s|ed|ing)?|endorse(?:s|d)?|back(?:s|ed)?|uphold(?:s|ing)?|stand with|soutenons|soutien(?:t|nent)|"
        r"appuyons|ندعم|تدعم|نؤيد",
    ),
    ("recommends", r"recommend(?:s|ed)?|should|encourage(?:s|d)?"),
    ("acknowledges", r"acknowledge(?:s|d)?|recogni[sz]e(?:s|d)?|recogni[sz]ing"),
    ("proposes", r"propose(?:s|d)?|suggest(?:s|ed)?"),
)
_CUE = re.compile(
    r"\b(?:" + "|".join(f"(?P<{stance.replace('-', '_')}>{words})" for stance, words in CUES) + r")\b",
    re.IGNORECASE,
)
#: Cues that say the stance after "a" or "the" too ("a dangerous departure", "the necessary conditions").
_ADJECTIVES = ("dangerous", "necessary", "non-negotiable", "not negotiable")
#: Words that make a cue a noun ("the support of", "a call for").
_NOUN_GUARD = re.compile(r"(?:\b(?:the|a|an|its|our|their|his|her|this|that|with|of)|['\u2019]s?)\s+$", re.IGNORECASE)
_ITEM = re.compile(
    r"^(?P<indent>\s*)(?:(?P<number>\d{1,2})(?:[.)]|\s?-(?=\s))|\(?(?P<letter>[a-z])\)|(?P<bullet>[-\u2022\u2013*]))\s+(?=\S)"
)
#: A line that ends an item of a list with no marks ("in particular:" then one item a line).
_ITEM_END = re.compile(r"[;\u061b]\s*$")
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019)]*(?=\s|$)|:(?=\s*\n)")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\bMr|\bMrs|\bMs|\bDr|\bSt|\bNo|\be\.g|\bi\.e|\betc|\bvs|\bInc|\bLtd)\.$")
_CLOSED = re.compile(r"[.!?:;]['\"\u201d\u2019)]*$")
_INLINE = re.compile(r"\((\d)\)\s*")
_HEADING_END = re.compile(r"[:.]$")


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    stance: str
    cue: str | None  # the words the stance was guessed from (None: none found)
    point: str | None
    topics: tuple[str, ...]  # topic keys


@dataclass
class _Item:
    label: str
    start: int  # where its text starts (after the number)
    end: int


def stance_of(text: str) -> tuple[str, str] | None:
    for match in _CUE.finditer(text):
        word = match.group(0)
        if _NOUN_GUARD.search(text[: match.start()]) and not word.lower().startswith(_ADJECTIVES):
            continue  # a noun or an adjective: "the support of", "a call for", "the proposed congress"
        if word[0].isupper() and match.start() > 0 and text[match.start() - 2 : match.start()].strip() not in ".":
            continue  # part of a name: "Support Group", "Rights Watch"
        stance = next(name for name, value in match.groupdict().items() if value)
        return stance.replace("_", "-"), match.group(0)
    return None


#: Words by which the authors speak of themselves.
_FIRST_PERSON = re.compile(
    r"\b(?:we|our|us|the undersigned|signatories|signatory|nous|notre|nos)\b|"
    r"\bthe (?:organi[sz]ations|groups)\b|نحن|ن\w+",
    re.IGNORECASE,
)
_REPORTED = re.compile(
    r"^[\"\u201c\u00ab].+[\"\u201d\u00bb],?\s+(?:said|says|according to|added|stated)\b", re.I | re.S
)


def others_speak(sentence: str, cue: str, authors: tuple[str, ...] = ()) -> bool:
    """Whether a stance sentence gives the words of someone the authors name ("The UN Special Envoy
    called for …", "“We demand …,” said …"), not the authors' own (``authors``: their names, as a
    press release names its issuer: "The Relief Network calls on …")."""
    if _REPORTED.match(sentence):
        return True
    subject = sentence[: sentence.lower().find(cue.lower())]
    if _FIRST_PERSON.search(subject) or any(name.lower() in subject.lower() for name in authors):
        return False
    return any(word[:1].isupper() for word in subject.split()[1:] if word not in ("I",))


def _unmarked(line: str, previous: str, in_list: bool) -> bool:
    """Whether a line is an item of a list without marks: after a line ending with ":", lines ending
    with ";" (the last one with ".")."""
    return (
        bool(line)
        and (previous.endswith(":") or in_list)
        and bool(_ITEM_END.search(line) or (in_list and line.endswith(".")))
    )


def _items(all_lines: list[Line], start: int, end: int) -> list[_Item]:
    """Numbered items and lettered sub-items in [start, end), with the section heading before a list
    that starts again at 1 ("Constitutional Reform 1")."""
    items: list[_Item] = []
    number, prefix, heading = 0, "", ""
    open_item: _Item | None = None
    unmarked = False  # after a line ending with ":", lines ending with ";" are items
    previous = ""
    for line in all_lines:
        if line.start < start or line.end > end:
            continue
        match = _ITEM.match(line.text)
        unmarked = match is None and _unmarked(line.stripped, previous, unmarked)
        before, previous = previous, line.stripped
        if unmarked or (match is not None and match.group("bullet")):
            start_at = match.end() if match else len(line.text) - len(line.text.lstrip())
            open_item = _Item("", line.start + start_at, line.end)
            items.append(open_item)
            continue
        if match is None:
            if not line.stripped:
                open_item = None
            elif open_item is not None and (line.stripped[0].islower() or not _CLOSED.search(before)):
                open_item.end = line.end
            elif open_item is None and len(line.stripped.split()) <= 8:
                heading = line.stripped.rstrip(":").strip()
            else:
                open_item = None
            continue
        if match.group("number"):
            value = int(match.group("number"))
            if value <= number and value == 1:
                prefix = f"{heading} " if heading else prefix
            number = value
            label = f"{prefix}{value}"
        elif number > 0:
            label = f"{prefix}{number}.{match.group('letter')}"
        elif number < 0 or before.endswith(":"):  # "We ask that:" then "a) …": a list lettered from the start
            number, label = -1, f"{prefix}{match.group('letter')}"
        else:
            continue
        open_item = _Item(label, line.start + match.end(), line.end)
        items.append(open_item)
    return items


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences in text[start:end] as (start, end), trimmed; paragraphs and items end sentences."""
    found: list[tuple[int, int]] = []
    at = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if _ABBREVIATION.search(text[max(at, match.start() - 5) : match.end()]):
            continue
        found.append((at, match.end()))
        at = match.end()
    found.append((at, end))
    return [t for s, e in found if (t := _trim(text, s, e))[0] < t[1]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find(
    text: str,
    all_lines: list[Line],
    region: tuple[int, int],
    excluded: list[tuple[int, int]],
    topics: Gazetteer,
    authors: tuple[str, ...] = (),
) -> list[Candidate]:
    start, end = region
    items = _items(all_lines, start, end)
    by_start = {item.start: item for item in items}
    item_starts = [item.start for item in items]
    line_starts = [line.start for line in all_lines]
    blank = {ln.start for ln in all_lines if start <= ln.start <= end and not ln.stripped}
    bounds = sorted(
        {
            start,
            end,
            *blank,
            *(i.start for i in items),
            *(_line_start(line_starts, i.start) for i in items),
            *(min(i.end + 1, end) for i in items),  # the line after an item is not the item's
        }
    )
    candidates: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    lead_in: tuple[str, str] | None = None  # of a list: the sentence ending with ":" before it
    sub_lead: tuple[str, str] | None = None  # of lettered sub-items: their item's sentence ending with ":"
    for seg_start, seg_end in itertools.pairwise(bounds):
        item = by_start.get(seg_start)
        for index, (s, e) in enumerate(sentences(text, seg_start, seg_end)):
            if any(a <= s < b for a, b in excluded) or (s, e) in seen:
                continue
            sentence = text[s:e]
            cue = stance_of(sentence)
            owner = item if item is not None else _within(items, item_starts, s)
            first_of_item = item is not None and index == 0
            opens_list = sentence.rstrip().endswith(":")
            if first_of_item and item is not None and "." in item.label.rsplit(" ", 1)[-1]:
                cue = sub_lead or cue or lead_in  # "a government that: a) … b) …" completes its item
            elif first_of_item:
                cue = cue or lead_in
                sub_lead = cue if opens_list else None
            elif cue is None or others_speak(sentence, cue[1], authors):
                continue
            elif opens_list:
                lead_in = cue
            seen.add((s, e))
            candidates.append(_candidate(text, s, e, cue, (owner.label or None) if owner else None, topics))
    candidates += _inline_points(text, region, excluded, topics, {c.point for c in candidates if c.point})
    return sorted(candidates, key=lambda c: (c.start, c.end))


def _line_start(line_starts: list[int], offset: int) -> int:
    return line_starts[max(bisect.bisect_right(line_starts, offset) - 1, 0)]


def _within(items: list[_Item], starts: list[int], offset: int) -> _Item | None:
    """The item whose text holds ``offset`` (items are in text order and do not overlap)."""
    index = bisect.bisect_right(starts, offset) - 1
    return items[index] if index >= 0 and items[index].start <= offset < items[index].end else None


def _candidate(
    text: str, start: int, end: int, cue: tuple[str, str] | None, point: str | None, topics: Gazetteer
) -> Candidate:
    found = tuple(dict.fromkeys(ref.key for m in topics.find(text[start:end]) for ref in m.refs))
    return Candidate(start, end, cue[0] if cue else "asserts", cue[1] if cue else None, point, found)


def _inline_points(
    text: str, region: tuple[int, int], excluded: list[tuple[int, int]], topics: Gazetteer, used: set[str]
) -> list[Candidate]:
    """ "… we call for (1) the release of detainees; (2) …; and (3) …": one candidate per point."""
    found: list[Candidate] = []
    for paragraph in re.finditer(r"(?s).+?(?:\n\s*\n|\Z)", text[region[0] : region[1]]):
        base = region[0] + paragraph.start()
        markers = list(_INLINE.finditer(paragraph.group(0)))
        numbers = [int(m.group(1)) for m in markers]
        if len(markers) < 2 or numbers != list(range(1, len(markers) + 1)):
            continue
        lead = stance_of(paragraph.group(0)[: markers[0].start()][-300:])
        for index, marker in enumerate(markers):
            stop = (
                markers[index + 1].start() if index + 1 < len(markers) else _item_end(paragraph.group(0), marker.end())
            )
            s, e = _trim(text, base + marker.end(), base + stop)
            while e > s and (text[e - 1] in ";,." or text[max(s, e - 4) : e].lower() == " and"):
                e = e - 4 if text[e - 4 : e].lower() == " and" else e - 1
                s, e = _trim(text, s, e)
            if s >= e or any(a <= s < b for a, b in excluded):
                continue
            label = str(numbers[index]) if str(numbers[index]) not in used else f"({numbers[index]})"
            found.append(_candidate(text, s, e, stance_of(text[s:e]) or lead, label, topics))
    return found


def _item_end(paragraph: str, start: int) -> int:
    end = re.search(r"[.!?](?=\s|$)", paragraph[start:])
    return start + end.end() if end else len(paragraph.rstrip())
