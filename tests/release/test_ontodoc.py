"""Documentation generated from the ontology: the pyLODE reference and the diagram of the model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import OWL, RDF

from peacegraph import resources
from peacegraph.cli import main
from peacegraph.release import ontodoc

from ..conftest import ROOT

DOCS = ROOT / "docs"


def _classes() -> list[str]:
    graph = rdflib.Graph().parse(resources.ontology_file(), format="turtle")
    return sorted(str(c) for c in graph.subjects(RDF.type, OWL.Class))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_docs_command_writes_a_reference_with_every_class_and_a_diagram(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["docs", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page = (tmp_path / ontodoc.HTML_FILE).read_text(encoding="utf-8")
    assert [cls for cls in _classes() if cls not in page] == []
    picture = (tmp_path / ontodoc.SVG_FILE).read_text(encoding="utf-8")
    assert picture.lstrip().startswith("<?xml")
    assert "<svg" in picture
    assert [cls for cls in _classes() if f">pg:{cls.rsplit('#', 1)[1]}<" not in picture] == []


def test_committed_diagram_is_up_to_date_with_the_ontology() -> None:
    committed = (DOCS / ontodoc.DOT_FILE).read_text(encoding="utf-8")
    assert committed == ontodoc.dot(resources.ontology_file()), "run `peacegraph docs` and commit docs/"
    assert (DOCS / ontodoc.SVG_FILE).exists()


def test_committed_reference_documents_every_class() -> None:
    page = (DOCS / ontodoc.HTML_FILE).read_text(encoding="utf-8")
    assert [cls for cls in _classes() if cls not in page] == [], "run `peacegraph docs` and commit docs/"


def test_the_data_model_page_shows_the_diagram() -> None:
    assert "![" in (text := (ROOT / "docs" / "reference" / "data-model.md").read_text(encoding="utf-8"))
    assert "(../model.svg)" in text


def test_diagram_has_every_class_subclass_link_and_object_property() -> None:
    source = ontodoc.dot(resources.ontology_file())
    assert '"pg:Letter" -> "pg:Document" [arrowhead=empty];' in source
    assert '"pg:Position" -> "pg:Stance" [label="pg:stance"' in source
    assert all(f'"pg:{cls.rsplit("#", 1)[1]}" [label=' in source for cls in _classes())
