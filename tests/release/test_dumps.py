"""A rebuild that reuses the last build's keep writes the dumps, the statistics and the tables a
full build writes, byte for byte, whatever changed; and a damaged keep only costs time.

The graphs here are small and random, cut into many segments (a subject in four begins one), and
edited at random: triples added, removed and changed, whole subjects gone or new, many at once.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import io
import os
import random
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from peacegraph import collection, pipeline
from peacegraph.rdf import bulk, lines, segments, serialize
from peacegraph.rdf.lines import Lines
from peacegraph.rdf.namespaces import OA, OWL, PG, RDF_TYPE, SCHEMA, SKOS, XSD, active
from peacegraph.rdf.spill import SpilledLines
from peacegraph.release import dumps, metadata, retable, tables, versions, writing
from peacegraph.release.files import DUMP_STEM
from peacegraph.release.keep import NOTHING, Stage
from peacegraph.release.writing import Directory

from ..conftest import SEEDS

CLASSES = [
    *(PG + name for name in ("Document", "Position", "Organization", "Person", "Event", "Signature")),
    OA + "TextPositionSelector",
]
PREDICATES = [
    SCHEMA + "name",
    SCHEMA + "author",
    SCHEMA + "memberOf",
    SCHEMA + "alternateName",
    SCHEMA + "position",
    PG + "signature",
    PG + "stance",
    PG + "evidence",
    OA + "hasSelector",
    OA + "start",
    SCHEMA + "item",
    SKOS + "prefLabel",
    OWL + "sameAs",
    OWL + "deprecated",
    "http://example.org/unknown/property",
]
TEXTS = ["Alpha", "Beta b", 'quote "x"', "line\nbreak", "tab\there", "ünïcode ✓", "back\\slash", "Z", ""]


@pytest.fixture(autouse=True)
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """A subject in four begins a segment, so that a graph of a few hundred triples has dozens."""
    monkeypatch.setattr(segments, "MASK", 0x3)


def _subject(rng: random.Random) -> NamedNode:
    return NamedNode(f"{active().id}thing/{rng.randrange(60)}")


def _triple(rng: random.Random) -> Triple:
    subject = _subject(rng)
    kind = rng.random()
    if kind < 0.2:
        return Triple(subject, RDF_TYPE, NamedNode(rng.choice(CLASSES)))
    predicate = NamedNode(rng.choice(PREDICATES))
    if kind < 0.5:
        return Triple(subject, predicate, _subject(rng) if rng.random() < 0.8 else NamedNode("http://elsewhere.org/x"))
    if kind < 0.65:
        date = f"{rng.randrange(1990, 2030)}" + rng.choice(
            ["", f"-{rng.randrange(1, 13):02d}", "-03-0" + "123"[rng.randrange(3)]]
        )
        datatype = {4: "gYear", 7: "gYearMonth"}.get(len(date), "date")
        return Triple(subject, NamedNode(SCHEMA + "datePublished"), Literal(date, datatype=NamedNode(XSD + datatype)))
    if kind < 0.75:
        return Triple(subject, predicate, Literal(str(rng.randrange(-5, 500)), datatype=NamedNode(XSD + "integer")))
    text = rng.choice(TEXTS) + str(rng.randrange(5))
    if kind < 0.9:
        return Triple(subject, predicate, Literal(text, language=rng.choice(["en", "ar", "fr"])))
    return Triple(subject, predicate, Literal(text))


def _graph(rng: random.Random, size: int) -> set[Triple]:
    return {_triple(rng) for _ in range(size)}


def _edit(rng: random.Random, graph: set[Triple]) -> set[Triple]:
    """``graph`` after one random edit, small or large."""
    edited = set(graph)
    kind = rng.randrange(6)
    if kind == 0:
        edited |= {_triple(rng) for _ in range(rng.randrange(1, 4))}
    elif kind == 1 and edited:
        edited -= set(rng.sample(sorted(edited, key=str), min(len(edited), rng.randrange(1, 4))))
    elif kind == 2 and edited:  # a value changed
        old = rng.choice(sorted(edited, key=str))
        edited.discard(old)
        dated = old.predicate.value == SCHEMA + "datePublished"  # a date stays a date, as the shapes require
        value = (
            Literal("2001-02", datatype=NamedNode(XSD + "gYearMonth")) if dated else Literal(rng.choice(TEXTS) + "!")
        )
        edited.add(Triple(old.subject, old.predicate, value))
    elif kind == 3:  # a subject gone
        gone = _subject(rng)
        edited = {t for t in edited if t.subject != gone}
    elif kind == 4:  # many changes at once
        edited = {t for t in edited if rng.random() > 0.3} | _graph(rng, 40)
    else:  # a new subject
        fresh = NamedNode(f"{active().id}new/{rng.randrange(10**6)}")
        edited |= {
            Triple(fresh, RDF_TYPE, NamedNode(CLASSES[0])),
            Triple(fresh, NamedNode(SCHEMA + "name"), Literal("N")),
        }
    return edited


Written = tuple[dict[str, bytes], metadata.Statistics]


def _write(
    graph: Lines, folder: Path, keep: Stage = NOTHING, spilled: bool = True, reused: dict[str, str] | None = None
) -> Written:
    """The dumps and the tables of ``graph`` written into ``folder`` (read back), and the statistics;
    ``reused`` is told what was reused."""
    folder.mkdir(parents=True)
    if keep.fresh is not None:
        keep.fresh.mkdir(parents=True)
    files = Directory(folder)
    col = collection.load(SEEDS)
    if spilled:
        with SpilledLines(graph) as spill:
            source, stats = dumps.write(spill, files, keep, reused)
            retable.write(source, col, files, keep if graph.as_lines else NOTHING, reused)
    else:
        source, stats = dumps.write(graph, files, keep, reused)
        retable.write(source, col, files, keep if graph.as_lines else NOTHING, reused)
    written = {name: (folder / name).read_bytes() for name in files.written}
    return written, stats


class Builds:
    """Builds into numbered folders below ``root``, each leaving its keep."""

    def __init__(self, root: Path):
        self.root = root
        self.count = 0
        #: What the last build from a keep said it reused.
        self.reused: dict[str, str] = {}

    def folder(self) -> Path:
        self.count += 1
        return self.root / str(self.count)

    def full(self, graph: Lines) -> Written:
        return _write(graph, self.folder())

    def kept(
        self, graph: Lines, previous: tuple[Path, Path] | None = None, spilled: bool = True
    ) -> tuple[Written, Path, Path]:
        """A build that reuses ``previous`` (a keep and its lines), if any: what it wrote, its keep and its lines."""
        folder = self.folder()
        fresh = folder / "keep"
        keep = Stage(previous[0], previous[1], fresh) if previous else Stage(fresh=fresh)
        self.reused = {}
        written = _write(graph, folder / "out", keep, spilled, self.reused)
        return written, fresh, folder / "out" / dumps.NTRIPLES


@pytest.mark.parametrize("seed", range(12))
def test_a_rebuild_writes_what_a_full_build_writes(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    builds = Builds(tmp_path)
    graph = _graph(rng, rng.choice([0, 1, 30, 300]))
    written, keep, nt = builds.kept(lines.of(graph))
    assert written == builds.full(lines.of(graph))
    for step in range(6):
        graph = _edit(rng, graph)
        data = lines.of(graph)
        written, keep, nt = builds.kept(data, (keep, nt), spilled=step % 2 == 0)
        assert written == builds.full(data), f"seed {seed}, step {step}"
        assert "table rows made again" in builds.reused["serialize"]  # the tables too were written from the keep


def test_a_rebuild_reuses_the_segments_that_did_not_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Else the test above would hold of a rebuild that never reuses anything."""
    rng = random.Random(7)
    builds = Builds(tmp_path)
    graph = _graph(rng, 600)
    _written, keep, nt = builds.kept(lines.of(graph))
    made = _count_made(monkeypatch)
    old = next(t for t in sorted(graph, key=str) if t.predicate == NamedNode(SCHEMA + "name"))
    graph = (graph - {old}) | {Triple(old.subject, old.predicate, Literal("changed"))}
    written, _keep, _nt = builds.kept(lines.of(graph), (keep, nt))
    assert made[0] == 1  # the segment with the change
    assert len(list(segments.split(bulk.chunks(lines.of(graph).data)))) > 10
    assert written == builds.full(lines.of(graph))


