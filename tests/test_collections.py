"""A collection that is not the Syria one, from `init` to a served, released and published dataset.

The Delta Water Talks (tests/fixtures/delta) is invented for these tests: three short statements with
signatories, a meeting, two places and positions. Every command runs for real, in the collection's
own folder, as a data librarian would run them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode, RdfFormat, parse

from . import hostile
from .live import serving
from .servers import oxigraph

DELTA = Path(__file__).resolve().parent / "fixtures" / "delta"
BASE = "https://example.org/delta/"
TITLE = "The Delta Water Talks"
#: The only IRIs of peacegraph's own that another collection's files may name: its ontology and shapes.
TOOL_IRI = re.compile(r"https://w3id\.org/peacegraph/(?!ontology\b|shapes#)")


def peacegraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "peacegraph", *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


def ok(*args: str, cwd: Path) -> str:
    done = peacegraph(*args, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def start(folder: Path, base: str = BASE, title: str = TITLE) -> Path:
    ok("init", str(folder), "--base", base, "--title", title, "--publisher", "Delta Watch Archive", cwd=folder.parent)
    return folder


def curated(folder: Path) -> Path:
    """The collection with the fixture's texts and reviewed records, as a curator leaves it."""
    for name in ("texts", "records"):
        for file in (DELTA / name).iterdir():
            shutil.copy(file, folder / name / file.name)
    return folder


def traces_of_another_collection(folder: Path) -> list[str]:
    """Files below ``folder`` that mention the Syria collection or name an IRI of peacegraph's own
    beyond its ontology and shapes."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix != ".gz":
            text = path.read_text(encoding="utf-8", errors="replace")
            if re.search(r"syria|peacegraph dataset", text, re.IGNORECASE) or TOOL_IRI.search(text):
                found.append(str(path.relative_to(folder)))
    return found


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The curated Delta collection, built and released as 1.0.0."""
    folder = curated(start(tmp_path_factory.mktemp("delta") / "delta"))
    ok("check", cwd=folder)
    ok("build", "--quiet", cwd=folder)
    ok("release", "1.0.0", "--date", "2021-06-01", cwd=folder)
    return folder


def test_a_new_collection_builds_an_empty_described_release(tmp_path: Path) -> None:
    folder = start(tmp_path / "mine")
    config = yaml.safe_load((folder / "collection.yaml").read_text(encoding="utf-8"))
    assert (config["base"], config["title"], config["publisher"]["name"]) == (BASE, TITLE, "Delta Watch Archive")
    ok("build", cwd=folder)
    void = parse(path=str(folder / "out" / "void.ttl"), format=RdfFormat.TURTLE)
    titles = {t.object.value for t in void if t.predicate.value == "http://purl.org/dc/terms/title"}
    assert TITLE in titles
    assert "0 triples" not in ok("validate", cwd=folder)
    assert traces_of_another_collection(folder / "out") == []


def test_init_refuses_a_folder_with_files_and_leaves_a_collection_alone(tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine\n", encoding="utf-8")
    done = peacegraph("init", str(busy), "--base", BASE, "--title", TITLE, cwd=tmp_path)
    assert done.returncode == 2
    assert "not an empty folder" in done.stderr
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
    folder = start(tmp_path / "mine")
    before = hostile.snapshot(folder)
    again = ok("init", str(folder), "--base", "https://example.org/other/", "--title", "Other", cwd=tmp_path)
    assert "already a collection; nothing changed" in again
    assert hostile.snapshot(folder) == before


def test_a_bad_configuration_is_reported_all_at_once_with_lines(tmp_path: Path) -> None:
    folder = start(tmp_path / "mine")
    config = folder / "collection.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(f'base: "{BASE}"', 'base: "example.org/delta"').replace(
        'licence: "CC-BY-4.0"', "licence: CC-BY-5"
    )
    config.write_text(text + "titel: typo\nthemes: [PEACE]\n", encoding="utf-8")
    done = peacegraph("build", cwd=folder)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.startswith("collection.yaml:")]
    assert len(lines) == 4, done.stderr
    assert any("themes/0: 'PEACE' is not an EU data theme: AGRI, ECON" in line for line in lines)
    assert any("not an absolute http(s) IRI ending in / or #" in line for line in lines)
    assert any("licence: 'CC-BY-5' is not an SPDX licence id" in line for line in lines)
    assert any("unknown key `titel` — did you mean `title`?" in line for line in lines)
    assert not (folder / "out").exists()


