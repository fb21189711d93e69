"""The package's layout is its architecture: imports flow one way, from the stages to what is built on them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "src" / "peacegraph"

#: What each part may import from the rest of the package (besides itself and the shared base modules).
#: (``collection_file``: the name of a collection's config file and where the nearest one is, importing nothing.)
#: (``isolated``: running a function in a forked child process, importing only ``errors``.)
#: (``writes``: new files written to the kernel a slice at a time, importing nothing.)
BASE = {
    "errors",
    "progress",
    "resources",
    "lazy",
    "collection_file",
    "collector",
    "tempspace",
    "isolated",
    "beside",
    "stamps",
    "writes",
    "__version__",
}
ALLOWED: dict[str, set[str]] = {
    "records": {"rdf.namespaces"},  # minting keys
    "rdf": {"records"},
    "validation": {"records", "rdf"},
    # a collection's configuration (``collection.py``) describes the releases made of it
    "release": {"records", "rdf", "validation", "collection"},
    "query": {"records", "rdf", "validation", "release", "collection"},
    # what `serve` and `site` both show of a release; the Reconciliation API; the SPARQL endpoint itself
    "pages": {"records", "rdf", "validation", "release", "query", "collection"},
    "reconcile": {"records", "rdf", "validation", "release", "query", "collection", "pages"},
    "serve": {"records", "rdf", "validation", "release", "query", "collection", "pages", "reconcile"},
    "remote": {"records", "rdf", "validation", "release", "query", "collection"},
    "draft": {"records", "rdf"},
}
PARTS = sorted(ALLOWED)


def _imports(path: Path) -> set[str]:
    """The package modules ``path`` imports, as dotted names relative to the package."""
    here = path.relative_to(PACKAGE).with_suffix("").parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - node.level + 1])
            elif node.module and node.module.startswith("peacegraph"):
                base, node.module = [], node.module.removeprefix("peacegraph").lstrip(".") or None
            else:
                continue
            module = [*base, *(node.module.split(".") if node.module else [])]
            found.update(
                ".".join([*module, alias.name]) if not node.module else ".".join(module) for alias in node.names
            )
    return found


def _part(dotted: str) -> str:
    return dotted.split(".", 1)[0]


@pytest.mark.parametrize("part", PARTS)
def test_a_part_imports_only_the_stages_before_it(part: str) -> None:
    allowed = ALLOWED[part] | {part} | BASE
    wrong = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / part).rglob("*.py"))
        for name in _imports(path)
        if _part(name) not in allowed and name not in allowed
    }
    assert not wrong


def test_a_collection_is_described_with_records_and_rdf_only() -> None:
    assert {_part(n) for n in _imports(PACKAGE / "collection.py")} <= BASE | {"records", "rdf"}


def test_the_base_modules_import_no_stage() -> None:
    for name in ("errors", "progress", "resources", "lazy"):
        assert {_part(n) for n in _imports(PACKAGE / f"{name}.py")} <= BASE, name


def test_every_part_says_what_it_is_for_and_what_it_may_import() -> None:
    for part in PARTS:
        doc = ast.get_docstring(ast.parse((PACKAGE / part / "__init__.py").read_text(encoding="utf-8")))
        assert doc, part
        assert "import" in doc.lower(), part
