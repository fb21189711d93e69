"""The one place that knows the order of the stages:
load records → mint identifiers and map to RDF → validate → serialize → swap into ``out/``.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Triple

from . import collection as collections
from . import collector, resources, tempspace
from .collection import Collection
from .errors import InputError
from .rdf import identifiers, lines, mapping, rdfio, remap, serialize
from .rdf.formats import Format
from .rdf.lines import Lines
from .rdf.namespaces import PG, RDF_TYPE, using
from .rdf.spill import SpilledLines
from .records import loader
from .records.model import Corpus, Origin
from .records.parsed import Parses
from .release import citation, dumps, metadata, outdir, previous, retable, tables, versions, writing
from .release import keep as keeping
from .release.keep import Keep
from .release.outdir import CONTEXT_FILE, DUMP_STEM, ONTOLOGY_FILE, REGIONS_FILE, SHAPES_FILE
from .validation import incremental
from .validation.report import NonConformingError, Report, origins


@dataclass(frozen=True)
class Settings:
    #: The collection's folder (with ``collection.yaml``, ``records/`` and ``release.yaml``); default: the
    #: one the current folder is in, as commands find it (an error when there is none).
    seeds: Path = field(default_factory=collections.nearest)
    #: Where the release is written; default: where the collection's configuration says.
    out: Path | None = None
    ontology: Path = field(default_factory=resources.ontology_file)
    #: The tool's shapes; a collection's own shapes are checked in addition (``collection.yaml``).
    shapes: Path = field(default_factory=resources.shapes_dir)
    #: The collection's configuration; default: read from the ``collection.yaml`` in ``seeds``.
    collection: Collection | None = None
    #: The previous release whose identifiers must all survive (a directory or a dump); default ``out``.
    previous: Path | None = None
    #: The release to stamp; default: what ``release.yaml`` says if the dump is that release's,
    #: else ``X.Y.Z+dev`` (see :func:`versions.stamp`).
    release: versions.Release | None = None


@dataclass
class BuildResult:
    #: How many triples the dataset has.
    count: int
    #: Whether the dump's lines are in canonical order too (:attr:`.lines.Lines.as_lines`).
    as_lines: bool
    report: Report
    files: dict[str, Path]
    timings: dict[str, float]
    #: What each stage took from the last build instead of doing it again (:mod:`.release.keep`), in words.
    reused: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def triples(self) -> Lines:
        """Every triple of the dataset, read from the N-Triples dump written (when first asked for)."""
        return Lines(self.files[Format.NTRIPLES.dump_name(DUMP_STEM)].read_bytes(), self.count, self.as_lines)


Progress = Callable[[str], None]
#: Told what a user should know that is not an error: a first release, waiting for another build.
Notify = Callable[[str], None]

#: The stages of a build, in order, as ``progress`` is told of them.
STAGES = ("load", "map", "identifiers", "validate", "serialize", "publish")


def _quiet(_stage: str) -> None:
    pass


class _Timer:
    """The wall time of each stage; a stage ends when the next begins, or at :meth:`end`."""

    def __init__(self, progress: Progress):
        self.timings: dict[str, float] = {}
        self.progress = progress
        self.current: str | None = None
        self.start = 0.0

    def begin(self, name: str) -> None:
        self.end()
        self.progress(name)
        self.current, self.start = name, time.perf_counter()

    def end(self) -> None:
        if self.current is not None:
            self.timings[self.current] = time.perf_counter() - self.start
            self.current = None


def stance_triples(ontology: Path) -> list[Triple]:
    """The stance vocabulary, copied from the ontology so that dumps carry its labels."""
    triples = rdfio.read_triples(ontology, RdfFormat.TURTLE)
    stance_class = NamedNode(PG + "Stance")
    stances = {t.subject for t in triples if t.predicate == RDF_TYPE and t.object == stance_class}
    scheme = NamedNode(PG + "stances")
    return [t for t in triples if t.subject in stances or t.subject == scheme]


def assemble(
    corpus: Corpus,
    ontology: Path,
    col: Collection,
    parses: Parses | None = None,
    kept: keeping.Stage = keeping.NOTHING,
    made: lines.Made | None = None,
    hold: contextlib.ExitStack | None = None,
) -> Lines:
    """Every triple of the dataset, as canonical N-Triples (a line each, made with no cycles to collect).

    With what the last build kept (``kept``, and the record files' texts ``parses`` read), only the
    records a change touches are mapped again, and the last build's lines edited (:mod:`.rdf.remap`).
    ``hold`` keeps the file the lines were made in until it is closed (:func:`.lines.of_text`)."""
    _check_stances(corpus, ontology)
    made = made if made is not None else lines.Made()
    triples = None
    if parses is not None and kept.previous is not None and kept.previous_lines is not None:
        triples = remap.again(corpus, parses, kept.previous, kept.previous_lines, made)
    if triples is None:
        mapped = itertools.chain(
            mapping.map_corpus(corpus, col.topic_scheme_title), map(lines.as_text, stance_triples(ontology))
        )
        with collector.paused():
            triples = lines.of_text(mapped, made=made, hold=hold)
        mapping.forget()
    if parses is not None:
        remap.keep(kept.fresh, corpus, parses, made)
    return triples


def _check_stances(corpus: Corpus, ontology: Path) -> None:
    """Every stance a position takes (``map_position``'s ``pg:stance``) is defined in the ontology."""
    used = {NamedNode(PG + position.stance) for position in corpus.positions.values()}
    missing = used - {t.subject for t in stance_triples(ontology)}
    if missing:
        raise InputError(f"stances used but not defined in the ontology: {sorted(str(m) for m in missing)}", ontology)


def shape_files(settings: Settings, col: Collection) -> list[Path]:
    """The tool's shapes, then the collection's own, which can only add constraints."""
    return [*sorted(settings.shapes.glob("*.ttl")), *col.shapes]


def check_conformance(
    by_iri: Mapping[str, Origin],
    triples: Lines | SpilledLines,
    shapes: Path | list[Path],
    *,
    previous: Path | None = None,
    previous_lines: Path | None = None,
    fresh: Path | None = None,
    reused: dict[str, str] | None = None,
) -> Report:
    """Validate with the fast engine (pySHACL's verdicts, in Rust), or pySHACL if it refuses the shapes;
    ``by_iri`` is where each record is (:func:`.report.origins`). With the keep of the last build of
    this release (``previous``, and ``previous_lines`` it validated), only what the changes can reach is
    validated again; what the next build needs is kept in ``fresh`` (:mod:`.validation.incremental`)."""
    return incremental.validate(triples, shapes, by_iri, previous, previous_lines, fresh, reused)


def write_release(
    graph: Lines | SpilledLines,
    settings: Settings,
    col: Collection,
    current: versions.Release,
    directory: Path,
    regions: bytes | None = None,
    keep: keeping.Stage = keeping.NOTHING,
    reused: dict[str, str] | None = None,
) -> set[str]:
    """Write every file of a release into the fresh ``directory``, each as it is made; their names.
    ``current`` is the collection's release file, stamped with the dump unless ``settings.release``;
    ``regions``, the collection's checked regions file (:func:`regions_of`), goes with it; ``keep``,
    what the last build of this release left for this one, and where to leave what the next can reuse.
    Python's cycle collector is paused throughout (:func:`.collector.paused`): what is made
    here has no cycles, and a pass over the tables' index alone took a quarter of a second."""
    with collector.paused():
        return _write_release(graph, settings, col, current, directory, regions, keep, reused)


def _write_release(
    graph: Lines | SpilledLines,
    settings: Settings,
    col: Collection,
    current: versions.Release,
    directory: Path,
    regions: bytes | None,
    keep: keeping.Stage,
    reused: dict[str, str] | None,
) -> set[str]:
    files = writing.Directory(directory)
    index, stats = write_dumps(graph, files, keep, reused)
    files.put(CONTEXT_FILE, serialize.context_bytes())
    if regions is not None:
        files.put(REGIONS_FILE, regions)
    files.put(ONTOLOGY_FILE, settings.ontology.read_bytes())
    files.put(SHAPES_FILE, b"".join(p.read_bytes() for p in shape_files(settings, col)))
    retable.write(index, col, files, keep if graph.as_lines else keeping.NOTHING, reused)
    del index  # what is left is small
    digest = files.written[Format.NTRIPLES.dump_name(DUMP_STEM)].sha256
    rel = settings.release or versions.stamp(current, digest)
    offered = metadata.dumps(files.written, DUMP_STEM, [(t.file_name, t.title) for t in tables.TABLES])
    for name, data in metadata.release_files(stats, offered, rel, col).items():
        files.put(name, data)
    for name, data in citation.release_files(rel, stats, offered, files.written, metadata.CHECKSUMS_FILE, col).items():
        files.put(name, data)
    files.put(metadata.CHECKSUMS_FILE, metadata.checksums(files.written))
    return set(files.written)


def write_dumps(
    graph: Lines | SpilledLines,
    files: writing.Directory,
    keep: keeping.Stage = keeping.NOTHING,
    reused: dict[str, str] | None = None,
) -> tuple[tables.Index | retable.Changes, metadata.Statistics]:
    """Write the dumps from the lines, a block at a time (never all of them held, when they are in a
    file), reusing what ``keep.previous`` holds of the lines that did not change (:mod:`.release.dumps`);
    the tables' index and the statistics, made from the same chunks of lines (:mod:`.rdf.bulk`)."""
    return dumps.write(graph, files, keep, reused)


def regions_of(col: Collection) -> bytes | None:
    """The collection's regions file (``map: regions:``), checked, as the release carries it; or None."""
    if col.regions is None:
        return None
    from .pages import boundaries

    shown = collections.shown(col.regions)
    if not col.regions.exists():
        raise InputError(f"no such file, which {collections.CONFIG_FILE} names under map: regions:", shown)
    return boundaries.checked(col.regions, shown)[0]


def dump_sha256(ntriples: bytes) -> str:
    """What names a release's content (in ``release.yaml``): the SHA-256 of its N-Triples dump."""
    return hashlib.sha256(ntriples).hexdigest()


def resolved(settings: Settings) -> Settings:
    """``settings`` with the collection read from its folder, and ``out`` where it says, if not given."""
    col = settings.collection or collections.load(Path(settings.seeds))
    return replace(settings, collection=col, out=settings.out or col.out)


def released(settings: Settings, seen: previous.Seen | None = None) -> Path | None:
    """The N-Triples dump of the release in ``out/``, checked against its ``SHA256SUMS``; None when ``out/``
    holds no release at all. ``seen`` gets the SHA-256 of each of its files, by device and inode. The
    files the last build into ``out/`` wrote and noted in its keep (:func:`.keep.release_stamps`), and that are as it
    left them, are not read again."""
    assert settings.out is not None  # resolved()
    return previous.in_out(Path(settings.out), seen, keeping.release_stamps(Path(settings.out)))


def check_identifiers(
    corpus: Corpus, triples: Lines, settings: Settings, released: Path | None, notify: Notify = _quiet
) -> None:
    """Deprecated identifiers are not live, and every identifier of the previous release is kept.

    The previous release is ``--previous`` (checked against its ``SHA256SUMS`` first), or else the
    one ``out/`` holds (``released``, already checked: :func:`released`). That is the last build's,
    mostly: only the lines that differ are read (:func:`.identifiers.check_kept_since`). With neither,
    this is a first release, and ``notify`` says so.
    """
    identifiers.check_deprecations(corpus, triples)
    if settings.previous is not None:
        dump = previous.given(Path(settings.previous))
        identifiers.check_kept(identifiers.published_in_file(dump), triples, dump)
    elif released is not None:
        identifiers.check_kept_since(released, triples)
    else:
        notify(f"first release: {settings.out} holds no previous release whose identifiers must be kept")


def check(settings: Settings) -> tuple[Corpus, Report]:
    """What a build checks before it writes, without writing: the records, the deprecations, the identifiers
    of ``settings.previous`` if one is given (a build compares with ``out/`` by default) and the shapes."""
    settings = resolved(settings)
    assert settings.collection is not None
    col = settings.collection
    with using(col.space):
        corpus = load(settings)
        triples = assemble(corpus, settings.ontology, col)
        identifiers.check_deprecations(corpus, triples)
        regions_of(col)
        if settings.previous is not None:
            check_identifiers(corpus, triples, settings, None)
        return corpus, check_conformance(origins(corpus), triples, shape_files(settings, col))


def build(settings: Settings, progress: Progress = _quiet, notify: Notify = _quiet) -> BuildResult:
    """Build under the lock of ``out`` (a second build waits, and ``notify`` says so)."""
    settings = resolved(settings)
    assert settings.collection is not None
    assert settings.out is not None
    with using(settings.collection.space), outdir.writing(Path(settings.out), Path(settings.seeds), notify) as target:
        return _build(settings, settings.collection, target, progress, notify)


def load(settings: Settings, parses: Parses | None = None) -> Corpus:
    """The collection's records, checked (what ``build`` loads; their values make no cycles to collect);
    the record files whose text was read by the last build are not parsed again (``parses``)."""
    assert settings.collection is not None
    with collector.paused():
        return loader.load(settings.seeds, settings.collection.texts, parses)


def _build(settings: Settings, col: Collection, target: Path, progress: Progress, notify: Notify) -> BuildResult:
    timer = _Timer(progress)
    timer.begin("load")
    for name in tempspace.sweep():
        notify(f"removed {name} from the temporary folder: a build that was killed left it")
    seen: previous.Seen = {}
    dump = released(settings, seen)  # a damaged previous release fails here, before the work
    keep = _keep(settings, col, dump, seen)
    with keeping.kept(keep), contextlib.ExitStack() as made_in:
        kept = keep.stage("load")
        parses = Parses(kept.previous, kept.fresh)
        corpus = load(settings, parses)
        current = versions.read(settings.seeds)  # a bad release file fails here, before the work
        regions = regions_of(col)  # and so does a bad regions file
        timer.begin("map")
        made = lines.Made()
        triples = assemble(corpus, settings.ontology, col, parses, keep.stage("map"), made, made_in)
        reused = _reused(parses, made)
        # What was made while the records lived, and outlived them, would keep the blocks of memory it
        # is in from being given back once they go (the predicates alone, a few dozen, held 50 MB).
        del parses, made
        timer.begin("identifiers")
        check_identifiers(corpus, triples, settings, dump, notify)
        timer.begin("validate")
        by_iri = origins(corpus)
        del corpus  # all that is left to do reads the triples, and where each record is
        gc.collect()  # the records' cycles, made while the collector was paused: 0.6 GB at 10M, before the store
        with SpilledLines(triples) as spilled:  # the lines are read from the file from now on, never held whole
            made_in.close()  # the file the lines were made in, if set aside as it is (a link to it)
            count, as_lines = len(triples), triples.as_lines
            del triples  # not held while the validation store holds the triples
            kept = keep.stage("validate")
            report = check_conformance(
                by_iri,
                spilled,
                shape_files(settings, col),
                previous=kept.previous,
                previous_lines=kept.previous_lines,
                fresh=kept.fresh,
                reused=reused,
            )
            timer.end()
            if report.blocking():  # warnings and notes are reported, but do not stop a build
                raise NonConformingError(report, report.summary())

            def write(staging: Path) -> set[str]:
                names = write_release(
                    spilled,
                    settings,
                    col,
                    current,
                    staging,
                    regions,
                    keep.stage("serialize"),
                    reused,
                )
                timer.begin("publish")  # what is left: putting the staged release in place
                return names

            timer.begin("serialize")
            target_files = outdir.publish(write, target, notify)
            timer.end()
    assert settings.out is not None  # resolved()
    written = {name: settings.out / name for name in target_files}
    keep.finish(previous.listed_digest(written[Format.NTRIPLES.dump_name(DUMP_STEM)]), settings.out)
    return BuildResult(count, as_lines, report, written, timer.timings, reused)


def _reused(parses: Parses, made: lines.Made) -> dict[str, str]:
    reused = {}
    if parses.recalled:
        reused["load"] = f"{parses.recalled} of {len(parses.seen)} record files as last time"
    if made.remapped is not None:
        reused["map"] = f"{made.remapped} records mapped again"
    return reused


def _keep(settings: Settings, col: Collection, released: Path | None, seen: previous.Seen | None = None) -> Keep:
    """What this build keeps for the next (:mod:`.release.keep`), and the last build's keep if it was made
    with the release now in ``out/`` (``released``, its dump, whose files' digests are ``seen``)."""
    assert settings.out is not None  # resolved()
    made_with = keeping.fingerprint(settings.ontology, *shape_files(settings, col), col.config_file)
    keep = Keep(settings.out, made_with, known=seen)
    keep.start(released, previous.listed_digest(released) if released is not None else None)
    return keep
