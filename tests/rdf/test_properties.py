"""Property-based tests of the record loader and the mapping (hypothesis).

Random valid corpora (topics, organizations, places, people, events, documents, positions whose
quotes are cut from a generated source text, memberships), with names in any Unicode, are
written as YAML, built by the real pipeline, and every dump reads back, with rdflib and with
pyoxigraph, to the graph that was built. Random invalid corpora are refused with an InputError
naming a seed file and a line in it, and random damage never raises anything else.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal
from rdflib.compare import isomorphic

from peacegraph import pipeline
from peacegraph.errors import InputError
from peacegraph.rdf import rdfio
from peacegraph.rdf.formats import Format
from peacegraph.rdf.namespaces import mint, schema
from peacegraph.rdf.vocabulary import DOCUMENT_CLASSES, EVENT_CLASSES, ORGANIZATION_CLASSES
from peacegraph.records import loader
from peacegraph.validation import reference as validate

from .. import hostile

Corpus = dict[str, Any]

RECORDS = "records/generated.yaml"
SOURCE = "001_generated.txt"
#: Examples per property: modest, so the suite stays fast; PEACEGRAPH_EXAMPLES=500 for a thorough run.
SETTINGS = settings(
    max_examples=int(os.environ.get("PEACEGRAPH_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
STANCES = json.loads(loader.schema_path().read_text(encoding="utf-8"))["$defs"]["position"]["properties"]["stance"][
    "enum"
]

# --- writing YAML as a curator would, with any string exactly preserved -----------------------

_NOT_RAW = {"\x85", "\u2028", "\u2029", "\ufeff"}  # line breaks and BOM that YAML treats specially


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar: printable characters raw, the rest escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and char not in _NOT_RAW:
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return quoted(str(value))


def to_yaml(value: Any, indent: int = 0) -> list[str]:
    """Block-style YAML lines for plain values (what record files hold)."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines += [f"{pad}{quoted(key)}:", *to_yaml(item, indent + 2)]
            else:
                lines.append(f"{pad}{quoted(key)}: {'[]' if item == [] else '{}' if item == {} else scalar(item)}")
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict | list) and item:
                lines += [f"{pad}-", *to_yaml(item, indent + 2)]
            else:
                lines.append(f"{pad}- {'[]' if item == [] else '{}' if item == {} else scalar(item)}")
        return lines
    return [pad + scalar(value)]


# --- random valid corpora ---------------------------------------------------------------------

slugs = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
#: What a curator may write: any Unicode but control characters other than tab and line feed,
#: which the loader refuses however they are written.
characters = st.characters(codec="utf-8", exclude_categories=["Cc"], include_characters="\t\n")
names = st.text(characters, min_size=1, max_size=16)
dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))


@st.composite
def partial_dates(draw: st.DrawFn) -> str:
    day = draw(dates)
    return day.isoformat()[: draw(st.sampled_from([4, 7, 10]))]


@st.composite
def source_texts(draw: st.DrawFn) -> str:
    body = draw(st.text(characters, min_size=1, max_size=300))
    return "Generated source.\n" + body


def _refs(draw: st.DrawFn, prefix: str, keys: list[str], at_least: int = 0) -> list[str]:
    chosen = draw(st.lists(st.sampled_from(keys), min_size=at_least, unique=True)) if keys else []
    return [f"{prefix}:{key}" for key in chosen]


@st.composite
def corpora(draw: st.DrawFn) -> tuple[Corpus, str]:
    """A corpus that loads, maps and conforms, and the source text its positions quote."""
    text = draw(source_texts())
    keys = draw(st.lists(slugs, min_size=8, max_size=14, unique=True))
    topic_keys, org_keys, place_keys = keys[:2], keys[2:4], keys[4:5]
    person_keys, event_keys, doc_keys = keys[5:6], keys[6:7], keys[7:8]
    topics = [
        {"key": k, "label": draw(names), "definition": draw(names), "alt_labels": draw(st.lists(names, unique=True))}
        for k in topic_keys
    ]
    organizations = [
        {
            "key": k,
            "name": draw(names),
            "type": draw(st.sampled_from(sorted(ORGANIZATION_CLASSES))),
            "alternate_names": draw(st.lists(names, max_size=2, unique=True)),
        }
        for k in org_keys
    ]
    places = [{"key": k, "name": draw(names), "type": "country"} for k in place_keys]
    people = [
        {
            "key": k,
            "name": draw(names),
            "roles": [
                {
                    "key": "role",
                    "title": draw(names),
                    "organization": f"org:{org_keys[0]}",
                    "start": draw(partial_dates()),
                }
            ],
        }
        for k in person_keys
    ]
    start, end = sorted(draw(st.lists(dates, min_size=2, max_size=2)))
    event_type = draw(st.sampled_from(sorted(set(EVENT_CLASSES) - {"series"})))
    events = [
        {
            "key": k,
            "name": draw(names),
            "type": event_type,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "location": f"place:{place_keys[0]}",
            "attendees": _refs(draw, "org", org_keys),
        }
        for k in event_keys
    ]
    documents = [
        {
            "key": k,
            "title": draw(names),
            "type": draw(st.sampled_from(sorted(DOCUMENT_CLASSES))),
            "source": SOURCE,
            "date": draw(partial_dates()),
            "url": f"https://example.org/{k}",
            "issuers": _refs(draw, "org", org_keys, 1),
            # a signatory is an organization of a specific type (a shape refuses `other`)
            "signatories": _refs(draw, "org", [str(o["key"]) for o in organizations if o["type"] != "other"]),
            "about": _refs(draw, "topic", topic_keys),
            "mentions": _refs(draw, "place", place_keys),
        }
        for k in doc_keys
    ]
    positions = [_position(draw, f"{doc_keys[0]}-{n}", doc_keys[0], topic_keys, org_keys, text) for n in range(2)]
    authors = set(documents[0]["issuers"]) | set(documents[0]["signatories"])
    for position in positions:
        if not set(position.get("holders", authors)) <= authors:  # quoted second-hand: say where from
            position["quote_origin"] = draw(names)
    memberships = [{"group": f"org:{org_keys[0]}", "members": [f"org:{org_keys[1]}", f"person:{person_keys[0]}"]}]
    corpus = {
        "topics": topics,
        "organizations": organizations,
        "places": places,
        "people": people,
        "events": events,
        "documents": documents,
        "positions": positions,
        "memberships": memberships,
    }
    return corpus, text


