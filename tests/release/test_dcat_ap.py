"""``void.ttl`` conforms to DCAT-AP 3.0.1, as European and many national portals check what they
harvest: the SEMICeu SHACL shapes (``../shared/reference/dcat-ap-3.0.1``, see its SOURCE.md), run
with pySHACL over the release's description alone, with no inference."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate
from rdflib import RDF

from peacegraph import pipeline
from peacegraph.release import metadata

from ..conftest import SHARED

DCAT_AP = SHARED / "reference" / "dcat-ap-3.0.1"
#: The mandatory constraints, the value types, the recommended properties (warnings) and the
#: deprecated terms. The controlled-vocabulary shapes need the EU vocabularies loaded to mean anything.
SHAPE_FILES = ("shapes.ttl", "range.ttl", "shapes_recommended.ttl", "deprecateduris.ttl")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
#: Recommended properties left out on purpose, each a warning: DCAT-AP's own ``dcatap:availability``
#: is in no vocabulary of ../shared/vocab; the dataset as a whole has no files of its own (its
#: versions do); a collection's configuration gives no geometry of its places (``dcat:bbox``,
#: ``dcat:centroid``) and no ADMS type of its publisher or licence (``dct:type``).
LEFT_OUT = {
    "http://data.europa.eu/r5r/availability",
    DCAT + "distribution",
    DCAT + "bbox",
    DCAT + "centroid",
    DCT + "type",
}


@pytest.fixture(scope="module")
def dcat_ap() -> rdflib.Graph:
    if not DCAT_AP.is_dir():
        pytest.skip("the DCAT-AP 3.0.1 shapes are not at ../shared/reference/dcat-ap-3.0.1")
    shapes = rdflib.Graph()
    for name in SHAPE_FILES:
        shapes.parse(DCAT_AP / name, format="turtle")
    return shapes


def results(void: Path, shapes: rdflib.Graph) -> Counter[tuple[str, str]]:
    """How many results of each severity (``Violation``, ``Warning``) there are for each path."""
    data = rdflib.Graph().parse(void, format="turtle")
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert isinstance(report, rdflib.Graph)
    found: Counter[tuple[str, str]] = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = str(report.value(result, SH.resultSeverity)).removeprefix(str(SH))
        found[severity, str(report.value(result, SH.resultPath))] += 1
    return found


def test_the_release_description_has_no_violation(out_dir: Path, dcat_ap: rdflib.Graph) -> None:
    found = results(out_dir / metadata.VOID_FILE, dcat_ap)
    assert not {path: n for (severity, path), n in found.items() if severity == "Violation"}
    # The Syria collection names no contact: the only other recommended property missing.
    assert {path for _, path in found} == LEFT_OUT | {DCAT + "contactPoint"}


def test_a_contact_and_a_theme_answer_the_last_warnings(
    mini_seeds: Path, tmp_path: Path, dcat_ap: rdflib.Graph
) -> None:
    config = mini_seeds / "collection.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "contact:\n  name: The curators\n  email: curators@example.org\n  url: https://example.org/curators\n"
        + "themes: [INTR, GOVE]\n",
        encoding="utf-8",
    )
    result = pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "out"))
    found = results(result.files[metadata.VOID_FILE], dcat_ap)
    assert not {path: n for (severity, path), n in found.items() if severity == "Violation"}
    assert {path for _, path in found} == LEFT_OUT
