"""The one place that knows the order of the stages:
load records → mint identifiers and map to RDF → validate → serialize → swap into ``out/``.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Triple

from . import collection as collections
from . import resources
from .collection import Collection
from .errors import InputError
from .rdf import identifiers, lines, mapping, rdfio, serialize
from .rdf.formats import Format
from .rdf.lines import Lines
from .rdf.namespaces import PG, RDF_TYPE, using
from .records import loader
from .records.model import Corpus, Origin
from .release import citation, metadata, outdir, previous, tables, versions, writing
from .release.outdir import CONTEXT_FILE, DUMP_STEM, ONTOLOGY_FILE, SHAPES_FILE
from .validation import fast as fastshacl
from .validation.report import NonConformingError, Report, origins
from .validation.spill import SpilledLines


@dataclass(frozen=True)
class Settings:
    #: The collection's folder (with ``collection.yaml``, ``records/`` and ``release.yaml``).
    seeds: Path = Path("seeds")
    #: Where the release is written; default: where the collection's configuration says.
    out: Path | None = None
    ontology: Path = field(default_factory=resources.ontology_file)
    #: The tool's shapes; a collection's own shapes are checked in addition (``collection.yaml``).
    shapes: Path = field(default_factory=resources.shapes_dir)
    #: The collection's configuration; default: read from ``seeds/collection.yaml``.
    collection: Collection | None = None
    #: The previous release whose identifiers must all survive (a directory or a dump); default ``out``.
    previous: Path | None = None
    #: The release to stamp; default: what ``release.yaml`` says if the dump is that release's,
    #: else ``X.Y.Z+dev`` (see :func:`versions.stamp`).
    release: versions.Release | None = None


@dataclass
class BuildResult:
    #: Every triple of the dataset (the N-Triples dump's content).
    triples: Lines
    report: Report
    files: dict[str, Path]
    timings: dict[str, float]


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


def assemble(corpus: Corpus, ontology: Path, col: Collection) -> Lines:
    """Every triple of the dataset, as canonical N-Triples."""
    stances = stance_triples(ontology)
    triples = lines.of(itertools.chain(mapping.map_corpus(corpus, col.topic_scheme_title), stances))
    used = {NamedNode(PG + position.stance) for position in corpus.positions.values()}  # map_position's pg:stance
    defined = {t.subject for t in stances}
    missing = used - defined
    if missing:
        raise InputError(f"stances used but not defined in the ontology: {sorted(str(m) for m in missing)}", ontology)
    return triples


def shape_files(settings: Settings, col: Collection) -> list[Path]:
    """The tool's shapes, then the collection's own, which can only add constraints."""
    return [*sorted(settings.shapes.glob("*.ttl")), *col.shapes]


def check_conformance(by_iri: Mapping[str, Origin], triples: Lines | SpilledLines, shapes: Path | list[Path]) -> Report:
    """Validate with the fast engine (pySHACL's verdicts, in Rust), or pySHACL if it refuses the shapes;
    ``by_iri`` is where each record is (:func:`.report.origins`)."""
    return fastshacl.validate(triples, shapes, by_iri)


def write_release(
    graph: Lines, settings: Settings, col: Collection, current: versions.Release, directory: Path
) -> set[str]:
    """Write every file of a release into the fresh ``directory``, each as it is made; their names.
    ``current`` is the collection's release file, stamped with the dump unless ``settings.release``."""
    files = writing.Directory(directory)
    index, tally = write_dumps(graph, files)
    files.put(CONTEXT_FILE, serialize.context_bytes())
    files.put(ONTOLOGY_FILE, settings.ontology.read_bytes())
    files.put(SHAPES_FILE, b"".join(p.read_bytes() for p in shape_files(settings, col)))
    for name, data in tables.render_index(index, col).items():
        files.put(name, data)
    digest = files.written[Format.NTRIPLES.dump_name(DUMP_STEM)].sha256
    rel = settings.release or versions.stamp(current, digest)
    stats = tally.statistics()
    offered = metadata.dumps(files.written, DUMP_STEM, [(t.file_name, t.title) for t in tables.TABLES])
    for name, data in metadata.release_files(stats, offered, rel, col).items():
        files.put(name, data)
    for name, data in citation.release_files(rel, stats, offered, files.written, metadata.CHECKSUMS_FILE, col).items():
        files.put(name, data)
    files.put(metadata.CHECKSUMS_FILE, metadata.checksums(files.written))
    return set(files.written)


def write_dumps(graph: Lines, files: writing.Directory) -> tuple[tables.Index, metadata.Tally]:
    """Write the dumps; the tables' index and the statistics, made in the same pass over the triples."""
    files.put(Format.NTRIPLES.dump_name(DUMP_STEM), graph.data)
    with files.stream(metadata.gzip_name(DUMP_STEM)) as sink:
        serialize.write_gzipped(graph.data, sink)
    index, tally = tables.Index(), metadata.Tally()
    with (
        files.stream(Format.TURTLE.dump_name(DUMP_STEM)) as turtle,
        files.stream(Format.JSONLD.dump_name(DUMP_STEM)) as jsonld,
    ):
        writer = serialize.JsonLdWriter(jsonld)
        with tables.no_cycle_collection():
            serialize.write_turtle(_fed(graph, (writer.add, index.add, tally.add)), turtle)
        writer.close()
    index.finish()
    return index, tally


def _fed(triples: Iterable[Triple], consumers: tuple[Callable[[Triple], None], ...]) -> Iterator[Triple]:
    """The triples, each given to every consumer as it passes."""
    for triple in triples:
        for consume in consumers:
            consume(triple)
        yield triple


def dump_sha256(ntriples: bytes) -> str:
    """What names a release's content (in ``release.yaml``): the SHA-256 of its N-Triples dump."""
    return hashlib.sha256(ntriples).hexdigest()


def resolved(settings: Settings) -> Settings:
    """``settings`` with the collection read from its folder, and ``out`` where it says, if not given."""
    col = settings.collection or collections.load(Path(settings.seeds))
    return replace(settings, collection=col, out=settings.out or col.out)


def check_identifiers(corpus: Corpus, triples: Lines, settings: Settings, notify: Notify = _quiet) -> None:
    """Deprecated identifiers are not live, and every identifier of the previous release is kept.

    The previous release (``--previous``, or what ``out/`` holds) is checked against its
    ``SHA256SUMS`` first; only an ``out/`` with no release in it at all makes a first release.
    """
    identifiers.check_deprecations(corpus, triples)
    if settings.previous is not None:
        dump = previous.given(Path(settings.previous))
    else:
        assert settings.out is not None  # resolved()
        found = previous.in_out(Path(settings.out))
        if found is None:
            notify(f"first release: {settings.out} holds no previous release whose identifiers must be kept")
            return
        dump = found
    published = identifiers.published(rdfio.iter_triples(dump, RdfFormat.N_TRIPLES))  # not held as a list
    identifiers.check_kept(published, triples, dump)


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
        if settings.previous is not None:
            check_identifiers(corpus, triples, settings)
        return corpus, check_conformance(origins(corpus), triples, shape_files(settings, col))


def build(settings: Settings, progress: Progress = _quiet, notify: Notify = _quiet) -> BuildResult:
    """Build under the lock of ``out`` (a second build waits, and ``notify`` says so)."""
    settings = resolved(settings)
    assert settings.collection is not None
    assert settings.out is not None
    with using(settings.collection.space), outdir.writing(Path(settings.out), Path(settings.seeds), notify) as target:
        return _build(settings, settings.collection, target, progress, notify)


def load(settings: Settings) -> Corpus:
    """The collection's records, checked (what ``build`` loads)."""
    assert settings.collection is not None
    return loader.load(settings.seeds, settings.collection.texts)


def _build(settings: Settings, col: Collection, target: Path, progress: Progress, notify: Notify) -> BuildResult:
    timer = _Timer(progress)
    timer.begin("load")
    corpus = load(settings)
    current = versions.read(settings.seeds)  # a bad release file fails here, before the work
    timer.begin("map")
    triples = assemble(corpus, settings.ontology, col)
    timer.begin("identifiers")
    check_identifiers(corpus, triples, settings, notify)
    timer.begin("validate")
    by_iri = origins(corpus)
    del corpus  # all that is left to do reads the triples, and where each record is
    with SpilledLines(triples) as spilled:
        del triples  # not held while the validation store holds the triples
        report = check_conformance(by_iri, spilled, shape_files(settings, col))
        triples = spilled.read()
    timer.end()
    if report.blocking():  # warnings and notes are reported, but do not stop a build
        raise NonConformingError(report, report.summary())

    def write(staging: Path) -> set[str]:
        names = write_release(triples, settings, col, current, staging)
        timer.begin("publish")  # what is left: putting the staged release in place
        return names

    timer.begin("serialize")
    target_files = outdir.publish(write, target, notify)
    timer.end()
    assert settings.out is not None  # resolved()
    written = {name: settings.out / name for name in target_files}
    return BuildResult(triples, report, written, timer.timings)
