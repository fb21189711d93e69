"""The IRIs of the Syria collection (``seeds/collection.yaml``), which most tests build and read."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from peacegraph import collection

SEEDS: Final = Path(__file__).resolve().parents[1] / "seeds"
SPACE: Final = collection.load(SEEDS).space
ID: Final = SPACE.id
DATASET: Final = SPACE.dataset
CONTEXT_IRI: Final = SPACE.context
