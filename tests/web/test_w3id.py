"""`peacegraph w3id`: the rules that register a collection's base with w3id.org, in the folder its
repository expects, run by Apache httpd (Debian's apache2, as w3id.org runs) and answering 303 See
Other from each identifier to the published site."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from peacegraph.cli import main
from peacegraph.pages import w3id

from .test_site import apache

SITE = "https://data.example.org/letters/"


@pytest.fixture(scope="module")
def w3id_org() -> Iterator[str]:
    """A stand-in for w3id.org: Apache serving a folder with the rules for the base https://w3id.org/pg/letters/,
    in a directory every user may read (Apache serves it as an unprivileged user)."""
    docroot = Path(tempfile.mkdtemp(prefix="peacegraph-w3id-"))
    try:
        w3id.write("https://w3id.org/pg/letters/", SITE, docroot)
        for path in [docroot, *docroot.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        with apache(docroot) as url:
            yield url + "pg/letters/"
    finally:
        shutil.rmtree(docroot)


def _location(url: str, accept: str) -> tuple[int, str]:
    response = httpx.get(url, headers={"accept": accept})
    return response.status_code, response.headers.get("location", "")


@pytest.mark.parametrize(
    ("path", "accept", "expected"),
    [
        ("id/organization/river-watch", "text/turtle", (303, SITE + "id/organization/river-watch.ttl")),
        ("id/organization/river-watch", "application/ld+json", (303, SITE + "id/organization/river-watch.jsonld")),
        ("id/organization/river-watch", "text/html,*/*;q=0.8", (303, SITE + "id/organization/river-watch.html")),
        ("id/position/letter-1/evidence", "*/*", (303, SITE + "id/position/letter-1.html#evidence")),
        ("ontology", "application/n-triples", (303, SITE + "ontology.nt")),
        ("dataset", "text/turtle", (303, SITE + "peacegraph.ttl")),
        ("tables/people.csv", "*/*", (302, SITE + "tables/people.csv")),
        ("", "*/*", (302, SITE)),
    ],
)
def test_w3id_sends_each_identifier_to_the_site(
    w3id_org: str, path: str, accept: str, expected: tuple[int, str]
) -> None:
    assert _location(w3id_org + path, accept) == expected


def test_the_command_writes_the_folder_named_after_the_base(mini_seeds: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "w3id",
            "--site-url",
            "https://example.github.io/pg",
            "--out",
            str(tmp_path / "w3id.org"),
            "--collection",
            str(mini_seeds),
        ],
    )
    assert result.exit_code == 0, result.output
    rules = (tmp_path / "w3id.org" / "peacegraph" / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteRule ^(.*)$ https://example.github.io/pg/$1 [R=302,L]" in rules
    assert [path.name for path in (tmp_path / "w3id.org").iterdir()] == ["peacegraph"]


@pytest.mark.parametrize(
    ("base", "url", "message"),
    [
        ("https://example.org/letters/", SITE, "is not a folder of https://w3id.org/"),
        ("https://w3id.org/", SITE, "is not a folder of https://w3id.org/"),
        ("https://w3id.org/pg#", SITE, "is not a folder of https://w3id.org/"),
        ("https://w3id.org/pg/", "ftp://example.org/", "is not an http(s) URL"),
        ("https://w3id.org/pg/", "https://example.org/$1/", "is not an http(s) URL"),
        ("https://w3id.org/pg/", "https://example.org/a b/", "is not an http(s) URL"),
    ],
)
def test_what_cannot_be_written_is_refused(base: str, url: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(w3id.InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        w3id.write(base, url, tmp_path)
    assert list(tmp_path.iterdir()) == []
