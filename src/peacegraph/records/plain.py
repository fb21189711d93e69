"""JSON Schema errors in the words of a curator: what a value should look like, the field meant.

jsonschema says ``'22 March 2017' does not match '^[0-9]{4}(-(0[1-9]|1[0-2])…'`` or ``Additional
properties are not allowed``; a curator needs "a date is YYYY, YYYY-MM or YYYY-MM-DD: write 2017-03-22"
and "unknown field `dat` — did you mean `date`?". The forms are read from the schema's own patterns.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

Path_ = tuple[str | int, ...]

#: The words of a value that is not where the YAML structure around it expects.
OFF_STRUCTURE = "the YAML structure is off at this line"

_KEY = "[a-z0-9]+(-[a-z0-9]+)*"
_REFERENCE = re.compile(r"^\^\(?(?P<prefixes>[a-z|]+)\)?:" + re.escape(_KEY) + r"\$$")
_FORMS = {
    f"^{_KEY}$": "a key: lower-case letters and digits, words joined by single hyphens (e.g. syria-talks)",
    "^Q[1-9][0-9]*$": "a Wikidata identifier: Q and a number (e.g. Q858)",
}


def explain(error: Any, path: Path_, joined: dict[Path_, int]) -> list[tuple[Path_, str]]:
    """The error (a ``jsonschema.ValidationError`` at ``path``) as (path, message) pairs, one per mistake."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        return [((*path, name), unknown_field(name, allowed)) for name in unknown]
    if path in joined and error.validator in ("pattern", "enum", "type", "format"):
        runs_on = f"it reads as more of the value above ({_shown(error.instance)}); indent it as the lines around it"
        return [(path, f"{OFF_STRUCTURE}: {runs_on}")]
    if error.validator == "pattern" and isinstance(error.instance, str):
        return [(path, _pattern(error.instance, error.validator_value, error.schema))]
    if error.validator == "required":
        missing = re.findall(r"'([^']*)' is a required property", error.message)
        return [(path, f"missing field `{missing[0]}` (a required property)" if missing else error.message)]
    if error.validator == "enum":
        return [(path, f"{_shown(error.instance)} is not one of: {', '.join(map(str, error.validator_value))}")]
    return [(path, str(error.message))]


def unknown_field(name: str, allowed: list[str]) -> str:
    """``unknown field `dat` — did you mean `date`?``, or the fields allowed when none is close."""
    close = nearest(name, allowed)
    if close:
        return f"unknown field `{name}` — did you mean `{close}`?"
    return f"unknown field `{name}` (the fields here: {', '.join(allowed)})"


def nearest(word: str, choices: list[str]) -> str | None:
    """The choice closest to ``word`` if one is close enough to be a likely misspelling."""
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return found[0] if found else None


def _pattern(value: str, pattern: str, schema: dict[str, Any]) -> str:
    described = schema.get("description", "")
    if "YYYY" in described:
        return date_message(value)
    reference = _REFERENCE.match(pattern)
    if reference:
        kinds = " or ".join(f"{prefix}:KEY" for prefix in reference.group("prefixes").split("|"))
        return f"{_shown(value)} is not a reference of the kind this field takes: write {kinds}"
    form = _FORMS.get(pattern) or described
    if form:
        return f"{_shown(value)} is not {form}" if pattern in _FORMS else f"{_shown(value)} is not as expected: {form}"
    return f"{_shown(value)} does not match {pattern}"


def date_message(value: str) -> str:
    """What a date looks like, and, when ``value`` reads as a date, how to write it."""
    from .written import find_dates  # the dates of letters and statements, read as the drafter reads them

    message = f"{_shown(value)} is not a date as records write them: YYYY, YYYY-MM or YYYY-MM-DD"
    text = value.strip()
    found = find_dates(text)
    if len(found) == 1 and (found[0].start, found[0].end) == (0, len(text)):
        return f"{message}; write {found[0].value}"
    return message


def _shown(value: object) -> str:
    """A value as the curator wrote it, with line breaks and tabs shown (a key must not end in one)."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    return f"`{text[:80]}{'…' if len(text) > 80 else ''}`"
