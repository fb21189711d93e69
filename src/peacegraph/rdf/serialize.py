"""Deterministic dumps: sorted N-Triples, grouped Turtle, compacted JSON-LD with our context.

The same set of triples always gives the same bytes: triples are sorted before writing, and
nothing depends on the clock, the order of records or hash seeds.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import operator
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any, Final, NamedTuple

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize

from . import bulk
from . import context as jsonld_context
from .formats import Format
from .namespaces import PREFIXES, RDF_TYPE, XSD, Space, current


def sort_key(triple: Triple) -> tuple[str, str, str]:
    return (str(triple.subject), triple.predicate.value, str(triple.object))


class Canonical(list[Triple]):
    """Triples each once in the order every dump uses, as :func:`canonical` makes them; ``as_lines``
    when they were sorted by their N-Triples form, so that their N-Triples lines are in bytewise
    order too (a line is that form and `` .``, and no form is a prefix of another but where a
    literal goes on with ``@`` or ``^^``, both above the space)."""

    as_lines: bool = False


def canonical(triples: Iterable[Triple]) -> Canonical:
    """The triples, each once, in the order every dump uses (:func:`sort_key`)."""
    unique = list(dict.fromkeys(triples))  # not a set: kept in the order made, passes over them are far faster
    kinds = {(type(t.subject), t.predicate, type(t.object)) for t in unique}
    if any(BlankNode in (subject, obj) for subject, _predicate, obj in kinds):
        blank = next(t for t in unique if isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode))
        raise ValueError(f"blank node in {blank}")
    if ntriples_order_is_sort_key({predicate.value for _s, predicate, _o in kinds}):
        ordered = Canonical(sorted(unique, key=str))  # one string per triple, made in Rust: the same order, faster
        ordered.as_lines = True
        return ordered
    return Canonical(sorted(unique, key=sort_key))


def ntriples_order_is_sort_key(predicates: set[str]) -> bool:
    """Whether ordering triples by their N-Triples form ``<s> <p> o`` is ordering them by :func:`sort_key`.

    Subjects compare the same (both include the ``<…>``), and so do objects (each is last). A
    predicate is compared without its brackets by :func:`sort_key` but followed by ``>`` in
    N-Triples, so the two disagree only if one predicate extends another with a character below ``>``
    (``schema:name`` and ``schema:name-x``).
    """
    ordered = sorted(predicates)
    return not any(
        longer.startswith(shorter) and longer[len(shorter)] < ">" for shorter, longer in itertools.pairwise(ordered)
    )


def to_ntriples(triples: list[Triple]) -> bytes:
    """One triple a line, lines sorted bytewise (canonical triples mostly come out sorted already,
    and those sorted by their N-Triples form are not checked again)."""
    data = serialize(triples, format=Format.NTRIPLES.oxigraph)
    assert data is not None
    if isinstance(triples, Canonical) and triples.as_lines:
        return data
    lines = data.split(b"\n")
    if all(map(operator.le, lines, itertools.islice(lines, 1, len(lines) - 1))):
        return data
    return b"".join(sorted(data.splitlines(keepends=True)))


def write_gzipped(blocks: Iterable[bytes], sink: IO[bytes]) -> None:
    """The bytes of ``blocks`` gzipped with nothing that varies (the bytes ``gzip.compress(data, 6,
    mtime=0)`` gives of them joined: zlib's own header, modification time 0, no file name), written
    to ``sink`` as they are compressed (however the blocks are cut, the bytes are the same).

    Level 6, gzip's own default: level 9 takes twice as long for a file 2% smaller.
    """
    compressor = zlib.compressobj(6, zlib.DEFLATED, _GZIP_WBITS)
    for block in blocks:
        sink.write(compressor.compress(block))
    sink.write(compressor.flush())


_GZIP_WBITS: Final = 16 + zlib.MAX_WBITS  # a gzip header and trailer around the deflate stream


def write_turtle(triples: Iterable[Triple] | Iterable[Quad], sink: IO[bytes]) -> None:
    """:func:`to_turtle`, written to ``sink`` as the triples (or quads in the default graph) are read."""
    serialize(triples, sink, Format.TURTLE.oxigraph, prefixes=PREFIXES)


class TurtleWriter:
    """The Turtle dump written from the lines of canonical N-Triples a segment at a time (:meth:`add`:
    whole subjects, in order), or from what was written of a segment before (:meth:`put`).

    Oxigraph's writer begins with the prefixes (all of them, once there is a triple), then groups a
    subject's triples and starts no group across subjects: so the Turtle of lines cut between two
    subjects is the prefixes, then what each part gives after its prefixes (``test_serialize`` checks it).
    """

    def __init__(self, sink: IO[bytes]):
        self.sink = sink
        self.started = False

    def add(self, lines: bytes) -> bytes:
        """Write the Turtle of ``lines``; what was written of them (without the prefixes)."""
        text = serialize(
            parse(lines, RdfFormat.N_TRIPLES, lenient=True), format=Format.TURTLE.oxigraph, prefixes=PREFIXES
        )
        assert text is not None
        header = turtle_header()
        if not text.startswith(header):
            raise RuntimeError("Oxigraph's Turtle writer no longer begins with the prefixes alone")
        body = text[len(header) :]
        self.put(body)
        return body

    def put(self, body: bytes) -> None:
        """Write what :meth:`add` gave of some lines before."""
        if not self.started and body:
            self.sink.write(turtle_header())
            self.started = True
        self.sink.write(body)


@functools.cache
def turtle_header() -> bytes:
    """What Oxigraph's Turtle writer writes before the first triple: the prefixes."""
    probe = Triple(NamedNode("x:s"), NamedNode("x:p"), NamedNode("x:o"))
    text = serialize([probe], format=Format.TURTLE.oxigraph, prefixes=PREFIXES)
    assert text is not None
    assert text.endswith(b"\n<x:s> <x:p> <x:o> .\n")
    return text[: -len(b"<x:s> <x:p> <x:o> .\n")]


def to_turtle(triples: list[Triple]) -> bytes:
    data = serialize(triples, format=Format.TURTLE.oxigraph, prefixes=PREFIXES)
    assert data is not None
    return data


# --- JSON-LD ----------------------------------------------------------------------------------


def context() -> dict[str, Any]:
    """The JSON-LD context of the dumps: prefixes and plain terms (:mod:`.context`), nothing to fetch."""
    return jsonld_context.context()


@dataclass(frozen=True)
class _Compaction:
    """The prefixes of one collection's JSON-LD, longest namespace first, and its identifiers'."""

    by_length: tuple[tuple[str, str], ...]
    #: The namespace of the collection's identifiers, and its prefix when no other is more specific.
    ids: str
    id_prefix: str | None


@functools.lru_cache(maxsize=16)
def _compaction(space: Space | None) -> _Compaction:
    prefixes = space.jsonld_prefixes if space else PREFIXES
    by_length = tuple(sorted(prefixes.items(), key=lambda item: -len(item[1])))
    ids = space.id if space else ""
    clash = any(other.startswith(ids) and other != ids for other in prefixes.values())
    id_prefix = next((f"{p}:" for p, namespace in by_length if ids and namespace == ids and not clash), None)
    return _Compaction(by_length, ids, id_prefix)


def _current() -> _Compaction:
    """The prefixes of the active collection; the tool's own when none is (the ontology's pages)."""
    return _compaction(current())


def compact_iri(value: str) -> str:
    """``prefix:rest`` for an IRI in one of our namespaces (longest namespace wins)."""
    for prefix, namespace in _current().by_length:
        if value.startswith(namespace) and len(value) > len(namespace) and not value[len(namespace) :].startswith("//"):
            return f"{prefix}:{value[len(namespace) :]}"
    return value


def _compact_node(value: str, compaction: _Compaction) -> str:
    """:func:`compact_iri` of a subject or object: a fast path for our identifiers, the common case."""
    ids = compaction.ids
    if (
        compaction.id_prefix
        and value.startswith(ids)
        and len(value) > len(ids)
        and not value.startswith("//", len(ids))
    ):
        return compaction.id_prefix + value[len(ids) :]
    return compact_iri(value)


_Item = tuple[str, str]  # a JSON value as written alone, and as a list item
_NO_TERM: Final = jsonld_context.Term("", "")


def to_jsonld(triples: Iterable[Triple]) -> bytes:
    """Compacted JSON-LD: one node object per subject, properties as the context's terms, sorted.

    The bytes are those of ``json.dumps(document, ensure_ascii=False, indent=1)`` with each node's
    keys in the order ``id``, ``type``, then sorted, written node by node (the triples are sorted
    by subject) without building the document (:class:`JsonLdWriter`). A property without a term
    keeps its prefixed name, so nothing is ever lost.
    """
    buffer = io.BytesIO()
    writer = JsonLdWriter(buffer)
    for chunk in bulk.chunks(serialize(list(triples), format=Format.NTRIPLES.oxigraph) or b""):
        writer.add(chunk)
    writer.close()
    return buffer.getvalue()


class _Key(NamedTuple):
    """A key of node objects: ordered by ``order`` (``id``, ``type``, then the others by name), and
    written as ``alone`` and its one value, or ``listed``, its values and :data:`_CLOSE`."""

    order: str
    alone: str
    listed: str
    many: bool

    @classmethod
    def of(cls, name: str, many: bool) -> _Key:
        order = {_ID: "0", _TYPE: "1"}.get(name, "2" + name)
        alone = f"{_ALONE}{_string(name)}: "
        return cls(order, alone, alone + "[\n", many)


#: A literal's item from its JSON string (:func:`_literal_writer`).
_Writer = Callable[[str], _Item]


class JsonLdWriter:
    """:func:`to_jsonld` written to ``sink`` from the N-Triples lines given to :meth:`add`, a subject's
    lines together and each subject's in canonical order (as a :class:`.lines.Lines` holds them).

    Read from the lines' bytes (:mod:`.bulk`), not from triples: a predicate and an identifier or
    a short literal make the same key and item each time they recur (classes, the records referred
    to, dates, numbers), made once;
    a literal's quoted N-Triples form is already its JSON string, but where it holds a ``\\u`` escape
    (Oxigraph and JSON spell those differently, so such a literal is read by Oxigraph instead), and
    how it is written depends only on its predicate and on what follows its quotes.
    """

    def __init__(self, sink: IO[bytes]):
        self.sink = sink
        self.compaction = _current()
        self.many: set[str] = {t.name for t in jsonld_context.TERMS if t.many} | {_TYPE}
        self.keys: dict[bytes, tuple[_Key, jsonld_context.Term]] = {}  # predicate -> its key and term
        #: (predicate, object as the line has it) -> its key and item, for identifiers and short literals
        self.items: dict[tuple[bytes, bytes], tuple[_Key, _Item]] = {}
        self.literals: dict[tuple[bytes, bytes], tuple[_Key, _Writer]] = {}  # (predicate, suffix) -> key, writer
        self.type = bulk.bracketed(RDF_TYPE.value)
        self.id_key = _Key.of(_ID, False)
        self.subject = b""
        self.node: dict[_Key, list[_Item]] = {}
        self.pending: list[str] = [_dumps(context())[:-2] + ',\n "@graph": ']  # the context without "\n}"
        self.separator = "[\n"

    def add(self, chunk: bulk.Chunk) -> None:
        items, node, subject = self.items, self.node, self.subject
        for line_subject, predicate, obj in zip(chunk.subjects, chunk.predicates, chunk.objects, strict=True):
            if line_subject != subject:
                self._finish()
                subject = self.subject = line_subject
                node = self._start(subject)
            found = items.get((predicate, obj))
            if found is None:
                found = self._item(predicate, bulk.term(obj))
            key, item = found
            values = node.get(key)
            if values is None:
                node[key] = [item]
            else:
                values.append(item)

    def _start(self, subject: bytes) -> dict[_Key, list[_Item]]:
        self.node = {self.id_key: [_scalar(_string(_compact_node(bulk.iri(subject), self.compaction)))]}
        return self.node

    def _item(self, predicate: bytes, obj: bytes) -> tuple[_Key, _Item]:
        """The key and the item of a line's predicate and object (kept if likely to recur)."""
        if not obj.startswith(b"<"):
            end = obj.rindex(b'"')  # the last: neither a language tag nor a datatype IRI holds one
            literal = self.literals.get((predicate, obj[end + 1 :]))
            if literal is None:
                literal = self._literal(predicate, obj[end + 1 :])
            quoted = obj[: end + 1]
            escaped = b"\\u" in quoted or b"\\U" in quoted  # otherwise than JSON escapes (or a backslash, a u)
            found = literal[0], literal[1](_string(_read_literal(obj).value) if escaped else quoted.decode("utf-8"))
            if end <= _SHORT:  # a number, a date, a code: likely to recur
                self._keep(predicate, obj, found)
            return found
        value = bulk.iri(obj)
        if predicate == self.type:
            found = self._key(_TYPE), _scalar(_string(compact_iri(value)))
        else:
            key, definition = self._term(predicate)
            compacted = _string(_compact_node(value, self.compaction))
            plain = definition.type == jsonld_context.IRI
            found = key, _scalar(compacted) if plain else _object(((_ID_OBJECT_KEY, compacted),))
        self._keep(predicate, obj, found)
        return found

    def _keep(self, predicate: bytes, obj: bytes, found: tuple[_Key, _Item]) -> None:
        if len(self.items) >= _KEPT:  # what recurs is soon made again; the rest need not be held
            self.items.clear()
        self.items[predicate, obj + b" ."] = found

    def _literal(self, predicate: bytes, suffix: bytes) -> tuple[_Key, _Writer]:
        language = suffix[1:].decode("ascii") if suffix.startswith(b"@") else None
        datatype = bulk.iri(suffix[2:]) if suffix.startswith(b"^^") else _XSD_STRING
        key, definition = self._term(predicate)
        found = self.literals[predicate, suffix] = key, _literal_writer(language, datatype, definition)
        return found

    def _term(self, predicate: bytes) -> tuple[_Key, jsonld_context.Term]:
        known = self.keys.get(predicate)
        if known is None:
            value = bulk.iri(predicate)
            term = jsonld_context.BY_IRI.get(value)
            name, definition = (term.name, term) if term else (compact_iri(value), _NO_TERM)
            known = self.keys[predicate] = self._key(name), definition
        return known

    def _key(self, name: str) -> _Key:
        return _Key.of(name, name in self.many)

    def _finish(self) -> None:
        """Write the node object of the subject whose lines came last, if any."""
        if self.node:
            self._put(_node(self.node))
            self.node = {}

    def mark(self) -> int:
        """Write out everything added so far; where it ends in the sink (the next node's text begins
        after its :attr:`separator`). Only between two subjects' lines: the node of the last subject
        added is finished."""
        self._finish()
        self.sink.write("".join(self.pending).encode())
        self.pending = []
        return self.sink.tell()

    def put(self, nodes: bytes) -> None:
        """Write node objects as :meth:`add` wrote them before (the text between two :meth:`mark`)."""
        if nodes:
            self.mark()
            self.sink.write(self.separator.encode() + nodes)
            self.separator = ",\n"
            self.subject = b""  # the next line's subject begins a node, whatever came before

    def _put(self, node: str) -> None:
        self.pending.append(self.separator + node)
        self.separator = ",\n"
        if len(self.pending) >= 512:
            self.sink.write("".join(self.pending).encode())
            self.pending = []

    def close(self) -> None:
        self._finish()
        self.pending.append("[]\n}\n" if self.separator == "[\n" else "\n ]\n}\n")
        self.sink.write("".join(self.pending).encode())
        self.pending = []


_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str
_ID, _TYPE = jsonld_context.ID_KEY, jsonld_context.TYPE_KEY
_ID_OBJECT_KEY, _LANGUAGE_KEY, _TYPE_KEY, _VALUE_KEY = (_string(k) for k in ("@id", "@language", "@type", "@value"))
_XSD_STRING: Final = XSD + "string"
_XSD_INTEGER: Final = XSD + "integer"
_XSD_BOOLEAN: Final = XSD + "boolean"
_ALONE: Final = "   "  # a property of a node object two levels deep
_LISTED: Final = "    "  # a value in its list
_CLOSE: Final = "\n" + _ALONE + "]"
#: How many items the JSON-LD writer keeps to make each once (so that its memory stays flat).
_KEPT: Final = 1 << 14
#: The length of a literal's lexical form up to which its item is kept too.
_SHORT: Final = 24
_AS_LISTED: Final = operator.itemgetter(1)
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,14})")  # exact as a JSON number in every reader


