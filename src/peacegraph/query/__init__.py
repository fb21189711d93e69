"""Built on a release: SPARQL over the dumps in an embedded Oxigraph store, and the saved queries.
May import the stages (``records`` to ``release``); never ``web`` or ``remote``.
"""
