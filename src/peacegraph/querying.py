"""``peacegraph query``: its options (written once, here) and its work, for click's command and for the
quick start that runs a plain query without importing click (``entry.py``).

The quick start answers a command line only when :func:`options.plain` reads it as click would and
the question is well-formed (a QUERY or a FILE); anything else is click's to read and explain. Its
failures are printed as click prints them: the same words, stream and exit code.
"""

from __future__ import annotations

import os
import sys

from . import options, stamps
from .errors import PeacegraphError
from .query.formats import GRAPH_FORMATS, TABLE_FORMATS

# Only what every plain query needs is imported here (not ``typing``, ``dataclasses`` nor ``pathlib``:
# bench/query.py measures what each costs a run against ``oxigraph query``).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import Final

    from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples, Store

    from .query.remembered import Found

FILE: Final = options.Option(
    ("-f", "--file"), "query_file", "Read the query from a file (- for standard input).", path="file"
)
FORMAT: Final = options.Option(
    ("--format",),
    "fmt",
    "SELECT/ASK: table for people, csv, tsv, json or xml (SPARQL results); "
    "CONSTRUCT/DESCRIBE: turtle (also for table), ntriples, jsonld or rdfxml.",
    choices=TABLE_FORMATS + tuple(GRAPH_FORMATS),
    default="table",
)
ONTOLOGY: Final = options.Option(
    ("--ontology",), "ontology", "Query the ontology too, not only the dataset's dumps.", flag=True
)
#: The command's options in the order ``--help`` lists them (after the QUERY argument).
OPTIONS: Final = (FILE, FORMAT, ONTOLOGY, options.COLLECTION, options.RELEASE)


class Asked:
    """One run's question: the query (given, or in a file) and how to answer it."""

    __slots__ = ("fmt", "ontology", "query", "query_file")

    def __init__(self, query: str | None, query_file: Path | str | None, fmt: str = "table", ontology: bool = False):
        self.query = query
        self.query_file = query_file
        self.fmt = fmt
        self.ontology = ontology


def answer(asked: Asked, release: Path) -> bytes:
    """The results of the query over ``release``'s on-disk store, formatted (a table fits the terminal)."""
    from .query import cache, store

    text = _text(asked)
    results = _results(cache.open_cached(release, ontology=asked.ontology), text)
    return store.format_results(results, asked.fmt, text, _width(asked.fmt))


def _text(asked: Asked) -> str:
    from .query import store

    text = store.read_query(asked.query_file) if asked.query_file is not None else asked.query
    assert text is not None
    return text


def _results(st: Store, text: str) -> QuerySolutions | QueryBoolean | QueryTriples:
    from .serve import guard

    return guard.run(st, text)


def _width(fmt: str) -> int | None:
    """For a table, the terminal's width, for it to fit; 0 when there is none: a pipe gets every character."""
    return terminal_columns() if fmt == "table" else None


