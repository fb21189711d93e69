"""What changed between two releases: entities added, removed and changed per class, and the
triples behind each change.

An *entity* is a resource named in our identifier namespace; it has *changed* when it is in
both releases with different triples about it. A release is read from a dump file, a directory
holding ``peacegraph.nt`` and ``SHA256SUMS``, ``git:REV`` (``out/peacegraph.nt`` at that git revision)
or ``release:VERSION`` (that release's ``out/``, found in the repository's history).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from ..errors import InputError
from ..rdf import rdfio
from ..rdf.namespaces import KINDS, OWL, RDF_TYPE, XSD, current, term
from ..rdf.serialize import compact_iri, sort_key
from . import history, previous
from .versions import semver

GIT_PREFIX: Final = history.GIT_PREFIX
RELEASE_PREFIX: Final = history.RELEASE_PREFIX
_TAG: Final = re.compile(r"v([0-9]+\.[0-9]+\.[0-9]+)")
NO_TYPE: Final = "(no type)"

_DEPRECATED_PREDICATE: Final = term(OWL, "deprecated")
_TRUE: Final = Literal("true", datatype=term(XSD, "boolean"))

#: An identifier as peacegraph mints them under any base: ``…/id/KIND/KEY``.
_IDENTIFIER = re.compile(r"/id/(" + "|".join(KINDS.values()) + r")/[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Release:
    """The triples of one side of a diff, and how the user named it."""

    label: str
    triples: frozenset[Triple]


@dataclass
class Entity:
    iri: str
    classes: tuple[str, ...]
    added: list[Triple] = field(default_factory=list)
    removed: list[Triple] = field(default_factory=list)


@dataclass
class Diff:
    old: str
    new: str
    added: list[Entity]
    removed: list[Entity]
    changed: list[Entity]
    #: Entities that the new release marks ``owl:deprecated true`` and the old one did not.
    deprecated: list[Entity]
    triples_added: list[Triple]
    triples_removed: list[Triple]
    #: Triples added or removed whose subject is not one of our entities (e.g. stance concepts).
    other_added: list[Triple]
    other_removed: list[Triple]

    def per_class(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = defaultdict(lambda: {"added": 0, "removed": 0, "changed": 0})
        for change, entities in (("added", self.added), ("removed", self.removed), ("changed", self.changed)):
            for entity in entities:
                for cls in entity.classes:
                    counts[cls][change] += 1
        return dict(sorted(counts.items()))

    @property
    def empty(self) -> bool:
        return not (self.triples_added or self.triples_removed)


# --- reading a release ------------------------------------------------------------------------


def read(spec: str, seeds: Path | None = None, out: Path | None = None) -> Release:
    """A release named by a dump file, a release directory, ``git:REV`` or ``release:VERSION``.

    Directories (and dumps beside a ``SHA256SUMS`` that lists them) are checked against their
    ``SHA256SUMS``. The last two name a release of the collection in ``seeds`` (its release folder
    ``out``): ``git:REV`` is ``out`` at a git revision, ``release:VERSION`` is found in the history of
    the collection's ``release.yaml`` and ``out``; without a collection they are refused.
    """
    if spec.startswith(history.RELEASE_PREFIX):
        version = spec[len(history.RELEASE_PREFIX) :]
        semver(version)
        found = history.find(version, *_in_collection(spec, seeds, out))
        return Release(found.label, frozenset(rdfio.parse_triples(found.dump, RdfFormat.N_TRIPLES, source=spec)))
    if spec.startswith(GIT_PREFIX):
        return Release(spec, frozenset(_from_git(spec[len(GIT_PREFIX) :], spec, seeds, out)))
    path = Path(spec)
    if not path.exists():
        raise InputError("no such dump (give a dump file, a release directory, git:REV or release:VERSION)", path)
    return Release(spec, frozenset(rdfio.read_triples(previous.given(path))))


def _in_collection(spec: str, seeds: Path | None, out: Path | None) -> tuple[Path, Path]:
    """The collection's folder and release folder, which ``spec`` is found in the history of."""
    if seeds is None or out is None:
        raise InputError(
            f"{spec}: names a release in a collection's history; run inside the collection or give --collection DIR"
        )
    return seeds, out


def _from_git(revision: str, spec: str, seeds: Path | None, out: Path | None) -> list[Triple]:
    if not revision or revision.startswith("-"):
        raise InputError(f"{spec}: name a git revision after {GIT_PREFIX}")
    _, folder = _in_collection(spec, seeds, out)
    try:
        dump = history.at_revision(revision, spec, folder)
    except InputError as error:
        tagged = _TAG.fullmatch(revision)
        if tagged is None:
            raise
        raise InputError(
            f"{error}; without a tag, name the release {history.RELEASE_PREFIX}{tagged.group(1)}"
        ) from None
    return rdfio.parse_triples(dump, RdfFormat.N_TRIPLES, source=spec)


# --- comparing --------------------------------------------------------------------------------


def _is_entity(node: object) -> bool:
    if not isinstance(node, NamedNode):
        return False
    space = current()
    if space is None:  # comparing dumps outside any collection: identifiers have the tool's form
        return _IDENTIFIER.search(node.value) is not None
    return node.value.startswith(space.id)


def _by_subject(triples: Iterable[Triple]) -> dict[str, set[Triple]]:
    found: dict[str, set[Triple]] = defaultdict(set)
    for triple in triples:
        if isinstance(triple.subject, NamedNode) and _is_entity(triple.subject):
            found[triple.subject.value].add(triple)
    return found


def _classes(*descriptions: set[Triple]) -> tuple[str, ...]:
    types = {
        t.object.value for d in descriptions for t in d if t.predicate == RDF_TYPE and isinstance(t.object, NamedNode)
    }
    return tuple(sorted(types)) or (NO_TYPE,)


