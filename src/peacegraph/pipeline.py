"""The one place that knows the order of the stages:
load records → mint identifiers and map to RDF → validate → serialize → swap into ``out/``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Triple

from . import resources
from .errors import InputError
from .rdf import identifiers, mapping, rdfio, serialize
from .rdf.formats import Format
from .rdf.namespaces import PG, RDF_TYPE
from .records import loader
from .records.model import Corpus
from .release import citation, metadata, outdir, previous, tables, versions
from .release.outdir import CONTEXT_FILE, DUMP_STEM, ONTOLOGY_FILE, SHAPES_FILE
from .validation import fast as fastshacl
from .validation.report import NonConformingError, Report, origins


@dataclass(frozen=True)
class Settings:
    seeds: Path = Path("seeds")
    out: Path = Path("out")
    ontology: Path = field(default_factory=resources.ontology_file)
    shapes: Path = field(default_factory=resources.shapes_dir)
    #: The previous release whose identifiers must all survive (a directory or a dump); default ``out``.
    previous: Path | None = None
    #: The release to stamp; default: what ``seeds/release.yaml`` says if the dump is that release's,
    #: else ``X.Y.Z+dev`` (see :func:`versions.stamp`).
    release: versions.Release | None = None


@dataclass
class BuildResult:
    corpus: Corpus
    triples: list[Triple]
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
    def __init__(self, progress: Progress):
        self.timings: dict[str, float] = {}
        self.progress = progress

    def stage(self, name: str) -> _Stage:
        self.progress(name)
        return _Stage(self.timings, name)


class _Stage:
    def __init__(self, timings: dict[str, float], name: str):
        self.timings, self.name = timings, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self.name] = time.perf_counter() - self.start


def stance_triples(ontology: Path) -> list[Triple]:
    """The stance vocabulary, copied from the ontology so that dumps carry its labels."""
    triples = rdfio.read_triples(ontology, RdfFormat.TURTLE)
    stance_class = NamedNode(PG + "Stance")
    stances = {t.subject for t in triples if t.predicate == RDF_TYPE and t.object == stance_class}
    scheme = NamedNode(PG + "stances")
    return [t for t in triples if t.subject in stances or t.subject == scheme]


def assemble(corpus: Corpus, ontology: Path) -> list[Triple]:
    """Every triple of the dataset, in canonical order."""
    stances = stance_triples(ontology)
    triples = serialize.canonical([*mapping.map_corpus(corpus), *stances])
    used = {NamedNode(PG + position.stance) for position in corpus.positions.values()}  # map_position's pg:stance
    defined = {t.subject for t in stances}
    missing = used - defined
    if missing:
        raise InputError(f"stances used but not defined in the ontology: {sorted(str(m) for m in missing)}", ontology)
    return triples


def check_conformance(corpus: Corpus, triples: list[Triple], shapes: Path) -> Report:
    """Validate with the fast engine (pySHACL's verdicts, in Rust), or pySHACL if it refuses the shapes."""
    return fastshacl.validate(triples, shapes, origins(corpus))


def render(triples: list[Triple], settings: Settings) -> dict[str, bytes]:
    """The bytes of every file of a release, by file name (below ``out/``)."""
    files = {fmt.dump_name(DUMP_STEM): serialize.WRITERS[fmt](triples) for fmt in Format}
    digest = dump_sha256(files[Format.NTRIPLES.dump_name(DUMP_STEM)])
    files[metadata.gzip_name(DUMP_STEM)] = serialize.gzipped(files[Format.NTRIPLES.dump_name(DUMP_STEM)])
    files[CONTEXT_FILE] = serialize.context_bytes()
    files[ONTOLOGY_FILE] = settings.ontology.read_bytes()
    files[SHAPES_FILE] = b"".join(p.read_bytes() for p in sorted(settings.shapes.glob("*.ttl")))
    files.update(tables.render(triples))
    rel = settings.release or versions.stamp(versions.read(settings.seeds), digest)
    stats = metadata.statistics(triples)
    offered = metadata.dumps(files, DUMP_STEM, [(t.file_name, t.title) for t in tables.TABLES])
    files.update(metadata.release_files(stats, offered, rel))
    files.update(citation.release_files(rel, stats, offered, files, metadata.CHECKSUMS_FILE))
    files[metadata.CHECKSUMS_FILE] = metadata.checksums(files)
    return files


def dump_sha256(ntriples: bytes) -> str:
    """What names a release's content (in ``seeds/release.yaml``): the SHA-256 of its N-Triples dump."""
    return hashlib.sha256(ntriples).hexdigest()


def check_identifiers(corpus: Corpus, triples: list[Triple], settings: Settings, notify: Notify = _quiet) -> None:
    """Deprecated identifiers are not live, and every identifier of the previous release is kept.

    The previous release (``--previous``, or what ``out/`` holds) is checked against its
    ``SHA256SUMS`` first; only an ``out/`` with no release in it at all makes a first release.
    """
    identifiers.check_deprecations(corpus, triples)
    if settings.previous is not None:
        dump = previous.given(Path(settings.previous))
    else:
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
    corpus = loader.load(settings.seeds)
    triples = assemble(corpus, settings.ontology)
    identifiers.check_deprecations(corpus, triples)
    if settings.previous is not None:
        check_identifiers(corpus, triples, settings)
    return corpus, check_conformance(corpus, triples, settings.shapes)


def build(settings: Settings, progress: Progress = _quiet, notify: Notify = _quiet) -> BuildResult:
    """Build under the lock of ``out`` (a second build waits, and ``notify`` says so)."""
    with outdir.writing(Path(settings.out), Path(settings.seeds), notify) as target:
        return _build(settings, target, progress, notify)


def _build(settings: Settings, target: Path, progress: Progress, notify: Notify) -> BuildResult:
    timer = _Timer(progress)
    with timer.stage("load"):
        corpus = loader.load(settings.seeds)
        versions.read(settings.seeds)  # a bad release file fails here, before the work
    with timer.stage("map"):
        triples = assemble(corpus, settings.ontology)
    with timer.stage("identifiers"):
        check_identifiers(corpus, triples, settings, notify)
    with timer.stage("validate"):
        report = check_conformance(corpus, triples, settings.shapes)
    if not report.conforms:
        raise NonConformingError(report, report.summary())
    with timer.stage("serialize"):
        files = render(triples, settings)
    with timer.stage("publish"):
        target_files = outdir.publish(files, target, notify)
    written = {name: Path(settings.out) / name for name in target_files}
    return BuildResult(corpus, triples, report, written, timer.timings)
