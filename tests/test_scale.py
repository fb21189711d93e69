"""What makes the build fast gives exactly what the straightforward code gave.

The canonical order, the hand-written JSON-LD and the N-Triples dump are compared with their plain
definitions, the fast JSON Schema check with jsonschema, and the benchmark is run on a small corpus.
Nothing here asserts on time: ``bench/run.py`` measures.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from peacegraph import pipeline
from peacegraph.rdf import context as jsonld_context
from peacegraph.rdf import serialize as dumps
from peacegraph.rdf.namespaces import RDF_TYPE, XSD
from peacegraph.records import loader
from peacegraph.records.yamlsource import Located, read_yaml

from .conftest import MINI, ROOT, SEEDS

# --- canonical order and dumps ----------------------------------------------------------------

NAMESPACES = ["https://w3id.org/peacegraph/id/", "https://schema.org/", "http://example.org/a#", "urn:x:"]
iris = st.builds(
    lambda ns, local: NamedNode(ns + local),
    st.sampled_from(NAMESPACES),
    st.from_regex(r"[a-z0-9/.-]{0,6}", fullmatch=True),
)
texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)  # control characters, quotes, emoji
TERM_SAMPLE = ("name", "author", "startDate", "prefLabel", "altLabel", "start", "position", "deprecated", "stance")
literals = st.one_of(
    texts.map(Literal),
    st.builds(lambda t, lang: Literal(t, language=lang), texts, st.sampled_from(["en", "fr", "en-gb"])),
    st.builds(
        lambda t, dt: Literal(t, datatype=NamedNode(XSD + dt)),
        st.from_regex(r"[0-9]{1,3}", fullmatch=True),
        st.sampled_from(["integer", "gYear", "nonNegativeInteger", "date", "string", "boolean"]),
    ),
)
#: Predicates with a term of every kind (identifiers, a datatype, a language, a set) and without one.
predicates = st.one_of(
    iris,
    st.just(RDF_TYPE),
    st.sampled_from([NamedNode(t.iri) for t in jsonld_context.TERMS if t.name in TERM_SAMPLE]),
)
triples = st.lists(st.builds(Triple, iris, predicates, st.one_of(iris, literals)), max_size=40)


def _json_dumps_jsonld(triples: Iterable[Triple]) -> bytes:
    """JSON-LD as the context's terms define it: a document of dicts, then ``json.dumps``."""
    nodes: dict[str, dict[str, Any]] = {}
    for t in triples:
        assert isinstance(t.subject, NamedNode)
        subject = dumps.compact_iri(t.subject.value)
        node = nodes.setdefault(subject, {"id": subject})
        obj = t.object
        if t.predicate == RDF_TYPE and isinstance(obj, NamedNode):
            node.setdefault("type", []).append(dumps.compact_iri(obj.value))
            continue
        term = jsonld_context.BY_IRI.get(t.predicate.value)
        key = term.name if term else dumps.compact_iri(t.predicate.value)
        node.setdefault(key, []).append(_value(obj, term))
    many = {t.name for t in jsonld_context.TERMS if t.many} | {"type"}
    graph = [
        {k: v[0] if isinstance(v, list) and len(v) == 1 and k not in many else v for k, v in n.items()}
        for n in nodes.values()
    ]
    graph = [dict(sorted(n.items(), key=lambda kv: (kv[0] != "id", kv[0] != "type", kv[0]))) for n in graph]
    document = {**dumps.context(), "@graph": graph}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _value(obj: object, term: jsonld_context.Term | None) -> Any:
    coerce_type, language = (term.type, term.language) if term else (None, None)
    coerced = coerce_type is not None or language is not None
    if isinstance(obj, NamedNode):
        return dumps.compact_iri(obj.value) if coerce_type == "@id" else {"@id": dumps.compact_iri(obj.value)}
    assert isinstance(obj, Literal)
    datatype = obj.datatype.value
    if obj.language:
        if obj.language == language and coerce_type is None:
            return obj.value
        return {"@language": obj.language, "@value": obj.value}
    if datatype == coerce_type or (datatype == XSD + "string" and not coerced):
        return obj.value
    if not coerced and datatype == XSD + "integer" and re.fullmatch(r"-?(0|[1-9][0-9]{0,14})", obj.value):
        return int(obj.value)
    if not coerced and datatype == XSD + "boolean" and obj.value in ("true", "false"):
        return obj.value == "true"
    if datatype == XSD + "string":
        return {"@value": obj.value}
    return {"@type": dumps.compact_iri(datatype), "@value": obj.value}


def _sorted_lines(triples: Iterable[Triple]) -> bytes:
    data = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    return b"".join(sorted(data.splitlines(keepends=True)))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(triples)
def test_canonical_order_is_sort_key_order(made: list[Triple]) -> None:
    assert dumps.canonical(made) == sorted(set(made), key=dumps.sort_key)


def test_canonical_order_when_a_predicate_extends_another() -> None:
    """``p`` and ``p-x``: N-Triples puts ``<p-x>`` first, the canonical order ``p``."""
    s, p, q = NamedNode("http://e/s"), NamedNode("http://e/p"), NamedNode("http://e/p-x")
    made = [Triple(s, q, Literal("1")), Triple(s, p, Literal("2"))]
    assert dumps.canonical(made) == [Triple(s, p, Literal("2")), Triple(s, q, Literal("1"))]


