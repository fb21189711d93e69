"""Stage 1, the records: reading the curated YAML safely, the record model, its JSON Schema, loading
with cross-checks, curation warnings and input limits. Imports only ``peacegraph.errors`` and
``peacegraph.rdf.namespaces`` (for minting keys) from the rest of the package.
"""
