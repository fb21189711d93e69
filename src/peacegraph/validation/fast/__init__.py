"""SHACL Core validation compiled to SPARQL and run by Oxigraph, with pySHACL's verdicts.

pySHACL over an rdflib graph is the reference (``peacegraph validate --engine pyshacl``), but it
takes minutes at a million triples. Here every constraint of the shapes becomes a SPARQL query that
Oxigraph (Rust) runs over an in-memory store of the data, and the rows become the same
:class:`~peacegraph.validation.report.Violation` objects pySHACL's results do: focus node, path, constraint
component, severity, message, value and the seed file and line of the record.

The compiler knows exactly the SHACL Core features our shapes use — targets by class, subjects of
and objects of; ``sh:property`` with a predicate or inverse path; minCount, maxCount, datatype,
class, nodeKind, pattern, minLength, maxLength, node, or, in, hasValue, lessThan, lessThanOrEquals,
and qualifiedValueShape with qualifiedMin/MaxCount — and refuses anything else with
:class:`UnsupportedShapeError`, naming the shape and the feature, so that a new shape can never be
silently ignored. Callers then fall back to pySHACL (see :func:`validate`).

What pySHACL decides in Python, this engine decides in Python too: ``sh:pattern`` is matched with
:func:`re.search`, ``sh:lessThan`` compares rdflib values, and whether a typed literal is well
formed (``"2015-02-30"^^xsd:date`` is not) is asked of rdflib, once per distinct literal.

Oxigraph stores a typed literal as its value: ``"1"^^xsd:positiveInteger`` comes back as
``"1"^^xsd:integer`` and ``"01"^^xsd:integer`` as ``"1"``. SHACL judges the datatype and lexical
form as written, so typed literals enter the validation store under a wrapped datatype IRI
(``urn:peacegraph:fastshacl:datatype:`` + the datatype) that Oxigraph keeps verbatim.

The package, in the order a validation uses it:

- ``shapes``: the shapes graph and the SHACL parameters the engine knows; ``terms``: how terms
  are written in queries, in the store and in messages; ``program``: the compiled checks;
- ``compiler`` walks the shapes and their targets; ``context`` is what it keeps track of; one
  module per constraint family: ``cardinality``, ``values`` (with ``valuetype``, ``strings``,
  ``other``; and the logical and shape-based ones), ``pairs``;
- ``run`` loads the data and runs the checks; ``literals`` judges typed literals as pySHACL does;
  ``findings`` turns the rows into violations for the report.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path

from pyoxigraph import Triple

from ...records.model import Origin
from ..report import Report
from .compiler import compile_shapes
from .literals import well_typed
from .program import Check, Outcome, Program, PropertyPath
from .run import THREADS, data_store, run, validate_triples
from .shapes import UnsupportedShapeError, read_shapes
from .terms import sparql_term

__all__ = [
    "THREADS",
    "Check",
    "FallbackWarning",
    "Outcome",
    "Program",
    "PropertyPath",
    "UnsupportedShapeError",
    "compile_shapes",
    "data_store",
    "read_shapes",
    "run",
    "sparql_term",
    "validate",
    "validate_triples",
    "well_typed",
]


class FallbackWarning(UserWarning):
    """The fast engine refused the shapes and pySHACL validated them instead."""


def validate(
    triples: list[Triple], shapes_dir: Path, by_iri: Mapping[str, Origin] | None = None, engine: str = "auto"
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
