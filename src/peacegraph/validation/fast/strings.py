"""String-based constraints (https://www.w3.org/TR/shacl/#core-components-string): ``sh:minLength``,
``sh:maxLength`` and ``sh:languageIn`` as conditions on a value; ``sh:pattern`` (with ``sh:flags``)
as a check of its own, matched in Python with :func:`re.search` as pySHACL does; ``sh:uniqueLang``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from pyoxigraph import Literal, NamedNode, QuerySolution

from .context import Compilation, Context
from .shapes import ShapesGraph, integer, refuse
from .terms import Term

#: The flags of ``sh:flags`` (those of XPath's ``fn:matches``) as Python's.
FLAGS: Final = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE, "x": re.VERBOSE}


def length_conditions(shapes: ShapesGraph, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
    """(component, condition the value ``v`` must meet, message) for minLength and maxLength."""
    for bound, name, test in (("minLength", "MinLength", "<"), ("maxLength", "MaxLength", ">")):
        limit = integer(shapes.one(shape, bound), shape, f"sh:{bound}")
        if limit is not None:
            condition = f"(!isBlank({v}) && !(STRLEN(STR({v})) {test} {limit}))"
            yield name, condition, f"String length not {'>=' if test == '<' else '<='} {limit}"


def language_conditions(shapes: ShapesGraph, shape: Term, v: str) -> Iterator[tuple[str, str, str]]:
    """``sh:languageIn``: the value is a literal whose language tag matches one of the list's ranges."""
    for head in shapes.values(shape, "languageIn"):
        ranges = [_string(shape, member, "sh:languageIn") for member in shapes.items(head)]
        matches = " || ".join(f"langMatches(LANG({v}), {_quoted(r)})" for r in ranges) or "false"
        yield "LanguageIn", f"(isLiteral({v}) && ({matches}))", f"Language tag not one of {', '.join(ranges)}"


def pattern(cc: Compilation, c: Context, pattern: Term) -> None:
    flags = cc.shapes.one(c.shape, "flags")
    text, flag_text = _string(c.shape, pattern, "sh:pattern"), _string(c.shape, flags, "sh:flags") if flags else ""
    try:
        compiled = re.compile(re.escape(text) if "q" in flag_text else text, _flags(c.shape, flag_text))
    except re.error as error:
        raise refuse(c.shape, f"sh:pattern {text!r} ({error})") from None

    def accept(row: QuerySolution) -> bool:
        node = row["v"]
        return isinstance(node, NamedNode | Literal) and compiled.search(node.value) is not None

    query = f"{c.select('?v')} WHERE {{ {c.focus} {c.values()} }}"
    message = f"Value does not match pattern '{compiled.pattern}'"
    cc.add(c, query, [("Pattern", "", message)], value=True, flags=False, accept=accept)


def unique_lang(cc: Compilation, c: Context) -> None:
    """One result per language tag that more than one value has."""
    if c.path is None:
        raise refuse(c.shape, "sh:uniqueLang on a node shape")
    where = f'{c.focus} {c.values()} FILTER(isLiteral(?v) && LANG(?v) != "") BIND(LCASE(LANG(?v)) AS ?lang)'
    query = f"{c.select('?lang')} WHERE {{ {where} }} GROUP BY {c.keys} ?lang HAVING ({c.count()} > 1)"
    cc.add(c, query, [("UniqueLang", "", "More than one value with the same language tag")], flags=False)


def _flags(shape: Term, text: str) -> int:
    if set(text) - set(FLAGS) - {"q"}:
        raise refuse(shape, f"sh:flags {text!r}")
    found = 0
    for flag in text:
        found |= FLAGS.get(flag, 0)
    return found


def _string(shape: Term, node: Term, what: str) -> str:
    if not isinstance(node, Literal):
        raise refuse(shape, f"{what} {node} that is not a literal")
    return node.value


def _quoted(text: str) -> str:
    return str(Literal(text))