def _scalar(text: str) -> _Item:
    return text, _LISTED + text


def _object(members: tuple[tuple[str, str], ...]) -> _Item:
    """A value object written alone and as a list item."""
    forms = []
    for indent in (_ALONE, _LISTED):
        inner = ",\n".join(f"{indent} {key}: {value}" for key, value in members)
        forms.append(f"{{\n{inner}\n{indent}}}")
    return forms[0], _LISTED + forms[1]


def _literal_writer(language: str | None, datatype: str, definition: jsonld_context.Term) -> _Writer:
    """How a literal in ``language`` or of ``datatype`` is written, given its JSON string, as its term
    lets it: a plain string or number when that reads back the same."""
    coerced = definition.type is not None or definition.language is not None
    if language:
        if language == definition.language and definition.type is None:
            return _scalar
        tag = _string(language)
        return lambda text: _object(((_LANGUAGE_KEY, tag), (_VALUE_KEY, text)))
    if datatype == definition.type or (datatype == _XSD_STRING and not coerced):
        return _scalar
    if datatype == _XSD_STRING:
        return lambda text: _object(((_VALUE_KEY, text),))
    typed = _datatype(datatype)

    def written(text: str) -> _Item:
        lexical = text[1:-1]
        if not coerced and datatype == _XSD_INTEGER and _CANONICAL_INTEGER.fullmatch(lexical):
            return _scalar(lexical)
        if not coerced and datatype == _XSD_BOOLEAN and lexical in ("true", "false"):
            return _scalar(lexical)
        return _object(((_TYPE_KEY, typed), (_VALUE_KEY, text)))

    return written