def _count_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many segments a rebuild writes from their lines (rather than from the keep)."""
    made = [0]
    finish = dumps._Writer.made

    def counted(self: dumps._Writer, pieces: list[bytes], summary: metadata.Summary, start: int) -> None:
        made[0] += 1
        finish(self, pieces, summary, start)

    monkeypatch.setattr(dumps._Writer, "made", counted)
    return made


def _damages(keep: Path, other: Path, lines_file: Path) -> Iterator[tuple[str, Callable[[], None]]]:
    """Ways a keep can be damaged, each named; ``other`` is the keep of another build."""
    for name in (dumps.MANIFEST, dumps.TURTLE, dumps.JSONLD):

        def truncate(name: str = name) -> None:
            data = (keep / name).read_bytes()
            (keep / name).write_bytes(data[: len(data) // 2])

        def garbage(name: str = name) -> None:
            data = bytearray((keep / name).read_bytes())
            data[len(data) // 3] ^= 0x20
            (keep / name).write_bytes(bytes(data))

        def missing(name: str = name) -> None:
            (keep / name).unlink()

        def another(name: str = name) -> None:
            (keep / name).unlink()
            shutil.copyfile(other / name, keep / name)

        yield f"{name} truncated", truncate
        yield f"{name} with a byte changed", garbage
        yield f"{name} missing", missing
        yield f"{name} from another build", another

    def lines_changed() -> None:
        data = lines_file.read_bytes()
        lines_file.write_bytes(data.replace(b'"', b'"x', 1))

    yield "the previous lines changed", lines_changed


def test_a_damaged_keep_changes_nothing(tmp_path: Path) -> None:
    rng = random.Random(3)
    graph = _graph(rng, 300)
    edited = _edit(rng, graph)
    builds = Builds(tmp_path)
    _written, other, _nt = builds.kept(lines.of(_graph(rng, 300)))
    expected = builds.full(lines.of(edited))
    _first, keep, nt = builds.kept(lines.of(graph))
    for name, _damage in _damages(keep, other, nt):
        damaged = tmp_path / "damaged"
        shutil.rmtree(damaged, ignore_errors=True)
        shutil.copytree(keep, damaged / "keep")
        shutil.copyfile(nt, damaged / "lines.nt")
        target = damaged / "keep"
        copy = _damages(target, other, damaged / "lines.nt")
        dict(copy)[name]()
        written, _keep, _nt = builds.kept(lines.of(edited), (target, damaged / "lines.nt"))
        assert written == expected, name


@pytest.mark.parametrize(
    ("module", "name", "value"), [(segments, "MASK", 0x7), (dumps, "__version__", "0.0.0"), (dumps, "FORMAT", "other")]
)
def test_a_keep_made_otherwise_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object, name: str, value: object
) -> None:
    """A keep made with another cut, by another version of the tool, or in another format."""
    rng = random.Random(5)
    graph = lines.of(_graph(rng, 200))
    builds = Builds(tmp_path)
    _written, keep, nt = builds.kept(graph)
    monkeypatch.setattr(module, name, value)
    made = _count_made(monkeypatch)
    written, _keep, _nt = builds.kept(graph, (keep, nt))
    assert made[0] == len(list(segments.split(bulk.chunks(graph.data))))
    assert written == builds.full(graph)


def test_turtle_a_segment_at_a_time_is_the_whole_turtle() -> None:
    rng = random.Random(11)
    graph = lines.of(_graph(rng, 500))
    sink = io.BytesIO()
    writer = serialize.TurtleWriter(sink)
    parts = list(segments.split(bulk.chunks(graph.data)))
    assert len(parts) > 10
    for part in parts:
        writer.add(segments.data(part))
    assert sink.getvalue() == serialize.to_turtle(list(graph))
    assert b"".join(map(segments.data, parts)) == graph.data


def test_segments_are_cut_where_the_chunks_do_not_matter() -> None:
    graph = lines.of(_graph(random.Random(13), 400))
    whole = [segments.data(part) for part in segments.split(bulk.chunks(graph.data))]
    for size in (1, 200, 5000):
        assert [segments.data(part) for part in segments.split(bulk.chunks(graph.data, size))] == whole
    source = segments.InMemory(graph.data)
    at, found = 0, []
    while at < source.size:
        end = segments.next_cut(source, at)
        found.append(graph.data[at:end])
        at = end
    assert found == whole


def test_the_statistics_of_segments_are_those_of_the_whole(built: pipeline.BuildResult) -> None:
    data = built.triples.data
    objects: set[bytes] = set()
    summaries = []
    for part in segments.split(bulk.chunks(data)):
        tally = metadata.Tally(objects)
        for chunk in part:
            tally.add(chunk)
        summaries.append(metadata.Summary.from_json(tally.summary().as_json()))
    whole = metadata.Tally()
    for chunk in bulk.chunks(data):
        whole.add(chunk)
    assert len(summaries) > 10
    assert metadata.combined(summaries, len(objects)) == whole.statistics()
    assert tables.Index.of(data).out  # the index is read from the same lines


def test_lines_not_in_canonical_order_are_written_whole_and_keep_nothing(tmp_path: Path) -> None:
    """Where one predicate extends another with a character below ``>``, the Turtle is in another order than
    the lines: it is written as before, and no keep is left (nor read)."""
    rng = random.Random(17)
    graph = _graph(rng, 100)
    extended = {Triple(t.subject, NamedNode("http://example.org/unknown/property-x"), t.object) for t in graph}
    data = lines.of(graph | extended)
    assert not data.as_lines
    builds = Builds(tmp_path)
    written, keep, _nt = builds.kept(data)
    assert written == builds.full(data)
    assert written[0][dumps.TURTLE] == serialize.to_turtle(list(data))
    assert not any(keep.iterdir())


def test_a_release_rebuilt_from_the_keep_is_the_full_builds(
    built: pipeline.BuildResult, syria_collection: collection.Collection, tmp_path: Path
) -> None:
    """Every file of the release (the tables, ``void.ttl``, the checksums...), after a name is changed."""
    settings = pipeline.resolved(pipeline.Settings(seeds=SEEDS, out=tmp_path / "unused", collection=syria_collection))
    current, regions = versions.read(SEEDS), pipeline.regions_of(syria_collection)
    name = NamedNode(SCHEMA + "name")
    triples = list(built.triples)
    changed = next(i for i, t in enumerate(triples) if t.predicate == name)
    triples[changed] = Triple(triples[changed].subject, name, Literal("Renamed", language="en"))

    def release(graph: Lines, folder: str, keep: Stage = NOTHING) -> dict[str, bytes]:
        (tmp_path / folder).mkdir()
        if keep.fresh is not None:
            keep.fresh.mkdir()
        with SpilledLines(graph) as spilled:
            pipeline.write_release(spilled, settings, syria_collection, current, tmp_path / folder, regions, keep)
        return {str(p.relative_to(tmp_path / folder)): p.read_bytes() for p in (tmp_path / folder).rglob("*.*")}

    first = release(built.triples, "first", Stage(fresh=tmp_path / "keep"))
    assert first == {name: path.read_bytes() for name, path in built.files.items() if path.suffix}
    keep = Stage(tmp_path / "keep", tmp_path / "first" / dumps.NTRIPLES, tmp_path / "keep-again")
    again = release(lines.of(triples), "again", keep)
    assert again == release(lines.of(triples), "full")
    assert again != first


def test_a_keep_on_another_file_system_holds_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the release's dumps cannot be linked into the keep, they are copied, and reused as well."""

    def refused(source: object, target: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refused)
    rng = random.Random(19)
    graph = _graph(rng, 200)
    builds = Builds(tmp_path)
    _written, keep, nt = builds.kept(lines.of(graph))
    assert (keep / dumps.TURTLE).stat().st_nlink == 1
    made = _count_made(monkeypatch)
    old = next(t for t in sorted(graph, key=str) if t.predicate == NamedNode(SCHEMA + "name"))
    edited = (graph - {old}) | {Triple(old.subject, old.predicate, Literal("changed"))}
    written, _keep, _nt = builds.kept(lines.of(edited), (keep, nt))
    assert made[0] == 1
    assert written == builds.full(lines.of(edited))


