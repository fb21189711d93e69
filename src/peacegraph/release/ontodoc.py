"""Documentation generated from the ontology: an HTML reference (pyLODE) and a diagram of the
model (Graphviz DOT source, rendered to SVG by ``dot``).

The DOT source is a pure function of the ontology and is committed next to the picture, so a
test can tell when the diagram is out of date without comparing picture bytes.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, TypeGuard

import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from ..errors import InputError
from ..rdf.namespaces import PG
from ..rdf.serialize import compact_iri

HTML_FILE: Final = "ontology.html"
DOT_FILE: Final = "model.dot"
SVG_FILE: Final = "model.svg"

_STYLE: Final = (
    "  rankdir=RL;\n"
    '  graph [fontname="Helvetica", fontsize=11, nodesep=0.25, ranksep=0.5];\n'
    '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", color="#4a6fa5", '
    'fontname="Helvetica", fontsize=10];\n'
    '  edge [fontname="Helvetica", fontsize=9, color="#555555"];\n'
)


def read(ontology: Path) -> rdflib.Graph:
    try:
        return rdflib.Graph().parse(ontology, format="turtle")
    except (OSError, SyntaxError) as error:
        raise InputError(f"cannot read the ontology: {error}", ontology) from None


def html(ontology: Path) -> str:
    """The pyLODE reference of the ontology, as one self-contained HTML page."""
    graph = read(ontology)
    with _logging_left_alone(), warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # pyLODE reads its stylesheet without closing it
        from pylode import OntPub

        return str(OntPub(ontology=graph, sort_subjects=True).make_html())


@contextmanager
def _logging_left_alone() -> Iterator[None]:
    """Undo what pyLODE does to the root logger (importing it calls ``logging.basicConfig(DEBUG)``)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    placeholder = logging.NullHandler()
    root.addHandler(placeholder)  # a root logger with a handler makes basicConfig() do nothing
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
        root.setLevel(level)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ours(node: object) -> TypeGuard[URIRef]:
    return isinstance(node, URIRef) and str(node).startswith(PG)


def _node_label(graph: rdflib.Graph, cls: URIRef) -> str:
    """The class's name, with its schema.org (or other external) superclasses under it."""
    external = sorted(compact_iri(str(s)) for s in graph.objects(cls, RDFS.subClassOf) if not _ours(s))
    attributes = sorted(
        f"{compact_iri(str(p))}: {compact_iri(str(graph.value(p, RDFS.range)))}"
        for p in graph.subjects(RDFS.domain, cls)
        if (p, RDF.type, OWL.DatatypeProperty) in graph
    )
    lines = [compact_iri(str(cls)), *(f"⊑ {name}" for name in external), *attributes]
    return "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)


def dot(ontology: Path) -> str:
    """The model as DOT: our classes, their subclass links, and our object properties with a range."""
    graph = read(ontology)
    classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class) if _ours(c))
    lines = ["digraph peacegraph {", _STYLE.rstrip("\n")]
    lines += [f'  {_quote(compact_iri(str(c)))} [label="{_node_label(graph, c)}"];' for c in classes]
    for cls in classes:
        for parent in sorted(p for p in graph.objects(cls, RDFS.subClassOf) if _ours(p)):
            lines.append(f"  {_quote(compact_iri(str(cls)))} -> {_quote(compact_iri(str(parent)))} [arrowhead=empty];")
    lines += _property_edges(graph)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _property_edges(graph: rdflib.Graph) -> list[str]:
    edges = []
    for prop in sorted(p for p in graph.subjects(RDF.type, OWL.ObjectProperty) if _ours(p)):
        domain, target = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        if domain is None or target is None:
            continue
        name = compact_iri(str(prop))
        if not _ours(target):
            edges.append(f"  {_quote(name + ' ->')} [label={_quote(compact_iri(str(target)))}, shape=plain];")
            end = name + " ->"
        else:
            end = compact_iri(str(target))
        edges.append(
            f"  {_quote(compact_iri(str(domain)))} -> {_quote(end)} "
            f'[label={_quote(name)}, style=dashed, color="#a5574a", fontcolor="#a5574a"];'
        )
    return edges


def svg(source: str) -> bytes:
    """Render DOT with Graphviz (Debian package ``graphviz``)."""
    program = shutil.which("dot")
    if program is None:
        raise InputError("Graphviz `dot` is not installed (apt-get install graphviz)")
    done = subprocess.run([program, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, check=False)
    if done.returncode != 0:
        raise InputError(f"dot failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def write(ontology: Path, out: Path) -> list[Path]:
    """Write the HTML reference, the DOT source and the SVG diagram into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    source = dot(ontology)
    files = {HTML_FILE: html(ontology).encode("utf-8"), DOT_FILE: source.encode("utf-8"), SVG_FILE: svg(source)}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return [out / name for name in files]
