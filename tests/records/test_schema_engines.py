"""jsonschema-rs, which judges every record file, agrees with jsonschema, which explains the failures."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from peacegraph.errors import InputError
from peacegraph.records import loader
from peacegraph.records.yamlsource import read_yaml

from ..conftest import MINI

ROOT = Path(__file__).resolve().parents[2]


def _readable(file: Path) -> bool:
    """Whether ``file`` is YAML that records are read from (fixtures of bad YAML are not)."""
    try:
        read_yaml(file)
    except InputError:
        return False
    return True


RECORD_FILES = [
    file
    for file in sorted(
        {*(ROOT / "tests" / "fixtures").rglob("records/*.yaml"), *(ROOT / "seeds" / "records").glob("*.yaml")}
    )
    if _readable(file)
]


@pytest.mark.parametrize("file", RECORD_FILES, ids=[str(f.relative_to(ROOT)) for f in RECORD_FILES])
def test_both_engines_give_one_verdict(file: Path) -> None:
    data = read_yaml(file).data
    valid = not list(loader._validator(loader.schema_path()).iter_errors(data))
    assert loader._passes(data) is valid


@pytest.mark.parametrize("value", [10**30, -(10**30), 2**63, True, None, "", "x" * 10_000])
def test_any_value_is_judged_as_jsonschema_judges_it(value: object) -> None:
    data = copy.deepcopy(read_yaml(MINI / "seeds" / "records" / "mini.yaml").data)
    data["positions"][0]["quote"]["start"] = value
    valid = not list(loader._validator(loader.schema_path()).iter_errors(data))
    assert loader._passes(data) is valid
