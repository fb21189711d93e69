"""The fast SHACL engine gives pySHACL's verdicts: same focus nodes, paths and constraint components.

Violations of every kind of constraint our shapes use are injected into the small corpus, and both
engines must report exactly the same set. Shapes the fast engine cannot compile are refused loudly.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from peacegraph import pipeline
from peacegraph.cli import main
from peacegraph.records import loader
from peacegraph.resources import shapes_dir
from peacegraph.validation import fast as fastshacl
from peacegraph.validation.report import Report

from ..conftest import MINI

ID = "https://w3id.org/peacegraph/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PG = "https://w3id.org/peacegraph/ontology#"
PREFIXES = """
@base <https://w3id.org/peacegraph/id/> .
@prefix pg: <https://w3id.org/peacegraph/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""

#: (what is wrong, Turtle added to the small corpus, (focus, constraint component) it must cause).
INJECTED = [
    (
        "no name",
        '<document/no-name> a pg:Document, schema:CreativeWork ; schema:inLanguage "en" .',
        ("document/no-name", "sh:MinCountConstraintComponent"),
    ),
    (
        "two names",
        '<document/two-names> a pg:Document, schema:CreativeWork ; schema:name "A", "B" ; schema:inLanguage "en" .',
        ("document/two-names", "sh:MaxCountConstraintComponent"),
    ),
    (
        "empty name",
        '<organization/empty> a pg:Organization, schema:Organization ; schema:name "" .',
        ("organization/empty", "sh:MinLengthConstraintComponent"),
    ),
    (
        "name without a language",
        '<organization/tagged> a pg:Organization, schema:Organization ; schema:name "T" ; rdfs:label "T"@en .',
        ("organization/tagged", "sh:DatatypeConstraintComponent"),
    ),
    (
        "coarse date without bounds",
        '<event/coarse> a pg:Event, schema:Event ; schema:name "E"@en ; rdfs:label "E"@en ;'
        ' schema:startDate "2016"^^xsd:gYear .',
        ("event/coarse", "sh:MinCountConstraintComponent"),
    ),
    (
        "quoted position without a date",
        "<position/quoted> a pg:QuotedPosition .",
        ("position/quoted", "sh:MinCountConstraintComponent"),
    ),
    (
        "untyped signatory",
        "<document/mini-statement> pg:signatory <organization/plain> ."
        ' <organization/plain> a pg:Organization, schema:Organization ; schema:name "P"@en ; rdfs:label "P"@en .',
        ("document/mini-statement", "sh:NodeConstraintComponent"),
    ),
    (
        "quoted from without isBasedOn",
        "<position/half> prov:wasQuotedFrom <document/mini-statement> .",
        ("position/half", "sh:MinCountConstraintComponent"),
    ),
    (
        "a date that does not exist",
        '<event/feb-30> a pg:Event, schema:Event, pg:Meeting ; schema:name "E" ;'
        ' schema:startDate "2015-02-30"^^xsd:date .',
        ("event/feb-30", "sh:NodeConstraintComponent"),
    ),
    (
        "a date as a plain string",
        '<event/text-date> a pg:Event, schema:Event, pg:Meeting ; schema:name "E" ; schema:startDate "2015" .',
        ("event/text-date", "sh:NodeConstraintComponent"),
    ),
    (
        "signature position zero, and one that rdflib reads leniently",
        """<document/mini-statement> pg:signature <document/mini-statement/signature/zero>,
               <document/mini-statement/signature/spaced> .
           <document/mini-statement/signature/zero> a pg:Signature, schema:ListItem ;
               schema:item <organization/alpha-group> ; schema:position "0"^^xsd:positiveInteger .
           <document/mini-statement/signature/spaced> a pg:Signature, schema:ListItem ;
               schema:item <organization/alpha-group> ; schema:position " 5"^^xsd:positiveInteger .""",
        ("document/mini-statement/signature/zero", "sh:DatatypeConstraintComponent"),
    ),
    (
        "signature position of another integer type, and the signature of a place",
        """<document/unscr-2254> pg:signature <document/unscr-2254/signature/typed> .
           <document/unscr-2254/signature/typed> a pg:Signature, schema:ListItem ;
               schema:item <place/aleppo> ; schema:position "3"^^xsd:integer .""",
        ("document/unscr-2254/signature/typed", "sh:DatatypeConstraintComponent"),
    ),
    (
        "citing a place",
        "<document/mini-statement> schema:citation <place/aleppo> .",
        ("document/mini-statement", "sh:ClassConstraintComponent"),
    ),
    (
        "a topic given as text",
        '<document/unscr-2254> schema:about "ceasefire" .',
        ("document/unscr-2254", "sh:ClassConstraintComponent"),
    ),
    (
        "mentioning a literal",
        '<document/unscr-2254> schema:mentions "Aleppo" .',
        ("document/unscr-2254", "sh:NodeKindConstraintComponent"),
    ),
    (
        "an identifier that is not a slug",
        '<document/Not_A_Slug> a pg:Document, schema:CreativeWork ; schema:name "N" ; schema:inLanguage "en" .',
        ("document/Not_A_Slug", "sh:PatternConstraintComponent"),
    ),
    (
        "a sameAs outside Wikidata, a bad checksum, a non-web url",
        """<organization/beta-network> owl:sameAs <http://example.org/entity/Q1> .
           <document/mini-statement/text> schema:sha256 "not-a-checksum" .
           <document/unscr-2254> schema:url <ftp://example.org/x> .""",
        ("organization/beta-network", "sh:PatternConstraintComponent"),
    ),
    (
        "an author that is not an agent",
        "<document/mini-statement> schema:author <place/aleppo> .",
        ("document/mini-statement", "sh:NodeConstraintComponent"),
    ),
    (
        "a city in no country",
        '<place/lost-city> a pg:Place, schema:Place, schema:City ; schema:name "Lost" .',
        ("place/lost-city", "sh:QualifiedMinCountConstraintComponent"),
    ),
    (
        "a city in two countries",
        """<place/twin-city> a pg:Place, schema:Place, schema:City ; schema:name "Twin" ;
               schema:containedInPlace <place/syria>, <place/elsewhere> .
           <place/elsewhere> a pg:Place, schema:Place, schema:Country ; schema:name "Elsewhere" .""",
        ("place/twin-city", "sh:QualifiedMaxCountConstraintComponent"),
    ),
    (
        "evidence with two quote selectors",
        """<position/mini-statement-1/evidence> oa:hasSelector <position/mini-statement-1/evidence/quote-2> .
           <position/mini-statement-1/evidence/quote-2> a oa:TextQuoteSelector ;
               oa:exact "x" ; oa:prefix "" ; oa:suffix "" .""",
        ("position/mini-statement-1/evidence", "sh:QualifiedMaxCountConstraintComponent"),
    ),
    (
        "evidence that is a literal",
        '<position/mini-statement-2> pg:evidence "see the text" .',
        ("see the text", "sh:ClassConstraintComponent"),
    ),
    (
        "a stance outside the stance scheme",
        """pg:bogus a pg:Stance, skos:Concept ; skos:prefLabel "bogus"@en ; skos:definition "none"@en ;
               skos:inScheme <scheme/topics> .""",
        ("https://w3id.org/peacegraph/ontology#bogus", "sh:HasValueConstraintComponent"),
    ),
    (
        "a quote that ends before it starts, and one whose start is text",
        """<position/mini-statement-1/evidence/offsets> oa:start "500"^^xsd:nonNegativeInteger .
           <position/mini-statement-2/evidence/offsets> oa:start "80" .""",
        ("position/mini-statement-1/evidence/offsets", "sh:LessThanConstraintComponent"),
    ),
    (
        "a source text no document encodes, and one two documents encode",
        """<document/orphan/text> a pg:SourceText, schema:TextObject ; schema:name "o.txt" ;
               schema:sha256 "598fefdc8be610dbe5fb1a5349c73648690719cbf4c170a0878c1cea283a7e81" ;
               schema:encodingFormat "text/plain" .
           <document/unscr-2254> schema:encoding <document/mini-statement/text> .""",
        ("document/orphan/text", "sh:MinCountConstraintComponent"),
    ),
    (
        "recipients of a document that is not a message",
        "<document/unscr-2254> schema:recipient <organization/united-nations> .",
        ("document/unscr-2254", "sh:ClassConstraintComponent"),
    ),
    (
        "a meeting without a start",
        '<event/undated> a pg:Event, schema:Event, pg:Meeting ; schema:name "Undated" .',
        ("event/undated", "sh:MinCountConstraintComponent"),
    ),
    (
        "a label without a language",
        '<topic/ceasefire> skos:altLabel "truce" ; skos:prefLabel "Truce" .',
        ("topic/ceasefire", "sh:DatatypeConstraintComponent"),
    ),
    (
        "an earliest day after the latest (a start after its end)",
        """<event/backwards> pg:earliestDate "2017-03-25"^^xsd:date ; pg:latestDate "2017-03-21"^^xsd:date .""",
        ("event/backwards", "sh:LessThanOrEqualsConstraintComponent"),
    ),
    (
        "a deprecated identifier of a specific class",
        """<organization/gone> owl:deprecated true ; rdfs:label "Gone"@en ; rdfs:comment "Removed." ;
               a schema:NGO .""",
        ("organization/gone", "sh:InConstraintComponent"),
    ),
    (
        "a member that is a topic",
        "<organization/alpha-group> schema:member <topic/ceasefire> .",
        ("organization/alpha-group", "sh:NodeConstraintComponent"),
    ),
]

