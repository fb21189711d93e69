"""Built on a release: the read-only SPARQL endpoint and its query workers, the identifier pages with
content negotiation, and the static site (templates and static files live here). May import the stages
and ``query``.
"""
