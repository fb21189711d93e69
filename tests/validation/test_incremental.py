"""The incremental validation gives the report a full validation gives, for any change and any shapes.

Each test validates a graph in full, keeping what the next validation needs, edits the graph at
random (triples and whole records removed, added, changed; violations made and mended), and then
validates the edited graph both from the keep and in full: the reports must be the same, violation
for violation, in the same order, with the same seed files and lines. The graphs are a small
synthetic corpus (``bench/synthetic.py``), the Syria release in ``out/``, and the W3C SHACL Core
suite's; the shapes are the tool's, a collection's, and extra ones using every kind of path and
the shape-based constraints. Damaged keeps must give the full report too.
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, serialize

from peacegraph import pipeline, resources
from peacegraph.rdf import lines as rdflines
from peacegraph.rdf.lines import Lines
from peacegraph.rdf.namespaces import using
from peacegraph.rdf.spill import SpilledLines
from peacegraph.records.model import Origin
from peacegraph.validation import fast, incremental
from peacegraph.validation.fast import ShapesGraph, literals
from peacegraph.validation.footprint import UnboundedError, footprint
from peacegraph.validation.report import Report, origins

from .shacl_suite import SUITE, SuiteTest, read_suite

ROOT = Path(__file__).resolve().parents[2]


def _bench_module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


synthetic = _bench_module("synthetic")

EXTRA_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <https://schema.org/> .
@prefix pg: <https://w3id.org/peacegraph/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/extra#> .

ex:Authors a sh:NodeShape ; sh:targetClass pg:Organization ;
    sh:property [ sh:path ( [ sh:inversePath schema:author ] rdfs:label ) ; sh:maxCount 2 ; sh:severity sh:Warning ] ,
        [ sh:path [ sh:inversePath schema:author ] ; sh:node ex:Labelled ; sh:severity sh:Info ] ,
        [ sh:path schema:name ; sh:or ( [ sh:datatype xsd:string ] [ sh:datatype rdf:langString ] ) ;
          sh:pattern "^Org" ; sh:equals rdfs:label ; sh:severity sh:Warning ] .
ex:Labelled a sh:NodeShape ; sh:class pg:Document ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
ex:Signatures a sh:NodeShape ; sh:targetSubjectsOf pg:signatory ; sh:closed true ; sh:severity sh:Warning ;
    sh:ignoredProperties ( rdf:type rdfs:label ) ;
    sh:property [ sh:path pg:signatory ; sh:maxCount 1 ] , [ sh:path schema:item ] , [ sh:path schema:position ] .
ex:Documents a sh:NodeShape ; sh:targetClass pg:Document ;
    sh:property [ sh:path ( pg:signature [ sh:alternativePath ( pg:signatory schema:item ) ] ) ;
          sh:qualifiedValueShape [ sh:class pg:Organization ] ; sh:qualifiedMinCount 1 ; sh:severity sh:Warning ] ,
        [ sh:path [ sh:zeroOrOnePath schema:about ] ; sh:not [ sh:class pg:Person ] ] ,
        [ sh:path schema:author ; sh:disjoint schema:about ; sh:node ex:Agent ] .
ex:Agent a sh:NodeShape ; sh:xone ( [ sh:class pg:Organization ] [ sh:class pg:Person ] [ sh:class pg:Government ] ) ;
    sh:property [ sh:path [ sh:inversePath schema:member ] ; sh:maxCount 3 ] .
ex:Evidence a sh:NodeShape ; sh:targetObjectsOf pg:evidence ;
    sh:property [ sh:path oa:hasSelector ; sh:minCount 2 ; sh:node ex:Selector ] .
ex:Selector a sh:NodeShape ; sh:or ( [ sh:class oa:TextQuoteSelector ] [ sh:class oa:TextPositionSelector ] ) ;
    sh:property [ sh:path oa:start ; sh:lessThan oa:end ] .
pg:Topic a rdfs:Class, sh:NodeShape ; sh:property [ sh:path [ sh:inversePath schema:about ] ; sh:minCount 1 ] .
"""


