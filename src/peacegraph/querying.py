"""``peacegraph query``: its options (written once, here) and its work, for click's command and for the
quick start that runs a plain query without importing click (``entry.py``).

The quick start answers a command line only when :func:`options.plain` reads it as click would and
the question is well-formed (a QUERY or a FILE); anything else is click's to read and explain. Its
failures are printed as click prints them: the same words, stream and exit code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from . import options
from .errors import PeacegraphError
from .query.formats import GRAPH_FORMATS, TABLE_FORMATS

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


@dataclass(frozen=True)
class Asked:
    """One run's question: the query (given, or in a file) and how to answer it."""

    query: str | None
    query_file: Path | None
    fmt: str = "table"
    ontology: bool = False


def answer(asked: Asked, release: Path) -> bytes:
    """The results of the query over ``release``'s on-disk store, formatted (a table fits the terminal)."""
    from .query import cache, store
    from .serve import guard

    text = store.read_query(asked.query_file) if asked.query_file is not None else asked.query
    assert text is not None
    results = guard.run(cache.open_cached(release, ontology=asked.ontology), text)
    return store.format_results(results, asked.fmt, text, _width() if asked.fmt == "table" else None)


def _width() -> int:
    """The terminal's width, for a table to fit; 0 when there is none: a pipe gets every character."""
    import shutil

    return shutil.get_terminal_size((0, 0)).columns


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
    asked = Asked(query, _path(query_file), str(values["fmt"]), bool(values["ontology"]))
    try:
        return _run(asked, _path(values["collection_dir"]), _path(values["release"]))
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\nAborted!\n")  # as click says it
        return 1
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to say to a closed pipe
        return 1


def _path(value: str | bool | None) -> Path | None:
    return None if value is None else Path(str(value))


def _run(asked: Asked, collection_dir: Path | None, release: Path | None) -> int:
    from . import inputs
    from .messages import failure
    from .rdf.namespaces import using

    try:
        given = inputs.find_release(collection_dir, release)
        assert given.space is not None  # a query needs the release's IRIs: find_release refuses a release without
        with using(given.space):
            output = answer(asked, given.out)
    except PeacegraphError as error:
        said = failure(error)
        sys.stderr.write("".join(f"{line}\n" for line in (*said.listed, f"Error: {said.message}")))
        return 2
    sys.stdout.buffer.write(output)
    sys.stdout.buffer.flush()
    return 0