def test_a_row_is_made_again_when_a_node_it_reads_and_does_not_show_changes(tmp_path: Path) -> None:
    """A position shows its offsets' selector only once the selector is a ``TextPositionSelector``: the
    change is to a node the row reads through its evidence, and neither its own lines nor its CSV line
    name that node."""
    position, evidence, selector = (NamedNode(f"{active().id}position/p{tail}") for tail in ("", "/e", "/e/s"))
    graph = {
        Triple(position, RDF_TYPE, NamedNode(PG + "Position")),
        Triple(position, NamedNode(PG + "evidence"), evidence),
        Triple(evidence, NamedNode(OA + "hasSelector"), selector),
        Triple(selector, NamedNode(OA + "start"), Literal("5", datatype=NamedNode(XSD + "nonNegativeInteger"))),
    }
    builds = Builds(tmp_path)
    (written, _stats), keep, nt = builds.kept(lines.of(graph))
    assert selector.value.encode() not in written["tables/positions.csv"]
    typed = lines.of(graph | {Triple(selector, RDF_TYPE, NamedNode(OA + "TextPositionSelector"))})
    (written, _stats), keep, nt = builds.kept(typed, (keep, nt))
    assert selector.value.encode() in written["tables/positions.csv"]
    assert (written, _stats) == builds.full(typed)
    assert builds.reused["serialize"].endswith("; 1 of 1 table rows made again")


