"""Read YAML into plain Python values while remembering the line of every value.

libyaml (through PyYAML's C parser) turns the text into a stream of events, which is fast and
keeps marks. We build values from the events ourselves, one at a time and without recursion, so
that anchors and aliases (and with them alias bombs), duplicate keys, custom tags, several
documents in one file, absurd nesting and absurd numbers of nodes are refused with the file and
line as soon as they are seen, before any of it is expanded or held in memory.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

import yaml
from yaml.resolver import Resolver

from ..errors import InputError
from . import plain
from .limits import MAX_DEPTH, MAX_RECORD_BYTES, MAX_YAML_NODES, RECORD_NODES, read_utf8
from .plain import OFF_STRUCTURE

if TYPE_CHECKING:
    from .parsed import Parses

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = MAX_RECORD_BYTES
#: Schema errors looked at to pick the first one in the file (a broken file can have millions).
MAX_SCHEMA_ERRORS = 1000

Path_ = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_COLLECTIONS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")

_RESOLVER = Resolver()

#: The parser's events, compared by identity (:meth:`_Builder.feed`).
_SCALAR_EVENT: Final = yaml.ScalarEvent
_MAPPING_START: Final = yaml.MappingStartEvent
_SEQUENCE_START: Final = yaml.SequenceStartEvent
_MAPPING_END: Final = yaml.MappingEndEvent
_SEQUENCE_END: Final = yaml.SequenceEndEvent


class Located:
    """The values of one YAML file and the line (1-based) of every value, by JSON path."""

    def __init__(
        self, file: Path, data: Any, lines: dict[Path_, int], nodes: int = 0, joined: dict[Path_, int] | None = None
    ):
        self.file = file
        self.data = data
        self.lines = lines
        self.nodes = nodes
        #: Unquoted values that run on over several lines, by path: the line each runs on to. Such a value is
        #: often a line indented too far, read as more of the value above it.
        self.joined = joined or {}

    def line(self, path: Path_) -> int:
        """The line of the value at ``path``, or of its nearest enclosing value."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def read_yaml(
    file: Path, display: Path | None = None, max_nodes: int = MAX_YAML_NODES, parses: Parses | None = None
) -> Located:
    """The values of a YAML file; ``max_nodes`` is what is left of the budget of all record files;
    ``parses``, the files read before (:mod:`.parsed`: a file whose text was read before is not parsed)."""
    shown = display or file
    text = read_utf8(file, MAX_RECORD_BYTES, file=shown, line=1)
    if parses is None:
        return parse_yaml(text, shown, max_nodes)
    located = parses.recall(text, shown, max_nodes)
    if located is None:
        located = parse_yaml(text, shown, max_nodes)
        parses.keep(text, located)
    return located


