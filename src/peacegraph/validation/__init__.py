"""Stage 3, validation against the SHACL shapes: the report, the fast engine (shapes compiled to SPARQL
on Oxigraph) and pySHACL, the reference. May import ``records`` and ``rdf``.
"""