def test_a_row_is_made_again_when_the_subjects_it_reads_backwards_change(tmp_path: Path) -> None:
    """A signature's document is the subject of ``pg:signature`` whose object it is: a second document
    that lists it changes its row, though no line of the signature changed."""
    signature, first, second = (NamedNode(f"{active().id}{tail}") for tail in ("sig", "doc/1", "doc/2"))
    graph = {
        Triple(signature, RDF_TYPE, NamedNode(PG + "Signature")),
        Triple(first, NamedNode(PG + "signature"), signature),
        Triple(second, NamedNode(SCHEMA + "name"), Literal("Second")),
    }
    builds = Builds(tmp_path)
    (written, _stats), keep, nt = builds.kept(lines.of(graph))
    assert second.value.encode() not in written["tables/signatures.csv"]
    listed = lines.of(graph | {Triple(second, NamedNode(PG + "signature"), signature)})
    (written, _stats), keep, nt = builds.kept(listed, (keep, nt))
    assert second.value.encode() in written["tables/signatures.csv"]
    assert (written, _stats) == builds.full(listed)
    assert builds.reused["serialize"].endswith("; 1 of 1 table rows made again")


# --- the N-Triples and their gzipped copy, written beside the rest -----------------------------


def _threads() -> set[str]:
    return {thread.name for thread in threading.enumerate() if thread.name.startswith("peacegraph: ")}


