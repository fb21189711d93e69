"""One apostrophe for curated text, through the real command line; printed variants as a source prints them."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from peacegraph.cli import main
from peacegraph.records.typography import straightened

from .. import hostile


def _check(tmp_path: Path, record_file: str) -> tuple[int, str]:
    seeds = tmp_path / "seeds"
    shutil.copytree(hostile.MINI_SEEDS, seeds)
    (seeds / "records" / "zz.yaml").write_text(record_file, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--seeds", str(seeds)])
    return result.exit_code, result.output


def test_a_printed_variant_no_source_prints_is_a_warning(tmp_path: Path) -> None:
    record = 'organizations:\n  - key: gamma\n    name: "Gamma"\n    type: civil-society\n'
    printed = record + '    printed_variants: ["Alpha Grup", "Alpha Group"]\n'
    code, output = _check(tmp_path, printed)
    assert code == 0, output
    assert "zz.yaml:5: unprinted-variant: 'Alpha Grup' is in no source text" in output
    assert "'Alpha Group' is in no source text" not in output  # 000_mini.txt prints it


def test_record_writers_straighten_curated_text_and_leave_quotes_alone() -> None:
    item = {
        "name": "Women\u2019s Network",
        "alternate_names": ["WN\u2019s", {"text": "R\u00e9seau des femmes\u2019", "language": "fr"}],
        "roles": [{"key": "chair", "title": "Chair\u2019s deputy"}],
        "quote": {"text": "Syria\u2019s ceasefire", "start": 0, "end": 18},
    }
    fixed = straightened(item)
    assert fixed["name"] == "Women's Network"
    assert fixed["alternate_names"] == ["WN's", {"text": "R\u00e9seau des femmes'", "language": "fr"}]
    assert fixed["roles"] == [{"key": "chair", "title": "Chair's deputy"}]
    assert fixed["quote"] == item["quote"]
