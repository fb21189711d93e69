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
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pyoxigraph import Literal, NamedNode, Triple

from ..collection import Collection
from ..rdf import ntriples
from ..rdf.namespaces import CSVW, OA, OWL, PG, RDF_TYPE, SCHEMA, SKOS, XSD

TABLES_DIR: Final = "tables"
METADATA_SUFFIX: Final = "-metadata.json"
CSVW_CONTEXT: Final = CSVW
#: Between the values of a cell that holds several; never part of an identifier.
IRI_SEPARATOR: Final = " "
LITERAL_SEPARATOR: Final = " | "

Value = NamedNode | Literal


#: Every predicate a column reads (filled in as the tables below are defined): the index keeps only those.
READ: Final[set[str]] = {RDF_TYPE.value, SCHEMA + "name", SKOS + "prefLabel", OWL + "deprecated"}
#: The predicates read from object to subject: classes to their instances, and those of ``inverse``.
READ_BACKWARDS: Final[set[str]] = {RDF_TYPE.value}


class Index:
    """The triples the tables read, by subject and predicate, and (for the predicates read backwards)
    the subjects by object and predicate.

    Keyed by the IRIs' text, in flat dictionaries: the build indexes every triple the tables read,
    so the loop below is kept to what a million triples can afford. The values of a subject and
    predicate are kept in the order of their N-Triples form; triples in canonical order
    (``serialize.canonical``, as the build has them) come in that order, so they are sorted again
    only if some did not.
    """

    def __init__(self, triples: Iterable[Triple] = ()):
        self.out: dict[tuple[str, str], list[Value]] = {}
        self.back: dict[tuple[str, str], list[NamedNode]] = {}
        self._read = {NamedNode(p): p for p in READ}  # and the predicate's IRI, one string for every key
        self._backwards = frozenset(READ_BACKWARDS)
        self._terms: dict[Value, Value] = {}  # one object for each value however often it recurs
        self._unsorted: set[tuple[str, str]] = set()
        self._current: object = None
        self._subject = ""
        for triple in triples:
            self.add(triple)
        self.finish()

    def add(self, triple: Triple) -> None:
        """Index one more triple (in canonical order: a subject's triples come together)."""
        predicate = self._read.get(triple.predicate)
        if predicate is None:
            return
        s, o = triple.subject, triple.object
        if s != self._current:
            self._current, self._subject = s, s.value if isinstance(s, NamedNode) else ""
        if not self._subject or not isinstance(o, (NamedNode, Literal)):
            return
        o = self._terms.setdefault(o, o)
        key = (self._subject, predicate)
        found = self.out.get(key)
        if found is None:
            self.out[key] = [o]
        else:
            last, text = str(found[-1]), str(o)
            if text == last:  # the same triple again (canonical triples are each once)
                return
            if text < last:
                self._unsorted.add(key)
            found.append(o)
        if key[1] in self._backwards and isinstance(o, NamedNode) and isinstance(s, NamedNode):
            self.back.setdefault((o.value, key[1]), []).append(s)

    def finish(self) -> None:
        """Sort the values that did not come in order (call after the last :meth:`add`)."""
        for key in self._unsorted:
            self.out[key] = sorted(set(self.out[key]), key=str)
        self._unsorted, self._terms = set(), {}

    def values(self, subject: NamedNode, predicate: NamedNode) -> list[Value]:
        """The objects, in the order of their N-Triples form."""
        return self.out.get((subject.value, predicate.value)) or []

    def subjects(self, obj: NamedNode, predicate: NamedNode) -> list[NamedNode]:
        return sorted(set(self.back.get((obj.value, predicate.value), ())), key=str)

    def instances(self, cls: NamedNode) -> list[NamedNode]:
        """The instances of ``cls``, less the deprecated identifiers (they resolve, but are not listed)."""
        deprecated = OWL + "deprecated"
        return [s for s in self.subjects(cls, RDF_TYPE) if (s.value, deprecated) not in self.out]

    def pairs(self, predicate: str) -> list[tuple[NamedNode, NamedNode]]:
        """The subject and object of every ``predicate`` triple between identifiers."""
        found = {
            (NamedNode(s), o)
            for (s, p), values in self.out.items()
            if p == predicate
            for o in values
            if isinstance(o, NamedNode)
        }
        return sorted(found, key=lambda pair: (pair[0].value, pair[1].value))


