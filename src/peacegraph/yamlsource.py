"""Read YAML into plain Python values while remembering the line of every value.

libyaml (through PyYAML's C loader) composes the node tree, which is fast and keeps marks. We
build values ourselves so that anchors and aliases (and with them alias bombs), duplicate keys,
custom tags and absurd nesting are refused with the file and line, instead of being expanded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 32
MAX_BYTES = 512 * 1024 * 1024

Path_ = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class Located:
    """The values of one YAML file and the line (1-based) of every value, by JSON path."""

    def __init__(self, file: Path, data: Any, lines: dict[Path_, int]):
        self.file = file
        self.data = data
        self.lines = lines

    def line(self, path: Path_) -> int:
        """The line of the value at ``path``, or of its nearest enclosing value."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def read_yaml(file: Path, display: Path | None = None) -> Located:
    shown = display or file
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", shown) from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // 2**20} MiB", shown)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("not valid UTF-8", shown, line) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            f"invalid YAML: {exc.problem or exc.context}", shown, mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", shown) from None
    if node is None:
        raise InputError("empty record file", shown, 1)
    lines: dict[Path_, int] = {}
    data = _build(node, (), lines, set(), shown)
    return Located(shown, data, lines)


def _build(
    node: yaml.Node, path: Path_, lines: dict[Path_, int], seen: set[int], file: Path, used_at: int | None = None
) -> Any:
    line = node.start_mark.line + 1
    if len(path) > MAX_DEPTH:
        raise InputError(f"nested deeper than {MAX_DEPTH} levels", file, line)
    if id(node) in seen:  # the second use of an anchored node: name the line that uses it
        raise InputError("YAML aliases are not allowed in records", file, used_at or line)
    seen.add(id(node))
    lines[path] = line
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                raise InputError("mapping keys must be plain strings", file, key_node.start_mark.line + 1)
            key = key_node.value
            if key == "<<":
                raise InputError("YAML merge keys are not allowed in records", file, key_node.start_mark.line + 1)
            if key in result:
                raise InputError(f"duplicate key {key!r}", file, key_node.start_mark.line + 1)
            result[key] = _build(value_node, (*path, key), lines, seen, file, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, seen, file) for i, item in enumerate(node.value)]
    return _scalar(node, file, line)


def _scalar(node: yaml.Node, file: Path, line: int) -> Any:
    tag, value = node.tag, node.value
    if tag in (_STR, _TIMESTAMP):  # dates stay text: the schema checks their form
        return value
    if tag == _INT:
        try:
            return int(value.replace("_", ""), 10)
        except ValueError:
            raise InputError(f"not an integer: {value!r}", file, line) from None
    if tag == _BOOL:
        return value.lower() in ("true", "yes", "on")
    if tag == _NULL:
        return None
    if tag == _FLOAT:
        raise InputError(f"unexpected number {value!r}", file, line)
    raise InputError(f"unsupported YAML tag {tag}", file, line)


def walk_errors(located: Located, errors: Iterator[Any]) -> InputError | None:
    """The first JSON Schema error (in file order) as an InputError with its line."""
    found = sorted(errors, key=lambda e: (located.line(tuple(e.absolute_path)), list(map(str, e.absolute_path))))
    if not found:
        return None
    error = found[0]
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        unexpected = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if unexpected:
            path = (*path, unexpected[0])
    where = "/".join(str(p) for p in path) or "top level"
    return InputError(f"{where}: {error.message}", located.file, located.line(path))