SUBCLASS = """pg:SpecialStatement rdfs:subClassOf pg:Document .
   <document/special> a pg:SpecialStatement ; schema:name "Special" ; schema:inLanguage "en" ."""

Key = tuple[str, str | None, str]


def _triples(turtle: str) -> list[Triple]:
    return [q.triple for q in parse(PREFIXES + turtle, format=RdfFormat.TURTLE)]


def _keys(report: Report) -> set[Key]:
    return {(v.focus, v.path, v.constraint) for v in report.violations}


def _both(triples: Iterable[Triple]) -> tuple[Report, Report]:
    fast = fastshacl.validate(triples, shapes_dir(), engine="fast")
    reference = fastshacl.validate(triples, shapes_dir(), engine="pyshacl")
    return fast, reference


def _iri(focus: str) -> str:
    return focus if focus.startswith("http") or " " in focus else ID + focus


@pytest.fixture(scope="module")
def injected(mini_built: pipeline.BuildResult) -> list[Triple]:
    added = [t for _what, turtle, _expected in INJECTED for t in _triples(turtle)]
    return [*mini_built.triples, *added]


def test_the_small_corpus_conforms_for_both_engines(mini_built: pipeline.BuildResult) -> None:
    fast, reference = _both(mini_built.triples)
    assert fast.conforms
    assert reference.conforms
    assert fast.violations == reference.violations == []


