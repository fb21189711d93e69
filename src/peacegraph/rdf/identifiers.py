"""Identifiers never break: every identifier of the previous release is still in the new one.

A record that is removed or merged keeps its identifier as a deprecated resource (the
``deprecated:`` list of the record files); anything else that disappears fails the build.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

from pyoxigraph import NamedNode, Triple

from ..errors import InputError
from ..records.model import Corpus
from .mapping import map_deprecation
from .namespaces import OWL, active, term

SHOWN: Final = 5  # identifiers named in an error message before "and N more"

DEPRECATED: Final = term(OWL, "deprecated")


def published(triples: Iterable[Triple]) -> set[str]:
    """Every identifier in our namespace that the triples mention, as subject or object."""
    found = set()
    last = None
    ids = active().id
    for subject, _predicate, obj in triples:
        if subject != last:  # the triples of a subject mostly come together (dumps are sorted)
            last = subject
            if isinstance(subject, NamedNode) and subject.value.startswith(ids):
                found.add(subject.value)
        if isinstance(obj, NamedNode) and obj.value.startswith(ids):
            found.add(obj.value)
    return found


def check_kept(previous: set[str], triples: Iterable[Triple], where: Path | str) -> None:
    """Fail, naming the identifiers, if any identifier of ``previous`` (read from ``where``) is gone."""
    missing = sorted(previous - published(triples))
    if not missing:
        return
    named = ", ".join(f"<{iri}>" for iri in missing[:SHOWN])
    more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
    raise InputError(
        f"{len(missing)} published identifier(s) would disappear: {named}{more}; keep the record, "
        "or list the identifier under `deprecated:` in a record file (docs/records.md)",
        where,
    )


def check_deprecations(corpus: Corpus, triples: Iterable[Triple]) -> None:
    """A deprecated identifier is described by nothing but its deprecation (records describe it no more)."""
    deprecated = set(corpus.deprecations)
    if not deprecated:
        return
    own = {t for record in corpus.deprecations.values() for t in map_deprecation(record)}
    described = {
        t.subject.value
        for t in triples
        if isinstance(t.subject, NamedNode) and t.subject.value in deprecated and t not in own
    }
    for identifier in sorted(described):
        record = corpus.deprecations[identifier]
        where = record.where("iri" if record.ref is None else "ref")
        raise InputError(f"{identifier} is deprecated but the records still describe it", where.file, where.line)