def parse_yaml(text: str, shown: Path, max_nodes: int = MAX_YAML_NODES) -> Located:
    """The values of the YAML ``text`` of the file ``shown``."""
    lines = LineNumbers(text)
    builder = _Builder(shown, max_nodes, lines, escapes=bool(_MAYBE_CONTROL.search(text)))
    try:
        for event in _events(text):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, shown, lines) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow; position is in bytes
        line = text.encode("utf-8")[: exc.position].count(b"\n") + 1
        raise InputError(f"invalid YAML: {exc.reason} (character {_code(exc.character)})", shown, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {' '.join(str(exc).split())}", shown, 1) from None
    if builder.root is None:
        raise InputError("empty record file", shown, 1)
    return Located(shown, builder.root, builder.lines, builder.nodes, builder.joined)


#: The libyaml in PyYAML 6.0.4's wheels (0.2.6) stops at 1000 levels of nesting while scanning ahead,
#: before our own, lower limit sees the levels; its verdict is ours, and said the same way.
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


class _Mark(Protocol):
    """A position the parser reports (PyYAML's and libyaml's marks alike)."""

    @property
    def line(self) -> int: ...


class LineNumbers:
    """Lines as people and every other tool count them: after each line feed.

    YAML also breaks lines at a lone carriage return, NEL (U+0085) and the Unicode line and paragraph
    separators, so a parser's line numbers drift from the file's in a text that holds one. A file
    without them (nearly every file) is read as the parser reads it.
    """

    _YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

    def __init__(self, text: str):
        #: The parser may place a mark just past the end (a last line without a line feed): the last line.
        self.last = text.count("\n") + 1
        #: The file's line of each of the parser's lines, where the two differ (the text holds another
        #: line break); None where they are the same.
        self.ours: list[int] | None = None
        if any(map(text.__contains__, "\r\x85\u2028\u2029")):  # each a search in C, not a pattern's
            ours, line = [1], 1
            for match in self._YAML_BREAK.finditer(text):
                line += match.group().endswith("\n")
                ours.append(line)
            self.ours = ours

    def of(self, mark: _Mark | None) -> int:
        """The 1-based line of a parser's mark."""
        if mark is None:
            return 1
        if self.ours is None:
            return min(mark.line + 1, self.last)
        return self.ours[min(mark.line, len(self.ours) - 1)]


def _yaml_error(exc: yaml.MarkedYAMLError, file: Path, lines: LineNumbers) -> InputError:
    """The line where the parser gave up, or, if the file ended inside something, where that began."""
    problem, context = exc.problem or exc.context, exc.context if exc.problem else None
    at = exc.problem_mark or exc.context_mark
    if _LIBYAML_TOO_DEEP in str(problem):
        return InputError(f"nested deeper than {MAX_DEPTH} levels", file, lines.of(at))
    began = exc.context_mark if context else None
    if began is not None and at is not None and lines.of(began) != lines.of(at):
        problem = f"{problem}, {context} that begins on line {lines.of(began)}"
        if "end of stream" in str(exc.problem):
            at = began
    if any(words in str(problem) for words in _STRUCTURE):
        return InputError(
            f"{OFF_STRUCTURE}; check its indentation against the lines above (YAML: {problem})", file, lines.of(at)
        )
    return InputError(f"invalid YAML: {problem}", file, lines.of(at))


#: What libyaml says when a line is not where the structure around it expects (mostly its indentation).
_STRUCTURE = (
    "mapping values are not allowed",
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>",
    "could not find expected ':'",
)


def _events(text: str) -> Iterator[yaml.Event]:
    loader = _Loader(text)
    try:
        yield from iter(loader.get_event, None)  # None once the stream has ended
    finally:
        loader.dispose()


@dataclass(slots=True)
class _Open:
    """A mapping or sequence being built, and (for a mapping) the key waiting for its value."""

    value: dict[str, Any] | list[Any]
    path: Path_
    key: str | None = None
    #: Whether ``value`` is a mapping (asked of every scalar in it).
    mapping: bool = False


class _Builder:
    """Plain values and their lines from a stream of YAML events, refusing what records never need."""

    def __init__(self, file: Path, max_nodes: int, lines: LineNumbers, escapes: bool = True):
        self.max_nodes = max_nodes
        #: Whether a value may hold a control character: not if the text has none, nor a ``\\`` to escape one.
        self.escapes = escapes
        self.file = file
        self.line_numbers = lines
        self.lines: dict[Path_, int] = {}
        self.root: Any = None
        self.done = False
        self.stack: list[_Open] = []
        self.nodes = 0
        self.joined: dict[Path_, int] = {}

    def feed(self, event: yaml.Event) -> None:
        kind = type(event)  # the parser's own classes; compared by identity, the commonest first
        if kind is _SCALAR_EVENT:
            self._scalar(event)  # type: ignore[arg-type]
        elif kind is _MAPPING_END or kind is _SEQUENCE_END:
            self.stack.pop()
        elif kind is _MAPPING_START or kind is _SEQUENCE_START:
            self._open(event, self.line_numbers.of(event.start_mark))  # type: ignore[arg-type]
        elif kind is yaml.AliasEvent:
            raise InputError(
                "YAML aliases are not allowed in records", self.file, self.line_numbers.of(event.start_mark)
            )
        elif kind is yaml.DocumentStartEvent and self.done:
            line = self.line_numbers.of(event.start_mark)
            raise InputError("more than one YAML document in a record file", self.file, line)

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        """A key, or a value put in its place: the path of nine events in ten (its line worked out here where
        the parser's line numbers are the file's, as :meth:`LineNumbers.of` would)."""
        start = event.start_mark
        line = self.line_numbers.of(start) if self.line_numbers.ours is not None or start is None else start.line + 1
        if line > self.line_numbers.last:
            line = self.line_numbers.last
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise InputError(self._too_many(), self.file, line)
        text = event.value
        if self.escapes:
            _refuse_controls(text, self.file, line)
        tag = _tag(event)
        stack = self.stack
        top = stack[-1] if stack else None
        if top is not None and top.mapping and top.key is None:
            self._key(tag, text, line)
            return
        value = _value(tag, text, self.file, line)
        if top is None:
            path = self._place(value, line)
        elif top.mapping:
            assert top.key is not None
            path = (*top.path, top.key)
            top.value[top.key] = value  # type: ignore[call-overload]
            top.key = None
            self.lines[path] = line
        else:
            path = (*top.path, len(top.value))
            top.value.append(value)  # type: ignore[union-attr]
            self.lines[path] = line
        if not event.style:  # plain: "" (libyaml) or None
            end = event.end_mark
            if start and end and end.line > start.line:
                self.joined[path] = line + 1

    def _count(self, line: int) -> None:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise InputError(self._too_many(), self.file, line)

    def _too_many(self) -> str:
        if self.max_nodes >= MAX_YAML_NODES:
            return f"more than {MAX_YAML_NODES} YAML nodes in one record file"
        cap = RECORD_NODES.value()
        return f"the record files hold more than {cap:,} YAML nodes together ({RECORD_NODES.advice()})"

    def _expects_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].mapping and self.stack[-1].key is None

    def _open(self, event: yaml.CollectionStartEvent, line: int) -> None:
        self._count(line)
        if self._expects_key():
            raise InputError("mapping keys must be plain strings", self.file, line)
        if event.tag not in _PLAIN_COLLECTIONS:
            raise InputError(f"unsupported YAML tag {event.tag}", self.file, line)
        if len(self.stack) >= MAX_DEPTH:
            raise InputError(f"nested deeper than {MAX_DEPTH} levels", self.file, line)
        mapping = isinstance(event, yaml.MappingStartEvent)
        value: dict[str, Any] | list[Any] = {} if mapping else []
        path = self._place(value, line)
        self.stack.append(_Open(value, path, mapping=mapping))

    def _key(self, tag: str, text: str, line: int) -> None:
        top = self.stack[-1]
        if tag == _MERGE or text == "<<":
            raise InputError("YAML merge keys are not allowed in records", self.file, line)
        if tag != _STR:
            raise InputError("mapping keys must be plain strings", self.file, line)
        if text in top.value:
            raise InputError(f"duplicate key {text[:80]!r}", self.file, line)
        top.key = text

    def _place(self, value: Any, line: int) -> Path_:
        """Put ``value`` where the stream says it goes; return its path."""
        if not self.stack:
            self.root, self.done = value, True
            path: Path_ = ()
        else:
            top = self.stack[-1]
            if isinstance(top.value, list):
                path = (*top.path, len(top.value))
                top.value.append(value)
            else:
                assert top.key is not None
                path = (*top.path, top.key)
                top.value[top.key] = value
                top.key = None
        self.lines[path] = line
        return path


