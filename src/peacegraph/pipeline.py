"""The one place that knows the order of the stages:
load records → mint identifiers and map to RDF → validate → serialize → swap into ``out/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Triple

from . import fastshacl, identifiers, loader, mapping, metadata, rdfio, resources, serialize, validate, versions
from .errors import InputError, NonConformingError
from .formats import Format
from .namespaces import PG, RDF_TYPE
from .records import Corpus

DUMP_STEM = "peacegraph"
CONTEXT_FILE = "context.jsonld"
ONTOLOGY_FILE = "ontology.ttl"
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class Settings:
    seeds: Path = Path("seeds")
    out: Path = Path("out")
    ontology: Path = field(default_factory=resources.ontology_file)
    shapes: Path = field(default_factory=resources.shapes_dir)
    #: The previous release whose identifiers must all survive (a directory or a dump); default ``out``.
    previous: Path | None = None
    #: The release to stamp; default: what ``seeds/release.yaml`` says.
    release: versions.Release | None = None


@dataclass
class BuildResult:
    corpus: Corpus
    triples: list[Triple]
    report: validate.Report
    files: dict[str, Path]
    timings: dict[str, float]


Progress = Callable[[str], None]

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


def check_conformance(corpus: Corpus, triples: list[Triple], shapes: Path) -> validate.Report:
    """Validate with the fast engine (pySHACL's verdicts, in Rust), or pySHACL if it refuses the shapes."""
    return fastshacl.validate(triples, shapes, validate.origins(corpus))


def render(triples: list[Triple], settings: Settings) -> dict[str, bytes]:
    """The bytes of every file of a release, by file name."""
    files = {fmt.dump_name(DUMP_STEM): serialize.WRITERS[fmt](triples) for fmt in Format}
    files[CONTEXT_FILE] = serialize.context_bytes()
    files[ONTOLOGY_FILE] = settings.ontology.read_bytes()
    files[SHAPES_FILE] = b"".join(p.read_bytes() for p in sorted(settings.shapes.glob("*.ttl")))
    files.update(metadata.release_files(triples, files, settings.release or versions.read(settings.seeds), DUMP_STEM))
    return files


def check_identifiers(corpus: Corpus, triples: list[Triple], settings: Settings) -> None:
    """Deprecated identifiers are not live, and every identifier of the previous release is kept."""
    identifiers.check_deprecations(corpus, triples)
    previous = settings.previous or settings.out
    published = identifiers.read_previous(previous)
    if published is not None:
        identifiers.check_kept(published, triples, identifiers.previous_dump(previous))


def build(settings: Settings, progress: Progress = _quiet) -> BuildResult:
    _prepare_out(Path(settings.out))
    timer = _Timer(progress)
    with timer.stage("load"):
        corpus = loader.load(settings.seeds)
        settings = replace(settings, release=settings.release or versions.read(settings.seeds))
    with timer.stage("map"):
        triples = assemble(corpus, settings.ontology)
    with timer.stage("identifiers"):
        check_identifiers(corpus, triples, settings)
    with timer.stage("validate"):
        report = check_conformance(corpus, triples, settings.shapes)
    if not report.conforms:
        raise NonConformingError(report, report.summary())
    with timer.stage("serialize"):
        files = render(triples, settings)
    with timer.stage("publish"):
        written = publish(files, settings.out)
    return BuildResult(corpus, triples, report, written, timer.timings)


def _prepare_out(out: Path) -> None:
    """Before anything else: put back a release a killed build left aside, and refuse a file as ``out``."""
    recover(out)
    if out.exists() and not out.is_dir():
        raise InputError("--out must be a directory, and this is a file", out)


def publish(files: dict[str, bytes], out: Path) -> dict[str, Path]:
    """Write ``files`` into a staging directory beside ``out`` and swap it into place.

    Until the final rename the previous ``out/`` is untouched; a build that fails or is killed
    earlier leaves it exactly as it was (and at worst a stray staging directory).
    """
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{_staging_prefix(out)}{os.getpid()}-", dir=out.parent))
        try:
            for name, data in sorted(files.items()):
                _write(staging / name, data)
            _keep_unmanaged(out, staging, files)
            _swap(staging, out)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
    except OSError as exc:
        raise InputError(f"cannot publish the release: {exc.strerror or exc}", exc.filename or out) from None
    return {name: out / name for name in files}


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _keep_unmanaged(out: Path, staging: Path, files: Iterable[str]) -> None:
    """Carry over files in ``out/`` that the build does not write (e.g. a README or a site)."""
    if not out.is_dir():
        return
    managed = set(files)
    for entry in out.iterdir():
        if entry.name not in managed and not entry.name.startswith("."):
            target = staging / entry.name
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, target, symlinks=True)
            else:
                shutil.copy2(entry, target, follow_symlinks=False)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    retired = out.with_name(f".{out.name}.previous")
    if retired.exists():
        shutil.rmtree(retired)
    os.rename(out, retired)
    os.rename(staging, out)
    shutil.rmtree(retired)


def recover(out: Path) -> bool:
    """Put the previous release back if a build was killed between the two renames of a swap.

    Also removes what killed builds left beside ``out``: the previous release once ``out`` is whole
    again, and staging directories whose process is gone.
    """
    retired = out.with_name(f".{out.name}.previous")
    restored = retired.exists() and not out.exists()
    if restored:
        os.rename(retired, out)
    elif retired.exists():
        shutil.rmtree(retired, ignore_errors=True)
    for staging in out.parent.glob(f"{_staging_prefix(out)}*"):
        pid = staging.name.removeprefix(_staging_prefix(out)).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)
    return restored


def _staging_prefix(out: Path) -> str:
    return f".{out.name}.staging-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dump_path(out: Path, fmt: Format = Format.NTRIPLES) -> Path:
    """The dump of a built release in ``fmt``, or an error telling the user to build first."""
    path = Path(out) / fmt.dump_name(DUMP_STEM)
    if not path.exists():
        raise InputError("no dump here; run `peacegraph build` first", path)
    return path


def read_dumps(out: Path, fmt: Format = Format.NTRIPLES) -> list[Triple]:
    return rdfio.read_triples(dump_path(out, fmt), fmt.oxigraph)
