"""Where a collection's configuration file is: its name, and the nearest folder holding one.

Apart from ``collection.py`` (which reads and checks the file) so that the quick start of ``peacegraph
query`` can find the collection it runs in with a few ``stat`` calls, importing nothing.
"""

from __future__ import annotations

import os

CONFIG_FILE = "collection.yaml"


def nearest(start: str) -> str | None:
    """The folder holding ``start`` that has a config file: ``start`` itself or its nearest parent; or None."""
    folder = os.path.abspath(start)
    while True:
        if os.path.isfile(os.path.join(folder, CONFIG_FILE)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
