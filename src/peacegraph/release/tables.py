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
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress, filterfalse
from operator import itemgetter
from typing import IO, Any, Final, NamedTuple, TypeVar

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

    What a row reads of the index, which a rebuild needs to know to tell whether a change reaches it:

    - the values of its key (the thing, or the pair), and the subjects of its key (:func:`inverse`): the
      cell functions are given the row's key, and nothing else;
    - the values of the identifiers its cells show (:attr:`Column.about`): their IRIs are in its CSV line;
    - the values of the nodes a path goes through (:func:`path`), which it need not show: noted in
      :attr:`Index.hidden`, where a row is noted.

    So a change reaches a row when it changes a line of its key, of an identifier its line shows (by a
    predicate an ``about`` column reads), or of a node it noted (:mod:`.retable`).
    """

    def __init__(self) -> None:
        self.out: dict[str, dict[str, list[Value]]] = {p: {} for p in READ}
        self.back: dict[str, dict[str, list[Value]]] = {p: {} for p in READ_BACKWARDS}
        self._read = {bulk.bracketed(p): (self.out[p], self.back.get(p)) for p in READ}
        self._values: dict[bytes, Value] = {}  # an object as the lines hold it (with " .") -> its value
        self._subject = Value(b"", "")  # the subject of the last line read
        #: Where a row being made notes the subjects it reads that it does not show (:func:`path`), when noted.
        self.hidden: set[str] | None = None

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
                value = values[obj] = term_value(bulk.term(obj))
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
        """The things pointing at ``obj`` by ``predicate``, each once, in order."""
        found = self.back[predicate].get(obj.value, ())
        if len(found) < 2:  # most things are pointed at once
            return list(found)
        # Added in the lines' order, they are in order already, and sorting them is one pass (a set of
        # them, sorted, took ten times as long: a second for the 456,000 signatures of ten million triples).
        ordered = sorted(found)
        if any(map(operator.eq, ordered, itertools.islice(ordered, 1, None))):
            return list(dict.fromkeys(ordered))
        return ordered

    def about(self, cells: list[Value], predicate: str) -> list[Value]:
        """The ``predicate`` values of the identifiers among ``cells``, one after the other."""
        if len(cells) == 1:  # most cells (a row's one document, one signatory): a sixth of the rows' time
            cell = cells[0]
            return list(self.out[predicate].get(cell.value, ())) if cell.iri else []
        about = map(_VALUE, filter(_IS_IRI, cells))
        return list(chain.from_iterable(map(self.out[predicate].get, about, _NONE)))

    def instances(self, cls: str) -> list[Value]:
        """The instances of ``cls``, less the deprecated identifiers (they resolve, but are not listed)."""
        deprecated = self.out[OWL + "deprecated"]
        return [s for s in self.subjects(iri_value(cls), _TYPE) if s.value not in deprecated]

    def pairs(self, predicate: str) -> list[tuple[Value, Value]]:
        """The subject and object of every ``predicate`` triple between identifiers."""
        found = {(iri_value(s), o) for s, values in self.out[predicate].items() for o in values if o.iri}
        return sorted(found, key=lambda pair: (pair[0].value, pair[1].value))


#: How many values the index keeps to make each value once (the index holds them all anyway).
_KEPT: Final = 1 << 16
_TYPE: Final = RDF_TYPE.value
_LANG_STRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_form = itemgetter(0)
_VALUE, _IS_IRI, _KIND = itemgetter(1), itemgetter(2), itemgetter(3, 4)  # of a Value
_NONE: Final = itertools.repeat(())


def iri_value(iri: str) -> Value:
    return Value(bulk.bracketed(iri), iri)


def term_value(form: bytes) -> Value:
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
    wanted = iri_value(cls) if cls else None
    READ.update(predicates)

    def cells(index: Index, subject: Value) -> list[Value]:
        nodes: list[Value] = [subject]
        for step in steps:
            nodes = [o for n in nodes if n.iri for o in index.values(n, step)]
            if index.hidden is not None:
                index.hidden.update(n.value for n in nodes if n.iri)
        if wanted is not None:
            nodes = [n for n in nodes if n.iri and wanted in index.values(n, _TYPE)]
        return sorted(set(nodes), key=_form) if len(nodes) > 1 else nodes

    def one_step(index: Index, subject: Value) -> list[Value]:
        return list(index.values(subject, steps[0]))  # one subject's values: each once, in order already

    if len(steps) == 1 and wanted is None:
        return one_step
    HIDING.add(cells)
    return cells


#: The cell functions that read nodes they need not show (:attr:`Index.hidden`).
HIDING: Final[set[Cells]] = set()


def inverse(predicate: str) -> Cells:
    READ.add(predicate)
    READ_BACKWARDS.add(predicate)
    return lambda index, subject: index.subjects(subject, predicate)


def most_specific(base: str) -> Cells:
    """The classes of the thing in our ontology other than ``base`` (else ``base`` itself)."""

    def cells(index: Index, subject: Value) -> list[Value]:
        classes = [c for c in index.values(subject, _TYPE) if c.value.startswith(PG) and c.value != PG + base]
        return classes or [iri_value(PG + base)]

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
class Instances:
    """The rows of a table of the instances of ``cls``, less the deprecated identifiers, in the order of
    their IRIs as the lines write them; a row's key is its thing, its ``id`` the thing's IRI."""

    cls: str

    def __call__(self, index: Index) -> list[Value]:
        return index.instances(self.cls)

    @staticmethod
    def id(key: Any) -> Any:
        return key.value

    @staticmethod
    def ids(keys: list[Any]) -> list[Any]:
        return list(map(_VALUE, keys))

    @staticmethod
    def key(made: str) -> Value:
        return iri_value(made)


@dataclass(frozen=True)
class Pairs:
    """The rows of a table of the ``predicate`` triples between identifiers, ordered by subject then
    object; a row's key is the pair, its ``id`` their IRIs."""

    predicate: str

    def __post_init__(self) -> None:
        READ.add(self.predicate)

    def __call__(self, index: Index) -> list[tuple[Value, Value]]:
        return index.pairs(self.predicate)

    @staticmethod
    def id(key: Any) -> Any:
        return key[0].value, key[1].value

    @classmethod
    def ids(cls, keys: list[Any]) -> list[Any]:
        return list(map(cls.id, keys))

    @staticmethod
    def key(made: tuple[str, str]) -> tuple[Value, Value]:
        return iri_value(made[0]), iri_value(made[1])


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    rows: Instances | Pairs
    columns: tuple[Column, ...]
    #: Columns whose first values order the rows (numbers as numbers); else the order of ``rows``.
    order: tuple[str, ...] = ()

    @property
    def hides(self) -> bool:
        """Whether a row reads nodes it need not show (:data:`HIDING`)."""
        return any(column.cells in HIDING for column in self.columns)

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
        Instances(PG + "Document"),
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
        Instances(PG + "Signature"),
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
        Instances(PG + "Position"),
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
        Instances(PG + "Event"),
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
        Instances(PG + "Organization"),
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
        Instances(PG + "Person"),
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
        Pairs(SCHEMA + "memberOf"),
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
Key = TypeVar("Key")
#: How a row is ordered in a table with an ``order`` (:func:`sort_key`).
SortKey = tuple[str, ...]


