"""`peacegraph release VERSION`: semantic versions, the stamped metadata and a changelog entry."""

from __future__ import annotations

import datetime
import json
from dataclasses import replace
from pathlib import Path

import pytest
import rdflib
import yaml
from click.testing import CliRunner
from datacite import schema45

from peacegraph import pipeline
from peacegraph.cli import main
from peacegraph.errors import InputError
from peacegraph.release import versions

RECORD = Path("records") / "mini.yaml"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture
def previous(mini_seeds: Path, tmp_path: Path) -> Path:
    """A copy of release 1.2.0 of the mini corpus, kept apart from out/."""
    kept = tmp_path / "v1.2.0"
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=kept))
    return kept


def _release(seeds: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["release", *args, "--collection", str(seeds), "--out", str(out), "--changelog", str(out.parent / "CL.md")],
    )
    return result.exit_code, result.output


def _snapshot(*paths: Path) -> dict[Path, bytes]:
    files = [p for path in paths if path.exists() for p in ([path] if path.is_file() else sorted(path.rglob("*")))]
    files = [p for p in files if p.is_file()]
    return {p: p.read_bytes() for p in files}


def test_release_stamps_the_metadata_and_adds_a_changelog_entry(
    mini_seeds: Path, previous: Path, tmp_path: Path
) -> None:
    path = mini_seeds / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace('name: "Jane Envoy"', 'name: "Jane Q. Envoy"'))
    out = tmp_path / "out"
    code, output = _release(mini_seeds, out, "1.3.0", "--date", "2017-05-02", "--since", str(previous))
    assert code == 0, output
    assert "commit it with" in output
    assert "a tag v1.3.0 is optional" in output
    stamped = versions.read(mini_seeds)
    assert replace(stamped, dump=None) == versions.Release("1.3.0", "2017-05-02", "1.2.0")
    assert stamped.dump == pipeline.dump_sha256((out / "peacegraph.nt").read_bytes())
    void = rdflib.Graph().parse(out / "void.ttl", format="turtle")
    version = rdflib.URIRef("https://w3id.org/peacegraph/dataset/1.3.0")
    assert str(void.value(version, DCAT.version)) == "1.3.0"
    assert str(void.value(version, DCAT.previousVersion)).endswith("/dataset/1.2.0")
    changelog = (tmp_path / "CL.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert "## 1.3.0 (2017-05-02)" in changelog
    assert "- Entities: 0 added, 0 removed, 1 changed, 0 deprecated." in changelog
    assert "| `pg:Person` | 0 | 0 | 1 |" in changelog
    assert not (tmp_path / "CITATION.cff").exists(), "releasing a collection writes no software citation"
    dataset = yaml.safe_load((out / "CITATION.cff").read_text(encoding="utf-8"))
    assert (dataset["version"], dataset["date-released"]) == ("1.3.0", "2017-05-02")
    assert json.loads((out / "datacite.json").read_text(encoding="utf-8"))["publicationYear"] == "2017"


def test_a_doi_reserved_for_the_release_is_kept_and_written_into_its_metadata(
    mini_seeds: Path, previous: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    doi = "10.5281/zenodo.1234567"
    code, output = _release(mini_seeds, out, "1.3.0", "--date", "2017-05-02", "--since", str(previous), "--doi", doi)
    assert code == 0, output
    assert versions.read(mini_seeds).doi == doi
    assert f"doi: {doi}\n" in (mini_seeds / "release.yaml").read_text(encoding="utf-8")
    record = json.loads((out / "datacite.json").read_text(encoding="utf-8"))
    assert record["doi"] == doi
    assert f'<identifier identifierType="DOI">{doi}</identifier>' in schema45.tostring(record)
    assert yaml.safe_load((out / "CITATION.cff").read_text(encoding="utf-8"))["doi"] == doi
    assert json.loads((out / "dataset.jsonld").read_text(encoding="utf-8"))["identifier"] == "https://doi.org/" + doi
    before = _snapshot(out)
    pipeline.build(pipeline.Settings(seeds=mini_seeds, out=out))  # the release's own build keeps its DOI
    assert _snapshot(out) == before


def test_without_a_doi_the_datacite_record_has_none(mini_seeds: Path, previous: Path, tmp_path: Path) -> None:
    code, output = _release(mini_seeds, tmp_path / "out", "1.3.0", "--date", "2017-05-02", "--since", str(previous))
    assert code == 0, output
    assert "doi" not in json.loads((tmp_path / "out" / "datacite.json").read_text(encoding="utf-8"))
    assert "doi:" not in (mini_seeds / "release.yaml").read_text(encoding="utf-8")


def test_a_rebuild_after_the_release_is_byte_identical(mini_seeds: Path, previous: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _release(mini_seeds, out, "2.0.0", "--date", "2018-01-01", "--since", str(previous))[0] == 0
    released = _snapshot(out)
    rebuilt = pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "again"))
    assert {p.relative_to(out).as_posix(): data for p, data in released.items()} == {
        name: path.read_bytes() for name, path in rebuilt.files.items()
    }


def test_a_build_of_changed_data_after_a_release_is_stamped_unreleased(
    mini_seeds: Path, previous: Path, tmp_path: Path
) -> None:
    """Two different dumps are never both called 2.0.0: a changed build is 2.0.0+dev, "changes since 2.0.0"."""
    assert _release(mini_seeds, tmp_path / "out", "2.0.0", "--date", "2018-01-01", "--since", str(previous))[0] == 0
    path = mini_seeds / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace('name: "Jane Envoy"', 'name: "Jane Q. Envoy"'))
    result = CliRunner().invoke(main, ["build", "-q", "--collection", str(mini_seeds), "--out", str(tmp_path / "dev")])
    assert result.exit_code == 0, result.output
    dataset = json.loads((tmp_path / "dev" / "dataset.jsonld").read_text(encoding="utf-8"))
    assert dataset["version"] == "2.0.0+dev"
    assert "datePublished" not in dataset
    void = rdflib.Graph().parse(tmp_path / "dev" / "void.ttl", format="turtle")
    version = rdflib.URIRef("https://w3id.org/peacegraph/dataset/2.0.0+dev")
    assert str(void.value(version, DCAT.previousVersion)).endswith("/dataset/2.0.0")
    assert void.value(version, rdflib.URIRef("http://purl.org/dc/terms/issued")) is None


