"""Content negotiation: the representation a client prefers among those we offer (RFC 9110 §12.5.1).

Offers are a mapping from media type to what that type stands for, in our order of preference; a
type may appear under several names (``application/json`` for SPARQL JSON results). The most
specific range of the ``Accept`` header that matches an offer gives its quality; the offer with the
highest non-zero quality wins, and ties go to the earlier offer. No ``Accept`` header means
anything is acceptable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from pyoxigraph import RdfFormat

from ..rdf.formats import Format, ResultsFormat

T = TypeVar("T")

HTML = "text/html"

RESULTS_OFFERS: Mapping[str, ResultsFormat] = {
    **{f.media_type: f for f in ResultsFormat},
    "application/json": ResultsFormat.JSON,
    "application/xml": ResultsFormat.XML,
    "text/xml": ResultsFormat.XML,
}
GRAPH_OFFERS: Mapping[str, Format] = {
    Format.TURTLE.media_type: Format.TURTLE,
    Format.NTRIPLES.media_type: Format.NTRIPLES,
    Format.JSONLD.media_type: Format.JSONLD,
}
#: What a CONSTRUCT or DESCRIBE result comes in: our RDF syntaxes, and RDF/XML, the default of
#: SPARQLWrapper and rdflib's SPARQLStore.
QUERY_GRAPH_OFFERS: Mapping[str, RdfFormat] = {
    **{media_type: fmt.oxigraph for media_type, fmt in GRAPH_OFFERS.items()},
    "application/rdf+xml": RdfFormat.RDF_XML,
}
#: What an identifier offers: a page for people, then the RDF syntaxes (``None`` stands for HTML).
#: XHTML comes last, so that ``application/*`` (a client that wants data) is not answered with a page.
PAGE_OFFERS: Mapping[str, Format | None] = {HTML: None, **GRAPH_OFFERS, "application/xhtml+xml": None}


@dataclass(frozen=True)
class MediaRange:
    main: str
    sub: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``, ``None`` if it does not match."""
        main, _, sub = media_type.partition("/")
        if self.main == "*":
            return 0
        if self.main != main:
            return None
        if self.sub == "*":
            return 1
        return 2 if self.sub == sub else None


def parse_accept(header: str) -> list[MediaRange]:
    ranges = []
    for item in header.split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = media_type.lower().partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    best_specificity, q = -1, 0.0
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity is not None and specificity > best_specificity:
            best_specificity, q = specificity, media_range.q
    return q


def choose(accept: str | None, offers: Mapping[str, T]) -> tuple[str, T] | None:
    """The offered ``(media type, value)`` the client prefers, or ``None`` if it accepts none."""
    if accept is None or not accept.strip():
        return next(iter(offers.items()))
    ranges = parse_accept(accept)
    best: tuple[float, str] | None = None
    for media_type in offers:
        q = quality(ranges, media_type)
        if q > 0 and (best is None or q > best[0]):
            best = (q, media_type)
    return None if best is None else (best[1], offers[best[1]])