@dataclass
class Case:
    """A graph's lines, where its records are, and the shapes to validate it with."""

    lines: list[bytes]
    by_iri: dict[str, Origin]
    shapes: list[Path]


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of a few kilobytes, so that a small graph has many (as a large one has)."""
    monkeypatch.setattr(literals, "LOAD_BLOCK", 4096)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each validation went: "again" where the keep was used, "full" otherwise."""
    seen: list[str] = []
    revalidated, full = incremental._revalidated, incremental._full

    def again(*args: Any) -> Any:
        seen.append("again")
        return revalidated(*args)

    def whole(*args: Any) -> Any:
        seen.append("full")
        return full(*args)

    monkeypatch.setattr(incremental, "_revalidated", again)
    monkeypatch.setattr(incremental, "_full", whole)
    return seen


def _extra(folder: Path, data: list[bytes]) -> Path:
    """The extra shapes, with a ``sh:targetNode`` that is one of the organizations of ``data``."""
    organization = next(s for s, _p, o in map(_split, data) if o.endswith(b"ontology#Organization>"))
    path = folder / "extra.ttl"
    one = f"ex:One a sh:NodeShape ; sh:targetNode {organization.decode()} ;"
    path.write_text(f"{EXTRA_SHAPES}{one} sh:property [ sh:path schema:name ; sh:maxLength 20 ] .\n", encoding="utf-8")
    return path


def _split(line: bytes) -> tuple[bytes, bytes, bytes]:
    s, p, rest = line.split(b" ", 2)
    return s, p, rest[:-2]


def _tool_shapes() -> list[Path]:
    return sorted(resources.shapes_dir().glob("*.ttl"))


@pytest.fixture(scope="module")
def synthetic_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[bytes], dict[str, Origin]]]:
    seeds = synthetic.write_seeds(tmp_path_factory.mktemp("synthetic") / "seeds", 2)
    settings = pipeline.resolved(pipeline.Settings(seeds=seeds))
    assert settings.collection is not None
    with using(settings.collection.space):
        corpus = pipeline.load(settings)
        graph = pipeline.assemble(corpus, settings.ontology, settings.collection)
        yield graph.data.splitlines(), dict(origins(corpus))


@pytest.fixture(scope="module")
def syria_graph() -> tuple[list[bytes], dict[str, Origin]]:
    settings = pipeline.resolved(pipeline.Settings(seeds=ROOT / "seeds"))
    corpus = pipeline.load(settings)
    return (ROOT / "out" / "peacegraph.nt").read_bytes().splitlines(), dict(origins(corpus))


def _lines(lines: list[bytes]) -> Lines:
    unique = sorted(set(lines))
    return Lines(b"".join(line + b"\n" for line in unique), len(unique))


def _edit(lines: list[bytes], rng: random.Random) -> list[bytes]:
    """``lines`` after one to four random edits of triples or records."""
    lines = list(lines)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(7)
        line = rng.choice(lines)
        s, p, o = _split(line)
        other_s, other_p, other_o = _split(rng.choice(lines))
        if kind == 0:  # triples removed
            for _gone in range(rng.randint(1, 5)):
                lines.remove(rng.choice(lines))
        elif kind == 1:  # an object changed (a value of the wrong kind, a link to the wrong node)
            lines[lines.index(line)] = b" ".join((s, p, other_o, b"."))
        elif kind == 2:  # a node's type changed
            types = [x for x in lines if _split(x)[1].endswith(b"#type>")]
            typed = rng.choice(types)
            lines[lines.index(typed)] = b" ".join((*_split(typed)[:2], _split(rng.choice(types))[2], b"."))
        elif kind == 3:  # a record copied under a new name, and linked from where the original is
            new = s[:-1] + b"-copy>"
            lines += [b" ".join((new, *_split(x)[1:], b".")) for x in lines if x.startswith(s + b" ")]
            lines += [b" ".join((*_split(x)[:2], new, b".")) for x in lines if x.endswith(b" " + s + b" .")][:3]
        elif kind == 4:  # a record removed (what linked to it stays)
            lines = [x for x in lines if not x.startswith(s + b" ")]
        elif kind == 5:  # a triple added
            lines.append(b" ".join((s, other_p, other_o, b".")))
        else:  # a triple moved to another subject
            lines[lines.index(line)] = b" ".join((other_s, p, o, b"."))
    return lines