@pytest.mark.parametrize("spilled", [False, True])
def test_an_error_writing_the_gzipped_lines_is_the_error_of_the_dumps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spilled: bool
) -> None:
    """The gzipped N-Triples are written in a thread of their own; a full disk there is raised all the same.
    Set-aside lines are linked as the N-Triples dump only once compressed: here, never."""

    def full(blocks: Iterator[bytes], sink: io.BufferedWriter) -> None:
        sink.write(next(iter(blocks))[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(serialize, "write_gzipped", full)
    files = Directory(tmp_path / "out")
    graph = lines.of(_graph(random.Random(1), 300))
    with contextlib.ExitStack() as stack, pytest.raises(OSError, match="No space left on device"):
        dumps.write(stack.enter_context(SpilledLines(graph)) if spilled else graph, files)
    assert (dumps.NTRIPLES in files.written) is not spilled
    assert (tmp_path / "out" / dumps.NTRIPLES).exists() is not spilled
    assert not _threads()


def test_an_error_in_the_other_dumps_is_raised_and_leaves_no_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: serialize.JsonLdWriter, chunk: bulk.Chunk) -> None:
        raise ValueError("the JSON-LD writer broke")

    monkeypatch.setattr(serialize.JsonLdWriter, "add", broken)
    with pytest.raises(ValueError, match="the JSON-LD writer broke"):
        dumps.write(lines.of(_graph(random.Random(2), 300)), Directory(tmp_path / "out"))
    assert not _threads()


def test_set_aside_lines_are_linked_with_the_digest_of_the_bytes_compressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The N-Triples dump is the set-aside file, its SHA-256 taken from the blocks the gzip thread reads:
    the release records the file's true size and digest, without reading it back."""
    read_back: list[str] = []
    checked = hashlib.file_digest

    def spy(handle: io.BufferedReader, digest: str) -> object:
        read_back.append(Path(handle.name).name)
        return checked(handle, digest)

    monkeypatch.setattr(hashlib, "file_digest", spy)
    graph = lines.of(_graph(random.Random(3), 2000))
    files = Directory(tmp_path / "out")
    with SpilledLines(graph) as spill:
        dumps.write(spill, files)
    dump = tmp_path / "out" / dumps.NTRIPLES
    assert dump.read_bytes() == graph.data
    assert files.written[dumps.NTRIPLES] == writing.Written.of(graph.data)
    assert dumps.NTRIPLES not in read_back
    assert metadata.gzip_name(DUMP_STEM) in read_back  # the other files are read back as before
    assert gzip.decompress((tmp_path / "out" / metadata.gzip_name(DUMP_STEM)).read_bytes()) == graph.data
