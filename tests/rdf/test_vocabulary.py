"""Every external term we emit exists in the official vocabularies and is used within its domain;
the ontology is documented and aligned to schema.org; shapes and classes match one to one."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from peacegraph import pipeline, resources
from peacegraph.rdf.namespaces import PG, SCHEMA, WD

from ..conftest import SHARED
from ..syria import ID

VOCAB = SHARED / "vocab"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
S = rdflib.Namespace(SCHEMA)


@pytest.fixture(scope="module")
def vocab() -> rdflib.Graph:
    if not VOCAB.is_dir():
        pytest.skip("../shared/vocab is not beside this checkout")
    graph = rdflib.Graph()
    for path in sorted(VOCAB.glob("*.ttl")):
        graph.parse(path, format="turtle", publicID="http://www.w3.org/ns/prov" if path.name == "prov.ttl" else None)
    return graph


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.ontology_file(), format="turtle")


@pytest.fixture(scope="module")
def data(built: pipeline.BuildResult) -> rdflib.Graph:
    return rdflib.Graph().parse(built.files["peacegraph.nt"], format="nt")


def _ours(term: rdflib.term.Node) -> bool:
    return str(term).startswith((PG, ID, WD))


def test_every_external_term_exists(data: rdflib.Graph, ontology: rdflib.Graph, vocab: rdflib.Graph) -> None:
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    used |= (
        set(ontology.predicates())
        | set(ontology.objects(None, RDFS.subClassOf))
        | set(ontology.objects(None, RDFS.subPropertyOf))
    )
    missing = sorted(str(t) for t in used if isinstance(t, URIRef) and not _ours(t) and (t, None, None) not in vocab)
    assert not missing


def _superclasses(graph: rdflib.Graph, cls: rdflib.term.Node) -> set[URIRef]:
    return {c for c in graph.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}


def test_schema_properties_are_used_within_their_domains(
    data: rdflib.Graph, ontology: rdflib.Graph, vocab: rdflib.Graph
) -> None:
    both = ontology + vocab
    types: dict[rdflib.term.Node, set[URIRef]] = defaultdict(set)
    for subject, cls in data.subject_objects(RDF.type):
        types[subject] |= _superclasses(both, cls)
    misuse = set()
    for subject, predicate in set(data.subject_predicates()):
        if not str(predicate).startswith(SCHEMA):
            continue
        domains = set(vocab.objects(predicate, S.domainIncludes))
        if domains and not domains & types[subject]:
            misuse.add((str(predicate), tuple(sorted(str(t) for t in types[subject] if str(t).startswith(SCHEMA)))))
    assert not misuse


def test_ontology_terms_are_labelled_and_aligned(ontology: rdflib.Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert classes
    assert properties
    for term in classes | properties:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term
    for cls in classes:
        assert any(str(s).startswith(SCHEMA) for s in _superclasses(ontology, cls) - {cls}), (
            f"{cls} has no schema.org superclass"
        )


def _shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(Path(resources.shapes_dir()).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_every_class_has_a_shape_and_every_shape_targets_a_declared_class(
    ontology: rdflib.Graph, vocab: rdflib.Graph
) -> None:
    shapes = _shapes()
    targets = set(shapes.objects(None, SH.targetClass))
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    assert classes - targets == set()
    undeclared = {t for t in targets if t not in classes and (t, None, None) not in vocab}
    assert undeclared == set()


def test_shapes_are_valid_shacl(vocab: rdflib.Graph) -> None:
    from pyshacl import validate

    conforms, _graph, text = validate(_shapes(), shacl_graph=rdflib.Graph().parse(VOCAB / "shacl-shacl.ttl"))
    assert conforms, text


def test_sameas_only_for_verified_wikidata(data: rdflib.Graph) -> None:
    import csv

    from ..conftest import SEEDS

    with (SEEDS / "wikidata.csv").open(encoding="utf-8") as handle:
        verified = {row["qid"] for row in csv.DictReader(handle) if row["status"] == "verified"}
    linked = {str(o).rsplit("/", 1)[1] for o in data.objects(None, OWL.sameAs)}
    assert linked
    assert linked <= verified