def terminal_columns() -> int:
    """``shutil.get_terminal_size((0, 0)).columns`` without importing ``shutil`` (a few milliseconds of every
    table): ``$COLUMNS`` if it is a positive number, else the width of the terminal standard output is, else 0."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 0


def quick(args: Sequence[str]) -> int | None:
    """Run ``peacegraph query ARGS`` and return its exit code, or ``None`` if click should read ``args``."""
    read = options.plain(args, OPTIONS)
    if read is None:
        return None
    values, arguments = read
    query_file = values["query_file"]
    if len(arguments) > 1 or (not arguments) == (query_file is None):
        return None
    query = arguments[0] if arguments else None
    asked = Asked(query, _given(query_file), str(values["fmt"]), bool(values["ontology"]))
    try:
        return _run(asked, _given(values["collection_dir"]), _given(values["release"]))
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\nAborted!\n")  # as click says it
        return 1
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to say to a closed pipe
        return 1


def _path(value: str | bool | None) -> Path | None:
    from pathlib import Path

    return None if value is None else Path(str(value))


def _given(value: str | bool | None) -> str | None:
    return None if value is None else str(value)


def _run(asked: Asked, collection_dir: str | None, release: str | None) -> int:
    """Answer from what an earlier run found of the release (``query/remembered.py``), else the full way."""
    from .query import remembered

    way = remembered.asking(collection_dir, release, asked.ontology)
    found = remembered.recall(way) if way is not None else None
    try:
        if found is None or not _held(found):
            return _full(asked, collection_dir, release, way)
        _write(asked, found)
    except PeacegraphError as error:
        return _failed(error)
    return 0


def _held(found: Found) -> bool:
    """Whether the store a record names is there, held as the full way holds it (not where the cache cannot be
    written any more: the full way answers from memory there)."""
    from .query import keeping

    try:
        return keeping.hold(stamps.cache_home(), found.store)
    except OSError:
        return False


def _write(asked: Asked, found: Found) -> None:
    """Answer from the store and the IRIs a record names, writing the answer as it is made."""
    from pyoxigraph import Store

    from .query import store

    text = _quick_text(asked)
    st = Store.read_only(os.path.join(stamps.cache_home(), found.store))
    results = store.run(st, _checked(text), store.Iris(found.prefixes, found.base))
    store.write_results(results, asked.fmt, sys.stdout.buffer, text, _width(asked.fmt), found.prefixes)
    sys.stdout.buffer.flush()


def _checked(text: str) -> str:
    """The text to run, as the guard says it (``serve/guard.py``): kept from an earlier run of the same text by
    the same guard (``verdicts.py``), or checked now (and kept, if let through)."""
    from . import verdicts

    run = verdicts.recall(text)
    if run is None:
        from .serve import guard

        run = guard.check(text).text
        verdicts.keep(text, run)
    return run


#: A query file at most this long is read here; a longer one (and standard input) is read by
#: ``store.read_query``, which caps it and explains what is wrong with it.
QUICK_READ_BYTES = 64 * 1024


def _quick_text(asked: Asked) -> str:
    """The query: given, or read from its file, which must be a small regular file in UTF-8 to be read
    here; anything else is read (and refused, if need be) the full way."""
    import stat

    path = asked.query_file
    if path is None or str(path) == "-":
        return _text(asked)
    try:  # never blocks: opened without waiting (a FIFO), and read only if it is a regular file
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
            raw = handle.read(QUICK_READ_BYTES + 1) if regular else None
        text = raw.decode("utf-8") if raw is not None and len(raw) <= QUICK_READ_BYTES else None
    except (OSError, UnicodeDecodeError):
        text = None
    return text if text is not None else _text(asked)


def _full(asked: Asked, collection_dir: str | None, release: str | None, way: str | None) -> int:
    """Find the release the full way (``inputs.find_release``), answer, and remember what was found."""
    from pathlib import Path

    from . import inputs
    from .query import cache, remembered, store
    from .rdf.namespaces import using

    before = stamps.stamp(remembered.iris_file(way)) if way is not None else None
    given = inputs.find_release(_path(collection_dir), _path(release))
    assert given.space is not None  # a query needs the release's IRIs: find_release refuses a release without
    with using(given.space):
        text = _text(asked)
        folder = cache.store_folder(given.out, asked.ontology)
        if way is not None and folder is not None:  # the release is found: whatever the query says, next time quickly
            remembered.keep(way, before, Path(given.out), asked.ontology, folder, store.active_iris())
        results = _results(cache.open_folder(given.out, folder, asked.ontology), text)
        output = store.format_results(results, asked.fmt, text, _width(asked.fmt))
    sys.stdout.buffer.write(output)
    sys.stdout.buffer.flush()
    return 0


def _failed(error: PeacegraphError) -> int:
    """Say what went wrong as click says it, and the exit code for bad input."""
    from .messages import failure

    said = failure(error)
    sys.stderr.write("".join(f"{line}\n" for line in (*said.listed, f"Error: {said.message}")))
    return 2
