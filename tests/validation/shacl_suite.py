"""The W3C SHACL Core test suite (``../shared/reference/shacl-core-tests``): its tests, read from the
manifests, and each expected report as a multiset of comparable results.

A result is compared by focus node, path, value, severity and source constraint component, as the
suite's SOURCE.md says (not by message or source shape). Terms are written in N-Triples; a blank
node keeps its label, which is the data graph's own when the expected report names a node of the
data (the test file is parsed once, for data, shapes and expected report alike); paths are written
as the fast engine writes them, after being read from the expected report by the engine's own path
reader.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from peacegraph.validation import fast as fastshacl
from peacegraph.validation.report import short_name

SUITE: Final = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "shacl-core-tests"

MF: Final = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT: Final = "http://www.w3.org/ns/shacl-test#"
SH: Final = "http://www.w3.org/ns/shacl#"
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

Term = NamedNode | BlankNode | Literal
#: (focus node, path, value, severity, source constraint component), terms in N-Triples.
Key = tuple[str, str | None, str | None, str, str]


@dataclass(frozen=True)
class SuiteTest:
    name: str
    data: list[Triple]
    shapes: list[Triple]
    conforms: bool
    expected: Counter[Key]


class Graph:
    """Triples indexed by subject and predicate (enough to walk manifests and reports)."""

    def __init__(self, triples: list[Triple]):
        self.triples = triples
        self.index: dict[tuple[Term, str], list[Term]] = {}
        for t in triples:
            self.index.setdefault((t.subject, t.predicate.value), []).append(t.object)  # type: ignore[arg-type]

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        return self.index.get((subject, predicate), [])

    def one(self, subject: Term, predicate: str) -> Term | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def items(self, head: Term | None) -> list[Term]:
        members: list[Term] = []
        while head is not None and head != NamedNode(RDF + "nil"):
            members.append(self.objects(head, RDF + "first")[0])
            head = self.one(head, RDF + "rest")
        return members


def read(path: Path, cache: dict[Path, list[Triple]]) -> list[Triple]:
    if path not in cache:
        cache[path] = [q.triple for q in parse(path=path, format=RdfFormat.TURTLE, base_iri=path.as_uri())]
    return cache[path]


def read_suite(root: Path) -> list[SuiteTest]:
    """Every ``sht:Validate`` test under the root manifest, in manifest order."""
    cache: dict[Path, list[Triple]] = {}
    found: list[SuiteTest] = []
    _walk(root / "manifest.ttl", cache, found)
    return found


def _walk(manifest: Path, cache: dict[Path, list[Triple]], found: list[SuiteTest]) -> None:
    graph = Graph(read(manifest, cache))
    this = NamedNode(manifest.as_uri())
    for included in graph.objects(this, MF + "include"):
        _walk(Path(included.value.removeprefix("file://")), cache, found)
    for head in graph.objects(this, MF + "entries"):
        for entry in graph.items(head):
            found.append(_test(graph, entry, manifest, cache))


def _test(graph: Graph, entry: Term, manifest: Path, cache: dict[Path, list[Triple]]) -> SuiteTest:
    action = graph.one(entry, MF + "action")
    report = graph.one(entry, MF + "result")
    if action is None or report is None:
        raise ValueError(f"{manifest}: test {entry} without mf:action or mf:result")
    data_file, shapes_file = (graph.one(action, SHT + p) for p in ("dataGraph", "shapesGraph"))
    if not isinstance(data_file, NamedNode) or not isinstance(shapes_file, NamedNode):
        raise ValueError(f"{manifest}: test {entry} without sht:dataGraph or sht:shapesGraph")
    name = f"{manifest.parent.name}/{entry.value.rsplit('/', 1)[-1]}"
    conforms = graph.one(report, SH + "conforms")
    return SuiteTest(
        name=name,
        data=read(Path(data_file.value.removeprefix("file://")), cache),
        shapes=read(Path(shapes_file.value.removeprefix("file://")), cache),
        conforms=isinstance(conforms, Literal) and conforms.value == "true",
        expected=Counter(_expected(graph, report)),
    )


def _expected(graph: Graph, report: Term) -> list[Key]:
    paths = fastshacl.ShapesGraph(graph.triples)
    keys = []
    for result in graph.objects(report, SH + "result"):
        path = graph.one(result, SH + "resultPath")
        value = graph.one(result, SH + "value")
        focus, severity, component = (
            graph.one(result, SH + p) for p in ("focusNode", "resultSeverity", "sourceConstraintComponent")
        )
        if focus is None or not isinstance(severity, NamedNode) or not isinstance(component, NamedNode):
            raise ValueError(f"expected result {result} without focus node, severity or component")
        keys.append(
            (
                str(focus),
                str(fastshacl.read_path(paths, path, result)) if path is not None else None,
                str(value) if value is not None else None,
                short_name(severity.value),
                short_name(component.value),
            )
        )
    return keys


def actual(results: list[fastshacl.Result]) -> Counter[Key]:
    """The engine's results as the same keys."""
    return Counter(
        (
            str(r.focus),
            str(r.path) if r.path is not None else None,
            str(r.value) if r.value is not None else None,
            short_name(r.severity.value),
            r.component,
        )
        for r in results
    )
