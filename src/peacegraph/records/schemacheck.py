"""JSON Schema checking with the semantics the schema is written in, whichever library runs it.

JSON Schema patterns are ECMA-262 regular expressions, in which ``$`` matches only at the very end
of the text. In Python's ``re`` it also matches before a final line break, so with jsonschema's
own ``pattern`` a key, a date or an IRI written as a YAML block scalar (``key: |``), which ends in a
line break, would pass the schema and break the build later. fastjsonschema already anchors ``$``
at the end; :data:`Validator` does the same for jsonschema, so both give one verdict.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema


def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled for Python with ECMA-262's meaning of ``$`` (the end of the text only)."""
    return _compiled(pattern)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(_anchor_dollars(pattern))


def _anchor_dollars(pattern: str) -> str:
    """Every ``$`` that is an anchor (not escaped, not in a character class) becomes ``\\Z``."""
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append("\\Z")
            continue
        out.append(char)
    return "".join(out)


def _pattern(
    validator: jsonschema.protocols.Validator, pattern: str, instance: Any, _schema: Any
) -> Iterator[jsonschema.ValidationError]:
    if validator.is_type(instance, "string") and not ecma_pattern(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _unique_items(
    validator: jsonschema.protocols.Validator, unique: bool, instance: Any, _schema: Any
) -> Iterator[jsonschema.ValidationError]:
    """``uniqueItems`` in linear time: jsonschema's own compares every pair of unsortable items."""
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[str] = set()
    for index, item in enumerate(instance):
        canonical = json.dumps(item, sort_keys=True)
        if canonical in seen:
            yield jsonschema.ValidationError(f"{item!r} is listed more than once", path=(index,))
            return
        seen.add(canonical)


#: Draft 2020-12 with ECMA-262 ``$`` in patterns and a linear-time ``uniqueItems``.
Validator: type[jsonschema.protocols.Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"pattern": _pattern, "uniqueItems": _unique_items}
)
