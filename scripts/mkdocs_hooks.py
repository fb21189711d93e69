"""MkDocs hook (mkdocs.yml `hooks:`): fills the record schema reference from the JSON Schema at build time."""

from __future__ import annotations

from typing import Any

from peacegraph.records import schemadoc

PLACEHOLDER = "<!-- the fields, written from src/peacegraph/records/schema.json -->"


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if PLACEHOLDER in markdown:
        return markdown.replace(PLACEHOLDER, schemadoc.markdown())
    return markdown