def row(table: Table, index: Index, key: Any) -> Row:
    """The cells of the row of ``key``: the table's own cell functions, then the values about other columns."""
    made: Row = {}
    for column in table.columns:
        if column.cells is not None:
            made[column.name] = column.cells(index, key)
        else:
            assert column.about is not None
            assert column.property is not None
            made[column.name] = index.about(made[column.about], column.property)
    return made


def rows(table: Table, index: Index) -> list[Row]:
    """The cells of every row, in the table's order."""
    return noted_rows(table, index, note=False)[0]


def noted_rows(table: Table, index: Index, note: bool = True) -> tuple[list[Row], list[Any], dict[int, set[str]]]:
    """Every row in the table's order, with (``note``) each one's id and, by its place, the subjects it read
    and does not show, where there are any (else empty)."""
    keys = table.rows(index)
    hidden: list[set[str]] = []
    if note and table.hides:
        made = []
        for key in keys:
            noted: set[str] = set()
            index.hidden = noted
            made.append(row(table, index, key))
            hidden.append(noted)
        index.hidden = None
    else:
        made = [row(table, index, key) for key in keys]
    ids = table.rows.ids(keys) if note else []
    if table.order:
        order = sorted(range(len(made)), key=[sort_key(table, r) for r in made].__getitem__)
        made = [made[i] for i in order]
        ids = [ids[i] for i in order] if note else ids
        hidden = [hidden[i] for i in order] if hidden else hidden
    return made, ids, {at: found for at, found in enumerate(hidden) if found}


