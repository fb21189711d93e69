"""Command-line options written once, as data: ``cli.py`` makes click options of them, and the quick
start of ``peacegraph query`` (``entry.py``) reads a plain command line with them, without importing click.

The quick reading is deliberately narrow: :func:`plain` answers only for a command line that click
would surely read the same way (known options, each once, values that click accepts), and ``None``
for anything else (``--help``, a misspelt or repeated option, a bad value, a deprecated name), which
is then handed to click to read, and to explain, as it always has.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing itself is not imported: the quick start of a query pays for every module
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Final, Literal

    #: What a path option accepts: an existing file (or ``-`` for standard input), something that is not a
    #: file (a directory, or nothing yet), or any path.
    PathKind = Literal["file", "folder", "any"]


class Option:
    """One option: its names, the parameter it sets, and what it takes (nothing, for a flag).

    A plain class rather than a dataclass: importing ``dataclasses`` (and ``inspect`` with it) costs a
    plain query's quick start more than its own work.
    """

    __slots__ = ("choices", "default", "dest", "flag", "help", "metavar", "names", "old", "path")

    def __init__(
        self,
        names: tuple[str, ...],
        dest: str,
        help: str,
        *,
        flag: bool = False,
        choices: tuple[str, ...] = (),
        default: str | None = None,
        path: PathKind | None = None,
        metavar: str | None = None,
        old: str | None = None,
    ) -> None:
        self.names = names
        self.dest = dest
        self.help = help
        self.flag = flag
        self.choices = choices
        self.default = default
        self.path = path
        self.metavar = metavar
        #: The option's previous name, still read for one release with a deprecation line (by click only).
        self.old = old

    def accepts(self, value: str) -> bool:
        """Whether click would surely take ``value``: one of the choices, or a readable path of the right kind."""
        if self.choices:
            return value in self.choices
        if self.path is None:
            return True
        if not value or value == "-":
            return value == "-" and self.path == "file"
        if not os.path.exists(value):
            return self.path != "file"
        if not os.access(value, os.R_OK):
            return False
        return not os.path.isdir(value) if self.path == "file" else self.path == "any" or os.path.isdir(value)


RELEASE: Final = Option(
    ("--release",),
    "release",
    "The built release to read (what `build --out` wrote) [default: the collection's out/].",
    path="any",
    metavar="DIR",
    old="--out",
)
COLLECTION: Final = Option(
    ("--collection",),
    "collection_dir",
    "The collection's folder [default: the current folder, or the nearest one above it with a collection.yaml].",
    path="folder",
    metavar="DIR",
    old="--seeds",
)


def plain(args: Sequence[str], options: Sequence[Option]) -> tuple[dict[str, str | bool | None], list[str]] | None:
    """The options' values (their defaults where not given) and the arguments, if ``args`` is a plain
    command line of ``options``; ``None`` for anything click should read instead."""
    by_name = {name: option for option in options for name in option.names}
    values: dict[str, str | bool | None] = {}
    arguments: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg == "-" or not arg.startswith("-"):
            arguments.append(arg)
            continue
        name, equals, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        option = by_name.get(name)
        if option is None or option.dest in values or (option.flag and equals):
            return None
        if option.flag:
            values[option.dest] = True
            continue
        value = value if equals else next(rest, None)  # type: ignore[assignment]
        if value is None or not option.accepts(value):
            return None
        values[option.dest] = value
    defaults = {option.dest: (False if option.flag else option.default) for option in options}
    return {**defaults, **values}, arguments
