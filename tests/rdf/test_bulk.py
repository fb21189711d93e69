"""What is read from the N-Triples lines in chunks does not depend on where the chunks are cut.

The build reads a million lines a few megabytes at a time; the Syria collection fits in one chunk,
so these tests cut it into chunks of a line, of a few lines, and into one, and compare.
"""

from __future__ import annotations

import io

import pytest

from peacegraph import pipeline
from peacegraph.rdf import bulk, serialize
from peacegraph.release import metadata, tables

SIZES = [1, 300, bulk.CHUNK_BYTES]


def test_chunks_are_the_lines_and_their_terms(built: pipeline.BuildResult) -> None:
    data = built.triples.data
    for size in SIZES:
        chunks = list(bulk.chunks(data, size))
        assert [line for chunk in chunks for line in chunk.lines] == data.splitlines()
        first = chunks[0]
        assert b" ".join((first.subjects[0], first.predicates[0], first.objects[0])) == first.lines[0]
        assert bulk.term(first.objects[0]) + b" ." == first.objects[0]
    assert len(list(bulk.chunks(data, 1))) == built.triples.count


@pytest.mark.parametrize("size", SIZES[:2])
def test_jsonld_is_the_same_whatever_the_chunks(built: pipeline.BuildResult, size: int) -> None:
    buffer = io.BytesIO()
    writer = serialize.JsonLdWriter(buffer)
    for chunk in bulk.chunks(built.triples.data, size):
        writer.add(chunk)
    writer.close()
    assert buffer.getvalue() == built.files["peacegraph.jsonld"].read_bytes()


@pytest.mark.parametrize("size", SIZES[:2])
def test_statistics_and_tables_are_the_same_whatever_the_chunks(built: pipeline.BuildResult, size: int) -> None:
    data = built.triples.data
    tally, whole = metadata.Tally(), metadata.Tally()
    index = tables.Index()
    for chunk in bulk.chunks(data, size):
        tally.add(chunk)
        index.add(chunk)
    for chunk in bulk.chunks(data):
        whole.add(chunk)
    assert tally.statistics() == whole.statistics()
    assert index.out == tables.Index.of(data).out
    assert index.back == tables.Index.of(data).back


def test_the_objects_of_lines_are_those_of_their_chunks() -> None:
    data = b"".join(
        [
            b'<http://x/a> <http://x/p> "a b .\\n c" .\n',
            b"<http://x/a> <http://x/q> <http://x/b> .\n",
            b'<http://x/b> <http://x/p> "x"@en .\n',
            b'<http://x/c> <http://x/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
        ]
    )
    assert bulk.objects(data) == [o for chunk in bulk.chunks(data) for o in chunk.objects]


@pytest.mark.parametrize("size", [1, 300, bulk.CHUNK_BYTES])
def test_the_chunks_of_a_graph_are_its_blocks_each_read_once(
    built: pipeline.BuildResult, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """Each block read is one chunk, never cut again; together they are the lines, whatever their size."""
    monkeypatch.setattr(bulk, "CHUNK_BYTES", size)
    graph = built.triples
    chunks = list(bulk.chunks_of(graph))
    assert [chunk.data for chunk in chunks] == list(graph.blocks(size))
    assert b"".join(chunk.data for chunk in chunks) == graph.data
    assert [line for chunk in chunks for line in chunk.lines] == graph.data.splitlines()