def _moved(by_iri: dict[str, Origin], rng: random.Random) -> dict[str, Origin]:
    """Where the records are after lines were added to some files: the same records, other lines."""
    return {iri: replace(origin, line=origin.line + rng.randrange(2)) for iri, origin in by_iri.items()}


def _same(got: Report, expected: Report) -> None:
    assert got == expected
    assert [(str(v), v.explanation) for v in got.violations] == [(str(v), v.explanation) for v in expected.violations]


def _chain(case: Case, tmp: Path, rng: random.Random, steps: int, spill: bool, edits: int = 1) -> None:
    """Validate ``case`` in full, then ``steps`` random edits of it (``edits`` rounds each) from the keep
    of the last, through the build's stage function: each as a full validation."""
    keep, lines = tmp / "keep-0", case.lines
    keep.mkdir()
    graph = _lines(lines)
    (tmp / "previous.nt").write_bytes(graph.data)
    incremental.validate(graph, case.shapes, case.by_iri, fresh=keep)
    for step in range(1, steps + 1):
        for _round in range(edits):
            lines = _edit(lines, rng)
        by_iri = _moved(case.by_iri, rng)
        graph = _lines(lines)
        expected = incremental.validate(graph, case.shapes, by_iri)
        fresh = tmp / f"keep-{step}"
        fresh.mkdir()
        before = tmp / "previous.nt"
        if spill:
            with SpilledLines(graph) as spilled:
                got = pipeline.check_conformance(
                    by_iri, spilled, case.shapes, previous=keep, previous_lines=before, fresh=fresh
                )
        else:
            got = pipeline.check_conformance(
                by_iri, graph, case.shapes, previous=keep, previous_lines=before, fresh=fresh
            )
        _same(got, expected)
        keep = fresh
        (tmp / "previous.nt").write_bytes(graph.data)


@pytest.mark.usefixtures("small_segments")
@pytest.mark.parametrize("seed", range(6))
def test_random_edits_of_a_synthetic_corpus(
    synthetic_graph: tuple[list[bytes], dict[str, Origin]], tmp_path: Path, seed: int, runs: list[str]
) -> None:
    data, by_iri = synthetic_graph
    shapes = [*_tool_shapes(), _extra(tmp_path, data)] if seed % 2 else _tool_shapes()
    _chain(Case(data, by_iri, shapes), tmp_path, random.Random(seed), steps=6, spill=bool(seed % 3))
    assert runs.count("again") >= 3, runs  # the keep was used, not just a full validation each time


HIERARCHY = [
    b"<https://w3id.org/peacegraph/ontology#Organization> <http://www.w3.org/2000/01/rdf-schema#subClassOf>"
    b" <http://example.org/extra#Agent> .",
    b"<https://w3id.org/peacegraph/ontology#Person> <http://www.w3.org/2000/01/rdf-schema#subClassOf>"
    b" <http://example.org/extra#Agent> .",
]
AGENTS = """
ex:Agents a sh:NodeShape ; sh:targetClass ex:Agent ;
    sh:property [ sh:path schema:name ; sh:minCount 1 ; sh:maxLength 24 ; sh:severity sh:Warning ] ,
        [ sh:path schema:memberOf ; sh:class ex:Agent ] .
"""


