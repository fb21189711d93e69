"""The quick start of ``peacegraph query`` answers from what an earlier run found of the release
(``query/remembered.py``): the same answers and errors as the full way, and the full way again as soon as
any file the answer depends on has changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peacegraph import collection, querying, stamps
from peacegraph.query import remembered
from peacegraph.rdf import namespaces
from peacegraph.records import known

from ..conftest import SEEDS
from .test_quick import PROGRAM, clicked

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: Runs the program's entry point; its last line on standard error says whether the full way was taken.
SCRIPT = (
    "import sys\n"
    "from peacegraph import entry\n"
    "sys.argv = ['peacegraph', *sys.argv[1:]]\n"
    "try:\n"
    "    entry.main()\n"
    "finally:\n"
    "    sys.stdout.flush()\n"
    "    told = ('peacegraph.inputs', 'pathlib', 'dataclasses', 'typing', 're')\n"
    "    took = ' '.join(m for m in told if m in sys.modules)\n"
    "    sys.stderr.write(f'\\n[{took}]')\n"
)
FULL = "[peacegraph.inputs pathlib dataclasses typing re]"
#: The quick way: the guard's regular expressions only for a text it has not let through before.
QUICK = ("[]", "[re]")


@pytest.fixture(scope="module")
def settled(out_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the release whose files have settled, so that their stamps may be remembered."""
    release = tmp_path_factory.mktemp("remembered") / "out"
    shutil.copytree(out_dir, release)
    time.sleep(known.SETTLED_SECONDS + 0.2)
    return release


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PEACEGRAPH_CACHE", str(folder))
    monkeypatch.setenv("COLUMNS", "60")  # a table is fitted to the terminal's width
    return folder