def _position(
    draw: st.DrawFn, key: str, doc: str, topic_keys: list[str], org_keys: list[str], text: str
) -> dict[str, Any]:
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    position = {
        "key": key,
        "name": draw(names),
        "document": f"doc:{doc}",
        "stance": draw(st.sampled_from(STANCES)),
        "topics": _refs(draw, "topic", topic_keys, 1),
        "quote": {"text": text[start:end], "start": start, "end": end},
    }
    if draw(st.booleans()):
        position["holders"] = _refs(draw, "org", org_keys, 1)
        position["date"] = draw(partial_dates())  # holders quoted second-hand need their own date
    return position


def write_seeds(root: Path, corpus: Corpus, text: str) -> Path:
    """Seeds with the generated records and source text (and the mini seeds' reference files)."""
    seeds = root / "seeds"
    shutil.copytree(hostile.MINI_SEEDS, seeds)
    for record_file in (seeds / "records").glob("*.yaml"):
        record_file.unlink()
    (seeds / "000_mini.txt").unlink()
    (seeds / SOURCE).write_bytes(text.encode("utf-8"))
    (seeds / RECORDS).write_text("\n".join(to_yaml(corpus)) + "\n", encoding="utf-8")
    return seeds


# --- valid corpora build and round-trip -------------------------------------------------------


@SETTINGS
@given(corpora())
def test_random_valid_records_build_and_round_trip_through_every_dump(generated: tuple[Corpus, str]) -> None:
    corpus, text = generated
    with tempfile.TemporaryDirectory() as tmp:
        seeds = write_seeds(Path(tmp), corpus, text)
        result = pipeline.build(pipeline.Settings(seeds=seeds, out=Path(tmp) / "out"))
        reference = validate.to_rdflib(result.triples)
        for fmt in Format:
            path = result.files[fmt.dump_name()]
            assert set(rdfio.read_triples(path, fmt.oxigraph)) == set(result.triples), fmt
            assert isomorphic(rdflib.Graph().parse(path, format=fmt.rdflib_name), reference), fmt
    built = set(result.triples)
    for org in corpus["organizations"]:
        assert (mint("organization", org["key"]), schema("name"), Literal(org["name"], language="en")) in {
            (t.subject, t.predicate, t.object) for t in built
        }
    for position in corpus["positions"]:
        assert any(
            t.subject == mint("position", position["key"]) and t.object == Literal(position["quote"]["text"])
            for t in built
        )


# --- invalid corpora are refused with a file and a line ---------------------------------------

Draw = Callable[[st.SearchStrategy[Any]], Any]
Mutation = Callable[[Draw, Corpus, str], tuple[Corpus, str]]


def _record(draw: Draw, corpus: Corpus) -> dict[str, Any]:
    section = draw(st.sampled_from(sorted(k for k, v in corpus.items() if v)))
    record: dict[str, Any] = draw(st.sampled_from(corpus[section]))
    return record