def _schema(name: str) -> NamedNode:
    return NamedNode(SCHEMA + name)


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
    steps = [NamedNode(p) for p in predicates]
    wanted = NamedNode(cls) if cls else None
    READ.update(predicates)

    def cells(index: Index, subject: NamedNode) -> list[Value]:
        nodes: list[Value] = [subject]
        for step in steps:
            nodes = [o for n in nodes if isinstance(n, NamedNode) for o in index.values(n, step)]
        if wanted is not None:
            nodes = [n for n in nodes if isinstance(n, NamedNode) and wanted in index.values(n, RDF_TYPE)]
        return sorted(set(nodes), key=str) if len(nodes) > 1 else nodes

    def one_step(index: Index, subject: NamedNode) -> list[Value]:
        return list(index.values(subject, steps[0]))  # one subject's values: each once, in order already

    return one_step if len(steps) == 1 and wanted is None else cells


def inverse(predicate: str) -> Cells:
    node = NamedNode(predicate)
    READ.add(predicate)
    READ_BACKWARDS.add(predicate)
    return lambda index, subject: list[Value](index.subjects(subject, node))


def most_specific(base: str) -> Cells:
    """The classes of the thing in our ontology other than ``base`` (else ``base`` itself)."""

    def cells(index: Index, subject: NamedNode) -> list[Value]:
        classes = [c for c in index.values(subject, RDF_TYPE) if c.value.startswith(PG) and c.value != PG + base]
        return list(classes) or [NamedNode(PG + base)]

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


_NAME, _TYPE = SCHEMA + "name", str(RDF_TYPE.value)
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
        lambda index: index.instances(NamedNode(PG + "Document")),
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
        lambda index: index.instances(NamedNode(PG + "Signature")),
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
        lambda index: index.instances(NamedNode(PG + "Position")),
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
        lambda index: index.instances(NamedNode(PG + "Event")),
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
        lambda index: index.instances(NamedNode(PG + "Organization")),
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
        lambda index: index.instances(NamedNode(PG + "Person")),
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
                predicate = NamedNode(column.property)
                about = [n for n in row[column.about] if isinstance(n, NamedNode)]
                row[column.name] = [v for n in about for v in index.values(n, predicate)]  # in the order of ``about``
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
    separator = IRI_SEPARATOR if all(isinstance(v, NamedNode) for v in values) else LITERAL_SEPARATOR
    return separator.join(v.value for v in values)


def csv_bytes(table: Table, made: list[Row]) -> bytes:
    """RFC 4180: a header row, CRLF line ends, fields quoted where they must be; UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.name for column in table.columns])
    for row in made:
        writer.writerow([_text(row[column.name]) for column in table.columns])
    return buffer.getvalue().encode("utf-8")


def _column_metadata(table: Table, column: Column, made: list[Row]) -> dict[str, Any]:
    values = [v for row in made for v in row[column.name]]
    several = any(len(row[column.name]) > 1 for row in made)
    iris = bool(values) and all(isinstance(v, NamedNode) for v in values)
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
        entry.update(_literal_type([v for v in values if isinstance(v, Literal)]))
    if not _convertible(column, made, several, iris):
        entry["suppressOutput"] = True
    return entry


def _literal_type(literals: list[Literal]) -> dict[str, Any]:
    """The CSVW datatype (and language) of a column of literals, if they share one."""
    kinds = {(lit.datatype.value, lit.language) for lit in literals}
    if len(kinds) != 1:
        return {"datatype": "string"}
    ((datatype, language),) = kinds
    if language:
        return {"datatype": "string", "lang": language}
    return {"datatype": datatype.removeprefix(XSD) if datatype.startswith(XSD) else {"base": "string"}}


def _convertible(column: Column, made: list[Row], several: bool, iris: bool) -> bool:
    """Whether CSVW-to-RDF conversion of the column gives exactly the dataset's triples."""
    if column.property is None:
        return False
    if column.about is not None and any(len(row[column.about]) > 1 for row in made):
        return False
    values = [v for row in made for v in row[column.name]]
    if iris:
        return not several
    literals = [v for v in values if isinstance(v, Literal)]
    if len(literals) != len(values) or len({(v.datatype.value, v.language) for v in literals}) > 1:
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
    with ntriples.no_cycle_collection():
        return render_index(Index(triples), col)


def render_index(index: Index, col: Collection) -> dict[str, bytes]:
    """:func:`render` from the triples already indexed."""
    files = {}
    with ntriples.no_cycle_collection():
        for table in TABLES:
            made = rows(table, index)
            files[table.file_name] = csv_bytes(table, made)
            document = json.dumps(metadata(table, made, col.licence_iri), ensure_ascii=False, indent=1) + "\n"
            files[table.metadata_name] = document.encode("utf-8")
    return files
