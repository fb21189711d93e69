"""The saved SPARQL queries (``queries/*.rq``): the questions the dataset is built to answer.

Each file starts with comment lines: the first is the query's title, the rest describe it. The
expected result of each query over the published release sits beside it (``NAME.expected.csv``)
and is checked by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SavedQuery:
    path: Path
    name: str
    title: str
    description: str
    text: str

    @property
    def expected(self) -> Path:
        return self.path.with_name(f"{self.name}.expected.csv")


def read(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line.lstrip("#").strip())
    title = comments[0] if comments else path.stem
    return SavedQuery(path, path.stem, title, " ".join(c for c in comments[1:] if c), text)


def saved_queries(directory: Path | None) -> list[SavedQuery]:
    """Every saved query of a collection (its ``queries/`` folder), by file name; none without one."""
    if directory is None or not directory.is_dir():
        return []
    return [read(path) for path in sorted(directory.glob("*.rq"))]