@pytest.mark.parametrize("subclasses", [False, True], ids=["rdf:type", "rdfs:subClassOf"])
def test_engines_report_the_same_violations(injected: list[Triple], subclasses: bool) -> None:
    triples = [*injected, *_triples(SUBCLASS)] if subclasses else injected
    fast, reference = _both(triples)
    assert not fast.conforms
    assert not reference.conforms
    only_fast, only_reference = _keys(fast) - _keys(reference), _keys(reference) - _keys(fast)
    assert not only_fast, f"only the fast engine reports {only_fast}"
    assert not only_reference, f"only pySHACL reports {only_reference}"
    found = {(focus, constraint) for focus, _path, constraint in _keys(fast)}
    for what, _turtle, (focus, constraint) in INJECTED:
        assert (_iri(focus), constraint) in found, what


def test_subclass_instances_are_targeted(injected: list[Triple]) -> None:
    fast = fastshacl.validate([*injected, *_triples(SUBCLASS)], shapes_dir(), engine="fast")
    assert (ID + "document/special", None, "sh:ClassConstraintComponent") in _keys(fast)


def test_every_kind_of_constraint_in_the_shapes_is_injected(injected: list[Triple]) -> None:
    """A new kind of constraint in the shapes needs an injected violation here."""
    program = fastshacl.compile_shapes(fastshacl.read_shapes(shapes_dir()))
    used = {component for check in program.checks for component in check.components}
    injected_kinds = {constraint for _what, _turtle, (_focus, constraint) in INJECTED}
    assert used <= injected_kinds, f"no injected violation of {used - injected_kinds}"


