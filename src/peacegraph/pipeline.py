"""The one place that knows the order of the stages:
load records → mint identifiers and map to RDF → validate → serialize → swap into ``out/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Triple, parse

from . import loader, mapping, resources, serialize, validate
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


@dataclass
class BuildResult:
    corpus: Corpus
    triples: list[Triple]
    report: validate.Report
    files: dict[str, Path]
    timings: dict[str, float]


Progress = Callable[[str], None]


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
    triples = [quad.triple for quad in parse(path=str(ontology), format=RdfFormat.TURTLE)]
    stance_class = NamedNode(PG + "Stance")
    stances = {t.subject for t in triples if t.predicate == RDF_TYPE and t.object == stance_class}
    scheme = NamedNode(PG + "stances")
    return [t for t in triples if t.subject in stances or t.subject == scheme]


def assemble(corpus: Corpus, ontology: Path) -> list[Triple]:
    """Every triple of the dataset, in canonical order."""
    triples = serialize.canonical([*mapping.map_corpus(corpus), *stance_triples(ontology)])
    used = {t.object for t in triples if t.predicate.value == PG + "stance"}
    defined = {t.subject for t in stance_triples(ontology)}
    missing = used - defined
    if missing:
        raise InputError(f"stances used but not defined in the ontology: {sorted(str(m) for m in missing)}", ontology)
    return triples


def check_conformance(corpus: Corpus, triples: list[Triple], shapes: Path) -> validate.Report:
    graph = validate.to_rdflib(triples)
    return validate.validate_graph(graph, validate.shapes_graph(shapes), validate.origins(corpus))


def render(triples: list[Triple], settings: Settings) -> dict[str, bytes]:
    """The bytes of every file of a release, by file name."""
    files = {fmt.dump_name(DUMP_STEM): serialize.WRITERS[fmt](triples) for fmt in Format}
    files[CONTEXT_FILE] = serialize.context_bytes()
    files[ONTOLOGY_FILE] = settings.ontology.read_bytes()
    files[SHAPES_FILE] = b"".join(p.read_bytes() for p in sorted(settings.shapes.glob("*.ttl")))
    return files


def build(settings: Settings, progress: Progress = _quiet) -> BuildResult:
    timer = _Timer(progress)
    with timer.stage("load"):
        corpus = loader.load(settings.seeds)
    with timer.stage("map"):
        triples = assemble(corpus, settings.ontology)
    with timer.stage("validate"):
        report = check_conformance(corpus, triples, settings.shapes)
    if not report.conforms:
        raise NonConformingError(report, report.summary())
    with timer.stage("serialize"):
        files = render(triples, settings)
    with timer.stage("publish"):
        written = publish(files, settings.out)
    return BuildResult(corpus, triples, report, written, timer.timings)


def publish(files: dict[str, bytes], out: Path) -> dict[str, Path]:
    """Write ``files`` into a staging directory beside ``out`` and swap it into place.

    Until the final rename the previous ``out/`` is untouched; a build that fails or is killed
    earlier leaves it exactly as it was (and at worst a stray staging directory).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        for name, data in sorted(files.items()):
            _write(staging / name, data)
        _keep_unmanaged(out, staging, files)
        _swap(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
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
            if entry.is_dir():
                shutil.copytree(entry, target)
            else:
                shutil.copy2(entry, target)


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
    """Put the previous release back if a build was killed between the two renames of a swap."""
    retired = out.with_name(f".{out.name}.previous")
    if retired.exists() and not out.exists():
        os.rename(retired, out)
        return True
    return False


def read_dumps(out: Path, fmt: Format = Format.NTRIPLES) -> list[Triple]:
    path = Path(out) / fmt.dump_name(DUMP_STEM)
    if not path.exists():
        raise InputError("no dump here; run `peacegraph build` first", path)
    return [quad.triple for quad in parse(path=str(path), format=fmt.oxigraph)]
