"""A synthetic seed set of about N triples, shaped like the real seeds.

Every *unit* is one source document with its own generated text and record file: a joint statement
with a long signatory list, positions quoting numbered points of the text (half held by all
signatories, as in the civil-society statements), meetings with attendees reported in the document,
new organizations, people with roles, places, and a membership. Topics, a few countries and the
reviewed Wikidata list are shared. The same ``units`` always give the same files.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

TOPICS = 24
COUNTRIES = 12
ORGS_PER_UNIT = 40
SIGNATORIES = 120
POINTS = 12
MEETINGS = 3
ATTENDEES = 25
PEOPLE = 6

WORDS = (
    "ceasefire",
    "transition",
    "council",
    "negotiations",
    "humanitarian",
    "access",
    "detainees",
    "refugees",
    "return",
    "constitution",
    "elections",
    "civilians",
    "protection",
    "accountability",
    "sanctions",
    "reconstruction",
    "dialogue",
    "envoy",
    "committee",
    "governance",
    "security",
    "withdrawal",
    "monitoring",
    "relief",
    "aid",
    "corridor",
    "truce",
    "local",
    "national",
    "international",
    "support",
    "principles",
    "commitment",
    "resolution",
    "process",
)
STANCES = ("supports", "calls-for", "demands", "condemns", "welcomes", "rejects", "warns-against", "proposes")
ORG_TYPES = ("civil-society", "local-council", "media", "political", "government", "local-administration")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def source_text(unit: int) -> tuple[str, list[tuple[int, int]]]:
    """The text of a unit's document and the (start, end) of each numbered point in it."""
    rng = random.Random(unit)
    parts = [f"Joint statement number {unit} on the peace process\n\n"]
    spans = []
    at = len(parts[0])
    for point in range(1, POINTS + 1):
        head = f"{point}. "
        body = _sentence(rng, rng.randint(12, 30)) + " " + _sentence(rng, rng.randint(8, 20))
        spans.append((at + len(head), at + len(head) + len(body)))
        paragraph = head + body + "\n\n"
        parts.append(paragraph)
        at += len(paragraph)
    parts.append("Signed by the undersigned organizations.\n")
    return "".join(parts), spans


def _org(unit: int, index: int) -> str:
    return f"org:org-{unit}-{index}"


def _pool(unit: int, rng: random.Random, count: int) -> list[str]:
    """``count`` distinct organizations (fewer if fewer exist yet) from this unit and the ones before."""
    count = min(count, (unit + 1) * ORGS_PER_UNIT)
    chosen = {_org(unit, i) for i in range(min(count, ORGS_PER_UNIT))}
    while len(chosen) < count:
        chosen.add(_org(rng.randint(0, unit), rng.randrange(ORGS_PER_UNIT)))
    return sorted(chosen)


def _organizations(unit: int, rng: random.Random) -> list[dict[str, Any]]:
    orgs = []
    for i in range(ORGS_PER_UNIT):
        org: dict[str, Any] = {
            "key": f"org-{unit}-{i}",
            "name": f"Organization {i} of group {unit}",
            "type": ORG_TYPES[i % len(ORG_TYPES)],
        }
        if i % 3 == 0:
            org["alternate_names"] = [f"Org {unit}/{i}", f"O{unit}-{i}"]
        if i % 4 == 0:
            org["country"] = f"place:country-{rng.randrange(COUNTRIES)}"
        if i % 5 == 0:
            org["description"] = _sentence(rng, 14)
        orgs.append(org)
    return orgs


def _people(unit: int) -> list[dict[str, Any]]:
    return [
        {
            "key": f"person-{unit}-{i}",
            "name": f"Person {i} of group {unit}",
            "roles": [
                {"key": "delegate", "title": "Delegate", "organization": _org(unit, i), "start": "2016-01"},
                {"key": "envoy", "title": "Envoy", "organization": _org(unit, i + 1), "start": "2017", "end": "2018"},
            ],
        }
        for i in range(PEOPLE)
    ]


def _places(unit: int) -> list[dict[str, Any]]:
    country = f"place:country-{unit % COUNTRIES}"
    return [
        {"key": f"city-{unit}", "name": f"City {unit}", "type": "city", "country": country},
        {"key": f"area-{unit}", "name": f"Area {unit}", "type": "area", "contained_in": f"place:city-{unit}"},
    ]


def _events(unit: int, rng: random.Random) -> list[dict[str, Any]]:
    return [
        {
            "key": f"meeting-{unit}-{m}",
            "name": f"Meeting {m} of group {unit}",
            "type": "meeting",
            "start": f"20{10 + unit % 10}-0{1 + m}-1{m}",
            "end": f"20{10 + unit % 10}-0{1 + m}-2{m}",
            "location": f"place:city-{unit}",
            "attendees": [*_pool(unit, rng, ATTENDEES - 1), f"person:person-{unit}-{m}"],
            "organizers": [_org(unit, m)],
            "super_event": "event:synthetic-series",
            "reported_in": [f"doc:statement-{unit}"],
        }
        for m in range(MEETINGS)
    ]