def _read_literal(obj: bytes) -> Literal:
    """The literal whose N-Triples form is ``obj``, as Oxigraph reads it."""
    (quad,) = parse(b"<x:s> <x:p> " + obj + b" .", RdfFormat.N_TRIPLES)
    assert isinstance(quad.object, Literal)
    return quad.object


@functools.lru_cache(maxsize=256)
def _datatype(iri: str) -> str:
    return _string(compact_iri(iri))


def _node(node: dict[_Key, list[_Item]]) -> str:
    """One node object as ``json.dumps(indent=1)`` writes it two levels deep: ``id``, ``type``, then sorted."""
    members = []
    for key in sorted(node):
        items = node[key]
        if len(items) == 1 and not key.many:
            members.append(key.alone + items[0][0])
        else:
            members.append(key.listed + ",\n".join(map(_AS_LISTED, items)) + _CLOSE)
    return "  {\n" + ",\n".join(members) + "\n  }"


def to_jsonld_framed(triples: list[Triple], owner: NamedNode) -> bytes:
    """The JSON-LD of one identifier's description, its auxiliary nodes embedded where they are used.

    A position comes first in ``@graph`` with its evidence, and the evidence's selectors, as objects
    inside it (``doc["@graph"][0]["evidence"]["hasSelector"][0]["exact"]``); a document with its
    signatures, a person with their roles. Embedding changes only the shape, not the triples: every
    embedded node keeps its ``id``. Other nodes (those that point at the identifier) follow it.
    """
    document = json.loads(to_jsonld(triples))
    nodes = {node[jsonld_context.ID_KEY]: node for node in document["@graph"]}
    root_id = _compact_node(owner.value, _current())
    root = nodes.pop(root_id, None)
    if root is not None:
        _embed(root, nodes, root_id + "/")
        document["@graph"] = [root, *nodes.values()]
    return (_dumps(document) + "\n").encode("utf-8")


def _embed(node: dict[str, Any], nodes: dict[str, dict[str, Any]], below: str) -> None:
    """Put in place of each reference to an auxiliary node (an id ``below`` the owner's) that node, once."""
    for key, value in node.items():
        if key in (jsonld_context.ID_KEY, jsonld_context.TYPE_KEY):
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            ref = (
                item
                if isinstance(item, str)
                else item.get("@id")
                if isinstance(item, dict) and len(item) == 1
                else None
            )
            if isinstance(ref, str) and ref.startswith(below) and ref in nodes:
                embedded = nodes.pop(ref)
                _embed(embedded, nodes, below)
                items[i] = embedded
        if not isinstance(value, list):
            node[key] = items[0]


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)


WRITERS = {Format.TURTLE: to_turtle, Format.NTRIPLES: to_ntriples, Format.JSONLD: to_jsonld}


def context_bytes() -> bytes:
    return (_dumps(context()) + "\n").encode("utf-8")