def _code(character: object) -> str:
    """``#x0001``: the C and the pure-Python readers report the character differently."""
    if isinstance(character, str | bytes) and len(character) == 1:
        character = ord(character)
    return f"#x{character:04x}" if isinstance(character, int) else repr(character)


#: C0 and C1 control characters and DEL, but for tab and line feed. libyaml refuses them written
#: raw; written as escapes (``"\e[2J"``, ``"\0"``, ``"\a"``) they would reach terminals, pages and dumps.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


#: What a text must hold for one of its values to hold a control character: the character, or a ``\\``
#: (escapes are written with one). Line breaks in a value are line feeds, whatever the text's were.
_MAYBE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\\\\]")


def _refuse_controls(value: str, file: Path, line: int) -> None:
    found = _CONTROL.search(value)
    if found:
        code = _code(found.group())
        raise InputError(f"control characters are not allowed (character {code}, written as an escape)", file, line)


#: Whether PyYAML's resolver reads a scalar by its text alone, and a plain one by its first character
#: first (no path resolvers, none for every first character); it does, and what follows relies on it.
_BY_FIRST_CHARACTER = not _RESOLVER.yaml_path_resolvers and None not in _RESOLVER.yaml_implicit_resolvers
#: The first characters of the plain scalars the resolver may read as other than text (``""``: the empty one).
_RESOLVED_FIRST = frozenset(first for first in _RESOLVER.yaml_implicit_resolvers if first is not None)