def _document(unit: int, rng: random.Random, source: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "key": f"statement-{unit}",
        "title": f"Joint statement {unit} on the peace process",
        "type": "joint-statement" if unit % 2 else "letter",
        "source": source,
        "date": f"20{10 + unit % 10}-0{1 + unit % 9}-1{unit % 10}",
        "url": f"https://example.org/statements/{unit}",
        "signatories": _pool(unit, rng, SIGNATORIES),
        "mentions": [f"place:city-{unit}", f"event:meeting-{unit}-0"],
        "about": [f"topic:topic-{(unit + k) % TOPICS}" for k in range(3)],
    }
    if unit % 2 == 0:
        doc["recipients"] = ["org:united-nations"]
        doc["copied_to"] = [f"person:person-{unit}-0"]
    if unit > 0:
        doc["cites"] = [f"doc:statement-{unit - 1}"]
    return doc


def _positions(unit: int, rng: random.Random, text: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    positions = []
    for point, (start, end) in enumerate(spans, start=1):
        position: dict[str, Any] = {
            "key": f"statement-{unit}-point-{point}",
            "name": f"Point {point} of statement {unit}",
            "document": f"doc:statement-{unit}",
            "stance": rng.choice(STANCES),
            "topics": [f"topic:topic-{rng.randrange(TOPICS)}"],
            "point": str(point),
            "quote": {"text": text[start:end], "start": start, "end": end},
        }
        if point % 2 == 0:
            position["holders"] = [_org(unit, point), _org(unit, point + 1)]
        if point % 3 == 0:
            position["targets"] = [f"event:meeting-{unit}-1"]
        positions.append(position)
    return positions


def unit_records(unit: int, source: str) -> tuple[str, dict[str, Any]]:
    """The text of one unit's source document and its record file's content."""
    rng = random.Random(1_000_003 * unit)
    text, spans = source_text(unit)
    records = {
        "documents": [_document(unit, rng, source)],
        "organizations": _organizations(unit, rng),
        "people": _people(unit),
        "places": _places(unit),
        "events": _events(unit, rng),
        "positions": _positions(unit, rng, text, spans),
        "memberships": [{"group": _org(unit, 0), "members": [_org(unit, i) for i in range(1, 11)]}],
    }
    return text, records


def shared_records() -> dict[str, Any]:
    topics = [
        {
            "key": f"topic-{t}",
            "label": f"Topic {t}",
            "definition": f"Everything about issue {t}.",
            **({"broader": f"topic:topic-{t // 4}"} if t >= 4 else {}),
        }
        for t in range(TOPICS)
    ]
    countries = [
        {"key": f"country-{c}", "name": f"Country {c}", "type": "country", "wikidata": f"Q{1000 + c}"}
        for c in range(COUNTRIES)
    ]
    un = {"key": "united-nations", "name": "United Nations", "type": "intergovernmental", "wikidata": "Q1065"}
    series = {"key": "synthetic-series", "name": "Synthetic meetings", "type": "series"}
    return {"topics": topics, "places": countries, "organizations": [un], "events": [series]}


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=200), encoding="utf-8")


def _wikidata(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["key", "label", "qid", "status", "evidence"])
        writer.writerow(["org-united-nations", "United Nations", "Q1065", "verified", "synthetic"])
        for c in range(COUNTRIES):
            writer.writerow([f"country-{c}", f"Country {c}", f"Q{1000 + c}", "verified", "synthetic"])


#: The synthetic collection's configuration: its texts beside its records, as in the Syria collection.
COLLECTION = (
    'base: "https://example.org/synthetic/"\n'
    'title: "A synthetic corpus for benchmarks"\n'
    'description: "Generated records of invented documents, organizations and positions."\n'
    "texts: .\n"
)


def write_seeds(seeds: Path, units: int) -> Path:
    """Write a seed directory of ``units`` units into ``seeds`` (created) and return it."""
    records = seeds / "records"
    records.mkdir(parents=True, exist_ok=True)
    (seeds / "collection.yaml").write_text(COLLECTION, encoding="utf-8")
    _dump(records / "shared.yaml", shared_records())
    _wikidata(seeds / "wikidata.csv")
    for unit in range(units):
        source = f"{unit:06d}_synthetic.txt"
        text, data = unit_records(unit, source)
        (seeds / source).write_text(text, encoding="utf-8")
        _dump(records / f"unit-{unit:06d}.yaml", data)
    return seeds
