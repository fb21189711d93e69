"""SHACL Core validation compiled to SPARQL and run by Oxigraph, with pySHACL's verdicts.

pySHACL over an rdflib graph is the reference (``peacegraph validate --engine pyshacl``), but it
takes minutes at a million triples. Here every constraint of the shapes becomes a SPARQL query that
Oxigraph (Rust) runs over an in-memory store of the data, and the rows become the same
:class:`~peacegraph.validation.report.Violation` objects pySHACL's results do: focus node, path, constraint
component, severity, message, value and the seed file and line of the record.

The compiler knows all of SHACL Core (https://www.w3.org/TR/shacl/#core-components), and passes
the W3C SHACL Core test suite (``tests/validation/test_shacl_core_suite.py``): every kind of target
(explicit and implicit class targets, nodes, subjects of, objects of), every kind of property path,
and every constraint component, with property shapes nested under property shapes (validated on
the values of the outer path) and under the shapes that ``sh:node``, ``sh:and``, ``sh:or``,
``sh:not``, ``sh:xone`` and ``sh:qualifiedValueShape`` name. What it does not know (SHACL-SPARQL,
SHACL-AF, an unknown ``sh:`` parameter, a malformed path or list, recursive shapes, which SHACL
leaves undefined) it refuses with :class:`UnsupportedShapeError`, naming the shape and the
feature, so that a shape can never be silently ignored. Callers then fall back to pySHACL (see
:func:`validate`).

A report conforms when it has no result at all, of any severity (SHACL §3.1); which severities a
build accepts is the build's decision (:meth:`~peacegraph.validation.report.Report.blocking`).

What pySHACL decides in Python, this engine decides in Python too: ``sh:pattern`` is matched with
:func:`re.search`, ``sh:lessThan`` compares rdflib values, and whether a typed literal is well
formed (``"2015-02-30"^^xsd:date`` is not) is asked of rdflib, once per distinct literal.

Oxigraph stores a typed literal as its value: ``"1"^^xsd:positiveInteger`` comes back as
``"1"^^xsd:integer`` and ``"01"^^xsd:integer`` as ``"1"``. SHACL judges the datatype and lexical
form as written, so typed literals enter the validation store under a wrapped datatype IRI
(``urn:peacegraph:fastshacl:datatype:`` + the datatype) that Oxigraph keeps verbatim.

The package, in the order a validation uses it:

- ``shapes``: the shapes graph and the SHACL parameters the engine knows; ``paths``: property
  paths; ``terms``: how terms are written in queries, in the store and in messages; ``program``:
  the compiled steps;
- ``compiler`` walks the shapes and their targets; ``context`` is what it keeps track of; one
  module per constraint family: ``cardinality``, ``values`` (with ``valuetype``, ``ranges``,
  ``strings``, ``other``, ``logical``), ``pairs``;
- ``run`` loads the data and runs the steps; ``literals`` judges typed literals as pySHACL does;
  ``findings`` turns the rows into results, and those into violations for the report.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

from pyoxigraph import Triple

from ...records.model import Origin
from ..report import Report
from .compiler import compile_shapes
from .findings import Result
from .literals import well_typed
from .paths import PropertyPath, read_path
from .program import Check, Outcome, Program, Update
from .run import data_store, evaluate, results, run, validate_triples
from .shapes import ShapesGraph, UnsupportedShapeError, read_shapes
from .terms import sparql_term

__all__ = [
    "Check",
    "FallbackWarning",
    "Outcome",
    "Program",
    "PropertyPath",
    "Result",
    "ShapesGraph",
    "UnsupportedShapeError",
    "Update",
    "compile_shapes",
    "data_store",
    "evaluate",
    "read_path",
    "read_shapes",
    "results",
    "run",
    "sparql_term",
    "validate",
    "validate_triples",
    "well_typed",
]


class FallbackWarning(UserWarning):
    """The fast engine refused the shapes and pySHACL validated them instead."""


def validate(
    triples: Iterable[Triple],
    shapes_dir: Path | list[Path],
    by_iri: Mapping[str, Origin] | None = None,
    engine: str = "auto",
) -> Report:
    """Validate with the fast engine, or pySHACL (``engine="pyshacl"``, or as the fallback of ``"auto"``).

    With ``"auto"``, shapes the fast engine refuses are validated by pySHACL and a
    :class:`FallbackWarning` says why; with ``"fast"`` the refusal is an error.
    """
    shapes = read_shapes(shapes_dir)
    if engine != "pyshacl":
        try:
            return validate_triples(triples, shapes, by_iri)
        except UnsupportedShapeError as refusal:
            if engine == "fast":
                raise
            warnings.warn(f"{refusal}; validating with pySHACL instead", FallbackWarning, stacklevel=2)
    from .. import reference as reference

    return reference.validate_graph(reference.to_rdflib(triples), reference.to_rdflib(shapes), by_iri)
