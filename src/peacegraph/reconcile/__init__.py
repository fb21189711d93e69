"""The Reconciliation API (0.2 and 1.0-draft) over a release, as OpenRefine uses it: matching names to
identifiers, suggestions, previews and data extension. May import the stages, ``pages`` (identifiers
and labels) and ``collection``. (Checking the records' own Wikidata links is ``remote.wikidata``.)
"""