def test_a_release_file_without_the_dump_of_its_release_builds_unreleased(mini_seeds: Path, tmp_path: Path) -> None:
    """A release file that does not say which dump is its release: every build is X.Y.Z+dev."""
    result = pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "out"))
    dataset = json.loads(result.files["dataset.jsonld"].read_bytes())
    assert dataset["version"] == "1.2.0+dev"


def test_the_next_release_goes_on_top_of_the_changelog(mini_seeds: Path, previous: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _release(mini_seeds, out, "1.2.1", "--date", "2017-05-01", "--since", str(previous))[0] == 0
    assert _release(mini_seeds, out, "1.3.0", "--date", "2017-06-01", "--since", str(previous))[0] == 0
    changelog = (tmp_path / "CL.md").read_text(encoding="utf-8")
    assert changelog.index("## 1.3.0") < changelog.index("## 1.2.1")
    assert changelog.count("# Changelog") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1.2.0", "--date", "2017-05-01"], "must be greater than the current 1.2.0"),
        (["1.1.9", "--date", "2017-05-01"], "must be greater than the current 1.2.0"),
        (["1.3", "--date", "2017-05-01"], "not a semantic version"),
        (["1.3.0", "--date", "2017-03-01"], "is before 1.2.0 (2017-04-01)"),
        (["1.3.0", "--doi", "https://doi.org/10.5281/zenodo.1234"], "is not a DOI such as 10.5281/zenodo.1234"),
    ],
)
def test_bad_versions_change_nothing(
    mini_seeds: Path, previous: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    before = _snapshot(mini_seeds / "release.yaml", out)
    code, output = _release(mini_seeds, out, *args, "--since", str(previous))
    assert code == 2
    assert message in output
    assert _snapshot(mini_seeds / "release.yaml", out) == before
    assert not (tmp_path / "CL.md").exists()
    assert not (tmp_path / "CITATION.cff").exists()


def test_an_identifier_lost_since_the_previous_release_fails_it(
    mini_seeds: Path, previous: Path, tmp_path: Path
) -> None:
    path = mini_seeds / RECORD
    text = path.read_text(encoding="utf-8").replace(
        '  - key: local-ceasefire\n    label: "Local ceasefire"\n    definition: "A truce in one place."\n'
        "    broader: topic:ceasefire\n",
        "",
    )
    path.write_text(text, encoding="utf-8")
    code, output = _release(mini_seeds, tmp_path / "out", "1.3.0", "--since", str(previous))
    assert code == 2
    assert "<https://w3id.org/peacegraph/id/topic/local-ceasefire>" in output
    assert versions.read(mini_seeds).version == "1.2.0"
    assert not (tmp_path / "out").exists()


def test_semantic_versions_compare_numerically() -> None:
    assert versions.semver("1.10.0") > versions.semver("1.9.12")
    current = versions.Release("0.9.0", "2020-01-01")
    assert versions.successor(current, "0.10.0", datetime.date(2020, 1, 2)).previous == "0.9.0"
    with pytest.raises(InputError):
        versions.semver("01.2.3")
