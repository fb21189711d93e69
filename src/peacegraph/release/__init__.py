"""Stage 4, the release: the ``out/`` directory and writing it without loss, versions, VoID/DCAT
metadata, diffs between releases, the changelog, the ``release`` command and the ontology docs.
May import ``records``, ``rdf`` and ``validation``.
"""
