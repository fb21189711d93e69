"""Built on a release, talking to other servers: the SPARQL endpoint client, publishing a release to a
SPARQL server, and reconciling Wikidata links. May import the stages and ``query``.
"""