@pytest.mark.usefixtures("small_segments")
@pytest.mark.parametrize("seed", range(3))
def test_random_edits_with_a_class_hierarchy(
    synthetic_graph: tuple[list[bytes], dict[str, Origin]],
    tmp_path: Path,
    seed: int,
    runs: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Data with ``rdfs:subClassOf`` triples: class targets and ``sh:class`` through them. (The extra
    shapes' inverse paths take more searches than a large graph would be worth: allowed here.)"""
    monkeypatch.setattr(incremental, "MAX_SEARCHES", 64)
    data, by_iri = synthetic_graph
    shapes = [*_tool_shapes(), _extra(tmp_path, data)]
    shapes[-1].write_text(shapes[-1].read_text(encoding="utf-8") + AGENTS, encoding="utf-8")
    _chain(Case(data + HIERARCHY, by_iri, shapes), tmp_path, random.Random(200 + seed), steps=5, spill=True)
    assert runs.count("again") >= 3, runs


@pytest.mark.usefixtures("small_segments")
@pytest.mark.parametrize("seed", range(2))
def test_many_edits_at_once(
    synthetic_graph: tuple[list[bytes], dict[str, Origin]], tmp_path: Path, seed: int, runs: list[str]
) -> None:
    """Changes in many segments, many records: the same report (from the keep or, past its limits, in full)."""
    data, by_iri = synthetic_graph
    shapes = [*_tool_shapes(), _extra(tmp_path, data)]
    _chain(Case(data, by_iri, shapes), tmp_path, random.Random(50 + seed), steps=2, spill=True, edits=25)


@pytest.mark.usefixtures("small_segments")
@pytest.mark.parametrize("seed", range(4))
def test_random_edits_of_the_syria_release(
    syria_graph: tuple[list[bytes], dict[str, Origin]], tmp_path: Path, seed: int, runs: list[str]
) -> None:
    data, by_iri = syria_graph
    own = pipeline.resolved(pipeline.Settings(seeds=ROOT / "seeds")).collection
    assert own is not None
    shapes = [*_tool_shapes(), *own.shapes, *([_extra(tmp_path, data)] if seed % 2 else [])]
    _chain(Case(data, by_iri, shapes), tmp_path, random.Random(100 + seed), steps=5, spill=True)
    assert runs.count("again") >= 3, runs


DEEP = """
ex:Deep a sh:NodeShape ; sh:targetClass pg:Document ;
    sh:property [ sh:path ( pg:signature pg:signatory ) ; sh:class pg:Organization ; sh:severity sh:Info ] .
ex:Titles a sh:NodeShape ; sh:targetClass pg:Organization ;
    sh:property [ sh:path ( [ sh:inversePath schema:author ] rdfs:label ) ; sh:pattern "^[^0-9]" ;
        sh:severity sh:Info ] .
"""


def test_changes_far_from_their_focus_nodes_are_followed_back_to_them(
    synthetic_graph: tuple[list[bytes], dict[str, Origin]], tmp_path: Path, runs: list[str]
) -> None:
    """A type two steps down a document's path, and a label one inverse step and one step from an
    organization: each changes the report of the node at the other end, validated from the keep."""
    data, by_iri = synthetic_graph
    shapes = [*_tool_shapes(), _extra(tmp_path, data)]
    shapes[-1].write_text(shapes[-1].read_text(encoding="utf-8") + DEEP, encoding="utf-8")
    signed = next(o for _s, p, o in map(_split, data) if p.endswith(b"ontology#signatory>"))
    typed = b" ".join(
        (
            signed,
            b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
            b"<https://w3id.org/peacegraph/ontology#Organization>",
            b".",
        )
    )
    document = next(s for s, p, _o in map(_split, data) if p.endswith(b"schema.org/author>"))
    labels = [document + b' <http://www.w3.org/2000/01/rdf-schema#label> "%d" .' % i for i in range(3)]
    edited = [x for x in data if x != typed] + labels
    assert typed in data
    keep, fresh = tmp_path / "keep", tmp_path / "fresh"
    keep.mkdir()
    fresh.mkdir()
    (tmp_path / "previous.nt").write_bytes(_lines(data).data)
    before = incremental.validate(_lines(data), shapes, by_iri, fresh=keep)
    got = incremental.validate(_lines(edited), shapes, by_iri, keep, tmp_path / "previous.nt", fresh)
    expected = incremental.validate(_lines(edited), shapes, by_iri)
    _same(got, expected)
    assert "again" in runs
    new = {(v.focus, v.constraint, v.value) for v in expected.violations} - {
        (v.focus, v.constraint, v.value) for v in before.violations
    }
    authors = {o for s, p, o in map(_split, data) if s == document and p.endswith(b"schema.org/author>")}
    focus_nodes = {o[1:-1].decode() for o in authors - {signed}}  # no organization any more: not a focus node
    assert {(focus, value) for focus, c, value in new if c == "sh:PatternConstraintComponent"} == {
        (author, str(i)) for author in focus_nodes for i in range(3)
    }
    assert any(c == "sh:ClassConstraintComponent" and value == signed[1:-1].decode() for _f, c, value in new)


def test_a_moved_record_gets_its_new_line_in_reused_violations(
    synthetic_graph: tuple[list[bytes], dict[str, Origin]], tmp_path: Path
) -> None:
    """Violations taken from the keep carry today's seed file and line, not those of the last build."""
    data, by_iri = synthetic_graph
    broken = [x for x in data if b"schema.org/name>" not in x]  # every organization lacks its name
    graph = _lines(broken)
    (tmp_path / "previous.nt").write_bytes(graph.data)
    keep, fresh = tmp_path / "keep", tmp_path / "fresh"
    keep.mkdir()
    fresh.mkdir()
    first = incremental.validate(graph, _tool_shapes(), by_iri, fresh=keep)
    assert first.violations
    moved = {iri: replace(origin, line=origin.line + 1000) for iri, origin in by_iri.items()}
    got = incremental.validate(graph, _tool_shapes(), moved, keep, tmp_path / "previous.nt", fresh)
    _same(got, incremental.validate(graph, _tool_shapes(), moved))
    assert all(v.origin is None or v.origin.line > 1000 for v in got.violations)


@pytest.mark.parametrize("limit", ["MAX_SEARCHES", "MAX_ROOTS", "MAX_EXTRACTED", "MAX_CHANGED_LINES"])
def test_past_a_limit_the_validation_is_done_in_full(
    synthetic_graph: tuple[list[bytes], dict[str, Origin]],
    tmp_path: Path,
    runs: list[str],
    limit: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, by_iri = synthetic_graph
    shapes = _tool_shapes()
    keep, fresh = tmp_path / "keep", tmp_path / "fresh"
    keep.mkdir()
    fresh.mkdir()
    (tmp_path / "previous.nt").write_bytes(_lines(data).data)
    incremental.validate(_lines(data), shapes, by_iri, fresh=keep)
    organization = next(s for s, _p, o in map(_split, data) if o.endswith(b"ontology#Organization>"))
    edited = _lines([x for x in data if not x.startswith(organization + b" ")])  # reaches many focus nodes
    monkeypatch.setattr(incremental, limit, 0)
    got = incremental.validate(edited, shapes, by_iri, keep, tmp_path / "previous.nt", fresh)
    _same(got, incremental.validate(edited, shapes, by_iri))
    assert runs == ["full", "full", "full"]
    assert (fresh / incremental.KEEP).exists()  # a keep for the next build all the same


def test_shapes_the_fast_engine_refuses_are_validated_by_pyshacl_and_nothing_is_kept(
    syria_graph: tuple[list[bytes], dict[str, Origin]], tmp_path: Path
) -> None:
    data, by_iri = syria_graph
    sparql = tmp_path / "sparql.ttl"
    sparql.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix pg: <https://w3id.org/peacegraph/ontology#> .\n"
        "<http://example.org/shape> a sh:NodeShape ; sh:targetClass pg:Topic ;"
        ' sh:sparql [ a sh:SPARQLConstraint ; sh:select "SELECT $this WHERE { $this a ?type }" ] .',
        encoding="utf-8",
    )
    keep = tmp_path / "keep"
    keep.mkdir()
    with pytest.warns(fast.FallbackWarning, match="validating with pySHACL"):
        report = incremental.validate(_lines(data), [sparql], by_iri, fresh=keep)
    assert {v.constraint for v in report.violations} == {"sh:SPARQLConstraintComponent"}
    assert not list(keep.iterdir())


def _damages(keep: Path, previous: Path, other: tuple[Path, Path]) -> Iterator[str]:
    """Damage the keep or the previous lines in each way in turn (restoring them in between)."""
    saved = {path: path.read_bytes() for path in (keep / incremental.KEEP, keep / incremental.KEEP_DIGEST, previous)}
    json_file = keep / incremental.KEEP
    damages: list[tuple[str, Callable[[], object]]] = [
        ("truncated", lambda: json_file.write_bytes(saved[json_file][: len(saved[json_file]) // 2])),
        ("garbage", lambda: json_file.write_bytes(b"\x00garbage" * 100)),
        ("missing", lambda: json_file.unlink()),
        ("missing digest", lambda: (keep / incremental.KEEP_DIGEST).unlink()),
        ("lines changed", lambda: previous.write_bytes(saved[previous].replace(b"#type>", b"#tipe>", 3))),
        ("lines truncated", lambda: previous.write_bytes(saved[previous][:1000])),
        ("another build's keep", lambda: _copy(other[0], keep)),
        ("another build's lines", lambda: previous.write_bytes(other[1].read_bytes())),
    ]
    for name, damage in damages:
        damage()
        yield name
        for path, content in saved.items():
            path.write_bytes(content)


def _copy(source: Path, target: Path) -> None:
    for name in (incremental.KEEP, incremental.KEEP_DIGEST):
        (target / name).write_bytes((source / name).read_bytes())


@pytest.mark.usefixtures("small_segments")
def test_a_damaged_keep_gives_the_full_report(
    synthetic_graph: tuple[list[bytes], dict[str, Origin]], tmp_path: Path
) -> None:
    data, by_iri = synthetic_graph
    rng = random.Random(7)
    shapes = _tool_shapes()
    before, other, after = _lines(data), _lines(_edit(data, rng)), _lines(_edit(data, rng))
    folders = {}
    for name, graph in (("keep", before), ("other", other)):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        (tmp_path / f"{name}.nt").write_bytes(graph.data)
        incremental.validate(graph, shapes, by_iri, fresh=folders[name])
    expected = incremental.validate(after, shapes, by_iri)
    damages = _damages(folders["keep"], tmp_path / "keep.nt", (folders["other"], tmp_path / "other.nt"))
    for name in damages:
        fresh = tmp_path / f"fresh-{name}"
        fresh.mkdir()
        got = incremental.validate(after, shapes, by_iri, folders["keep"], tmp_path / "keep.nt", fresh)
        assert got == expected, name
        _same(incremental.validate(after, shapes, by_iri, fresh, tmp_path / "keep.nt"), expected)


# --- the W3C SHACL Core suite, validated again after a part of its data was added ----------------

SUITE_TESTS = read_suite(SUITE) if SUITE.is_dir() else []


def _skolemized(triples: list[Triple]) -> list[bytes]:
    """The data's lines, its blank nodes named (lines have none)."""

    def named(term: Any) -> Any:
        return NamedNode(f"urn:test:blank:{term.value}") if isinstance(term, BlankNode) else term

    graph = rdflines.of(Triple(named(t.subject), t.predicate, named(t.object)) for t in triples)
    return graph.data.splitlines()


@pytest.mark.skipif(not SUITE.is_dir(), reason=f"the SHACL Core test suite is not at {SUITE}")
@pytest.mark.parametrize("case", SUITE_TESTS, ids=[t.name for t in SUITE_TESTS])
def test_the_shacl_core_suite_validated_again(case: SuiteTest, tmp_path: Path, runs: list[str]) -> None:
    """Each suite test's data validated in full with a third of its triples missing, then whole from
    that keep (and back): each time the full report; from the keep unless the shapes have paths of
    any length or an ``rdfs:subClassOf`` triple is among those missing."""
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_bytes(serialize(case.shapes, format=RdfFormat.TURTLE) or b"")
    whole = _skolemized(case.data)
    part = [line for i, line in enumerate(whole) if random.Random(i).random() > 0.33]
    for i, (first, second) in enumerate(((part, whole), (whole, part))):
        keep = tmp_path / f"keep-{i}"
        keep.mkdir()
        (tmp_path / "previous.nt").write_bytes(_lines(first).data)
        incremental.validate(_lines(first), [shapes_file], {}, fresh=keep)
        got = incremental.validate(_lines(second), [shapes_file], {}, keep, tmp_path / "previous.nt")
        _same(got, incremental.validate(_lines(second), [shapes_file], {}))
    try:
        footprint(ShapesGraph(case.shapes))
    except UnboundedError:
        assert "again" not in runs
        return
    hierarchy_changed = any(b"rdf-schema#subClassOf>" in line for line in set(whole) - set(part))
    assert runs.count("again") == (0 if hierarchy_changed else 2)
