"""The tables are valid CSVW, and converting them to RDF as CSVW says gives triples of the dataset."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path
from typing import Any

import csvw
import pytest
from pyoxigraph import Literal, NamedNode, Triple

from peacegraph import collection, pipeline
from peacegraph.pages import describe
from peacegraph.rdf.namespaces import PG, SCHEMA, XSD
from peacegraph.release import tables

from ..syria import ID, SEEDS

NAMES = [table.name for table in tables.TABLES]
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_LANG_STRING = RDF + "langString"


def _metadata(out: Path, name: str) -> Path:
    return out / tables.TABLES_DIR / f"{name}.csv{tables.METADATA_SUFFIX}"


def _cell(value: Any, column: csvw.Column) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(column.datatype.formatted(value))


def csv2rdf(metadata: Path) -> list[Triple]:
    """CSVW-to-RDF in minimal mode (W3C csv2rdf, section 4.6) over the library's reading of the table.

    The csvw library parses the CSV as the metadata's dialect says, checks each cell against its
    column's datatype (strict) and expands the URI templates; each non-null cell of a column that
    is not suppressed then gives (aboutUrl, propertyUrl, valueUrl) or a literal of the column's
    datatype and language, one per value of a list cell.
    """
    table = csvw.Table.from_file(metadata)
    columns = {c.name: c for c in table.tableSchema.columns}
    made = []
    for number, row in enumerate(table.iterdicts(strict=True), start=1):
        text = {k: _cell(v, columns[k]) if not isinstance(v, list) else v for k, v in row.items()}
        for name, value in row.items():
            column = columns[name]
            if column.suppressOutput or value is None or (isinstance(value, str | list) and not value):
                continue
            about = column.aboutUrl or table.tableSchema.aboutUrl
            subject = NamedNode(table.expand(about, text, _row=number))
            predicate = NamedNode(table.expand(column.propertyUrl, text, _row=number))
            if column.valueUrl:
                made.append(Triple(subject, predicate, NamedNode(table.expand(column.valueUrl, text, _row=number))))
                continue
            language = column.inherit("lang")
            language = None if language == "und" else language  # CSVW's "no language"
            for item in value if isinstance(value, list) else [value]:
                lexical = _cell(item, column)
                base = column.datatype.base
                obj = (
                    Literal(lexical, language=language)
                    if language
                    else Literal(lexical, datatype=NamedNode(XSD + base))
                )
                made.append(Triple(subject, predicate, obj))
    return made


@pytest.mark.parametrize("name", NAMES)
def test_the_csvw_library_finds_each_table_valid(out_dir: Path, name: str) -> None:
    assert csvw.CSVW(str(out_dir / tables.TABLES_DIR / f"{name}.csv")).is_valid


@pytest.mark.parametrize("name", NAMES)
def test_each_header_cell_is_its_column_title(out_dir: Path, name: str) -> None:
    """A strict CSVW processor compares the header row with the metadata's columns (tabular-metadata
    §5.5.1, table compatibility): the embedded column has no name, so its title must be one of the
    described column's titles. Ours are equal, cell for cell, and the people's label is the
    column's ``dc:description``."""
    described = json.loads(_metadata(out_dir, name).read_text(encoding="utf-8"))
    columns = described["tableSchema"]["columns"]
    with open(out_dir / tables.TABLES_DIR / f"{name}.csv", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [column["titles"] for column in columns]
    assert all(column["dc:description"] for column in columns)
    table = csvw.Table.from_file(_metadata(out_dir, name))
    # As the csvw library reads the description: each column's title is its header cell.
    assert [c.titles.getfirst() if c.titles else None for c in table.tableSchema.columns] == header


@pytest.mark.parametrize("name", NAMES)
def test_csv_to_rdf_gives_triples_of_the_dataset(built: pipeline.BuildResult, out_dir: Path, name: str) -> None:
    made = csv2rdf(_metadata(out_dir, name))
    assert made, name
    assert not set(made) - set(built.triples)


def test_the_conversion_covers_links_labels_numbers_and_languages(built: pipeline.BuildResult, out_dir: Path) -> None:
    made = {t for name in NAMES for t in csv2rdf(_metadata(out_dir, name))}
    kinds = {t.object.datatype.value if isinstance(t.object, Literal) else "iri" for t in made}
    assert {"iri", XSD + "string", XSD + "nonNegativeInteger", RDF_LANG_STRING} <= kinds
    assert {XSD + "integer", XSD + "positiveInteger"} & kinds  # the place in a list of signatories
    predicates = {t.predicate.value for t in made}
    assert {"https://schema.org/appearance", "https://w3id.org/peacegraph/ontology#stance"} <= predicates
    assert len(made) > 2000


def test_one_row_per_thing_with_labels_beside_identifiers(out_dir: Path) -> None:
    with open(out_dir / "tables" / "signatures.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    ldsps = [row for row in rows if row["signatory"].endswith("/organization/ldsps")]
    assert ldsps
    assert ldsps[0]["signatory_name"] == "Local Development and Small-Projects Support"
    assert all(row["document"].startswith("https://w3id.org/peacegraph/id/document/") for row in rows)


def test_rfc4180_crlf_and_utf8(out_dir: Path) -> None:
    data = (out_dir / "tables" / "positions.csv").read_bytes()
    data.decode("utf-8")
    header, _rest = data.split(b"\r\n", 1)
    assert header.startswith(b"id,name,document,")
    assert not data.startswith(b"\xef\xbb\xbf")


def test_tables_follow_the_graph_not_the_records(built: pipeline.BuildResult) -> None:
    """Give a position's name a language tag in the triples: the table says so, and still converts."""
    name = NamedNode("https://schema.org/name")
    tagged = [
        Triple(t.subject, t.predicate, Literal(t.object.value, language="en"))
        if t.predicate == name and isinstance(t.object, Literal)
        else t
        for t in built.triples
    ]
    files = tables.render(tagged, collection.load(SEEDS))
    described = json.loads(files["tables/organizations.csv-metadata.json"])
    (column,) = [c for c in described["tableSchema"]["columns"] if c["name"] == "name"]
    assert column["lang"] == "en"
    assert "suppressOutput" not in column


def test_links_in_the_tables_folder_are_not_release_files(mini_built: pipeline.BuildResult, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(next(iter(mini_built.files.values())).parent, out)
    (out / "tables" / "passwd.csv").symlink_to("/etc/passwd")
    names = describe.release_files(out)
    assert "tables/positions.csv" in names
    assert "tables/passwd.csv" not in names


#: Names a line of N-Triples escapes, or the csv writer quotes: each cell must be the name itself.
AWKWARD = [
    "plain",
    "a, b",
    'say "yes"',
    "two\nlines",
    "cr\rend",
    "back\\slash \\u0041",
    "bell\x07 del\x7f",
    "é ✓ 𝄞",
    "",
]


@pytest.mark.parametrize("name", AWKWARD)
def test_a_cell_is_its_value_as_the_csv_writer_writes_it(name: str) -> None:
    document = NamedNode(ID + "document/awkward")
    triples = [
        Triple(document, NamedNode(RDF + "type"), NamedNode(PG + "Document")),
        Triple(document, NamedNode(SCHEMA + "name"), Literal(name, language="en")),
        Triple(document, NamedNode(SCHEMA + "alternateName"), Literal(name)),
        Triple(document, NamedNode(SCHEMA + "alternateName"), Literal("other, name")),
    ]
    data = tables.render(triples, collection.load(SEEDS))["tables/documents.csv"]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[1][:2] == [str(document.value), name]
    assert set(rows[1][3].split(tables.LITERAL_SEPARATOR)) == {name, "other, name"}
    written = io.StringIO(newline="")
    csv.writer(written, lineterminator="\r\n").writerows(rows)
    assert data == written.getvalue().encode("utf-8")


@pytest.mark.parametrize("text", [*AWKWARD, '"', "\r", "\n", "\r\n", 'end"', ",", ",,"])
def test_a_line_is_what_the_csv_writer_writes(text: str) -> None:
    """Whether a line is written directly or by the csv writer, it is the writer's line."""
    for fields in ([text, "b"], ["a", text], ["a", text, text, "b"], [text]):
        written = io.StringIO(newline="")
        csv.writer(written, lineterminator="\r\n").writerow(fields)
        assert tables.line(fields) == written.getvalue(), fields


def _position(text: str) -> list[tables.Value]:
    return [tables.Value(f'"{text}"'.encode(), text, iri=False)]


def test_ordered_rows_put_numbers_first_by_value_then_texts() -> None:
    signatures = next(table for table in tables.TABLES if table.order)
    texts = ["10", "a", "9", "", "1a", "007", "B"]
    rows = [{"document": _position("d"), "position": _position(text)} for text in texts]
    ordered = sorted(rows, key=lambda row: tables.sort_key(signatures, row))
    assert [row["position"][0].value for row in ordered] == ["007", "9", "10", "", "1a", "B", "a"]


def test_the_order_of_rows_is_that_of_their_cells_one_column_after_the_other() -> None:
    """A row's key is compared column by column, each cell as a number (digits) before any text: so a
    key is never compared across its columns (``"1"`` then ``"0"`` is not ``"10"`` then ``""``)."""
    signatures = next(table for table in tables.TABLES if table.order)
    pool = ["", "0", "1", "7", "10", "01", "9" * 25, "1a", "a", "a b", "ab", "Z", "é", "𝄞", "٣", "12 ", "\t"]
    rng = random.Random(28)
    rows = [{"document": _position(rng.choice(pool)), "position": _position(rng.choice(pool))} for _ in range(3000)]
    rows += [{"document": [], "position": _position(text)} for text in pool]  # an empty cell reads as ""

    def as_pairs(row: dict[str, list[tables.Value]]) -> tuple[tuple[int, str], ...]:
        texts = [row[name][0].value if row[name] else "" for name in signatures.order]
        return tuple((0, text.zfill(20)) if text.isdigit() else (1, text) for text in texts)

    by_key = sorted(range(len(rows)), key=lambda at: tables.sort_key(signatures, rows[at]))
    assert by_key == sorted(range(len(rows)), key=lambda at: as_pairs(rows[at]))


def test_the_index_gives_the_values_about_cells_and_the_subjects_pointing_at_a_thing() -> None:
    """What the rows read of the index, one cell or several: the values of each identifier among the
    cells (a literal has none), one after the other; the things pointing at one, each once, in order."""
    a, b, c, d = (f"<http://example.org/{name}>" for name in "abcd")
    name, signature = f"<{SCHEMA}name>", f"<{PG}signature>"
    lines = [
        f'{a} {name} "A" .',
        f"{a} {signature} {c} .",
        f'{b} {name} "B one" .',
        f'{b} {name} "B two" .',
        f"{b} {signature} {c} .",
        f"{b} {signature} {d} .",
    ]
    index = tables.Index.of("".join(line + "\n" for line in sorted(lines)).encode())
    thing_a, thing_b, thing_c, thing_d = (tables.term_value(node.encode()) for node in (a, b, c, d))
    literal = tables.term_value(b'"A"')

    def texts(values: list[tables.Value]) -> list[str]:
        return [value.value for value in values]

    assert texts(index.about([thing_a], SCHEMA + "name")) == ["A"]
    assert texts(index.about([thing_b, thing_a], SCHEMA + "name")) == ["B one", "B two", "A"]
    assert index.about([literal], SCHEMA + "name") == []
    assert texts(index.about([literal, thing_a], SCHEMA + "name")) == ["A"]
    assert index.about([thing_c], SCHEMA + "name") == []
    assert texts(index.subjects(thing_c, PG + "signature")) == ["http://example.org/a", "http://example.org/b"]
    assert texts(index.subjects(thing_d, PG + "signature")) == ["http://example.org/b"]
    assert index.subjects(thing_a, PG + "signature") == []
    index.back[PG + "signature"]["http://example.org/d"] = [thing_b, thing_a, thing_b, thing_c]  # whatever the order
    assert texts(index.subjects(thing_d, PG + "signature")) == [f"http://example.org/{name}" for name in "abc"]
    found = index.about([thing_a], SCHEMA + "name")
    found.append(literal)  # a row's cells are its own: changing them changes nothing in the index
    assert texts(index.about([thing_a], SCHEMA + "name")) == ["A"]