def sort_key(table: Table, made: Row) -> SortKey:
    return tuple(_sortable(made[name]) for name in table.order)


def _sortable(values: list[Value]) -> str:
    """The first value: numbers first, by their value (as zero-padded text), then everything else as text.

    One text, a mark and the value, not a pair: ordered as the pair, and a key of texts is compared
    by the sort's own comparison of texts (the pairs, compared element by element, took 5 s of the
    tables at ten million triples)."""
    text = values[0].value if values else ""
    return "0" + text.zfill(20) if text.isdigit() else "1" + text


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


def write_csv(table: Table, made: list[Row], sink: IO[bytes]) -> list[int]:
    """RFC 4180: a header row, CRLF line ends, fields quoted where they must be; UTF-8, encoded into
    ``sink`` as the rows are written (a large table is never held whole as text). How many bytes each
    row is (the header first)."""
    text = io.TextIOWrapper(sink, encoding="utf-8", newline="")
    header = line([column.name for column in table.columns])
    text.write(header)
    lengths = [_length(header)]
    texts = [list(map(_text, map(itemgetter(column.name), made))) for column in table.columns]
    lines = list(map(line, zip(*texts, strict=True)))
    text.writelines(lines)
    lengths.extend(map(len, lines))
    for at in itertools.compress(itertools.count(1), map(operator.not_, map(str.isascii, lines))):
        lengths[at] = len(lines[at - 1].encode("utf-8"))  # a line with other than ASCII: its bytes
    text.flush()
    text.detach()  # the sink stays open
    return lengths


def row_line(table: Table, made: Row) -> str:
    """The CSV line of one row (as :func:`write_csv` writes it)."""
    return line([_text(made[column.name]) for column in table.columns])


def line(fields: Sequence[str]) -> str:
    """A CSV line as the csv writer writes it (QUOTE_MINIMAL, CRLF). A line none of whose fields the
    writer would quote (no comma in a field, no quote or line break in the line: checked on the joined
    line, in C) is joined directly: the writer's scan of every character took more time than the rest
    of the tables together."""
    joined = ",".join(fields)
    if len(fields) > 1 and joined.count(",") == len(fields) - 1 and not _quoted(joined):
        return joined + "\r\n"  # what the writer writes of fields none of which it quotes
    _BUFFER.seek(0)
    _BUFFER.truncate()
    _WRITER.writerow(fields)
    return _BUFFER.getvalue()


def _length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _quoted(text: str) -> bool:
    """Whether ``text`` holds what makes the csv writer quote a field (QUOTE_MINIMAL, the default dialect)
    but the delimiter: a quote or a line break. Three scans for one character each, in C: a tenth of
    the time of a regular expression's one scan for any of them."""
    return '"' in text or "\r" in text or "\n" in text


