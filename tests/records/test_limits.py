"""The caps that keep hostile input fast and small, and messages that stay one printable line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from peacegraph.errors import InputError
from peacegraph.messages import MAX_MESSAGE, one_line
from peacegraph.rdf import rdfio
from peacegraph.records import limits, loader, yamlsource
from peacegraph.records.limits import read_bounded

from ..conftest import SEEDS


def test_the_node_budget_is_shared_by_all_record_files(mini_seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mini = yamlsource.read_yaml(mini_seeds / "records" / "mini.yaml")
    monkeypatch.setenv("PEACEGRAPH_MAX_RECORD_NODES", str(mini.nodes + 10))
    extra = mini_seeds / "records" / "zz-more.yaml"
    extra.write_text("topics:\n" + "".join(f"  - {{key: t{n}, label: T, definition: D}}\n" for n in range(5)))
    with pytest.raises(InputError, match="YAML nodes together") as caught:
        loader.load(mini_seeds)
    assert Path(str(caught.value.file)).name == "zz-more.yaml"
    assert caught.value.line == 3  # the eleventh node (keys count): the second topic
    assert f"more than {mini.nodes + 10:,} YAML nodes" in str(caught.value)
    assert "set PEACEGRAPH_MAX_RECORD_NODES higher" in str(caught.value)
    monkeypatch.setenv("PEACEGRAPH_MAX_RECORD_NODES", str(mini.nodes + 100))  # raised, the collection loads
    assert len(loader.load(mini_seeds).topics) >= 5


@pytest.mark.parametrize("value", ["0", "-5", "many", ""])
def test_a_cap_set_to_nonsense_is_refused_naming_it(
    mini_seeds: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PEACEGRAPH_MAX_RECORD_NODES", value)
    with pytest.raises(InputError, match="PEACEGRAPH_MAX_RECORD_NODES must be a positive whole number"):
        loader.load(mini_seeds)


def test_an_rdf_file_over_the_cap_says_which_setting_raises_it(
    out_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = out_dir / "peacegraph.nt"
    monkeypatch.setenv("PEACEGRAPH_MAX_RDF_BYTES", str(dump.stat().st_size - 1))
    with pytest.raises(InputError, match="set PEACEGRAPH_MAX_RDF_BYTES higher") as caught:
        rdfio.read_triples(dump)
    assert f"larger than the limit of {dump.stat().st_size - 1:,} bytes" in str(caught.value)
    monkeypatch.setenv("PEACEGRAPH_MAX_RDF_BYTES", str(dump.stat().st_size))
    assert len(rdfio.read_triples(dump)) == len(dump.read_bytes().splitlines())


def test_a_file_over_the_limit_is_refused_from_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(2**40)  # a terabyte, sparse: reading it would never end
    with pytest.raises(InputError, match="larger than the limit of 1 MiB"):
        read_bounded(big, 2**20, file=big, line=1)


def test_messages_are_one_printable_line() -> None:
    assert one_line("a.yaml:3: bad\nvalue\r\x1b[2J") == "a.yaml:3: bad value \\x1b[2J"
    assert one_line("Ünïcödé 𝄞 ok") == "Ünïcödé 𝄞 ok"
    long = one_line("x" * 5000)
    assert len(long) == MAX_MESSAGE
    assert long.endswith("…")


def test_the_documentation_states_the_limits_in_force() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "explanation" / "hostile-input.md"
    section = page.read_text(encoding="utf-8")
    for stated in (
        f"record file is at most {limits.MAX_RECORD_BYTES // limits.MIB} MiB",
        f"{limits.MAX_YAML_NODES:,} YAML nodes",
        f"together {limits.MAX_TOTAL_YAML_NODES:,}",
        f"nested at most {limits.MAX_DEPTH} levels",
        f"seed text at most {limits.MAX_SOURCE_BYTES // limits.MIB} MiB",
        f"read back at most {limits.MAX_RDF_BYTES // limits.MIB} MiB",
    ):
        assert stated in section, stated


def test_a_rebuild_reads_back_a_previous_release_larger_than_the_cap(out_dir: Path, tmp_path: Path) -> None:
    """The previous release's N-Triples is read a line at a time: the cap on files read whole does not
    stop an honest collection from being built again, however large its last release."""
    previous = tmp_path / "previous"
    shutil.copytree(out_dir, previous)
    dump = previous / "peacegraph.nt"
    cap = max((out_dir / name).stat().st_size for name in ("ontology.ttl", "shapes.ttl")) + 1
    assert cap < dump.stat().st_size
    environment = {**os.environ, "PEACEGRAPH_MAX_RDF_BYTES": str(cap)}
    command = [sys.executable, "-m", "peacegraph", "build", "--collection", str(SEEDS), "--out", str(tmp_path / "o")]
    done = subprocess.run([*command, "--previous", str(previous)], capture_output=True, text=True, env=environment)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "o" / "peacegraph.nt").read_bytes() == (out_dir / "peacegraph.nt").read_bytes()
    broken = tmp_path / "broken.nt"
    broken.write_bytes(dump.read_bytes()[:200] + b"<oops> .\n")
    with pytest.raises(InputError, match="invalid N-Triples") as caught:
        list(rdfio.iter_triples(broken))
    assert caught.value.line is not None
