"""Where the ontology and shapes are: inside an installed wheel, or at the root of a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(relative: str) -> Path:
    for base in (_PACKAGE / "data", _PACKAGE.parents[1]):
        candidate = base / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"peacegraph resource {relative} is missing from this installation")


def ontology_file() -> Path:
    return _find("ontology/peacegraph.ttl")


def shapes_dir() -> Path:
    return _find("shapes")