_BUFFER: Final = io.StringIO()
_WRITER: Final = csv.writer(_BUFFER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


@dataclass
class Summary:
    """What the CSVW description of a column says of its cells, made of counts that the rows' add up to
    (and a row's can be taken away from): so a table changed in a few rows is described again from the
    summary of the others, without them."""

    #: How many rows have each number of values in the column.
    lengths: dict[int, int]
    #: How many of its values are identifiers.
    iris: int
    #: How many of its literals have each datatype and language.
    kinds: dict[tuple[str, str], int]
    #: How many of its literals have :data:`LITERAL_SEPARATOR` in them.
    separated: int

    @classmethod
    def of(cls, cells: list[list[Value]]) -> Summary:
        values = list(chain.from_iterable(cells))
        literals = list(filterfalse(_IS_IRI, values))
        separated = sum(map(LITERAL_SEPARATOR.__contains__, map(_VALUE, literals))) if literals else 0
        return cls(
            dict(Counter(map(len, cells))), len(values) - len(literals), dict(Counter(map(_KIND, literals))), separated
        )

    def add(self, other: Summary, sign: int = 1) -> None:
        """Count ``other``'s cells in too (``sign`` -1: take them away)."""
        _tally(self.lengths, other.lengths, sign)
        _tally(self.kinds, other.kinds, sign)
        self.iris += sign * other.iris
        self.separated += sign * other.separated

    @property
    def longest(self) -> int:
        return max((length for length, count in self.lengths.items() if count > 0), default=0)

    @property
    def values(self) -> int:
        return sum(length * count for length, count in self.lengths.items())

    @property
    def literal_kinds(self) -> set[tuple[str, str]]:
        return {kind for kind, count in self.kinds.items() if count > 0}

    def as_data(self) -> list[Any]:
        return [self.lengths, self.iris, self.kinds, self.separated]

    @classmethod
    def from_data(cls, data: list[Any]) -> Summary:
        lengths, iris, kinds, separated = data
        return cls(dict(lengths), int(iris), dict(kinds), int(separated))


def _tally(counts: dict[Key, int], more: dict[Key, int], sign: int) -> None:
    for key, count in more.items():
        counts[key] = counts.get(key, 0) + sign * count


def summaries(table: Table, made: list[Row]) -> dict[str, Summary]:
    """The summary of each column of ``table``'s rows."""
    return {column.name: Summary.of(list(map(itemgetter(column.name), made))) for column in table.columns}


def _column_metadata(column: Column, found: dict[str, Summary]) -> dict[str, Any]:
    summary = found[column.name]
    several = summary.longest > 1
    iris = summary.iris > 0 and summary.iris == summary.values
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
        entry.update(_literal_type(summary.literal_kinds))
    if not _convertible(column, found, several, iris):
        entry["suppressOutput"] = True
    return entry


def _literal_type(kinds: set[tuple[str, str]]) -> dict[str, Any]:
    """The CSVW datatype (and language) of a column of literals, if they share one."""
    if len(kinds) != 1:
        return {"datatype": "string"}
    ((datatype, language),) = kinds
    if language:
        return {"datatype": "string", "lang": language}
    return {"datatype": datatype.removeprefix(XSD) if datatype.startswith(XSD) else {"base": "string"}}


def _convertible(column: Column, found: dict[str, Summary], several: bool, iris: bool) -> bool:
    """Whether CSVW-to-RDF conversion of the column gives exactly the dataset's triples."""
    summary = found[column.name]
    if column.property is None:
        return False
    if column.about is not None and found[column.about].longest > 1:
        return False
    if iris:
        return not several
    if summary.iris or len(summary.literal_kinds) > 1:
        return False
    return not (several and summary.separated)


def metadata(table: Table, made: list[Row], licence: str) -> dict[str, Any]:
    """The CSVW description of one table (``<table>.csv-metadata.json``)."""
    return described(table, summaries(table, made), licence)


def described(table: Table, found: dict[str, Summary], licence: str) -> dict[str, Any]:
    """:func:`metadata` from the summaries of the table's columns."""
    schema: dict[str, Any] = {"columns": [_column_metadata(c, found) for c in table.columns]}
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
            files[table.metadata_name] = metadata_bytes(table, summaries(table, made), col.licence_iri)
    return files


@dataclass
class Written:
    """What was written of a table, that a rebuild can start from: each row's id, what it read and does not
    show (by its place, where there is any), how many bytes its CSV line is (the header's first), and the
    columns' summaries."""

    ids: list[Any]
    hidden: dict[int, set[str]]
    lengths: list[int]
    summaries: dict[str, Summary]


def write(index: Index, col: Collection, files: Directory, note: bool = False) -> dict[str, Written]:
    """:func:`render` from the triples already indexed, into ``files``: a table at a time, its CSV
    written as it is made; with ``note``, what a rebuild can start from (else nothing)."""
    written = {}
    for table in TABLES:
        made, ids, hidden = noted_rows(table, index, note)
        with files.stream(table.file_name) as sink:
            lengths = write_csv(table, made, sink)
        found = summaries(table, made)
        files.put(table.metadata_name, metadata_bytes(table, found, col.licence_iri))
        if note:
            written[table.name] = Written(ids, hidden, lengths, found)
    return written


def metadata_bytes(table: Table, found: dict[str, Summary], licence: str) -> bytes:
    return (json.dumps(described(table, found, licence), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
