"""The release metadata is true of the files next to it: checksums, sizes, counts, version, dates."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, parse
from rdflib import RDF, XSD, Literal, URIRef

from peacegraph import pipeline
from peacegraph.rdf.formats import Format
from peacegraph.release import metadata

from ..conftest import SHARED
from ..syria import DATASET

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
VERSION = URIRef("https://w3id.org/peacegraph/dataset/1.2.0")
#: The SPDX terms of the DCAT 3 checksum pattern (there is no SPDX vocabulary file to check against).
TABLE_NAMES = ("documents", "signatures", "positions", "events", "organizations", "people", "memberships")
SPDX_TERMS = {SPDX.checksum, SPDX.Checksum, SPDX.algorithm, SPDX.checksumValue, SPDX.checksumAlgorithm_sha256}
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
#: The vCard terms of DCAT's contact point (neither is there a vCard vocabulary file to check against).
VCARD_TERMS = {VCARD.Kind, VCARD.fn, VCARD.hasEmail, VCARD.hasURL}


@pytest.fixture(scope="module")
def out(mini_built: pipeline.BuildResult) -> Path:
    return mini_built.files[metadata.VOID_FILE].parent


@pytest.fixture(scope="module")
def void(out: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(out / metadata.VOID_FILE, format="turtle")


def _int(node: rdflib.term.Node | None) -> int:
    assert isinstance(node, Literal)
    return int(node)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils sha256sum is not installed")
def test_sha256sum_accepts_the_checksums(out: Path) -> None:
    done = subprocess.run(["sha256sum", "--check", "--strict", metadata.CHECKSUMS_FILE], cwd=out, capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_checksums_list_every_other_file_and_their_true_digests(out: Path) -> None:
    lines = (out / metadata.CHECKSUMS_FILE).read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    every = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(listed) == every - {metadata.CHECKSUMS_FILE}
    assert "tables/positions.csv" in listed
    assert listed == {name: _sha256(out / name) for name in listed}
    assert {metadata.VOID_FILE, metadata.SCHEMA_ORG_FILE} <= set(listed)


def test_each_dump_has_a_distribution_true_of_its_file(out: Path, void: rdflib.Graph) -> None:
    distributions = set(void.objects(VERSION, DCAT.distribution))
    prefix = f"{VERSION}/"
    offered = {str(void.value(d, DCAT.downloadURL)).removeprefix(prefix): d for d in distributions}
    tables = {f"tables/{name}.csv{suffix}" for name in TABLE_NAMES for suffix in ("", "-metadata.json")}
    assert set(offered) == {fmt.dump_name() for fmt in Format} | {"peacegraph.nt.gz"} | tables
    dumps = {str(url).removeprefix(prefix) for url in void.objects(VERSION, VOID.dataDump)}
    assert dumps == {fmt.dump_name() for fmt in Format} | {"peacegraph.nt.gz"}
    for name, dist in offered.items():
        path = out / name
        assert (dist, RDF.type, DCAT.Distribution) in void
        assert void.value(dist, DCAT.byteSize) == Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)
        if path.suffix[1:] in {fmt.extension for fmt in Format}:
            assert str(void.value(dist, DCAT.mediaType)).endswith("/" + Format.from_path(path).media_type)
        checksum = void.value(dist, SPDX.checksum)
        assert isinstance(checksum, URIRef), "checksum nodes have IRIs"
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == _sha256(path)


def test_gzipped_ntriples_is_the_dump_and_deterministic(out: Path, void: rdflib.Graph) -> None:
    data = (out / "peacegraph.nt.gz").read_bytes()
    assert gzip.decompress(data) == (out / "peacegraph.nt").read_bytes()
    assert data[4:8] == b"\0\0\0\0", "no modification time"
    assert not data[3] & 0x08, "no file name in the header"
    (dist,) = [d for d in void.objects(VERSION, DCAT.distribution) if str(d).endswith("/nt.gz")]
    assert str(void.value(dist, DCAT.compressFormat)).endswith("/application/gzip")
    assert str(void.value(dist, DCAT.mediaType)).endswith("/application/n-triples")


def test_version_issued_and_previous_come_from_the_release_file(void: rdflib.Graph) -> None:
    assert str(void.value(VERSION, DCAT.version)) == "1.2.0"
    assert void.value(VERSION, DCT.issued) == Literal("2017-04-01", datatype=XSD.date)
    assert void.value(VERSION, DCAT.previousVersion) == URIRef("https://w3id.org/peacegraph/dataset/1.1.0")
    assert (URIRef(DATASET), DCAT.hasCurrentVersion, VERSION) in void


def test_description_licence_publisher_endpoint_and_coverage(void: rdflib.Graph) -> None:
    assert void.value(VERSION, DCT.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    publisher = void.value(VERSION, DCT.publisher)
    assert str(void.value(publisher, rdflib.FOAF.name)) == "the peacegraph project"
    assert void.value(VERSION, VOID.sparqlEndpoint) == URIRef("https://w3id.org/peacegraph/sparql")
    assert void.value(VERSION, DCT.spatial) == URIRef("http://www.wikidata.org/entity/Q858")
    period = void.value(VERSION, DCT.temporal)
    # The mini corpus: resolution 2015-12-18 … statement 2017-03-22 (a role's start date is not coverage).
    assert void.value(period, DCAT.startDate) == Literal("2015-12-18", datatype=XSD.date)
    assert void.value(period, DCAT.endDate) == Literal("2017-03-22", datatype=XSD.date)
    assert len(str(void.value(VERSION, DCT.description))) > 50
    examples = set(void.objects(VERSION, VOID.exampleResource))
    assert URIRef("https://w3id.org/peacegraph/id/document/mini-statement") in examples


def test_counts_match_the_dump(out: Path, void: rdflib.Graph) -> None:
    data = rdflib.Graph().parse(out / "peacegraph.nt", format="nt")
    assert _int(void.value(VERSION, VOID.triples)) == len(data)
    for partition in void.objects(VERSION, VOID.classPartition):
        cls = void.value(partition, VOID["class"])
        assert _int(void.value(partition, VOID.entities)) == len(set(data.subjects(RDF.type, cls))), cls
    for partition in void.objects(VERSION, VOID.propertyPartition):
        prop = void.value(partition, VOID.property)
        assert _int(void.value(partition, VOID.triples)) == len(list(data.triples((None, prop, None)))), prop
    assert {void.value(p, VOID["class"]) for p in void.objects(VERSION, VOID.classPartition)} == set(
        data.objects(None, RDF.type)
    )


def test_metadata_has_no_blank_nodes_and_a_second_parser_agrees(out: Path, void: rdflib.Graph) -> None:
    assert not [t for t in void if any(isinstance(n, rdflib.BNode) for n in t)]
    other = [q.triple for q in parse(path=str(out / metadata.VOID_FILE), format=RdfFormat.TURTLE)]
    assert len(other) == len(void)


def test_every_metadata_term_exists(void: rdflib.Graph) -> None:
    vocab_dir = SHARED / "vocab"
    if not vocab_dir.is_dir():
        pytest.skip("../shared/vocab is not beside this checkout")
    vocab = rdflib.Graph()
    for name in ("void.ttl", "dcat.ttl", "dcterms.ttl", "foaf.ttl", "rdf.ttl", "skos.ttl"):
        vocab.parse(vocab_dir / name, format="turtle")
    used = set(void.predicates()) | set(void.objects(None, RDF.type))
    unknown = {t for t in used if t not in SPDX_TERMS | VCARD_TERMS and (t, None, None) not in vocab}
    assert not unknown
    assert {p for p in used if str(p).startswith(str(SPDX))} <= SPDX_TERMS
    assert {p for p in used if str(p).startswith(str(VCARD))} <= VCARD_TERMS


def test_schema_org_dataset_for_the_landing_page(out: Path) -> None:
    document = json.loads((out / metadata.SCHEMA_ORG_FILE).read_text(encoding="utf-8"))
    assert document["@context"] == "https://schema.org/"
    assert document["@type"] == "Dataset"
    assert (document["version"], document["datePublished"]) == ("1.2.0", "2017-04-01")
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["temporalCoverage"] == "2015-12-18/2017-03-22"
    assert document["identifier"] == str(VERSION)
    assert not {"sameAs", "citation"} & set(document)  # none configured
    for download in document["distribution"]:
        path = out / download["name"]
        assert download["contentUrl"].endswith("/" + path.name)
        assert (download["sha256"], download["contentSize"]) == (_sha256(path), f"{path.stat().st_size} bytes")
    # As RDF (schema.org's context is a vocabulary mapping; offline we map it the same way).
    document["@context"] = {"@vocab": "https://schema.org/"}
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    assert not [t for t in graph if any(isinstance(n, rdflib.BNode) for n in t)]
    assert (URIRef(str(VERSION)), RDF.type, URIRef("https://schema.org/Dataset")) in graph


def test_schema_org_dataset_has_the_configured_same_as_and_citations(mini_seeds: Path, tmp_path: Path) -> None:
    config = mini_seeds / "collection.yaml"
    same = ["https://www.wikidata.org/wiki/Q4115189", "https://zenodo.org/records/1234"]
    cited = ["A. Curator (2024). How the dataset was made. https://doi.org/10.1234/abcd"]
    config.write_text(
        config.read_text(encoding="utf-8") + f"same_as: {json.dumps(same)}\ncitations: {json.dumps(cited)}\n",
        encoding="utf-8",
    )
    result = pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "out"))
    document = json.loads(result.files[metadata.SCHEMA_ORG_FILE].read_text(encoding="utf-8"))
    assert (document["sameAs"], document["citation"]) == (same, cited)


def test_without_a_release_file_the_build_is_a_development_build(mini_seeds: Path, tmp_path: Path) -> None:
    (mini_seeds / "release.yaml").unlink()
    result = pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "out"))
    void = rdflib.Graph().parse(result.files[metadata.VOID_FILE], format="turtle")
    version = URIRef("https://w3id.org/peacegraph/dataset/0.0.0")
    assert str(void.value(version, DCAT.version)) == "0.0.0"
    assert void.value(version, DCT.issued) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1.2\nissued: 2017-04-01\n", "unexpected number"),
        ("version: v1.2.0\nissued: 2017-04-01\n", "`v1.2.0` is not as expected: MAJOR.MINOR.PATCH"),
        ("version: 1.2.0\nissued: 2017-02-30\n", "not a real date"),
        ("version: 1.2.0\nissued: 2017-04-01\nprevious: 1.3.0\n", "is not before version"),
        ("version: 1.2.0\n", "missing field `issued`"),
    ],
)
def test_a_bad_release_file_is_a_one_line_error(mini_seeds: Path, tmp_path: Path, text: str, message: str) -> None:
    from peacegraph.errors import InputError

    (mini_seeds / "release.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        pipeline.build(pipeline.Settings(seeds=mini_seeds, out=tmp_path / "out"))
    assert "release.yaml" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_real_release_metadata_is_true_of_its_files(out_dir: Path) -> None:
    lines = (out_dir / metadata.CHECKSUMS_FILE).read_text(encoding="utf-8").splitlines()
    listed = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    every = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
    assert set(listed) == every - {metadata.CHECKSUMS_FILE}
    assert all(listed[name] == _sha256(out_dir / name) for name in listed)
