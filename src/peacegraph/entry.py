"""The ``peacegraph`` program: ``--version`` and a plain ``query`` start without click; the rest is ``cli.py``.

Importing click and the commands' modules costs more than a small query over a store already built
(bench/query.py measures both against ``oxigraph query``). So a command line that is exactly
``--version``, or a ``query`` that :func:`peacegraph.querying.quick` reads as click would, is
answered here; anything else (``--help``, a mistake to explain, every other command, shell
completion) goes to click, which reads it as it always has.
"""

from __future__ import annotations

import os
import sys

#: Set by a shell asking click for completions (click's ``_{PROG}_COMPLETE``).
COMPLETION = "_PEACEGRAPH_COMPLETE"


def main() -> None:
    args = sys.argv[1:]
    if COMPLETION not in os.environ:
        if args == ["--version"]:
            from . import __version__

            sys.stdout.write(f"peacegraph, version {__version__}\n")  # as click's version_option says it
            return
        if args[:1] == ["query"]:
            from . import querying

            code = querying.quick(args[1:])
            if code is not None:
                sys.exit(code)
    from .cli import main as click_main

    click_main()
