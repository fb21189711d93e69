"""Where links point, and a linked value, for the live server and the static site alike.

A :class:`Linker` decides where links point, so that the live server and the static site render
the same pages: the server links to extensionless paths and lets content negotiation choose, the
static site links to ``.html`` files by relative paths, so that it works on any host, below any
path, and straight from disk.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass

from ..rdf.namespaces import ONTOLOGY, active
from .describe import Identifier


@dataclass(frozen=True)
class Published:
    """What every page says of the dataset it belongs to, from the release's ``dataset.jsonld``."""

    title: str = "This dataset"
    description: str = ""
    #: The licence's IRI and the name to show for it.
    licence: str = ""
    licence_name: str = ""


#: Where ``serve`` has its SPARQL query editor (its front page is the browse page, as a static site's).
EDITOR = "sparql-editor"


@dataclass(frozen=True)
class Linker:
    """Where the links of the page at ``page`` (a path below the site root, without extension) go."""

    page: str
    static: bool
    release: tuple[str, ...] = ()  # the files of the release, linked from every page
    published: Published = Published()

    @property
    def canonical(self) -> str:
        """The page's persistent IRI (under the collection's base), for ``rel=canonical``."""
        page = self.page.removesuffix("index") if self.page.endswith("/index") or self.page == "index" else self.page
        return active().base + page

    def to(self, target: str, fragment: str = "") -> str:
        """A link to the page at ``target`` (``""`` is the list of everything)."""
        anchor = f"#{fragment}" if fragment else ""
        if not self.static:
            return ("/" + target if target else "/id/") + anchor
        if target.endswith("/"):  # a folder's page: ``id/document/`` is ``id/document/index.html``
            return self.file(target + "index.html") + anchor
        return self.file((target or "index") + ".html") + anchor

    def file(self, target: str) -> str:
        """A link to a file (a dump, a stylesheet, another format of a page)."""
        if not self.static:
            return "/" + target
        return self._up + target

    @functools.cached_property
    def _up(self) -> str:
        """From the page's folder up to the site's root (``../../`` from ``id/document/x``)."""
        folder = posixpath.dirname(self.page)
        return "../" * (folder.count("/") + 1) if folder else ""

    def iri(self, iri: str) -> str | None:
        """Our identifiers lead to our pages; another IRI is its own link if it is on the web."""
        if iri.startswith(active().id):
            ident = Identifier.parse(iri[len(active().id) :])
            if ident is not None:
                return self.to("id/" + ident.path, ident.part)
        if iri == ONTOLOGY or iri.startswith(ONTOLOGY + "#"):
            return self.to("ontology", iri.partition("#")[2])
        if iri.startswith(active().shapes):
            return self.file("shapes.ttl")
        return iri if iri.startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class Value:
    text: str
    href: str | None = None
    note: str = ""  # a literal's language or datatype
    title: str = ""  # shown on hover: the full IRI
