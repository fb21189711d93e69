"""MkDocs hook (mkdocs.yml `hooks:`): pages written at build time from what the tool itself reads.

- the record schema reference, from the JSON Schema (``peacegraph.records.schemadoc``);
- the shapes reference: each rule a shape states in words (``sh:message``), then the shapes as Turtle.
"""

from __future__ import annotations

from typing import Any

import rdflib

from peacegraph import resources
from peacegraph.records import schemadoc

SCHEMA = "<!-- the fields, written from src/peacegraph/records/schema.json -->"
SHAPES = "<!-- the shapes, written from shapes/ -->"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _shapes() -> str:
    files = sorted(resources.shapes_dir().glob("*.ttl"))
    graph = rdflib.Graph()
    for path in files:
        graph.parse(path, format="turtle")
    rules = sorted({str(message) for message in graph.objects(None, SH.message)})
    lines = ["The rules the shapes state in words, as a violation reports them:", ""]
    lines += [f"- {rule}" for rule in rules]
    for path in files:
        lines += ["", f"### `shapes/{path.name}`", "", "```turtle", path.read_text(encoding="utf-8").rstrip(), "```"]
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if SCHEMA in markdown:
        markdown = markdown.replace(SCHEMA, schemadoc.markdown())
    if SHAPES in markdown:
        markdown = markdown.replace(SHAPES, _shapes())
    return markdown
