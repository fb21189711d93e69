"""Stage 4, the release: the ``out/`` directory and writing it without loss, versions, VoID/DCAT
metadata, tables and citation files, diffs between releases, the changelog and the ontology docs
(the ``release`` command itself is ``peacegraph.releasing``, which runs the pipeline).
May import ``records``, ``rdf`` and ``validation``.
"""
