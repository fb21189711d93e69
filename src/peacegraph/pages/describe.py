"""What an identifier dereferences to: the triples about it, names for what they link to, and for a
position the quote in its source text.

An identifier ``…/id/<kind>/<key>`` is described by its own triples, the triples of its auxiliary
nodes (the IRIs below it: signatures, roles, evidence, selectors, source text), and the triples
that point at it. An auxiliary IRI is not described on its own: it leads to its owner's
description, where it has a section of its own (``Identifier.part``).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, Triple

from ..rdf import rdfio, serialize
from ..rdf.formats import Format
from ..rdf.namespaces import DCTERMS, KINDS, OWL, RDFS, SKOS, SLUG_PATTERN, WD, active, schema, term
from ..release.tables import TABLES_DIR

NAME_PREDICATES = (schema("name"), term(SKOS, "prefLabel"), term(RDFS, "label"))
SAME_AS = term(OWL, "sameAs")
DEPRECATED = term(OWL, "deprecated")
REPLACED_BY = term(DCTERMS, "isReplacedBy")
ID_KINDS = frozenset([*KINDS.values(), "scheme"])
_SLUG = re.compile(SLUG_PATTERN)
#: Folders of a release whose files are served and copied with the others.
RELEASE_FOLDERS = frozenset([TABLES_DIR])
CONTEXT_LIMIT = 600  # characters of source text shown at most on each side of a quote


@dataclass(frozen=True)
class Identifier:
    """A path below ``…/id/``, split into the owner (``kind/key``) and the auxiliary part, if any."""

    kind: str
    key: str
    part: str = ""

    @classmethod
    def parse(cls, path: str) -> Identifier | None:
        """The identifier a path names, or ``None`` if no identifier can have that path."""
        kind, _, rest = path.partition("/")
        key, _, part = rest.partition("/")
        segments = [key, *part.split("/")] if part else [key]
        if kind not in ID_KINDS or not all(_SLUG.fullmatch(segment) for segment in segments):
            return None
        return cls(kind, key, part)

    @property
    def owner(self) -> NamedNode:
        return NamedNode(f"{active().id}{self.kind}/{self.key}")

    @property
    def path(self) -> str:
        return f"{self.kind}/{self.key}"


def ontology_store(path: Path) -> Store:
    """The ontology on its own (the dataset's store holds it too, mixed with the data)."""
    ontology = Store()
    ontology.extend(Quad(t.subject, t.predicate, t.object) for t in rdfio.read_triples(path, RdfFormat.TURTLE))
    return ontology


def release_files(out: Path) -> tuple[str, ...]:
    """The files of a release: the dumps, the ontology, the shapes, the metadata, and the tables in
    their folder (``tables/documents.csv``); never a link, nor anything hidden."""
    found = []
    for path in sorted(out.iterdir()):
        if path.name.startswith(".") or path.is_symlink():
            continue
        if path.is_file():
            found.append(path.name)
        elif path.is_dir() and path.name in RELEASE_FOLDERS:
            found.extend(f"{path.name}/{p.name}" for p in sorted(path.iterdir()) if _plain_file(p))
    return tuple(sorted(found))


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink() and not path.name.startswith(".")


def exists(st: Store, iri: NamedNode) -> bool:
    return next(iter(st.quads_for_pattern(iri, None, None)), None) is not None


def outgoing(st: Store, subject: NamedNode) -> list[Triple]:
    return sorted((q.triple for q in st.quads_for_pattern(subject, None, None)), key=str)


def parts(st: Store, owner: NamedNode) -> list[NamedNode]:
    """The auxiliary nodes below ``owner``: those its triples (or theirs) lead to, those that lead
    to it (a membership below a group, which its member's triples lead to), and deprecated ones
    that nothing leads to any more. In IRI order."""
    prefix = owner.value + "/"
    found: dict[str, NamedNode] = {
        q.subject.value: q.subject
        for q in itertools.chain(st.quads_for_pattern(None, DEPRECATED, None), st.quads_for_pattern(None, None, owner))
        if isinstance(q.subject, NamedNode) and q.subject.value.startswith(prefix)
    }
    todo = [owner, *found.values()]
    while todo:
        for triple in outgoing(st, todo.pop()):
            node = triple.object
            if isinstance(node, NamedNode) and node.value.startswith(prefix) and node.value not in found:
                found[node.value] = node
                todo.append(node)
    return [found[key] for key in sorted(found)]


def incoming(st: Store, obj: NamedNode) -> list[Triple]:
    prefix = obj.value + "/"
    return sorted(
        (
            q.triple
            for q in st.quads_for_pattern(None, None, obj)
            if not (isinstance(q.subject, NamedNode) and q.subject.value.startswith(prefix))
        ),
        key=str,
    )


def description(st: Store, owner: NamedNode) -> list[Triple]:
    """Every triple the representations of ``owner`` carry, in a stable order."""
    triples = outgoing(st, owner)
    for node in parts(st, owner):
        triples += outgoing(st, node)
    return triples + incoming(st, owner)


def rdf_all(st: Store, owner: NamedNode) -> dict[Format, bytes]:
    """The description of ``owner`` in every format, gathered and sorted once (the static site's)."""
    triples = serialize.canonical(description(st, owner))
    return {fmt: _write(triples, owner, fmt) for fmt in Format}


def rdf(st: Store, owner: NamedNode, fmt: Format) -> bytes:
    """The description of ``owner`` in ``fmt`` (the server's)."""
    return _write(serialize.canonical(description(st, owner)), owner, fmt)


def _write(triples: list[Triple], owner: NamedNode, fmt: Format) -> bytes:
    """Written as the dumps are, except JSON-LD, which is framed: the auxiliary nodes embedded in their owner."""
    if fmt is Format.JSONLD:
        return serialize.to_jsonld_framed(triples, owner)
    return serialize.WRITERS[fmt](triples)


def ontology_rdf(ontology: Store, fmt: Format) -> bytes:
    """The ontology (its own store) in ``fmt``, written as the dumps are."""
    return serialize.WRITERS[fmt](serialize.canonical(q.triple for q in ontology))


def name(st: Store, node: NamedNode) -> str | None:
    for predicate in NAME_PREDICATES:
        for quad in st.quads_for_pattern(node, predicate, None):
            if isinstance(quad.object, Literal):
                return quad.object.value
    return None


def objects(st: Store, subject: NamedNode, predicate: NamedNode) -> list[NamedNode | Literal]:
    return sorted(
        (q.object for q in st.quads_for_pattern(subject, predicate, None) if isinstance(q.object, NamedNode | Literal)),
        key=str,
    )


def wikidata_links(st: Store, subject: NamedNode) -> list[str]:
    """The Wikidata items an entity is ``owl:sameAs`` (their QIDs)."""
    return [o.value[len(WD) :] for o in objects(st, subject, SAME_AS) if o.value.startswith(WD)]


def deprecation(st: Store, subject: NamedNode) -> list[NamedNode] | None:
    """``None`` if the identifier is current; else what replaces it (possibly nothing)."""
    if not any(o.value == "true" for o in objects(st, subject, DEPRECATED)):
        return None
    return [o for o in objects(st, subject, REPLACED_BY) if isinstance(o, NamedNode)]


# --- a position's quote in its source text ----------------------------------------------------


@dataclass(frozen=True)
class QuoteInContext:
    before: str
    quote: str
    after: str
    source: str  # the seed file name
    start: int
    end: int
    full: bool  # the context comes from the source text itself, not only the selector's prefix and suffix


@functools.lru_cache(maxsize=32)
def seed_text(seeds: Path | None, file_name: str, sha256: str | None) -> str | None:
    """The seed text the dataset names, if it is in ``seeds`` and its SHA-256 is the dataset's."""
    if seeds is None or not file_name or "/" in file_name:
        return None
    path = seeds / file_name
    if not path.is_file():
        return None
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != sha256:
        return None
    return raw.decode("utf-8")


def paragraphs_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text from the paragraph break before the quote to the one after it, at most
    ``CONTEXT_LIMIT`` characters each side (cut at a space and marked with an ellipsis)."""
    begin = text.rfind("\n\n", 0, start)
    begin = 0 if begin < 0 else begin + 2
    finish = text.find("\n\n", end)
    finish = len(text) if finish < 0 else finish
    before, after = text[begin:start], text[end:finish]
    if len(before) > CONTEXT_LIMIT:
        cut = before[-CONTEXT_LIMIT:]
        before = "…" + cut[cut.find(" ") + 1 :]
    if len(after) > CONTEXT_LIMIT:
        cut = after[:CONTEXT_LIMIT]
        after = cut[: cut.rfind(" ")] + "…"
    return before, after


def walk_identifiers(st: Store) -> Iterator[Identifier]:
    """Every identifier with a description of its own (no auxiliary nodes), in order."""
    seen = set()
    for quad in st.quads_for_pattern(None, None, None):
        subject = quad.subject
        if isinstance(subject, NamedNode) and subject.value.startswith(active().id):
            ident = Identifier.parse(subject.value[len(active().id) :])
            if ident is not None and not ident.part:
                seen.add(ident)
    yield from sorted(seen, key=lambda i: (i.kind, i.key))