def test_iris_of_the_right_form_that_rdf_refuses_are_reported_at_their_lines(tmp_path: Path) -> None:
    """A base, landing page or link that the schema's pattern lets through but that RDF does not read as
    an IRI (a bad percent escape, a bracket in the host) is refused with the others, before any work;
    init refuses such a base and writes nothing."""
    folder = start(tmp_path / "mine")
    config = folder / "collection.yaml"
    original = config.read_text(encoding="utf-8")
    text = original.replace(f'base: "{BASE}"', 'base: "https://example.org/100%25/d%zz/"')
    more = 'landing_page: "https://[delta/"\nsame_as: ["https://example.org/", "https://a.example/%2"]\n'
    config.write_text(text + more, encoding="utf-8")
    done = peacegraph("build", cwd=folder)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("collection.yaml:")]
    numbers = [int(line.split(":")[1]) for line in lines]
    written = config.read_text(encoding="utf-8").splitlines()
    assert [written[n - 1].split(":")[0] for n in numbers] == ["base", "landing_page", "same_as"], lines
    assert "base: 'https://example.org/100%25/d%zz/' is not a valid IRI (" in lines[0]
    assert "it must be an absolute http(s) IRI ending in / or #" in lines[0]
    assert "landing_page: 'https://[delta/' is not a valid IRI (" in lines[1]
    assert "same_as/1: 'https://a.example/%2' is not a valid IRI (" in lines[2]
    assert not (folder / "out").exists()
    refused = peacegraph("init", "other", "--base", "https://example.org/d%zz/", "--title", TITLE, cwd=tmp_path)
    assert refused.returncode == 2
    assert "base: 'https://example.org/d%zz/' is not a valid IRI" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "other").exists()
    line = original.splitlines().index('licence: "CC-BY-4.0"') + 1
    config.write_text(
        original.replace('licence: "CC-BY-4.0"', 'licence: "https://licences.example/%zz"'), encoding="utf-8"
    )
    done = peacegraph("build", cwd=folder)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-2:] == [
        f"collection.yaml:{line}: licence: 'https://licences.example/%zz' is not "
        "a valid IRI (Invalid IRI percent encoding '%zz'); it must be an SPDX licence id (CC-BY-4.0) or the "
        "licence's IRI",
        "Error: 1 error (listed above, by file and line)",
    ]


def test_draft_in_an_empty_collection_proposes_every_name_and_release_refuses(tmp_path: Path) -> None:
    folder = start(tmp_path / "mine")
    raw = tmp_path / "letter.txt"
    shutil.copy(DELTA / "texts" / "001_open-letter.txt", raw)
    summary = ok("draft", str(raw), cwd=folder)
    assert "3 signatories (0 resolved to existing records, 3 proposed as new)" in summary
    ok("build", "--quiet", cwd=folder)
    refused = peacegraph("release", "1.0.0", cwd=folder)
    assert refused.returncode == 2
    assert "open review note" in refused.stderr
    nt = (folder / "out" / "peacegraph.nt").read_text(encoding="utf-8")
    assert f"<{BASE}id/organization/green-shore-alliance>" in nt


def test_released_collection_carries_its_own_metadata(released: Path) -> None:
    out = released / "out"
    dataset = json.loads((out / "dataset.jsonld").read_text(encoding="utf-8"))
    assert (dataset["name"], dataset["version"], dataset["url"]) == (TITLE, "1.0.0", BASE)
    assert dataset["@id"] == f"{BASE}dataset/1.0.0"
    context = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))
    assert context["@context"]["pgid"] == f"{BASE}id/"
    assert (released / "release.yaml").read_text(encoding="utf-8").count("version: 1.0.0") == 1
    assert "## 1.0.0 (2021-06-01)" in (released / "CHANGELOG.md").read_text(encoding="utf-8")
    assert traces_of_another_collection(out) == []


def test_a_collection_outside_git_releases_again_against_its_previous_release_folder(
    released: Path, tmp_path: Path
) -> None:
    """Without a git history, the identifier guard and the diff read the release in out/ itself."""
    folder = tmp_path / "again"
    shutil.copytree(released, folder)
    records = folder / "records" / "delta.yaml"
    text = records.read_text(encoding="utf-8")
    records.write_text(text.replace('name: "Ostria"', 'name: "Republic of Ostria"'), encoding="utf-8")
    assert "1 changed" in ok("release", "1.1.0", "--date", "2021-07-01", cwd=folder)
    lost = folder / "records" / "delta.yaml"
    lost.write_text(lost.read_text(encoding="utf-8").replace("key: ostria", "key: ostria-republic"), encoding="utf-8")
    lost.write_text(lost.read_text(encoding="utf-8").replace("place:ostria", "place:ostria-republic"), encoding="utf-8")
    refused = peacegraph("release", "1.2.0", "--date", "2021-08-01", cwd=folder)
    assert refused.returncode == 2
    assert f"{BASE}id/place/ostria" in refused.stderr


