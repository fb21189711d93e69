"""Draft records as YAML in the record format (docs/records.md): the same input gives the same bytes."""

from __future__ import annotations

from typing import Any

import yaml

from ..records.typography import straightened


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]  # libyaml's emitter
    def ignore_aliases(self, data: Any) -> bool:  # the record reader refuses anchors and aliases
        return True


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if ("\n" in value or value != value.strip() or not value.isprintable()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)

HEADER = (
    "# Drafted by `peacegraph draft` from {source}. Every value under a `review:` note needs a person's eye;\n"
    "# removing the note is the review. `peacegraph release` refuses to release while any note is left.\n"
)


def dump(sections: dict[str, list[dict[str, Any]]], source: str) -> str:
    """The record file: a header comment, then each non-empty section in the order given; curated text
    follows the apostrophe rule of the records (quotes keep the source's characters)."""
    body = {name: [straightened(item) for item in items] for name, items in sections.items() if items}
    text = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
    return HEADER.format(source=source) + text
