"""Reading RDF back: what could fetch (remote JSON-LD contexts) or expand (XML entities) is refused
before any parser sees it, every problem names the file and line, and our own dumps read back."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, RdfFormat, Triple

from peacegraph import pipeline
from peacegraph.cli import main
from peacegraph.errors import InputError
from peacegraph.rdf import rdfio
from peacegraph.rdf.formats import Format

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "lollollollollollollollollollol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
 <rdf:Description rdf:about="http://example.org/a"><ex:p>&i;</ex:p></rdf:Description>
</rdf:RDF>
"""

PLAIN_XML = """<?xml version="1.0"?>
<!-- a comment is fine -->
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
 <rdf:Description rdf:about="http://example.org/a"><ex:p rdf:resource="http://example.org/b"/></rdf:Description>
</rdf:RDF>
"""


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = b'{"@context": {"name": "https://schema.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def context_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that serves a JSON-LD context and counts requests."""
    _Counting.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/context.jsonld", _Counting.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_context_server_answers_when_asked(context_server: tuple[str, list[str]]) -> None:
    """The control: the server below is reachable, so the tests that count no request can fail."""
    import urllib.request

    url, requests = context_server
    with urllib.request.urlopen(url, timeout=10) as response:
        assert b"@context" in response.read()
    assert requests == ["/context.jsonld"]


def test_remote_jsonld_context_is_refused_and_never_fetched(
    tmp_path: Path, context_server: tuple[str, list[str]]
) -> None:
    url, requests = context_server
    path = _write(
        tmp_path, "remote.jsonld", f'{{\n  "@context": "{url}",\n  "@id": "http://example.org/a",\n  "name": "A"\n}}\n'
    )
    with pytest.raises(InputError, match="remote context") as caught:
        rdfio.read_triples(path)
    assert caught.value.line == 2
    assert Path(str(caught.value.file)).name == "remote.jsonld"
    assert requests == []


@pytest.mark.parametrize(
    "document",
    [
        '{"@context": ["URL", {"ex": "http://example.org/"}], "@id": "ex:a", "ex:p": "x"}',
        '{"@context": {"ex": "http://example.org/", "p": {"@id": "ex:p", "@context": "URL"}}, "@id": "ex:a", "p": {}}',
        '{"@context": {"@import": "URL", "ex": "http://example.org/"}, "@id": "ex:a", "ex:p": "x"}',
        '{"@graph": [{"@context": "URL", "@id": "http://example.org/a"}]}',
    ],
    ids=["in a list", "scoped to a term", "@import", "in a nested node"],
)
def test_every_way_of_naming_a_remote_context_is_refused(
    tmp_path: Path, context_server: tuple[str, list[str]], document: str
) -> None:
    url, requests = context_server
    path = _write(tmp_path, "remote.jsonld", document.replace("URL", url))
    with pytest.raises(InputError, match=r"remote context|@import"):
        rdfio.read_triples(path)
    assert requests == []


def test_billion_laughs_rdfxml_is_refused_before_expansion(tmp_path: Path) -> None:
    path = _write(tmp_path, "laughs.rdf", LAUGHS)
    with pytest.raises(InputError, match="document type declaration") as caught:
        rdfio.read_triples(path)
    assert caught.value.line == 2


@pytest.mark.parametrize(
    "declaration",
    [
        '<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!doctype rdf:RDF [<!ENTITY x "y">]>',
        '<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/rdf.dtd">',
        '<!ENTITY x "y">',
    ],
    ids=["external entity", "lower case", "external DTD", "bare entity"],
)
def test_any_xml_declaration_is_refused(tmp_path: Path, declaration: str) -> None:
    path = _write(tmp_path, "x.rdf", PLAIN_XML.replace("<!-- a comment is fine -->", declaration))
    with pytest.raises(InputError, match="document type declaration") as caught:
        rdfio.read_triples(path)
    assert caught.value.line == 2


def test_rdfxml_without_declarations_reads(tmp_path: Path) -> None:
    path = _write(tmp_path, "plain.rdf", PLAIN_XML)
    triple = Triple(
        NamedNode("http://example.org/a"), NamedNode("http://example.org/p"), NamedNode("http://example.org/b")
    )
    assert rdfio.read_triples(path) == [triple]


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    good = "<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"
    path = _write(tmp_path, "broken.nt", good + good + '<http://example.org/a> <http://example.org/p> "open .\n')
    with pytest.raises(InputError, match="invalid N-Triples") as caught:
        rdfio.read_triples(path)
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (
            '{"@id": "http://example.org/a", "http://example.org/p": ' + "[" * 70 + "1" + "]" * 70 + "}",
            "deeper than 64",
        ),
        ('{"@id": "http://example.org/a",\n "http://example.org/p": }', "invalid JSON"),
        ('{"@id": "http://example.org/a", "@graph": [], "http://example.org/n": ' + "9" * 5000 + "}", "invalid JSON"),
    ],
    ids=["deep arrays", "deep values", "broken", "huge integer"],
)
def test_broken_or_absurd_json_is_an_input_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        rdfio.read_triples(_write(tmp_path, "x.jsonld", text))


def test_named_graphs_and_unknown_syntaxes_and_bad_bytes_are_input_errors(tmp_path: Path) -> None:
    named = '{"@id": "http://example.org/g", "@graph": [{"@id": "http://example.org/a", "http://example.org/p": "x"}]}'
    with pytest.raises(InputError, match="named graphs"):
        rdfio.read_triples(_write(tmp_path, "named.jsonld", named))
    with pytest.raises(InputError, match="unknown RDF syntax"):
        rdfio.read_triples(_write(tmp_path, "x.csv", "a,b\n"))
    (tmp_path / "latin1.rdf").write_bytes(PLAIN_XML.replace("comment", "caf\xe9").encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8") as caught:
        rdfio.read_triples(tmp_path / "latin1.rdf")
    assert caught.value.line == 2
    with pytest.raises(InputError, match="not a regular file"):
        rdfio.read_triples(tmp_path, RdfFormat.TURTLE)


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.extension)
def test_our_dumps_read_back_to_the_triples_built(mini_built: pipeline.BuildResult, fmt: Format) -> None:
    assert set(rdfio.read_triples(mini_built.files[fmt.dump_name()])) == set(mini_built.triples)


def test_validate_names_the_line_of_a_damaged_dump(mini_built: pipeline.BuildResult, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    lines = mini_built.files["peacegraph.nt"].read_bytes().splitlines(keepends=True)
    (out / "peacegraph.nt").write_bytes(b"".join(lines[:4]) + b"<oops> not rdf .\n" + b"".join(lines[4:]))
    result = CliRunner().invoke(main, ["validate", "--release", str(out)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [result.output.strip()]
    assert f"{out / 'peacegraph.nt'}:5: invalid N-Triples" in result.output