def drop_required(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    record = _record(draw, corpus)
    record.pop("group" if "group" in record else "key")
    return corpus, text


def wrong_type(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    record = _record(draw, corpus)
    field = draw(st.sampled_from(sorted(record)))
    record[field] = draw(st.sampled_from([42, True, {"x": 1}, [{"y": 2}], None]))
    return corpus, text


def unknown_reference(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    draw(st.sampled_from(corpus["positions"]))["holders"] = ["org:nobody-defines-this"]
    return corpus, text


def duplicate_key(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    section = draw(st.sampled_from(["topics", "organizations", "places", "people", "events", "documents"]))
    corpus[section].append(dict(corpus[section][0]))
    return corpus, text


def impossible_date(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    day = draw(st.sampled_from(["2019-02-29", "2021-04-31", "2021-13-01", "1999-00-10", "0000", "2020-1-1"]))
    target = draw(st.sampled_from(["documents", "events"]))
    corpus[target][0]["date" if target == "documents" else "start"] = day
    return corpus, text


def quote_not_in_source(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    quote = draw(st.sampled_from(corpus["positions"]))["quote"]
    if draw(st.booleans()):
        quote["text"] += draw(names)  # longer than its offsets: can never match
    else:
        quote["end"] = len(text) + draw(st.integers(1, 10**6))
    return corpus, text


def unknown_field(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    _record(draw, corpus)[draw(st.from_regex(r"x[a-z_]{0,8}", fullmatch=True))] = draw(names)
    return corpus, text


def malformed_identifier(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    record = draw(st.sampled_from(corpus["organizations"]))
    bad = draw(st.sampled_from(["Q0", "q42", "Q", "Q12x", "P31", "Q-1"]))
    record["wikidata" if draw(st.booleans()) else "key"] = bad
    return corpus, text


def control_character(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    """A C0 or C1 control character (written as an escape) in any string of any record."""
    record = _record(draw, corpus)
    field = draw(st.sampled_from(sorted(k for k, v in record.items() if isinstance(v, str))))
    control = draw(st.characters(categories=["Cc"], exclude_characters="\t\n"))
    at = draw(st.integers(0, len(record[field])))
    record[field] = record[field][:at] + control + record[field][at:]
    return corpus, text


def trailing_line_break(draw: Draw, corpus: Corpus, text: str) -> tuple[Corpus, str]:
    """A key or a reference ending in a line break, as a block scalar (``key: |``) writes it."""
    record = _record(draw, corpus)
    field = draw(st.sampled_from(sorted(k for k in record if k in ("key", "group", "document", "location"))))
    record[field] += "\n"
    return corpus, text


MUTATIONS: list[Mutation] = [
    control_character,
    trailing_line_break,
    drop_required,
    wrong_type,
    unknown_reference,
    duplicate_key,
    impossible_date,
    quote_not_in_source,
    unknown_field,
    malformed_identifier,
]

TEXT_DAMAGE = [
    "\tbroken: [tab\n",  # a tab where indentation is expected
    '"unclosed": [1, 2\n',
    '"alias": *nowhere\n',
    "- stray item\n",
    '"key": &a 1\n"other": *a\n',
]


def _assert_names_a_line(error: InputError, seeds: Path) -> None:
    assert error.file is not None, error
    assert error.line is not None, error
    named = Path(str(error.file))
    path = named if named.is_absolute() else Path.cwd() / named
    assert path.resolve().is_relative_to(seeds.resolve()), error
    assert 1 <= error.line <= path.read_bytes().count(b"\n") + 1, error


@SETTINGS
@given(corpora(), st.sampled_from(MUTATIONS), st.data())
def test_random_invalid_records_are_refused_with_file_and_line(
    generated: tuple[Corpus, str], mutation: Mutation, data: st.DataObject
) -> None:
    corpus, text = mutation(data.draw, *generated)
    with tempfile.TemporaryDirectory() as tmp:
        seeds = write_seeds(Path(tmp), corpus, text)
        try:
            loader.load(seeds)
        except InputError as error:
            _assert_names_a_line(error, seeds)
        else:
            raise AssertionError(f"{mutation.__name__} was accepted")


@SETTINGS
@given(corpora(), st.sampled_from(TEXT_DAMAGE), st.data())
def test_damaged_yaml_is_refused_with_file_and_line(
    generated: tuple[Corpus, str], damage: str, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        seeds = write_seeds(Path(tmp), *generated)
        lines = (seeds / RECORDS).read_text(encoding="utf-8").splitlines(keepends=True)
        at = data.draw(st.integers(0, len(lines)))
        (seeds / RECORDS).write_text("".join(lines[:at]) + damage + "".join(lines[at:]), encoding="utf-8")
        try:
            loader.load(seeds)
        except InputError as error:
            _assert_names_a_line(error, seeds)
        else:
            raise AssertionError("damaged YAML was accepted")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | names,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)


@SETTINGS
@given(corpora(), json_values, st.binary(max_size=8), st.data())
def test_random_damage_never_raises_anything_but_an_input_error(
    generated: tuple[Corpus, str], value: Any, noise: bytes, data: st.DataObject
) -> None:
    """Any value in place of a record, and any bytes anywhere in the file: loaded or refused cleanly."""
    corpus, text = generated
    section = data.draw(st.sampled_from(sorted(corpus)))
    corpus[section][data.draw(st.integers(0, len(corpus[section]) - 1))] = value
    with tempfile.TemporaryDirectory() as tmp:
        seeds = write_seeds(Path(tmp), corpus, text)
        raw = (seeds / RECORDS).read_bytes()
        at = data.draw(st.integers(0, len(raw)))
        (seeds / RECORDS).write_bytes(raw[:at] + noise + raw[at:])
        try:
            loader.load(seeds)
        except InputError as error:
            _assert_names_a_line(error, seeds)