def test_site_and_serve_speak_of_this_collection(released: Path, tmp_path: Path) -> None:
    ok("site", "--out", str(tmp_path / "site"), cwd=released)
    assert traces_of_another_collection(tmp_path / "site") == []
    page = (tmp_path / "site" / "id" / "organization" / "green-shore-alliance.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}id/organization/green-shore-alliance"' in page
    os.chdir(released)  # serve finds the collection as a user would: from the folder it runs in
    try:
        with serving(released / "out", tmp_path / "serve.log") as url:
            home = httpx.get(url + "id/", timeout=30).text
            assert TITLE in home
            assert "Syria" not in home
            query = "SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/peacegraph/ontology#Position> }"
            answer = httpx.get(url + "sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
            assert answer.text.splitlines()[1] == "7"
    finally:
        os.chdir(Path(__file__).resolve().parents[1])


def test_publish_to_a_real_oxigraph_server(released: Path, tmp_path: Path) -> None:
    graph = f"{BASE}graph"
    with oxigraph(tmp_path / "store") as base:
        ok(
            "publish",
            *("--query-endpoint", f"{base}/query", "--update-endpoint", f"{base}/update"),
            *("--store-endpoint", f"{base}/store", "--graph", graph),
            cwd=released,
        )
        query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        counted = httpx.get(f"{base}/query", params={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
    triples = sum(1 for _ in parse(path=str(released / "out" / "peacegraph.nt"), format=RdfFormat.N_TRIPLES))
    assert int(counted.text.splitlines()[1]) == triples


def _identifiers(out: Path, base: str) -> set[str]:
    return {
        term.value
        for triple in parse(path=str(out / "peacegraph.nt"), format=RdfFormat.N_TRIPLES)
        for term in (triple.subject, triple.object)
        if term.value.startswith(base)
    }


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("twins")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.sampled_from(["archive", "letters", "talks", "river", "x"]), min_size=1, max_size=2, unique=True),
    st.sampled_from(["/", "#"]),
)
def test_two_collections_never_share_an_identifier_nor_touch_each_other(
    twins: Path, words: list[str], end: str
) -> None:
    """Two collections with the same records under different bases: disjoint identifiers, and building
    one neither changes the other's files nor depends on them (its bytes are the same alone)."""
    case = twins / f"{'-'.join(words)}{'h' if end == '#' else 's'}"
    if case.exists():
        shutil.rmtree(case)
    case.mkdir()
    first = curated(start(case / "first", base=f"https://example.org/{'/'.join(words)}{end}"))
    second = curated(start(case / "second", base=f"https://example.net/{'/'.join(words)}/"))
    ok("build", "--quiet", cwd=second)
    untouched = hostile.snapshot(second)
    ok("build", "--quiet", cwd=first)
    assert hostile.snapshot(second) == untouched
    mine = _identifiers(first / "out", f"https://example.org/{'/'.join(words)}{end}id/")
    theirs = _identifiers(second / "out", f"https://example.net/{'/'.join(words)}/id/")
    assert mine
    assert len(mine) == len(theirs)
    assert not mine & theirs
    alone = case / "alone"
    shutil.copytree(first, alone, ignore=shutil.ignore_patterns("out"))
    ok("build", "--quiet", cwd=alone)
    assert hostile.snapshot(alone / "out") == hostile.snapshot(first / "out")


def test_one_process_building_two_collections_keeps_their_identifiers_apart(tmp_path: Path) -> None:
    """Caches keyed by a record's key alone would give the second collection the first one's IRIs."""
    from peacegraph import pipeline

    built = {}
    for name, base in (("first", "https://example.org/first/"), ("second", "https://example.net/second/")):
        folder = curated(start(tmp_path / name, base=base))
        result = pipeline.build(pipeline.Settings(seeds=folder, out=folder / "out"))
        built[base] = {t.subject.value for t in result.triples if isinstance(t.subject, NamedNode)}
    for base, subjects in built.items():
        assert subjects
        assert all(subject.startswith(base) or "w3id.org/peacegraph/ontology" in subject for subject in subjects)


def test_a_citation_reads_back_the_collections_title_and_licence(tmp_path: Path) -> None:
    """BibTeX reads ``&``, ``%``, ``#`` and ``_`` as markup: a title holding them is escaped, and the licence
    the citation names is the collection's own."""
    title = "Rivers & Deltas: 100% of #water_talks"
    folder = tmp_path / "rivers"
    ok("init", str(folder), "--base", BASE, "--title", title, "--licence", "CC0-1.0", cwd=tmp_path)
    ok("build", "--quiet", cwd=folder)
    ok("site", "--out", str(tmp_path / "site"), cwd=folder)
    page = html.unescape((tmp_path / "site" / "dataset.html").read_text(encoding="utf-8"))
    bibtex = page[page.index("@misc{") :]
    bibtex = bibtex[: bibtex.index("\n}") + 2]
    assert r"title = {{Rivers \& Deltas: 100\% of \#water\_talks}}" in bibtex
    assert "licensed under CC0 1.0}" in bibtex
    assert "CC BY" not in bibtex


#: An invented collection's regions file: one shape, for its country, from its own survey (Q4115189 is
#: Wikidata's sandbox item, which no real place has).
REGIONS = """{"source": "Delta Survey 2021, river basins", "licence": "CC0-1.0", "regions": [
{"wikidata": "Q4115189", "name": "Ostria", "rings": [[[10.0, 40.0], [12.5, 40.0], [12.5, 42.0], [10.0, 42.0]]]}
]}
"""


def mapped(folder: Path, regions: str) -> Path:
    """The collection with Ostria linked to its QID and a regions file named in its collection.yaml."""
    with (folder / "wikidata.csv").open("a", encoding="utf-8") as table:
        table.write("ostria,Ostria,Q4115189,verified,invented for the tests\n")
    records = folder / "records" / "delta.yaml"
    text = records.read_text(encoding="utf-8")
    records.write_text(
        text.replace("    type: country\n", "    type: country\n    wikidata: Q4115189\n"), encoding="utf-8"
    )
    (folder / "geo").mkdir()
    (folder / "geo" / "regions.json").write_text(regions, encoding="utf-8")
    with (folder / "collection.yaml").open("a", encoding="utf-8") as config:
        config.write("map:\n  regions: geo/regions.json\n")
    return folder


def test_a_collection_brings_its_own_regions_and_its_release_carries_them(tmp_path: Path) -> None:
    """The map draws the collection's own shape, from its folder at build time and from the release
    alone afterwards: the release holds the file, listed in SHA256SUMS, and a site made from a copy
    of the release, with no collection around, still draws it."""
    folder = mapped(curated(start(tmp_path / "delta")), REGIONS)
    ok("build", "--quiet", cwd=folder)
    out = folder / "out"
    assert (out / "regions.json").read_text(encoding="utf-8") == REGIONS
    sums = (out / "SHA256SUMS").read_text(encoding="utf-8")
    assert re.search(r"^[0-9a-f]{64}  regions\.json$", sums, re.MULTILINE), sums
    release = tmp_path / "elsewhere" / "release"
    shutil.copytree(out, release)
    shutil.rmtree(folder)
    ok("site", "--release", str(release), "--out", str(tmp_path / "site"), cwd=release.parent)
    page = (tmp_path / "site" / "id" / "place" / "ostria.html").read_text(encoding="utf-8")
    assert "Delta Survey 2021, river basins (boundary, Q4115189)" in page
    assert re.search(r'<path d="M[0-9.,L]+Z" fill="#[0-9a-f]{6}" fill-opacity="0\.5"', page)  # the focus's shape
    assert (tmp_path / "site" / "regions.json").read_text(encoding="utf-8") == REGIONS
    with serving(release, tmp_path / "serve.log") as url:
        served = httpx.get(url + "id/place/ostria", headers={"Accept": "text/html"}, timeout=30).text
        assert "Delta Survey 2021, river basins (boundary, Q4115189)" in served
        assert httpx.get(url + "regions.json", timeout=30).text == REGIONS


def test_a_collection_without_regions_has_a_map_of_countries_and_points(tmp_path: Path) -> None:
    folder = curated(start(tmp_path / "delta"))
    records = folder / "records" / "delta.yaml"
    point = '    coordinates: {latitude: "45.2", longitude: "12.3", source: "Delta Survey 2021, towns"}\n'
    text = records.read_text(encoding="utf-8")
    records.write_text(text.replace("    type: city\n", "    type: city\n" + point), encoding="utf-8")
    ok("build", "--quiet", cwd=folder)
    assert not (folder / "out" / "regions.json").exists()
    ok("site", "--out", str(tmp_path / "site"), cwd=folder)
    page = (tmp_path / "site" / "id" / "place" / "index.html").read_text(encoding="utf-8")
    assert page.count("<circle") == 1  # Port Laval
    assert page.count('fill-opacity="0.06"') > 3  # the countries around it, from the package
    assert "Delta Survey 2021, towns" in page


SECOND = REGIONS.splitlines()[1]


@pytest.mark.parametrize(
    ("regions", "expected"),
    [
        (
            REGIONS.replace("[12.5, 42.0]", "[12.5, 95.0]"),
            ["geo/regions.json:2: regions/0/rings/0/2: 95.0 is not a latitude in degrees (-90 to 90)"],
        ),
        (
            REGIONS.replace(SECOND, SECOND.replace("Q4115189", "Q4115189x") + ",\n" + SECOND + ",\n" + SECOND),
            [
                "geo/regions.json:2: regions/0/wikidata: 'Q4115189x' is not a Wikidata item id such as Q858",
                "geo/regions.json:4: regions/2: Q4115189 is given twice",
            ],
        ),
        (
            REGIONS.replace("[[[10.0, 40.0], [12.5", "[[[10.0], [12.5"),
            ["geo/regions.json:2: regions/0/rings/0/0: [10.0] is not a point [longitude, latitude]"],
        ),
        (REGIONS.replace('"name": "Ostria", ', ""), ["geo/regions.json:2: regions/0: 'name' is a required property"]),
        (REGIONS.replace("]]]}\n", "]]]\n"), ["geo/regions.json:3: not valid JSON: Expecting ',' delimiter"]),
    ],
)
def test_a_bad_regions_file_is_refused_at_its_line(tmp_path: Path, regions: str, expected: list[str]) -> None:
    folder = mapped(curated(start(tmp_path / "delta")), regions)
    for command in ("check", "build"):
        done = peacegraph(command, cwd=folder)
        assert done.returncode == 2, done.stdout + done.stderr
        said = [line.removeprefix("Error: ") for line in done.stderr.splitlines() if "regions.json" in line]
        assert said == expected, done.stderr
    assert not (folder / "out").exists()
    (folder / "geo" / "regions.json").unlink()
    done = peacegraph("build", cwd=folder)
    assert done.returncode == 2
    assert "geo/regions.json: no such file, which collection.yaml names under map: regions:" in done.stderr


def test_outside_a_collection_a_release_by_version_or_revision_is_refused_plainly(tmp_path: Path) -> None:
    """Nothing falls back on a folder named seeds/ or out/ in the current folder: a release named by its
    version or a git revision is a collection's, and without one the command says so."""
    (tmp_path / "seeds").mkdir()  # a folder that looks like this repository's is no collection either
    for spec in ("release:1.0.0", "git:HEAD"):
        done = peacegraph("diff", spec, spec, cwd=tmp_path)
        assert done.returncode == 2
        assert done.stderr == (
            f"Error: {spec}: names a release in a collection's history; run inside the collection or give "
            "--collection DIR\n"
        )
    done = peacegraph("build", cwd=tmp_path)
    assert done.returncode == 2
    assert "no collection.yaml in" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeds"]


def test_a_library_setting_defaults_to_the_collection_the_current_folder_is_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peacegraph import pipeline
    from peacegraph.errors import InputError
    from peacegraph.remote import wikidata

    folder = start(tmp_path / "letters")
    monkeypatch.chdir(folder / "records")
    assert pipeline.Settings().seeds == folder
    assert wikidata.Settings().seeds == folder
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"no collection\.yaml in"):
        pipeline.Settings()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_git_revision_is_the_collections_release_folder_wherever_it_is(tmp_path: Path) -> None:
    """In a repository holding a collection in a subfolder, git:REV reads that collection's out/, not
    an out/ at the top of the repository."""
    repo = tmp_path / "repo"
    repo.mkdir()
    folder = curated(start(repo / "letters"))
    ok("build", "--quiet", cwd=folder)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "release"], check=True)
    said = ok("diff", "git:HEAD", "letters/out", "--collection", "letters", cwd=repo)
    assert said.splitlines() == ["git:HEAD → letters/out", "no changes"]