def asked(*args: str, cwd: Path | None = None) -> tuple[int, str, str, str]:
    """Exit code, output, errors, and the modules that tell the full way from the quick one."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=os.environ
    )
    errors, _, took = done.stderr.rpartition("\n")
    return done.returncode, done.stdout, errors, took


def test_the_second_run_answers_from_the_record(settled: Path, cache: Path, tmp_path: Path) -> None:
    args = ("query", "--release", str(settled), "--format", "csv", COUNT)
    first = asked(*args, cwd=tmp_path)
    assert first[0] == 0
    assert first[3] == FULL
    (record,) = (cache / remembered.RECORDS).iterdir()
    stamped = {line.split("\t")[1] for line in record.read_text(encoding="utf-8").splitlines() if line[:5] == "file\t"}
    readers = {collection.__file__, namespaces.__file__}  # a tool changed in place reads the release again
    assert stamped == {str(settled / "void.ttl"), str(settled / "peacegraph.nt"), *readers}
    second = asked(*args, cwd=tmp_path)
    assert second[:3] == first[:3]
    assert second[3] == "[re]"  # nor pathlib, dataclasses or typing: each costs more than the rest of the start
    third = asked(*args, cwd=tmp_path)  # the guard's verdict on the same text is kept too: no re (verdicts.py)
    assert third == (*first[:3], "[]")


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "csv", COUNT],
        ["--format", "tsv", "SELECT ?s ?p WHERE { ?s ?p ?o } ORDER BY ?s ?p LIMIT 5"],
        ["--format", "json", "SELECT ?s WHERE { ?s a pg:JointStatement } ORDER BY ?s LIMIT 3"],
        ["--format", "xml", "ASK { ?s a pg:JointStatement }"],
        ["SELECT ?s ?name WHERE { ?s schema:name ?name } ORDER BY ?s LIMIT 5"],  # a table, pgid: shortened
        ["ASK {}"],
        ["--format", "ntriples", "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } ORDER BY ?s LIMIT 3"],
        ["DESCRIBE <id/document/nothing>"],  # a relative IRI, against the endpoint's; turtle for a graph
        [
            "--ontology",
            "--format",
            "csv",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/2002/07/owl#Class> }",
        ],
        ["SELECT ?x WHERE { ?x a foo:Bar }"],  # errors the query itself makes
        ["SELECT ?x WHERE { ?x a schema:Place"],
        ["SELEC ?x WHERE { ?x a schema:Place }"],
        ["SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"],
        ["INSERT DATA { <urn:a> <urn:b> <urn:c> }"],
        ["--format", "csv", "DESCRIBE <urn:x:nothing>"],
        ["--format", "turtle", COUNT],
    ],
)
def test_the_quick_way_says_what_the_full_way_says(settled: Path, cache: Path, tmp_path: Path, args: list[str]) -> None:
    given = ["query", "--release", str(settled), *args]
    full = asked(*given, cwd=tmp_path)
    assert full[3] == FULL
    quick = asked(*given, cwd=tmp_path)
    assert "peacegraph.inputs" not in quick[3]  # (a graph is written with the tool's prefixes: rdf.namespaces)
    assert quick[:3] == full[:3] == clicked(*given, cwd=tmp_path)


def test_a_query_file_and_standard_input(settled: Path, cache: Path, tmp_path: Path) -> None:
    saved = tmp_path / "count.rq"
    saved.write_text(f"# how many\n{COUNT}\n", encoding="utf-8")
    asked("query", "--release", str(settled), "--format", "csv", "ASK {}", cwd=tmp_path)  # remembers the release
    from_file = ["query", "-f", str(saved), "--release", str(settled), "--format", "csv"]
    assert asked(*from_file, cwd=tmp_path)[:3] == clicked(*from_file, cwd=tmp_path)
    saved.write_bytes(b"SELECT ?x WHERE { BIND('caf\xe9' AS ?x) }")  # not UTF-8: the full reading explains
    assert asked(*from_file, cwd=tmp_path)[:3] == clicked(*from_file, cwd=tmp_path)
    fifo = tmp_path / "fifo.rq"
    os.mkfifo(fifo)  # never opened to wait for a writer: refused as the full reading refuses it
    from_fifo = ["query", "-f", str(fifo), "--release", str(settled), "--format", "csv"]
    refused = asked(*from_fifo, cwd=tmp_path)
    assert refused[0] == 2
    assert refused[:3] == clicked(*from_fifo, cwd=tmp_path)
    from_stdin = ["query", "-f", "-", "--release", str(settled), "--format", "csv"]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *from_stdin], input=COUNT, capture_output=True, text=True, timeout=120
    )
    assert "peacegraph.inputs" not in done.stderr  # the release as remembered (standard input read by limits.py)
    assert (done.returncode, done.stdout) == clicked(*from_stdin, stdin=COUNT)[:2]


def _rewrite(path: Path, text: str) -> None:
    """Write ``path`` anew (a new change time, a new stamp)."""
    path.write_text(text, encoding="utf-8")


def test_a_changed_dump_is_read_the_full_way(settled: Path, cache: Path, tmp_path: Path) -> None:
    release = tmp_path / "out"
    shutil.copytree(settled, release)
    args = ("query", "--release", str(release), "--format", "csv", COUNT)
    time.sleep(known.SETTLED_SECONDS + 0.2)
    before = asked(*args, cwd=tmp_path)
    assert asked(*args, cwd=tmp_path)[3] in QUICK
    dump = release / "peacegraph.nt"
    _rewrite(dump, "".join(dump.read_text(encoding="utf-8").splitlines(keepends=True)[1:]))
    after = asked(*args, cwd=tmp_path)
    assert after[3] == FULL
    assert int(after[1].split()[1]) == int(before[1].split()[1]) - 1


def test_the_release_found_by_its_void_is_read_again_when_it_changes(
    settled: Path, cache: Path, tmp_path: Path
) -> None:
    release = tmp_path / "out"
    shutil.copytree(settled, release)
    time.sleep(known.SETTLED_SECONDS + 0.2)
    args = ("query", "--release", str(release), "--format", "csv", "SELECT ?x WHERE { BIND(pgid:x AS ?x) }")
    assert asked(*args, cwd=tmp_path)[1] == asked(*args, cwd=tmp_path)[1] == "x\nhttps://w3id.org/peacegraph/id/x\n"
    void = release / "void.ttl"
    _rewrite(void, void.read_text(encoding="utf-8").replace("https://w3id.org/peacegraph/", "https://example.org/c/"))
    code, output, _, took = asked(*args, cwd=tmp_path)
    assert (code, output, took) == (0, "x\nhttps://example.org/c/id/x\n", FULL)


def test_in_a_collection_the_record_follows_its_collection_yaml(settled: Path, cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    config = folder / collection.CONFIG_FILE
    shutil.copy(SEEDS / collection.CONFIG_FILE, config)
    relative = os.path.relpath(settled, folder)
    _rewrite(config, config.read_text(encoding="utf-8").replace("out: ../out", f"out: {relative}"))
    time.sleep(known.SETTLED_SECONDS + 0.2)
    query = ("query", "--format", "csv", "SELECT ?x WHERE { BIND(pgid:x AS ?x) }")
    first = asked(*query, cwd=folder)
    assert first[1] == "x\nhttps://w3id.org/peacegraph/id/x\n"
    again = asked(*query, cwd=folder)
    assert again[:3] == first[:3]
    assert again[3] in QUICK
    assert asked(*query, "--collection", str(folder), cwd=tmp_path)[1:3] == first[1:3]
    _rewrite(
        config, config.read_text(encoding="utf-8").replace("https://w3id.org/peacegraph/", "https://example.org/l/")
    )
    code, output, _, took = asked(*query, cwd=folder)
    assert (code, output, took) == (0, "x\nhttps://example.org/l/id/x\n", FULL)


def test_the_ontology_appearing_is_read_the_full_way(settled: Path, cache: Path, tmp_path: Path) -> None:
    release = tmp_path / "out"
    shutil.copytree(settled, release)
    ontology = (release / "ontology.ttl").read_text(encoding="utf-8")
    (release / "ontology.ttl").unlink()
    time.sleep(known.SETTLED_SECONDS + 0.2)
    args = ("query", "--ontology", "--release", str(release), "--format", "csv", COUNT)
    without = asked(*args, cwd=tmp_path)
    again = asked(*args, cwd=tmp_path)
    assert again[:3] == without[:3]
    assert again[3] in QUICK
    _rewrite(release / "ontology.ttl", ontology)
    code, output, _, took = asked(*args, cwd=tmp_path)
    assert (code, took) == (0, FULL)
    assert int(output.split()[1]) > int(without[1].split()[1])


def test_what_the_full_way_needs_is_what_the_quick_way_computes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick way's cache home and stamps, made without pathlib, are those of ``records.known``."""
    file = tmp_path / "a"
    file.write_text("a", encoding="utf-8")
    assert stamps.stamp(str(file)) == known.stamp_of([file])
    assert stamps.stamp(str(tmp_path)) is None  # not a regular file
    monkeypatch.delenv("PEACEGRAPH_CACHE", raising=False)
    for xdg in (None, "", str(tmp_path / "xdg")):
        if xdg is None:
            monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        assert stamps.cache_home() == str(known.cache_home())
    monkeypatch.setenv("PEACEGRAPH_CACHE", str(tmp_path / "c"))
    assert stamps.cache_home() == str(known.cache_home())


