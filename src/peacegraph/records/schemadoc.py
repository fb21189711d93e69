"""The record format as Markdown tables, field by field, written from the JSON Schema itself.

The documentation site shows it (``docs/reference/record-schema.md``, filled in at build time by
``scripts/mkdocs_hooks.py``), so what the reference says is always what ``check`` and ``build`` accept.
"""

from __future__ import annotations

import html
import json
from typing import Any

from .loader import schema_path

Schema = dict[str, Any]


def _value(spec: Schema) -> str:
    """What a field takes, in a few words."""
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[1]
        return f"[{name}](#{name})"
    if "enum" in spec:
        return "one of " + ", ".join(f"`{value}`" for value in spec["enum"])
    choices: list[Schema] = spec.get("oneOf") or spec.get("anyOf") or []
    if choices:
        return " or ".join(_value(choice) for choice in choices)
    kind = spec.get("type", "any")
    if kind == "array":
        return "list of " + _value(spec.get("items", {}))
    if "pattern" in spec:  # in HTML, since a pipe in a code span would end the table's cell
        return f"{kind} matching <code>{html.escape(spec['pattern']).replace('|', '&#124;')}</code>"
    return str(kind) if isinstance(kind, str) else " or ".join(kind)


def _table(definition: Schema) -> list[str]:
    required = set(definition.get("required", []))
    rows = ["| field | required | value | note |", "|---|---|---|---|"]
    for field, spec in definition.get("properties", {}).items():
        note = html.escape(spec.get("description", "")).replace("|", "&#124;")
        rows.append(f"| `{field}` | {'yes' if field in required else ''} | {_value(spec)} | {note} |")
    return rows


def markdown(schema: Schema | None = None) -> str:
    """Every list a record file may hold, then every kind of record with its fields."""
    schema = schema or json.loads(schema_path().read_text(encoding="utf-8"))
    lines = ["| list in a record file | each item is |", "|---|---|"]
    lines += [f"| `{section}` | {_value(spec.get('items', spec))} |" for section, spec in schema["properties"].items()]
    for name, definition in schema["$defs"].items():
        lines += ["", f"## {name}", ""]
        if definition.get("description"):
            lines += [definition["description"], ""]
        lines += _table(definition) if "properties" in definition else [f"A {_value(definition)}."]
    return "\n".join(lines) + "\n"
