"""What ``peacegraph query --format`` may write (``store.py`` writes it), named without loading the engine."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported for annotations: a query's quick start imports this module
if TYPE_CHECKING:
    from typing import Final

#: ``--format``: what a table (SELECT, ASK) and a graph (CONSTRUCT, DESCRIBE) may be written as.
TABLE_FORMATS: Final = ("table", "csv", "tsv", "json", "xml")
#: Each graph format's name and the file extension of its syntax.
GRAPH_FORMATS: Final = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}
