"""Stage 2, RDF: namespaces and identifiers, the vocabulary, mapping records to triples, canonical
serialization, safe reading of RDF and the format table. May import ``records``; never the later stages.
"""
