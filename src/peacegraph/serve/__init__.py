"""``peacegraph serve``: the read-only SPARQL endpoint (its HTTP transport, query workers, sandbox,
limits and admission), serving the pages of ``pages`` and the service of ``reconcile`` beside it.
May import the stages, ``query``, ``collection``, ``pages`` and ``reconcile``.
"""