def test_violations_name_the_record_and_an_inverse_path(mini_built: pipeline.BuildResult) -> None:
    orphan = _triples(next(turtle for _what, turtle, _expected in INJECTED if "document/orphan/text" in turtle))
    corpus = loader.load(MINI / "seeds")
    origins = {ID + "document/mini-statement": corpus.documents["mini-statement"].origin}
    for engine in ("fast", "pyshacl"):
        report = fastshacl.validate([*mini_built.triples, *orphan], shapes_dir(), origins, engine=engine)
        paths = {v.path for v in report.violations}
        assert "^schema:encoding" in paths, engine
        named = [v for v in report.violations if v.focus == ID + "document/mini-statement/text"]
        assert named, engine
        assert all(v.origin == origins[ID + "document/mini-statement"] for v in named), engine


# --- random damage ----------------------------------------------------------------------------

WRONG_OBJECTS: list[NamedNode | Literal] = [
    NamedNode(ID + "place/aleppo"),
    NamedNode(ID + "topic/ceasefire"),
    NamedNode("http://example.org/elsewhere"),
    Literal(""),
    Literal("text", language="en"),
    Literal("7", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    Literal("2015-13", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")),
    Literal("-2", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")),
]


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_engines_agree_on_random_damage(mini_built: pipeline.BuildResult, data: st.DataObject) -> None:
    triples = list(mini_built.triples)
    dropped = data.draw(st.sets(st.integers(0, len(triples) - 1), max_size=8))
    changed = data.draw(
        st.lists(st.tuples(st.integers(0, len(triples) - 1), st.sampled_from(WRONG_OBJECTS)), max_size=8)
    )
    damaged = [t for i, t in enumerate(triples) if i not in dropped]
    damaged += [Triple(triples[i].subject, triples[i].predicate, obj) for i, obj in changed]
    fast, reference = _both(damaged)
    assert _keys(fast) == _keys(reference)
    assert fast.conforms == reference.conforms


# --- refusing what it cannot compile ----------------------------------------------------------

UNSUPPORTED = [
    ("sh:sparql", 'ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:sparql [ sh:select "SELECT $this {}" ] .'),
    ("sh:target", 'ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this {}" ] .'),
    ("sh:minCount on a node shape", "ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:minCount 1 ."),
    ("a shape that is its own sh:node", "ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:node ex:S ."),
    (
        "recursion through a property shape",
        "ex:S a sh:NodeShape ; sh:targetClass pg:Document ;"
        " sh:property [ sh:path schema:author ; sh:node ex:T ] ."
        " ex:T sh:property [ sh:path schema:member ; sh:node ex:S ] .",
    ),
    (
        "recursion through sh:property alone",
        "ex:S a sh:PropertyShape ; sh:targetClass pg:Document ; sh:path schema:author ; sh:property ex:S .",
    ),
    ("an unknown SHACL parameter", "ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:minCardinality 1 ."),
    ("a malformed path", "ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:property [ sh:path [ ex:p ex:q ] ] ."),
    ("unknown regex flags", 'ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:pattern "a" ; sh:flags "u" .'),
    ("a pattern that is no regular expression", 'ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:pattern "(" .'),
    ("a blank node as target", "ex:S a sh:NodeShape ; sh:targetNode [ ] ; sh:class pg:Document ."),
    ("a blank node in sh:in", "ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:in ( [ ] ) ."),
    ("a shape named but not defined", "ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:node ex:Undefined ."),
    (
        "a severity that is not an IRI",
        'ex:S a sh:NodeShape ; sh:targetClass pg:Document ; sh:severity "low" ; sh:class pg:X .',
    ),
]


def _shapes(turtle: str) -> list[Triple]:
    return _triples("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n" + turtle)


@pytest.mark.parametrize(("feature", "turtle"), UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_unsupported_features_are_refused(feature: str, turtle: str) -> None:
    with pytest.raises(fastshacl.UnsupportedShapeError, match="does not support"):
        fastshacl.compile_shapes(_shapes(turtle))


def test_refused_shapes_fall_back_to_pyshacl(mini_built: pipeline.BuildResult, tmp_path: Path) -> None:
    """SHACL-SPARQL is not SHACL Core: the fast engine refuses it, and pySHACL validates it instead."""
    (tmp_path / "sparql.ttl").write_text(
        PREFIXES + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<shape> a sh:NodeShape ; sh:targetClass pg:Topic ;"
        ' sh:sparql [ a sh:SPARQLConstraint ; sh:select "SELECT $this WHERE { $this a ?type }" ] .'
    )
    with pytest.raises(fastshacl.UnsupportedShapeError, match="sh:sparql"):
        fastshacl.validate(mini_built.triples, tmp_path, engine="fast")
    with pytest.warns(fastshacl.FallbackWarning, match="validating with pySHACL"):
        report = fastshacl.validate(mini_built.triples, tmp_path)
    assert not report.conforms
    assert {v.constraint for v in report.violations} == {"sh:SPARQLConstraintComponent"}


def test_shipped_shapes_compile(mini_built: pipeline.BuildResult) -> None:
    program = fastshacl.compile_shapes(fastshacl.read_shapes(shapes_dir()))
    assert any(isinstance(step, fastshacl.Update) for step in program.steps)
    assert program.checks


def test_supported_extras_agree_with_pyshacl(mini_built: pipeline.BuildResult, tmp_path: Path) -> None:
    """Constraints the shipped shapes do not use yet but the engine compiles: sh:in, sh:maxLength, sh:nodeKind."""
    (tmp_path / "extra.ttl").write_text(
        PREFIXES + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        """<shape> a sh:NodeShape ; sh:targetClass pg:Document ; sh:nodeKind sh:IRI ;
             sh:property [ sh:path schema:inLanguage ; sh:in ( "fr" "de" ) ] ,
                 [ sh:path schema:name ; sh:maxLength 20 ] ,
                 [ sh:path schema:datePublished ; sh:nodeKind sh:Literal ; sh:in ( "2015-12-18"^^xsd:date ) ] ."""
    )
    fast = fastshacl.validate(mini_built.triples, tmp_path, engine="fast")
    reference = fastshacl.validate(mini_built.triples, tmp_path, engine="pyshacl")
    assert _keys(fast) == _keys(reference)
    assert {c for _f, _p, c in _keys(fast)} == {
        "sh:InConstraintComponent",
        "sh:MaxLengthConstraintComponent",
    }


# --- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_validate_command_with_either_engine(mini_built: pipeline.BuildResult, tmp_path: Path, engine: str) -> None:
    out = tmp_path / "out"
    shutil.copytree(next(iter(mini_built.files.values())).parent, out)
    conforming = CliRunner().invoke(main, ["validate", "--release", str(out), "--engine", engine])
    assert conforming.exit_code == 0, conforming.output
    assert "conforms" in conforming.output
    dump = out / "peacegraph.nt"
    dump.write_text(
        dump.read_text(encoding="utf-8") + f"<{ID}organization/nameless> <{RDF_TYPE}> <{PG}Organization> .\n"
    )
    broken = CliRunner().invoke(main, ["validate", "--release", str(out), "--engine", engine])
    assert broken.exit_code == 1
    assert f"<{ID}organization/nameless> schema:name: " in broken.output
    assert "[sh:MinCountConstraintComponent]" in broken.output


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_warnings_do_not_conform_but_do_not_fail_a_check(
    mini_built: pipeline.BuildResult, tmp_path: Path, engine: str
) -> None:
    """SHACL §3.1: any result makes a report not conform; the build and `validate` accept warnings."""
    shapes = tmp_path / "shapes"
    shutil.copytree(shapes_dir(), shapes)
    (shapes / "warning.ttl").write_text(
        PREFIXES + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<shape> a sh:NodeShape ; sh:targetClass pg:Document ;"
        " sh:property [ sh:path schema:name ; sh:maxLength 3 ; sh:severity sh:Warning ] ."
    )
    report = fastshacl.validate(mini_built.triples, shapes, engine=engine)
    assert not report.conforms
    assert {v.severity for v in report.violations} == {"sh:Warning"}
    assert report.blocking() == []
    out = tmp_path / "out"
    shutil.copytree(next(iter(mini_built.files.values())).parent, out)
    checked = CliRunner().invoke(main, ["validate", "--out", str(out), "--shapes", str(shapes), "--engine", engine])
    assert checked.exit_code == 0, checked.output
    assert "sh:Warning: <" in checked.output
    assert "of them warnings or notes, which are accepted)" in checked.output


def test_a_build_publishes_with_warnings(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes"
    shutil.copytree(shapes_dir(), shapes)
    (shapes / "warning.ttl").write_text(
        PREFIXES + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        '<shape> a sh:NodeShape ; sh:targetClass pg:Document ; sh:severity sh:Warning ; sh:pattern "^nothing$" .'
    )
    mini = Path(__file__).resolve().parents[1] / "fixtures" / "mini" / "seeds"
    result = pipeline.build(pipeline.Settings(seeds=mini, out=tmp_path / "out", shapes=shapes))
    assert not result.report.conforms
    assert {v.constraint for v in result.report.violations} == {"sh:PatternConstraintComponent"}


def test_core_features_beyond_the_shipped_shapes_agree_with_pyshacl(
    mini_built: pipeline.BuildResult, tmp_path: Path
) -> None:
    """Paths, logical constraints, property pairs, closed shapes and nested property shapes on a real corpus."""
    (tmp_path / "more.ttl").write_text(
        PREFIXES + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        """<doc> a sh:NodeShape ; sh:targetClass pg:Document ;
             sh:property [ sh:path ( schema:author schema:name ) ; sh:languageIn ( "fr" ) ] ,
                 [ sh:path [ sh:alternativePath ( schema:author schema:about ) ] ; sh:maxCount 1 ] ,
                 [ sh:path [ sh:oneOrMorePath schema:isPartOf ] ; sh:class pg:Topic ] ,
                 [ sh:path schema:name ; sh:equals rdfs:label ; sh:uniqueLang true ] ,
                 [ sh:path schema:author ; sh:disjoint schema:about ;
                   sh:property [ sh:path schema:name ; sh:pattern "^[A-M]" ] ] ;
             sh:not [ sh:property [ sh:path schema:about ; sh:minCount 1 ] ] .
           <org> a sh:NodeShape ; sh:targetClass pg:Organization ; sh:closed true ;
             sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> rdfs:label owl:sameAs ) ;
             sh:property [ sh:path schema:name ] ;
             sh:xone ( [ sh:property [ sh:path owl:sameAs ; sh:minCount 1 ] ]
                       [ sh:property [ sh:path schema:name ; sh:maxLength 12 ] ] ) ."""
    )
    fast = fastshacl.validate(mini_built.triples, tmp_path, engine="fast")
    reference = fastshacl.validate(mini_built.triples, tmp_path, engine="pyshacl")
    assert _keys(fast) == _keys(reference)
    assert {c for _f, _p, c in _keys(fast)} >= {
        "sh:LanguageInConstraintComponent",
        "sh:MaxCountConstraintComponent",
        "sh:NotConstraintComponent",
        "sh:ClosedConstraintComponent",
        "sh:PatternConstraintComponent",
    }


def test_an_ill_typed_literal_target_fails_its_datatype_though_the_data_lacks_it() -> None:
    shapes = _shapes(
        'ex:S sh:targetNode "abc"^^xsd:integer, "12"^^xsd:integer ; sh:datatype xsd:integer .'
        " ex:T sh:targetNode ex:nowhere ; sh:property [ sh:path ( ex:p [ sh:zeroOrMorePath ex:q ] ) ; sh:minCount 1 ] ."
    )
    found = {(str(r.focus), str(r.path), r.component) for r in fastshacl.evaluate([], shapes)}
    assert found == {
        ('"abc"^^<http://www.w3.org/2001/XMLSchema#integer>', "None", "sh:DatatypeConstraintComponent"),
        (
            "<http://example.org/nowhere>",
            "(<http://example.org/p>/<http://example.org/q>*)",
            "sh:MinCountConstraintComponent",
        ),
    }


def test_date_pairs_are_compared_as_pyshacl_compares_them(tmp_path: Path) -> None:
    """Plain dates are compared in SPARQL, by their text; any other (ill-typed, zoned, a long year, a
    date against a year) in Python: both ways as pySHACL decides (an ill-typed date against a plain
    one is left out: pySHACL fails on it)."""
    (tmp_path / "dates.ttl").write_text(
        PREFIXES + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        """<bounds> a sh:NodeShape ; sh:targetSubjectsOf pg:earliestDate ;
             sh:property [ sh:path pg:earliestDate ; sh:lessThanOrEquals pg:latestDate ] ,
                 [ sh:path pg:earliestDate ; sh:lessThan pg:latestDate ] ."""
    )
    pairs = [
        ("2017-03-21", "2017-03-25"),
        ("2017-03-25", "2017-03-21"),
        ("2017-03-21", "2017-03-21"),
        ("2017-02-30", "2017-03-01"),
        ("2017-03-21Z", "2017-03-25"),
        ("2017-03-21+02:00", "2017-03-21Z"),
        ("12017-03-21", "2017-03-25"),
        ("0000-01-01", "2017-03-25"),
    ]
    turtle = "".join(
        f'<event/e{i}> pg:earliestDate "{low}"^^xsd:date ; pg:latestDate "{high}"^^xsd:date .\n'
        for i, (low, high) in enumerate(pairs)
    )
    turtle += '<event/y> pg:earliestDate "2017-03-21"^^xsd:date ; pg:latestDate "2017"^^xsd:gYear .\n'
    triples = _triples(turtle)
    with warnings.catch_warnings():  # rdflib's comparison of ill-typed literals warns, in both engines
        warnings.simplefilter("ignore", DeprecationWarning)
        fast = fastshacl.validate(triples, tmp_path, engine="fast")
        reference = fastshacl.validate(triples, tmp_path, engine="pyshacl")
    assert _keys(fast) == _keys(reference)
    assert {(v.focus, v.constraint) for v in fast.violations} >= {
        (ID + "event/e1", "sh:LessThanOrEqualsConstraintComponent"),
        (ID + "event/e2", "sh:LessThanConstraintComponent"),
    }


def test_counts_of_sibling_property_shapes_keep_each_its_shape_path_and_severity() -> None:
    """The counts of a shape's property shapes are one query: each result still names its own."""
    shapes = _shapes(
        "ex:S sh:targetNode ex:a ; sh:property ex:P, ex:Q, ex:R ."
        " ex:P sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ."
        " ex:Q sh:path [ sh:inversePath ex:q ] ; sh:maxCount 1 ."
        " ex:R sh:path ex:r ; sh:minCount 1 ; sh:maxCount 2 ."
    )
    data = _triples("@prefix ex: <http://example.org/> . ex:b ex:q ex:a . ex:c ex:q ex:a . ex:a ex:r 1, 2, 3 .")
    found = {(str(r.shape), str(r.path), r.severity.value, r.component) for r in fastshacl.evaluate(data, shapes)}
    sh, ex = "http://www.w3.org/ns/shacl#", "http://example.org/"
    assert found == {
        (f"<{ex}P>", f"{ex}p", sh + "Warning", "sh:MinCountConstraintComponent"),
        (f"<{ex}Q>", f"^<{ex}q>", sh + "Violation", "sh:MaxCountConstraintComponent"),
        (f"<{ex}R>", f"{ex}r", sh + "Violation", "sh:MaxCountConstraintComponent"),
    }