def _sorted(triples: Iterable[Triple]) -> list[Triple]:
    return sorted(triples, key=sort_key)


def compare(old: Release, new: Release) -> Diff:
    before, after = _by_subject(old.triples), _by_subject(new.triples)
    added = [Entity(iri, _classes(after[iri]), added=_sorted(after[iri])) for iri in sorted(after.keys() - before)]
    removed = [
        Entity(iri, _classes(before[iri]), removed=_sorted(before[iri])) for iri in sorted(before.keys() - after)
    ]
    changed = [
        Entity(
            iri, _classes(before[iri], after[iri]), _sorted(after[iri] - before[iri]), _sorted(before[iri] - after[iri])
        )
        for iri in sorted(before.keys() & after)
        if before[iri] != after[iri]
    ]
    deprecated = [e for e in changed + added if any(_says_deprecated(t) for t in e.added)]
    plus, minus = new.triples - old.triples, old.triples - new.triples
    return Diff(
        old=old.label,
        new=new.label,
        added=added,
        removed=removed,
        changed=changed,
        deprecated=deprecated,
        triples_added=_sorted(plus),
        triples_removed=_sorted(minus),
        other_added=_sorted(t for t in plus if not _is_entity(t.subject)),
        other_removed=_sorted(t for t in minus if not _is_entity(t.subject)),
    )


def _says_deprecated(triple: Triple) -> bool:
    return triple.predicate == _DEPRECATED_PREDICATE and triple.object == _TRUE


# --- showing ----------------------------------------------------------------------------------


def show_term(node: object) -> str:
    """A term as people read it: prefixed names where we have a prefix, N-Triples otherwise."""
    if isinstance(node, NamedNode):
        compact = compact_iri(node.value)
        return compact if compact != node.value else str(node)
    if isinstance(node, Literal) and not node.language and node.datatype.value != XSD + "string":
        return f"{Literal(node.value)}^^{compact_iri(node.datatype.value)}"
    return str(node)


def _show_triple(triple: Triple, subject: bool = True) -> str:
    parts = [triple.subject] if subject else []
    return " ".join(show_term(part) for part in (*parts, triple.predicate, triple.object))


def to_text(diff: Diff) -> str:
    """The diff for a terminal: a table per class, then each entity, then the triples that changed."""
    lines = [f"{diff.old} → {diff.new}", *_summary(diff), ""]
    if diff.empty:
        return "\n".join(lines[:2]) + "\n"
    lines += _class_table(diff)
    for title, mark, entities in (("added", "+", diff.added), ("removed", "-", diff.removed)):
        if entities:
            lines += ["", f"{title} entities"]
            lines += [f"  {mark} {show_term(NamedNode(e.iri))}  ({_show_classes(e)})" for e in entities]
    if diff.changed:
        lines += ["", "changed entities"]
        for entity in diff.changed:
            lines.append(f"  ~ {show_term(NamedNode(entity.iri))}  ({_show_classes(entity)})")
            lines += [f"      - {_show_triple(t, subject=False)}" for t in entity.removed]
            lines += [f"      + {_show_triple(t, subject=False)}" for t in entity.added]
    if diff.other_added or diff.other_removed:
        lines += ["", "other triples"]
        lines += [f"  - {_show_triple(t)}" for t in diff.other_removed]
        lines += [f"  + {_show_triple(t)}" for t in diff.other_added]
    return "\n".join(lines) + "\n"


def _summary(diff: Diff) -> list[str]:
    if diff.empty:
        return ["no changes"]
    return [
        f"entities: {len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"
        f" ({len(diff.deprecated)} deprecated); "
        f"triples: {len(diff.triples_added)} added, {len(diff.triples_removed)} removed"
    ]


def _show_classes(entity: Entity) -> str:
    return ", ".join(cls if cls == NO_TYPE else compact_iri(cls) for cls in entity.classes)


def _class_table(diff: Diff) -> list[str]:
    rows = [(cls if cls == NO_TYPE else compact_iri(cls), c) for cls, c in diff.per_class().items()]
    width = max([len("class")] + [len(name) for name, _ in rows])
    header = f"{'class':<{width}}  {'added':>7}  {'removed':>7}  {'changed':>7}"
    body = [f"{name:<{width}}  {c['added']:>7}  {c['removed']:>7}  {c['changed']:>7}" for name, c in rows]
    return [header, *body]


def _nt(triples: Iterable[Triple]) -> list[str]:
    return [f"{t} ." for t in triples]


def to_json(diff: Diff) -> dict[str, Any]:
    """The diff as JSON-ready data: full IRIs, and triples as N-Triples lines."""

    def entity(e: Entity, with_triples: bool) -> dict[str, Any]:
        found: dict[str, Any] = {"iri": e.iri, "classes": list(e.classes)}
        if with_triples:
            found |= {"added": _nt(e.added), "removed": _nt(e.removed)}
        return found

    return {
        "old": diff.old,
        "new": diff.new,
        "summary": {
            "entities": {
                "added": len(diff.added),
                "removed": len(diff.removed),
                "changed": len(diff.changed),
                "deprecated": len(diff.deprecated),
            },
            "triples": {"added": len(diff.triples_added), "removed": len(diff.triples_removed)},
        },
        "classes": diff.per_class(),
        "entities": {
            "added": [entity(e, False) for e in diff.added],
            "removed": [entity(e, False) for e in diff.removed],
            "changed": [entity(e, True) for e in diff.changed],
            "deprecated": [e.iri for e in diff.deprecated],
        },
        "triples": {"added": _nt(diff.triples_added), "removed": _nt(diff.triples_removed)},
    }