def test_canonical_refuses_blank_nodes() -> None:
    from pyoxigraph import BlankNode

    with pytest.raises(ValueError, match="blank node"):
        dumps.canonical([Triple(NamedNode("http://e/s"), NamedNode("http://e/p"), BlankNode("b"))])


@settings(max_examples=100, deadline=None, derandomize=True)
@given(triples)
def test_jsonld_and_ntriples_writers_match_their_definitions(made: list[Triple]) -> None:
    ordered = dumps.canonical(made)
    assert dumps.to_jsonld(ordered) == _json_dumps_jsonld(ordered)
    assert {q.triple for q in parse(dumps.to_jsonld(ordered), format=RdfFormat.JSON_LD)} == set(ordered)
    assert dumps.to_ntriples(ordered) == _sorted_lines(ordered)
    assert dumps.to_ntriples(list(reversed(ordered))) == _sorted_lines(ordered)


def test_real_dumps_match_their_definitions(built: pipeline.BuildResult) -> None:
    assert built.files["peacegraph.jsonld"].read_bytes() == _json_dumps_jsonld(built.triples)
    assert built.files["peacegraph.nt"].read_bytes() == _sorted_lines(built.triples)


# --- the fast schema check --------------------------------------------------------------------

#: (what is wrong, a change to the small corpus's record file).
BROKEN: list[tuple[str, Any]] = [
    ("unknown type", lambda d: d["documents"][0].update(type="bogus")),
    ("key not a slug", lambda d: d["documents"][0].update(key="Not A Slug")),
    ("empty title", lambda d: d["documents"][0].update(title="")),
    ("signatory twice", lambda d: d["documents"][0].update(signatories=["org:alpha-group", "org:alpha-group"])),
    ("unknown field", lambda d: d["documents"][0].update(colour="red")),
    ("no title", lambda d: d["documents"][0].pop("title")),
    ("negative offset", lambda d: d["positions"][0]["quote"].update(start=-1)),
    ("offset as text", lambda d: d["positions"][0]["quote"].update(start="31")),
    ("no topics", lambda d: d["positions"][0].update(topics=[])),
    ("no members", lambda d: d["memberships"][0].update(members=[])),
    ("unknown section", lambda d: d.update(unknown=[])),
    ("section not a list", lambda d: d.update(documents={})),
    ("month 13", lambda d: d["events"][1].update(start="2017-13-20")),
    ("role in a place", lambda d: d["people"][0]["roles"][0].update(organization="place:aleppo")),
    (
        "deprecated by ref and iri",
        lambda d: d.update(
            deprecated=[
                {
                    "ref": "org:gone",
                    "iri": "https://w3id.org/peacegraph/id/organization/gone",
                    "label": "G",
                    "note": "n",
                }
            ]
        ),
    ),
    ("deprecated by neither", lambda d: d.update(deprecated=[{"label": "G", "note": "n"}])),
]


@pytest.fixture(scope="module")
def reference() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(loader.schema_path().read_text(encoding="utf-8")))


@pytest.mark.parametrize(("what", "change"), BROKEN, ids=[b[0] for b in BROKEN])
def test_fast_schema_check_rejects_what_jsonschema_rejects(
    what: str, change: Any, reference: jsonschema.Draft202012Validator
) -> None:
    located = read_yaml(MINI / "seeds" / "records" / "mini.yaml")
    data = copy.deepcopy(located.data)
    change(data)
    assert list(reference.iter_errors(data)), f"the change does not break the schema: {what}"
    assert loader.schema_error(Located(located.file, data, located.lines)) is not None, what


@pytest.mark.parametrize("record", sorted(p.name for p in (SEEDS / "records").glob("*.yaml")))
def test_fast_schema_check_accepts_the_seeds(record: str, reference: jsonschema.Draft202012Validator) -> None:
    located = read_yaml(SEEDS / "records" / record)
    assert not list(reference.iter_errors(located.data))
    assert loader.schema_error(located) is None


# --- the benchmark ----------------------------------------------------------------------------


def test_benchmark_builds_a_synthetic_corpus_and_the_baseline(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--triples", "4000", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    summary = json.loads(done.stdout.splitlines()[-1])
    assert set(summary) == {
        "triples",
        "seconds",
        "cpu_seconds",
        "rebuild_cpu_seconds",
        "baseline_seconds",
        "baseline_cpu_seconds",
        "speedup",
        "peak_rss_mb",
        "stages",
    }
    assert list(summary["stages"]) == ["load", "map", "identifiers", "validate", "serialize", "publish"]
    for figures in summary["stages"].values():
        assert figures["cpu"] >= 0
        assert figures["wall"] > 0
        assert figures["peak_mb"] > 0
    assert summary["peak_rss_mb"] == round(max(figures["peak_mb"] for figures in summary["stages"].values()))
    assert 3000 <= summary["triples"] <= 5000
    assert summary["seconds"] > 0
    assert summary["baseline_seconds"] > 0
    assert summary["peak_rss_mb"] > 0
    assert "rebuild after changing one record" in done.stdout
    for dump in ("peacegraph.ttl", "peacegraph.nt", "peacegraph.jsonld"):
        assert (tmp_path / "out" / dump).stat().st_size > 0
        assert (tmp_path / "baseline" / dump).stat().st_size > 0
