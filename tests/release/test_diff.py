"""`peacegraph diff OLD NEW`: entities added, removed and changed per class, and triple changes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from peacegraph import pipeline
from peacegraph.cli import main

RECORD = Path("records") / "mini.yaml"
PG = "https://w3id.org/peacegraph/ontology#"
ID = "https://w3id.org/peacegraph/id/"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def two_releases(mini_seeds: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The mini corpus, then a release that renames a person and adds an organization."""
    old, new = tmp_path / "old", tmp_path / "new"
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=old))
    path = mini_seeds / RECORD
    text = path.read_text(encoding="utf-8").replace('name: "Jane Envoy"', 'name: "Jane Q. Envoy"')
    text = text.replace(
        "organizations:\n",
        'organizations:\n  - key: gamma-council\n    name: "Gamma Council"\n    type: local-council\n',
    )
    path.write_text(text, encoding="utf-8")
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=new))
    return old, new


def test_json_counts_entities_per_class_and_lists_triples(two_releases: tuple[Path, Path]) -> None:
    old, new = two_releases
    code, output = _invoke("diff", str(old), str(new), "--json")
    assert code == 0, output
    found = json.loads(output)
    assert found["summary"]["entities"] == {"added": 1, "removed": 0, "changed": 1, "deprecated": 0}
    assert found["classes"][PG + "LocalCouncil"] == {"added": 1, "removed": 0, "changed": 0}
    assert found["classes"][PG + "Person"] == {"added": 0, "removed": 0, "changed": 1}
    assert [e["iri"] for e in found["entities"]["added"]] == [ID + "organization/gamma-council"]
    (changed,) = found["entities"]["changed"]
    assert changed["iri"] == ID + "person/jane-envoy"
    label, name = "<http://www.w3.org/2000/01/rdf-schema#label>", "<https://schema.org/name>"
    assert changed["removed"] == [f'<{ID}person/jane-envoy> {p} "Jane Envoy"@en .' for p in (label, name)]
    assert changed["added"] == [f'<{ID}person/jane-envoy> {p} "Jane Q. Envoy"@en .' for p in (label, name)]
    assert len(found["triples"]["added"]) == found["summary"]["triples"]["added"] == 8
    assert found["triples"]["removed"] == changed["removed"]


def test_text_is_readable_in_a_terminal(two_releases: tuple[Path, Path]) -> None:
    old, new = two_releases
    code, output = _invoke("diff", str(old / "peacegraph.nt"), str(new / "peacegraph.ttl"))
    assert code == 0, output
    lines = output.splitlines()
    assert lines[1] == "entities: 1 added, 0 removed, 1 changed (0 deprecated); triples: 8 added, 2 removed"
    assert any(line.split() == ["pg:LocalCouncil", "1", "0", "0"] for line in lines)
    assert "  + pgid:organization/gamma-council  (schema:GovernmentOrganization, schema:Organization," in output
    assert '      - schema:name "Jane Envoy"@en' in lines
    assert '      + schema:name "Jane Q. Envoy"@en' in lines


def test_a_release_against_itself_has_no_changes(two_releases: tuple[Path, Path]) -> None:
    old, _new = two_releases
    code, output = _invoke("diff", str(old), str(old / "peacegraph.jsonld"))
    assert (code, output.splitlines()[1]) == (0, "no changes")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_revisions(
    two_releases: tuple[Path, Path], mini_seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = two_releases
    repo = tmp_path / "repo"
    (repo / "out").mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    for release in (old, new):
        shutil.copy(release / "peacegraph.nt", repo / "out" / "peacegraph.nt")
        subprocess.run([*git, "add", "out/peacegraph.nt"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", f"release {release.name}"], check=True)
    monkeypatch.chdir(repo)
    code, output = _invoke("diff", "git:HEAD~1", "git:HEAD")
    assert code == 2  # no collection here: whose release folder?
    assert "git:HEAD~1: names a release in a collection's history; run inside the collection" in output
    shutil.copy(mini_seeds / "collection.yaml", repo / "collection.yaml")  # its release folder is out/
    code, output = _invoke("diff", "git:HEAD~1", "git:HEAD", "--json")
    assert code == 0, output
    assert json.loads(output)["summary"]["entities"]["added"] == 1
    code, output = _invoke("diff", "git:no-such-revision", "git:HEAD")
    assert code == 2
    assert output.startswith("Error: git:no-such-revision: fatal:")


@pytest.mark.parametrize(
    ("spec", "message"),
    [("missing-dir", "no such dump"), ("notes.txt", "unknown RDF syntax '.txt'"), ("git:", "name a git revision")],
)
def test_bad_arguments_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    code, output = _invoke("diff", spec, spec)
    assert code == 2
    assert message in output


def test_a_dump_that_does_not_parse_is_a_usage_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.nt"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    code, output = _invoke("diff", str(broken), str(broken))
    assert code == 2
    assert output.startswith(f"Error: {broken}:")
    assert "invalid" in output
