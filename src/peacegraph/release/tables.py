"""Tables for analysts (``out/tables/``): one CSV per kind of thing, each with W3C CSVW metadata.

Every table is read from the dataset's triples, never from the records, so whatever the graph
says (a new property value, a date with another precision, a name with a language) reaches the
tables. A row is one thing, identified by its full IRI in the ``id`` column; links are full
IRIs with their labels beside them. The metadata (``<table>.csv-metadata.json``, the name a CSVW
processor looks for first) says, per column, which property it is (``propertyUrl``), what it is
about (``aboutUrl``), whether it holds identifiers (``valueUrl``), and the datatype and language
of its literals as found in the data, so that CSVW-to-RDF conversion gives triples of the
dataset. A column whose values cannot be described that way (identifiers several to a cell,
literals of several datatypes) is kept for people but marked ``suppressOutput``.

The CSV is UTF-8 and RFC 4180: a header row, fields quoted where needed, CRLF line ends. Each
header cell is its column's name and title, so that a strict CSVW processor finds the table and
its description compatible; the column's label for people is its ``dc:description``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress, filterfalse
from operator import itemgetter
from typing import IO, Any, Final, NamedTuple

from pyoxigraph import Literal, RdfFormat, Triple, parse

from .. import collector
from ..collection import Collection
from ..rdf import bulk, lines
from ..rdf.namespaces import CSVW, OA, OWL, PG, RDF_TYPE, SCHEMA, SKOS, XSD
from .writing import Directory

TABLES_DIR: Final = "tables"
METADATA_SUFFIX: Final = "-metadata.json"
CSVW_CONTEXT: Final = CSVW
#: Between the values of a cell that holds several; never part of an identifier.
IRI_SEPARATOR: Final = " "
LITERAL_SEPARATOR: Final = " | "


class Value(NamedTuple):
    """A value in a cell, read from a line of the N-Triples (plain Python, so that the tables read it
    without converting a pyoxigraph term at every access)."""

    #: How the line writes it (``<iri>``, ``"text"@en``): values are ordered by it, as the lines are.
    form: bytes
    #: The IRI, or the literal's lexical form.
    value: str
    #: Whether it is an IRI (else a literal).
    iri: bool = True
    #: The literal's datatype IRI (``rdf:langString`` with a language); ``""`` for an IRI.
    datatype: str = ""
    language: str = ""


#: Every predicate a column reads (filled in as the tables below are defined): the index keeps only those.
READ: Final[set[str]] = {RDF_TYPE.value, SCHEMA + "name", SKOS + "prefLabel", OWL + "deprecated"}
#: The predicates read from object to subject: classes to their instances, and those of ``inverse``.
READ_BACKWARDS: Final[set[str]] = {RDF_TYPE.value}


class Index:
    """The triples the tables read, by subject and predicate, and (for the predicates read backwards)
    the subjects by object and predicate; made from the lines of canonical N-Triples, a chunk at a
    time (:meth:`add`).

    Keyed by the predicate's IRI, then the subject's (or the object's), and read from the lines'
    bytes (:mod:`.bulk`): only the lines of the predicates some column reads are looked at, and a
    value that recurs is made once. The values of a subject and predicate are in their lines' order.
    """

    def __init__(self) -> None:
        self.out: dict[str, dict[str, list[Value]]] = {p: {} for p in READ}
        self.back: dict[str, dict[str, list[Value]]] = {p: {} for p in READ_BACKWARDS}
        self._read = {bulk.bracketed(p): (self.out[p], self.back.get(p)) for p in READ}
        self._values: dict[bytes, Value] = {}  # an object as the lines hold it (with " .") -> its value
        self._subject = Value(b"", "")  # the subject of the last line read

    @classmethod
    def of(cls, data: bytes) -> Index:
        """The index of the canonical N-Triples ``data``."""
        index = cls()
        for chunk in bulk.chunks(data):
            index.add(chunk)
        return index

    def add(self, chunk: bulk.Chunk) -> None:
        """Index the lines of one more chunk (the chunks in order: a subject's lines come together)."""
        read, values = self._read, self._values
        terms = zip(chunk.subjects, chunk.predicates, chunk.objects, strict=True)
        subject = self._subject
        form, name = subject.form, subject.value
        for node, predicate, obj in compress(terms, map(read.__contains__, chunk.predicates)):
            if node != form:
                subject = Value(node, bulk.iri(node))
                form, name = node, subject.value
            value = values.get(obj)
            if value is None:
                if len(values) >= _KEPT:  # what recurs is soon made again; the rest need not be held
                    values.clear()
                value = values[obj] = _value(bulk.term(obj))
            out, back = read[predicate]
            found = out.get(name)
            if found is None:
                out[name] = [value]
            else:
                found.append(value)
            if back is not None and value.iri:
                back.setdefault(value.value, []).append(subject)
        self._subject = subject

    def values(self, subject: Value, predicate: str) -> list[Value]:
        """The objects, in the order of their N-Triples form."""
        return self.out[predicate].get(subject.value) or []

    def subjects(self, obj: Value, predicate: str) -> list[Value]:
        return sorted(set(self.back[predicate].get(obj.value, ())))

    def instances(self, cls: str) -> list[Value]:
        """The instances of ``cls``, less the deprecated identifiers (they resolve, but are not listed)."""
        deprecated = self.out[OWL + "deprecated"]
        return [s for s in self.subjects(_iri(cls), _TYPE) if s.value not in deprecated]

    def pairs(self, predicate: str) -> list[tuple[Value, Value]]:
        """The subject and object of every ``predicate`` triple between identifiers."""
        found = {(_iri(s), o) for s, values in self.out[predicate].items() for o in values if o.iri}
        return sorted(found, key=lambda pair: (pair[0].value, pair[1].value))


#: How many values the index keeps to make each value once (the index holds them all anyway).
_KEPT: Final = 1 << 16
_TYPE: Final = RDF_TYPE.value
_LANG_STRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_form = itemgetter(0)
_VALUE, _IS_IRI, _KIND = itemgetter(1), itemgetter(2), itemgetter(3, 4)  # of a Value
_NONE: Final = itertools.repeat(())


def _iri(iri: str) -> Value:
    return Value(bulk.bracketed(iri), iri)


def _value(form: bytes) -> Value:
    """The value of a term as a line writes it (the lexical form of a literal with an escape in it read
    by Oxigraph)."""
    if form.startswith(b"<"):
        return Value(form, bulk.iri(form))
    end = form.rindex(b'"')
    quoted, suffix = form[1:end], form[end + 1 :]
    text = _read_literal(form) if b"\\" in quoted else quoted.decode("utf-8")
    if suffix.startswith(b"@"):
        return Value(form, text, False, _LANG_STRING, suffix[1:].decode("ascii"))
    return Value(form, text, False, suffix[3:-1].decode("utf-8") if suffix else XSD + "string")


def _read_literal(form: bytes) -> str:
    (quad,) = parse(b"<x:s> <x:p> " + form + b" .", RdfFormat.N_TRIPLES)
    assert isinstance(quad.object, Literal)
    return quad.object.value


# --- columns ----------------------------------------------------------------------------------

#: The cells of a column for the key of a row (the row's thing, or the pair a row of pairs is about).
Cells = Callable[[Index, Any], list[Value]]


@dataclass(frozen=True)
class Column:
    """A column: its name, what it says, and how its cells are found from the row's thing.

    ``property`` is what the cells are values of, ``about`` the column whose identifier they are
    about (the row's ``id`` by default). Without ``cells``, a column holds the ``property`` values
    of the identifiers in ``about``: so a label column beside a link holds the linked thing's
    ``schema:name``. A column without a property only helps people read the table.
    """

    name: str
    title: str
    cells: Cells | None = None
    property: str | None = None
    about: str | None = None

    def __post_init__(self) -> None:
        if self.property is not None:
            READ.add(self.property)


def path(*predicates: str, cls: str | None = None) -> Cells:
    """The values at the end of ``predicates`` from the row's thing, of class ``cls`` if given."""
    steps = list(predicates)
    wanted = _iri(cls) if cls else None
    READ.update(predicates)

    def cells(index: Index, subject: Value) -> list[Value]:
        nodes: list[Value] = [subject]
        for step in steps:
            nodes = [o for n in nodes if n.iri for o in index.values(n, step)]
        if wanted is not None:
            nodes = [n for n in nodes if n.iri and wanted in index.values(n, _TYPE)]
        return sorted(set(nodes), key=_form) if len(nodes) > 1 else nodes

    def one_step(index: Index, subject: Value) -> list[Value]:
        return list(index.values(subject, steps[0]))  # one subject's values: each once, in order already

    return one_step if len(steps) == 1 and wanted is None else cells


def inverse(predicate: str) -> Cells:
    READ.add(predicate)
    READ_BACKWARDS.add(predicate)
    return lambda index, subject: index.subjects(subject, predicate)


def most_specific(base: str) -> Cells:
    """The classes of the thing in our ontology other than ``base`` (else ``base`` itself)."""

    def cells(index: Index, subject: Value) -> list[Value]:
        classes = [c for c in index.values(subject, _TYPE) if c.value.startswith(PG) and c.value != PG + base]
        return classes or [_iri(PG + base)]

    return cells


def value(name: str, title: str, predicate: str) -> Column:
    return Column(name, title, path(predicate), property=predicate)


def link(name: str, title: str, predicate: str, label: str = SCHEMA + "name") -> list[Column]:
    """An identifier column, and the names of its identifiers beside it."""
    return [
        Column(name, title, path(predicate), property=predicate),
        Column(f"{name}_name", f"{title} (name)", property=label, about=name),
    ]


def identifier(title: str) -> Column:
    return Column("id", title, lambda index, subject: [subject])


# --- the tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    rows: Callable[[Index], Sequence[object]]
    columns: tuple[Column, ...]
    #: Columns whose first values order the rows (numbers as numbers); else the order of ``rows``.
    order: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        return f"{TABLES_DIR}/{self.name}.csv"

    @property
    def metadata_name(self) -> str:
        return self.file_name + METADATA_SUFFIX


_NAME = SCHEMA + "name"
_SAME_AS, _DESCRIPTION = OWL + "sameAs", SCHEMA + "description"
_OFFSETS = OA + "TextPositionSelector"
_WIKIDATA = Column("wikidata", "Wikidata", path(_SAME_AS), property=_SAME_AS)


def _entity(kind: str, title: str) -> list[Column]:
    return [
        identifier(title),
        value("name", "name", _NAME),
        Column("type", "kind", most_specific(kind), property=_TYPE),
        Column("alternate_names", "other names", path(SCHEMA + "alternateName"), property=SCHEMA + "alternateName"),
    ]


TABLES: Final[tuple[Table, ...]] = (
    Table(
        "documents",
        "Documents",
        "One row per document: its kind, title, date, symbol, language, link and authors.",
        lambda index: index.instances(PG + "Document"),
        (
            *_entity("Document", "document"),
            value("date", "date published", SCHEMA + "datePublished"),
            value("identifier", "symbol", SCHEMA + "identifier"),
            value("language", "language", SCHEMA + "inLanguage"),
            Column("url", "web address", path(SCHEMA + "url"), property=SCHEMA + "url"),
            *link("authors", "authors (issuers and signatories)", SCHEMA + "author"),
            value("description", "description", _DESCRIPTION),
        ),
    ),
    Table(
        "signatures",
        "Signatures",
        "One row per signature: the document, the place in its printed list of signatories, and who signed.",
        lambda index: index.instances(PG + "Signature"),
        (
            identifier("signature"),
            Column("document", "document", inverse(PG + "signature")),
            Column("document_name", "document (title)", about="document", property=_NAME),
            value("position", "place in the list", SCHEMA + "position"),
            *link("signatory", "signatory", SCHEMA + "item"),
        ),
        order=("document", "position"),
    ),
    Table(
        "positions",
        "Positions",
        "One row per position: who holds which stance on which topics, in which document, with the quote.",
        lambda index: index.instances(PG + "Position"),
        (
            identifier("position"),
            value("name", "summary", _NAME),
            *link("document", "document", SCHEMA + "appearance"),
            *link("holders", "holders", SCHEMA + "author"),
            *link("stance", "stance", PG + "stance", label=SKOS + "prefLabel"),
            *link("topics", "topics", SCHEMA + "about"),
            value("date", "date", SCHEMA + "datePublished"),
            value("quote", "quote", SCHEMA + "text"),
            Column("offsets", "offsets (selector)", path(PG + "evidence", OA + "hasSelector", cls=_OFFSETS)),
            Column("start", "start offset", property=OA + "start", about="offsets"),
            Column("end", "end offset", property=OA + "end", about="offsets"),
        ),
    ),
    Table(
        "events",
        "Events",
        "One row per meeting or other event: its kind, dates, place, series and organizers.",
        lambda index: index.instances(PG + "Event"),
        (
            *_entity("Event", "event"),
            value("start_date", "start date", SCHEMA + "startDate"),
            value("end_date", "end date", SCHEMA + "endDate"),
            *link("location", "place", SCHEMA + "location"),
            *link("super_event", "part of", SCHEMA + "superEvent"),
            *link("organizers", "organizers", SCHEMA + "organizer"),
            _WIKIDATA,
            value("description", "description", _DESCRIPTION),
        ),
    ),
    Table(
        "organizations",
        "Organizations",
        "One row per organization: its kind, names, place and Wikidata item.",
        lambda index: index.instances(PG + "Organization"),
        (
            *_entity("Organization", "organization"),
            *link("location", "place", SCHEMA + "location"),
            _WIKIDATA,
            value("description", "description", _DESCRIPTION),
        ),
    ),
    Table(
        "people",
        "People",
        "One row per person: names, job titles, affiliations and Wikidata item.",
        lambda index: index.instances(PG + "Person"),
        (
            identifier("person"),
            value("name", "name", _NAME),
            Column("alternate_names", "other names", path(SCHEMA + "alternateName"), property=SCHEMA + "alternateName"),
            value("job_titles", "job titles", SCHEMA + "jobTitle"),
            *link("affiliations", "affiliations", SCHEMA + "affiliation"),
            _WIKIDATA,
            value("description", "description", _DESCRIPTION),
        ),
    ),
    Table(
        "memberships",
        "Memberships",
        "One row per membership: a person or organization that is a member of an organization or group.",
        lambda index: index.pairs(SCHEMA + "memberOf"),
        (
            Column("member", "member", lambda index, pair: [pair[0]]),
            Column("member_name", "member (name)", about="member", property=_NAME),
            Column("organization", "member of", lambda index, pair: [pair[1]], SCHEMA + "memberOf", about="member"),
            Column("organization_name", "member of (name)", about="organization", property=_NAME),
        ),
    ),
)


# --- rows and metadata ------------------------------------------------------------------------

Row = dict[str, list[Value]]


def rows(table: Table, index: Index) -> list[Row]:
    """The cells of every row: the table's own cell functions, then the values about other columns."""
    made = []
    for key in table.rows(index):
        row: Row = {}
        for column in table.columns:
            if column.cells is not None:
                row[column.name] = column.cells(index, key)
            else:
                assert column.about is not None
                assert column.property is not None
                about = map(_VALUE, filter(_IS_IRI, row[column.about]))
                row[column.name] = list(chain.from_iterable(map(index.out[column.property].get, about, _NONE)))
        made.append(row)
    if table.order:
        made.sort(key=lambda row: tuple(_sortable(row[name]) for name in table.order))
    return made


def _sortable(values: list[Value]) -> tuple[int, str]:
    """The first value: numbers by their value (as zero-padded text), everything else as text."""
    text = values[0].value if values else ""
    return (0, text.zfill(20)) if text.isdigit() else (1, text)


def _text(values: list[Value]) -> str:
    if len(values) < 2:
        return values[0].value if values else ""
    separator = IRI_SEPARATOR if all(map(_IS_IRI, values)) else LITERAL_SEPARATOR
    return separator.join(map(_VALUE, values))


def csv_bytes(table: Table, made: list[Row]) -> bytes:
    """The CSV of ``table`` (:func:`write_csv`)."""
    buffer = io.BytesIO()
    write_csv(table, made, buffer)
    return buffer.getvalue()


def write_csv(table: Table, made: list[Row], sink: IO[bytes]) -> None:
    """RFC 4180: a header row, CRLF line ends, fields quoted where they must be; UTF-8, encoded into
    ``sink`` as the rows are written (a large table is never held whole as text).

    A row none of whose fields the csv writer would quote (no comma in a field, no quote or line
    break in the row: checked on the joined row, in C) is joined directly: the writer's scan of every
    character took more time than the rest of the tables together."""
    text = io.TextIOWrapper(sink, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.name for column in table.columns])
    texts = [list(map(_text, map(itemgetter(column.name), made))) for column in table.columns]
    for fields in zip(*texts, strict=True):
        line = ",".join(fields)
        if len(fields) > 1 and line.count(",") == len(fields) - 1 and not _QUOTED.search(line):
            text.write(line + "\r\n")  # what the writer writes of fields none of which it quotes
        else:
            writer.writerow(fields)
    text.flush()
    text.detach()  # the sink stays open


#: What makes the csv writer quote a field (QUOTE_MINIMAL, the default dialect), but the delimiter.
_QUOTED: Final = re.compile('["\r\n]')


def _column_metadata(table: Table, column: Column, made: list[Row]) -> dict[str, Any]:
    cells = list(map(itemgetter(column.name), made))
    values = list(chain.from_iterable(cells))
    several = max(map(len, cells), default=0) > 1
    iris = bool(values) and all(map(_IS_IRI, values))
    literals = list(filterfalse(_IS_IRI, values))
    # The title is the header cell, as a strict CSVW processor checks (tabular-metadata §5.5.1);
    # what the column holds, in words, is its description.
    entry: dict[str, Any] = {"name": column.name, "titles": column.name, "dc:description": column.title}
    if column.property is not None:
        entry["propertyUrl"] = column.property
    if column.about is not None:
        entry["aboutUrl"] = "{+" + column.about + "}"
    if several:
        entry["separator"] = IRI_SEPARATOR if iris else LITERAL_SEPARATOR
    if iris:
        entry["datatype"] = "anyURI"
        if column.property is not None:
            entry["valueUrl"] = "{+" + column.name + "}"
    else:
        entry.update(_literal_type(literals))
    if not _convertible(column, made, several, iris, len(values) - len(literals), literals):
        entry["suppressOutput"] = True
    return entry


def _literal_type(literals: list[Value]) -> dict[str, Any]:
    """The CSVW datatype (and language) of a column of literals, if they share one."""
    kinds = set(map(_KIND, literals))
    if len(kinds) != 1:
        return {"datatype": "string"}
    ((datatype, language),) = kinds
    if language:
        return {"datatype": "string", "lang": language}
    return {"datatype": datatype.removeprefix(XSD) if datatype.startswith(XSD) else {"base": "string"}}


def _convertible(
    column: Column, made: list[Row], several: bool, iris: bool, identifiers: int, literals: list[Value]
) -> bool:
    """Whether CSVW-to-RDF conversion of the column gives exactly the dataset's triples."""
    if column.property is None:
        return False
    if column.about is not None and max(map(len, map(itemgetter(column.about), made)), default=0) > 1:
        return False
    if iris:
        return not several
    if identifiers or len(set(map(_KIND, literals))) > 1:
        return False
    return not (several and any(LITERAL_SEPARATOR in v.value for v in literals))


def metadata(table: Table, made: list[Row], licence: str) -> dict[str, Any]:
    """The CSVW description of one table (``<table>.csv-metadata.json``)."""
    schema: dict[str, Any] = {"columns": [_column_metadata(table, c, made) for c in table.columns]}
    if table.columns[0].name == "id":
        schema["aboutUrl"] = "{+id}"
        schema["primaryKey"] = "id"
        schema["columns"][0].update({"required": True, "suppressOutput": True})
    return {
        "@context": [CSVW_CONTEXT, {"@language": "en"}],
        "url": table.file_name.rsplit("/", 1)[1],
        "dc:title": table.title,
        "dc:description": table.description,
        "dc:license": {"@id": licence},
        "dialect": {"encoding": "utf-8", "header": True, "lineTerminators": ["\r\n"], "doubleQuote": True},
        "tableSchema": schema,
    }


def render(triples: Iterable[Triple], col: Collection) -> dict[str, bytes]:
    """Every table and its metadata (under ``col``'s licence), by file name below ``out/``."""
    files = {}
    with collector.paused():
        index = Index.of(lines.of(triples).data)
        for table in TABLES:
            made = rows(table, index)
            files[table.file_name] = csv_bytes(table, made)
            files[table.metadata_name] = metadata_bytes(table, made, col.licence_iri)
    return files


def write(index: Index, col: Collection, files: Directory) -> None:
    """:func:`render` from the triples already indexed, into ``files``: a table at a time, its CSV
    written as it is made."""
    for table in TABLES:
        made = rows(table, index)
        with files.stream(table.file_name) as sink:
            write_csv(table, made, sink)
        files.put(table.metadata_name, metadata_bytes(table, made, col.licence_iri))


def metadata_bytes(table: Table, made: list[Row], licence: str) -> bytes:
    return (json.dumps(metadata(table, made, licence), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
