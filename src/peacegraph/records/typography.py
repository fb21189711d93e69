"""One typographic rule for the text curators write: the apostrophe is the straight ``'`` (U+0027).

Names, titles, alternate names, descriptions, notes and labels are ours, and one spelling of each
keeps search, sorting and comparison simple. What is copied from a source keeps the source's
characters: quotes, the printed names of signatures and printed variants are not checked here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from ..errors import InputError
from . import model as r

APOSTROPHE: Final = "'"
#: Characters used for an apostrophe that the rule replaces with ``APOSTROPHE`` (the right single quote).
NOT_APOSTROPHES: Final = ("\u2019",)


def problems(corpus: r.Corpus) -> Iterator[InputError]:
    """Every curated text with another apostrophe, naming the file and line."""
    for record, field, text in _curated(corpus):
        for other in NOT_APOSTROPHES:
            if other in text:
                where = record.where(field)
                word = text[max(0, text.index(other) - 12) : text.index(other) + 12]
                message = f"{field}: write the apostrophe as {APOSTROPHE} (U+0027), not U+{ord(other):04X} in {word!r}"
                yield InputError(message, where.file, where.line)


def _curated(corpus: r.Corpus) -> Iterator[tuple[r.Record, str, str]]:
    """Every curated text: (record, field as the loader keys its line, text)."""
    for prefix in ("doc", "org", "person", "place", "event"):
        for record in corpus.table(prefix).values():
            yield from _entity_texts(record)
    for position in corpus.positions.values():
        yield from _fields(position, name=position.name, note=position.note, quote_origin=position.quote_origin)
    for topic in corpus.topics.values():
        yield from _fields(topic, label=topic.label, definition=topic.definition)
        yield from _listed(topic, "alt_labels", topic.alt_labels)
    for membership in corpus.memberships:
        yield from _fields(membership, note=membership.note)
    for deprecation in corpus.deprecations.values():
        yield from _fields(deprecation, label=deprecation.label, note=deprecation.note)


def _entity_texts(record: r.Entity | r.Document) -> Iterator[tuple[r.Record, str, str]]:
    yield from _fields(record, description=record.description)
    yield from _listed(record, "alternate_names", record.alternate_names)
    if isinstance(record, r.Document):
        yield record, "title", record.title
        return
    yield record, "name", record.name
    if isinstance(record, r.Person):
        for index, role in enumerate(record.roles):
            yield from _fields(record, **{f"roles.{index}.title": role.title, f"roles.{index}.note": role.note})


def _fields(record: r.Record, **texts: str | None) -> Iterator[tuple[r.Record, str, str]]:
    for field, text in texts.items():
        if text:
            yield record, field, text


def _listed(record: r.Record, field: str, texts: tuple[str, ...]) -> Iterator[tuple[r.Record, str, str]]:
    for index, text in enumerate(texts):
        yield record, f"{field}.{index}", text


#: The fields of a record file that hold curated text (a role's fields included), for writers of records.
CURATED_KEYS: Final = frozenset(
    ("name", "title", "alternate_names", "description", "note", "quote_origin", "label", "definition", "alt_labels")
)


def straighten(text: str) -> str:
    """``text`` with every apostrophe written as ``APOSTROPHE``."""
    for other in NOT_APOSTROPHES:
        text = text.replace(other, APOSTROPHE)
    return text


def straightened(item: dict[str, Any]) -> dict[str, Any]:
    """A record (as a record file holds it) whose curated text follows the rule; quotes are left as they are."""
    fixed = dict(item)
    for key in CURATED_KEYS & fixed.keys():
        fixed[key] = _straightened_value(fixed[key])
    if isinstance(fixed.get("roles"), list):
        fixed["roles"] = [straightened(role) if isinstance(role, dict) else role for role in fixed["roles"]]
    return fixed


def _straightened_value(value: Any) -> Any:
    if isinstance(value, str):
        return straighten(value)
    if isinstance(value, list):
        return [_straightened_value(v) for v in value]
    if isinstance(value, dict) and isinstance(value.get("text"), str):  # a name with its language
        return {**value, "text": straighten(value["text"])}
    return value
