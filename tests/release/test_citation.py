"""What citation managers and repositories read is valid by their own tools and true of the files."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from datacite import schema45
from rocrate.rocrate import ROCrate
from rocrate_validator import models, services

from peacegraph import pipeline
from peacegraph.release import citation, metadata, versions

from ..conftest import ROOT, SEEDS

CFF_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "citation" / "cff-1.2.0.schema.json"
RO_CRATE_CONTEXT = CFF_SCHEMA.with_name("ro-crate-1.1-context.jsonld")
#: What RO-Crate 1.1 asks that a development build cannot give: it was never published.
UNPUBLISHED = {"ro-crate-1.1_8.4", "ro-crate-1.1_22.4"}


@pytest.fixture(scope="module")
def cff_validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(CFF_SCHEMA.read_text(encoding="utf-8")))


def _stamped(out: Path) -> versions.Release:
    """The release a build of the real seeds is: their release, or X.Y.Z+dev when the dump is not its dump."""
    return versions.stamp(versions.read(SEEDS), pipeline.dump_sha256((out / "peacegraph.nt").read_bytes()))


def test_the_dataset_citation_is_valid_cff(out_dir: Path, cff_validator: jsonschema.Draft7Validator) -> None:
    document = yaml.safe_load((out_dir / citation.CFF_FILE).read_text(encoding="utf-8"))
    assert not list(cff_validator.iter_errors(document))
    rel = _stamped(out_dir)
    assert (document["type"], document["version"], document.get("date-released")) == (
        "dataset",
        rel.version,
        rel.issued,
    )
    assert document["license"] == "CC-BY-4.0"


def test_the_repository_citation_is_valid_and_in_step_with_the_release(
    cff_validator: jsonschema.Draft7Validator,
) -> None:
    """CITATION.cff at the root cites the software (kept by hand: releasing a collection does not write
    it), and refers to the Syria collection's current release."""
    committed = (ROOT / citation.CFF_FILE).read_bytes()
    document = yaml.safe_load(committed)
    assert not list(cff_validator.iter_errors(document))
    assert document["type"] == "software"
    (dataset,) = document["references"]
    assert (dataset["type"], dataset["version"]) == ("data", versions.read(SEEDS).version)


def test_datacite_record_is_valid_by_the_datacite_library(mini_built: pipeline.BuildResult) -> None:
    """Only a release (issued) has a DataCite record: the small seeds built as their release."""
    out = next(iter(mini_built.files.values())).parent
    record = json.loads((out / citation.DATACITE_FILE).read_text(encoding="utf-8"))
    assert schema45.validate(record), list(schema45.validator.iter_errors(record))
    xml = schema45.tostring(record)  # the XML a DOI deposit through the MDS API takes
    assert "<publicationYear>2017</publicationYear>" in xml
    assert record["version"] == "1.2.0"
    assert record["rightsList"][0]["rightsUri"] == "https://creativecommons.org/licenses/by/4.0/"


def test_a_development_build_has_no_datacite_record(mini_seeds: Path, tmp_path: Path) -> None:
    (mini_seeds / "release.yaml").unlink()
    result = pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "out"))
    assert citation.DATACITE_FILE not in result.files
    assert citation.RO_CRATE_FILE in result.files


def test_out_is_an_ro_crate_true_of_its_files(out_dir: Path) -> None:
    crate = ROCrate(str(out_dir))
    assert crate.root_dataset["version"] == _stamped(out_dir).version
    assert crate.root_dataset["license"].id == "https://creativecommons.org/licenses/by/4.0/"
    parts = {entity.id: entity for entity in crate.data_entities}
    every = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
    assert set(parts) == every - {citation.RO_CRATE_FILE}
    for name, entity in parts.items():
        if name == metadata.CHECKSUMS_FILE:
            continue
        data = (out_dir / name).read_bytes()
        assert entity["contentSize"] == str(len(data)), name
        assert entity["sha256"] == hashlib.sha256(data).hexdigest(), name


def _offline_copy(out: Path, into: Path) -> Path:
    """``out`` with the crate's context URL replaced by the context it names, which roc-validator
    would fetch (the extension after it stays as it is)."""
    shutil.copytree(out, into)
    crate = into / citation.RO_CRATE_FILE
    document = json.loads(crate.read_text(encoding="utf-8"))
    context = json.loads(RO_CRATE_CONTEXT.read_text(encoding="utf-8"))["@context"]
    assert document["@context"][0] == "https://w3id.org/ro/crate/1.1/context"
    document["@context"][0] = context
    crate.write_text(json.dumps(document), encoding="utf-8")
    return into


def roc_issues(crate: Path) -> set[tuple[str, str]]:
    """roc-validator's failed checks (identifier, message) against RO-Crate 1.1 at RECOMMENDED,
    which checks every REQUIRED requirement too."""
    settings = services.ValidationSettings(
        rocrate_uri=str(crate), profile_identifier="ro-crate-1.1", requirement_severity=models.Severity.RECOMMENDED
    )
    return {(issue.check.identifier, str(issue.message)) for issue in services.validate(settings).get_issues()}


def test_roc_validator_finds_a_release_clean(mini_built: pipeline.BuildResult, tmp_path: Path) -> None:
    out = next(iter(mini_built.files.values())).parent
    assert roc_issues(_offline_copy(out, tmp_path / "crate")) == set()


def test_roc_validator_finds_a_development_build_clean_but_for_its_date(out_dir: Path, tmp_path: Path) -> None:
    issues = roc_issues(_offline_copy(out_dir, tmp_path / "crate"))
    assert {identifier for identifier, _ in issues} == UNPUBLISHED, issues


def test_every_key_of_the_crate_is_a_term_of_its_context(out_dir: Path) -> None:
    document = json.loads((out_dir / citation.RO_CRATE_FILE).read_text(encoding="utf-8"))
    terms = {*json.loads(RO_CRATE_CONTEXT.read_text(encoding="utf-8"))["@context"], *document["@context"][1]}
    keys = {key for entity in document["@graph"] for key in entity if not key.startswith("@")}
    assert keys <= terms
    assert document["@context"][1]["sha256"] == "http://schema.org/sha256"
    entities = {entity["@id"]: entity for entity in document["@graph"]}
    assert entities[metadata.CHECKSUMS_FILE]["encodingFormat"] == "text/plain"
    author = entities["./"]["author"]
    assert entities[author["@id"]]["@type"] in {"Person", "Organization"}
