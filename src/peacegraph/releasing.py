"""``peacegraph release VERSION``: check, stamp and describe a new release.

The order keeps every failure harmless: nothing is written until the new data keeps every
identifier of the previous release and conforms to the shapes. Then the build publishes ``out/``
stamped with the new version, and only after that do the collection's ``release.yaml`` and
``CHANGELOG.md`` change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from . import pipeline
from .collection import Collection
from .errors import InputError
from .rdf import identifiers
from .rdf.formats import Format
from .rdf.namespaces import using
from .records import loader
from .records.model import Corpus
from .release import changelog, diff, history, versions
from .release.outdir import DUMP_STEM, SCHEMA_ORG_FILE


@dataclass(frozen=True)
class Outcome:
    release: versions.Release
    changes: diff.Diff
    build: pipeline.BuildResult


def default_since(current: versions.Release) -> str:
    """The previous release: the current version's ``out/``, found in the repository's history."""
    return f"{diff.RELEASE_PREFIX}{current.version}"


def make(
    settings: pipeline.Settings,
    version: str,
    issued: datetime.date,
    since: str | None,
    changelog_file: Path,
    progress: pipeline.Progress = lambda _stage: None,
    notify: pipeline.Notify = lambda _message: None,
    doi: str | None = None,
) -> Outcome:
    """``doi``: a DOI reserved for the release, written into its DataCite record and citations."""
    settings = pipeline.resolved(settings)
    assert settings.collection is not None
    new = versions.successor(versions.read(settings.seeds), version, issued, doi)
    with using(settings.collection.space):
        return _make(settings, settings.collection, new, since, changelog_file, progress, notify)


def _make(
    settings: pipeline.Settings,
    col: Collection,
    new: versions.Release,
    since: str | None,
    changelog_file: Path,
    progress: pipeline.Progress,
    notify: pipeline.Notify,
) -> Outcome:
    current = versions.read(settings.seeds)
    corpus = loader.load(settings.seeds, col.texts)
    refuse_open_reviews(corpus)
    old = _previous(since, current, settings, notify)
    triples = pipeline.assemble(corpus, settings.ontology, col)
    identifiers.check_kept(identifiers.published(old.triples), triples, old.label)
    result = pipeline.build(replace(settings, release=new), progress=progress, notify=notify)
    changes = diff.compare(old, diff.Release(new.version, frozenset(result.triples)))
    dump = result.files[Format.NTRIPLES.dump_name(DUMP_STEM)].read_bytes()
    new = replace(new, dump=pipeline.dump_sha256(dump))  # what later builds of the same data are stamped as
    versions.write(settings.seeds, new)
    changelog.prepend(changelog_file, changelog.entry(new, changes), col.title)
    return Outcome(new, changes, result)


def refuse_open_reviews(corpus: Corpus) -> None:
    """A release is reviewed: no ``review:`` note may be left in the records."""
    if corpus.reviews:
        first = corpus.reviews[0]
        raise InputError(
            f"{len(corpus.reviews)} open review note(s) in the records (`peacegraph check` lists them); review "
            f"the values and remove the notes first: {first.record}: {first.note}",
            first.origin.file,
            first.origin.line,
        )


def _previous(
    since: str | None, current: versions.Release, settings: pipeline.Settings, notify: pipeline.Notify
) -> diff.Release:
    assert settings.out is not None  # resolved()
    out = Path(settings.out)
    if since is not None:
        return diff.read(since, settings.seeds, out)
    if current.issued is None:
        notify(f"first release: {settings.seeds} has never been released, so there is no previous release to keep")
        return diff.Release("(no previous release)", frozenset())
    try:
        return diff.read(default_since(current), settings.seeds, out)
    except InputError as error:
        # No history to find it in (a collection outside git): the release in out/, if it is that one.
        if _stamped(out / SCHEMA_ORG_FILE) == current.version:
            notify(f"{current.version} is not in a git history here; comparing with the release in {out}")
            return diff.read(str(out))
        raise InputError(f"{error}; or give --since OLD") from None


def _stamped(schema_org: Path) -> str | None:
    """The version the release beside ``schema_org`` (its ``dataset.jsonld``) is stamped with, if any."""
    try:
        return history.stamp(schema_org.read_bytes())
    except OSError:
        return None