def test_a_record_holds_no_value_it_cannot_say_plainly(tmp_path: Path) -> None:
    file = tmp_path / "void.ttl"
    file.write_text("", encoding="utf-8")
    way = remembered.asking(None, str(tmp_path), False)
    assert way is not None
    found = remembered.Found("0" * 64, {"ex": "https://example.org/"}, "https://example.org/sparql")
    assert remembered.record(way, [str(file)], [], found) is not None
    odd = remembered.Found("0" * 64, {"ex": "https://example.org/\tx"}, "https://example.org/sparql")
    assert remembered.record(way, [str(file)], [], odd) is None
    assert remembered.record(way.replace(str(tmp_path), str(tmp_path) + "\nx"), [str(file)], [], found) is None
    assert remembered.record(way, [str(tmp_path / "gone")], [], found) is None


@pytest.mark.parametrize("columns", [None, "", "x", "0", "-3", "57"])
def test_the_width_of_a_table_is_what_shutil_says(columns: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert querying.terminal_columns() == shutil.get_terminal_size((0, 0)).columns


def test_the_program_starts_without_re(settled: Path, cache: Path, tmp_path: Path) -> None:
    """The installed program is bin/peacegraph (pip's wrapper of an entry point imports ``re``): ``--version``,
    and a query run before (same text, same release), import neither ``re`` nor ``enum``."""
    environment = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    query = [*PROGRAM, "query", "--release", str(settled), "--format", "csv", "ASK { ?s ?p ?o }"]
    for command in ([*PROGRAM, "--version"], query, query, query):
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment, check=True)
        imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.count("|") == 2}
        assert "peacegraph.entry" in imported
    assert not imported & {"re", "enum", "typing", "dataclasses", "pathlib", "click"}
    assert done.stdout == "true\n"


def test_no_working_folder_is_the_full_way(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def gone() -> str:
        raise FileNotFoundError("the working folder was removed")

    monkeypatch.setattr(os, "getcwd", gone)
    assert remembered.asking(None, str(tmp_path), False) is None
    assert remembered.asking(str(tmp_path), None, False) is not None  # a folder given is found without it


def test_a_path_that_is_not_utf8_is_the_full_way(tmp_path: Path) -> None:
    assert remembered.asking(None, str(tmp_path / "caf\udce9"), False) is None


def test_a_record_names_only_a_store(tmp_path: Path, cache: Path) -> None:
    way = remembered.asking(None, str(tmp_path), False)
    assert way is not None
    for name in ("0" * 64, "../../elsewhere"):
        text = remembered.record(way, [], [], remembered.Found(name, {}, "https://example.org/sparql"))
        assert text is not None
        kept = Path(remembered.record_path(way))
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(text, encoding="utf-8")
        found = remembered.recall(way)
        assert (found.store if found else None) == (name if name == "0" * 64 else None)
