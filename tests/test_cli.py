"""The command line over the small corpus: check, stats, validate, query, locate."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph import pipeline
from peacegraph.cli import main

from .conftest import MINI


@pytest.fixture
def mini_out(mini_built: pipeline.BuildResult) -> Path:
    return next(iter(mini_built.files.values())).parent


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_check_reports_counts_and_warnings() -> None:
    code, output = invoke("check", "--collection", str(MINI / "seeds"))
    assert code == 0
    assert output.strip().endswith("ok: 2 documents, 2 positions; the data conforms to the shapes")
    assert "unmentioned: topic" not in output


def test_stats_counts_per_kind_and_document() -> None:
    code, output = invoke("stats", "--collection", str(MINI / "seeds"))
    assert code == 0
    assert "  organizations  3" in output
    assert "mini-statement: 2 signatories, 1 issuers, 2 positions, 1 events reported" in output
    assert "  ceasefire" in output


def test_validate_accepts_a_good_release(mini_out: Path) -> None:
    code, output = invoke("validate", "--release", str(mini_out))
    assert code == 0, output
    assert "conforms" in output


def test_validate_rejects_a_tampered_release(mini_out: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "out"
    tampered.mkdir()
    lines = (mini_out / "peacegraph.nt").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "<https://schema.org/name>" not in line or "/place/aleppo>" not in line]
    assert len(kept) == len(lines) - 1
    (tampered / "peacegraph.nt").write_text("".join(kept), encoding="utf-8")
    code, output = invoke("validate", "--release", str(tampered))
    assert code == 1
    assert "https://w3id.org/peacegraph/id/place/aleppo" in output


def test_validate_without_a_build_is_a_usage_error(tmp_path: Path) -> None:
    code, output = invoke("validate", "--release", str(tmp_path))
    assert code == 2
    assert "run `peacegraph build` first" in output


QUERY = "SELECT DISTINCT ?name WHERE { ?d a pg:Document ; schema:author/schema:name ?name } ORDER BY ?name"


def test_query_table(mini_out: Path) -> None:
    code, output = invoke("query", QUERY, "--release", str(mini_out))
    assert code == 0
    assert output.splitlines()[2:4] == ["Alpha Group", "Beta Network"]
    assert output.rstrip().endswith("(3 rows)")


def test_query_csv_and_json(mini_out: Path) -> None:
    _code, output = invoke("query", QUERY, "--format", "csv", "--release", str(mini_out))
    assert list(csv.reader(io.StringIO(output))) == [["name"], ["Alpha Group"], ["Beta Network"], ["United Nations"]]
    _code, output = invoke("query", QUERY, "--format", "json", "--release", str(mini_out))
    bindings = json.loads(output)["results"]["bindings"]
    assert [b["name"]["value"] for b in bindings] == ["Alpha Group", "Beta Network", "United Nations"]


def test_query_from_file_and_ask(mini_out: Path, tmp_path: Path) -> None:
    query = tmp_path / "ask.rq"
    query.write_text("ASK { ?p a pg:Position ; pg:stance pg:calls-for }", encoding="utf-8")
    assert invoke("query", "-f", str(query), "--release", str(mini_out)) == (0, "true\n")


def test_query_syntax_error_is_a_one_line_usage_error(mini_out: Path) -> None:
    code, output = invoke("query", "SELECT WHERE {", "--release", str(mini_out))
    assert code == 2
    assert output.startswith("Error: SPARQL syntax error")


def test_locate_prints_offsets() -> None:
    code, output = invoke(
        "locate", str(MINI / "seeds" / "000_mini.txt"), "We call for an immediate ceasefire in Aleppo."
    )
    assert (code, output) == (0, "start: 31\nend: 76\n")
    code, output = invoke("locate", str(MINI / "seeds" / "000_mini.txt"), "not there")
    assert code == 2


@pytest.mark.parametrize(
    ("command", "old", "new"),
    [
        ("query", "--out", "--release"),
        ("validate", "--out", "--release"),
        ("serve", "--out", "--release"),
        ("publish", "--out", "--release"),
        ("draft", "--out", "--record-file"),
    ],
)
def test_an_option_has_one_meaning_and_the_old_name_is_hidden(command: str, old: str, new: str) -> None:
    """`--release` is the release a command reads, `--out` what a command writes; the old name is not shown."""
    code, output = invoke(command, "--help")
    assert code == 0
    assert f"  {new} " in output
    assert f"  {old} " not in output


def test_the_old_name_still_works_for_one_release_with_a_deprecation_line(mini_out: Path) -> None:
    result = CliRunner().invoke(main, ["query", "ASK { ?s ?p ?o }", "--out", str(mini_out)])
    assert result.exit_code == 0
    assert result.stdout == "true\n"
    assert (
        result.stderr == "peacegraph: --out is deprecated here, use --release (the old name goes in the next release)\n"
    )