def _tag(event: yaml.ScalarEvent) -> str:
    if event.tag is not None and event.tag != "!":
        return str(event.tag)
    if not _BY_FIRST_CHARACTER:
        return str(_RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit))  # type: ignore[no-untyped-call]
    if not event.implicit[0] or event.value[:1] not in _RESOLVED_FIRST:
        return _STR  # quoted, or plain with no resolver for its first character: text, as the resolver says
    return _plain_tag(event.value)


#: The resolver's own implicit resolvers of the plain scalars beginning with each character, in its order.
_RESOLVERS: Final = {first: tuple(found) for first, found in _RESOLVER.yaml_implicit_resolvers.items()}


def _plain_tag(value: str) -> str:
    """The tag the resolver gives a plain scalar, which depends on its text alone (:data:`_BY_FIRST_CHARACTER`):
    that of the first of the resolvers for its first character whose pattern it matches, else text, as
    ``BaseResolver.resolve`` finds it (without the call, and without a cache, which half a million distinct
    values beginning with ``o``, ``t`` or ``n`` defeated at ten million triples)."""
    for tag, pattern in _RESOLVERS.get(value[:1], ()):
        if pattern.match(value):
            return str(tag)
    return _STR


def _value(tag: str, text: str, file: Path, line: int) -> Any:
    """The value of a scalar of the resolved ``tag``."""
    if tag in (_STR, _TIMESTAMP):  # dates stay text: the schema checks their form
        return text
    if tag == _INT:
        try:
            return int(text.replace("_", ""), 10)
        except ValueError:
            raise InputError(f"not an integer: {text[:40]!r}", file, line) from None
    if tag == _BOOL:
        return text.lower() in ("true", "yes", "on")
    if tag == _NULL:
        return None
    if tag == _FLOAT:
        raise InputError(f"unexpected number {text[:40]!r}", file, line)
    raise InputError(f"unsupported YAML tag {tag}", file, line)


def walk_errors(located: Located, errors: Iterator[Any]) -> InputError | None:
    """The first JSON Schema error (in file order) as an InputError with its line."""
    found = explain_errors(located, errors)
    return found[0].error if found else None


@dataclass(frozen=True)
class SchemaProblem:
    """One schema error, in plain words, and the path of the value it is about."""

    path: Path_
    error: InputError


def explain_errors(located: Located, errors: Iterator[Any]) -> list[SchemaProblem]:
    """Every JSON Schema error (up to a cap), in file order, in words a curator reads, each with its line."""
    found = []
    for error in itertools.islice(errors, MAX_SCHEMA_ERRORS):
        path = tuple(error.absolute_path)
        for at, message in plain.explain(error, path, located.joined):
            where = "/".join(str(p) for p in at) or "top level"
            line = located.joined[at] if at in located.joined and message.startswith(OFF_STRUCTURE) else None
            found.append(SchemaProblem(at, InputError(f"{where}: {message}", located.file, line or located.line(at))))
    return sorted(found, key=lambda p: (p.error.line or 0, list(map(str, p.path)), p.error.message))
