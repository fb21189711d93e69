"""Shared fixtures: the real corpus and a small one are each built once per session."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Store

from peacegraph import collection, pipeline
from peacegraph.query import store
from peacegraph.rdf.namespaces import using
from peacegraph.release import versions

from .live import serving

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def syria_collection() -> Iterator[collection.Collection]:
    """Tests that call the library directly work on the Syria collection's identifiers, as its CLI does."""
    col = collection.load(SEEDS)
    with using(col.space):
        yield col


@pytest.fixture(scope="session", autouse=True)
def private_temporary_folder() -> Iterator[Path]:
    """The builds of a test session (and of each of its workers) keep their temporary files in a folder of
    their own: a build removes what killed builds left in the temporary folder, and says so, so one left
    there by another test (or by a user's build killed before the tests ran) would add a line to what
    a test's build prints. Every user may go through it (Apache serves the tests' sites as another user)."""
    folder = Path(tempfile.mkdtemp(prefix="peacegraph-tests-"))
    folder.chmod(0o755)
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # read TMPDIR again
    try:
        yield folder
    finally:
        if before is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = before
        tempfile.tempdir = None
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def query_store_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`peacegraph query` keeps stores in a cache; the tests' own, not the user's."""
    os.environ["PEACEGRAPH_CACHE"] = str(tmp_path_factory.mktemp("store-cache"))


#: The signatories of the Small Group ministers' statement of 14 November 2019, in printed order.
SMALL_GROUP_GOVERNMENTS = [
    "government-of-egypt",
    "government-of-france",
    "government-of-germany",
    "government-of-jordan",
    "government-of-saudi-arabia",
    "government-of-united-kingdom",
    "government-of-united-states",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", help="Rewrite golden files from the current output.")


@pytest.fixture(scope="session")
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    """The real seeds, built into a temporary out/."""
    out = tmp_path_factory.mktemp("release") / "out"
    return pipeline.build(pipeline.Settings(seeds=SEEDS, out=out))


@pytest.fixture(scope="session")
def out_dir(built: pipeline.BuildResult) -> Path:
    return next(iter(built.files.values())).parent


@pytest.fixture(scope="session")
def release_server(out_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``peacegraph serve`` over the built release, with the seed texts: one for all the tests that only read."""
    with serving(out_dir, tmp_path_factory.mktemp("serve") / "serve.log", "--collection", str(SEEDS)) as url:
        yield url


@pytest.fixture(scope="session")
def real_store(out_dir: Path) -> Store:
    return store.open_store(out_dir)


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    """The small seed set built as its release file's release (as `peacegraph release` stamps it), not as +dev."""
    out = tmp_path_factory.mktemp("mini") / "out"
    seeds = MINI / "seeds"
    return pipeline.build(pipeline.Settings(seeds=seeds, out=out, release=versions.read(seeds)))


@pytest.fixture
def mini_seeds(tmp_path: Path) -> Path:
    """A private, editable copy of the small seed set."""
    target = tmp_path / "seeds"
    shutil.copytree(MINI / "seeds", target)
    return target


def select(st: Store, query: str) -> list[tuple[str | None, ...]]:
    """Run a SELECT and return its rows as tuples of plain strings, sorted."""
    results = store.run(st, query)
    table = store.to_table(results)  # type: ignore[arg-type]
    return sorted(tuple(row) for row in table.rows)
