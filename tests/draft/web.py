"""Measure `peacegraph draft` on statements as they come from the web (issue 23): short texts written
for the purpose in an invented setting (tests/fixtures/draft/web/texts), drafted against an invented
collection (tests/fixtures/draft/web/collection) and compared with what a curator expects of each
(tests/fixtures/draft/web/expected.yaml)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from peacegraph.cli import main
from peacegraph.records.names import variants

WEB = Path(__file__).resolve().parents[1] / "fixtures" / "draft" / "web"
TEXTS = WEB / "texts"
COLLECTION = WEB / "collection"
_SECTIONS = {"documents": "doc", "organizations": "org", "people": "person", "places": "place", "events": "event"}
_FLAGS = ("no title printed", "site's navigation")


def expected() -> dict[str, dict[str, Any]]:
    return yaml.safe_load((WEB / "expected.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@dataclass
class Figures:
    name: str
    draft_exit: int = -1
    build_exit: int = -1
    output: str = ""
    title_right: bool = False
    title_flagged: bool = False
    type_right: bool = False
    date_found: bool = False
    date_invented: bool = False
    addressees: tuple[int, int] = (0, 0)  # (found, expected)
    positions: int = 0
    wrongly_held: int = 0
    unresolved: tuple[int, int] = (0, 0)  # (proposed as new records with a note, expected)
    kinds_right: int = 0
    extra: list[str] = field(default_factory=list)  # records proposed for no expected name (false finds)
    misses: list[str] = field(default_factory=list)
    draft: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    def line(self) -> str:
        return (
            f"{self.name:32} title {'right' if self.title_right else 'flagged' if self.title_flagged else 'WRONG'}"
            f" | type {'right' if self.type_right else 'wrong'}"
            f" | date {'found' if self.date_found else 'invented' if self.date_invented else 'missed'}"
            f" | addressees {self.addressees[0]}/{self.addressees[1]}"
            f" | positions {self.positions}, wrongly held {self.wrongly_held}"
            f" | unresolved proposed {self.unresolved[0]}/{self.unresolved[1]} (kind right {self.kinds_right},"
            f" {len(self.extra)} proposed besides)"
            f" | build {'ok' if self.build_exit == 0 else 'FAILED'}"
        )


def _names(record: dict[str, Any]) -> set[str]:
    names = [record.get("name") or record.get("title"), *record.get("alternate_names", [])]
    return {v for name in names if name for v in [*variants(name), name]}


def _records(seeds: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((seeds / "records").glob("*.yaml")):
        for section, items in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            for item in items:
                if "key" in item and section in _SECTIONS:
                    found[f"{_SECTIONS[section]}:{item['key']}"] = item
    return found


def measure(name: str, work: Path) -> Figures:
    want = expected()[name]
    seeds = work / "seeds"
    shutil.copytree(COLLECTION, seeds)
    figures = Figures(name)
    runner = CliRunner()
    drafted = runner.invoke(main, ["draft", str(TEXTS / name), "--collection", str(seeds), "--key", "web-draft"])
    figures.draft_exit, figures.output = drafted.exit_code, drafted.output
    if drafted.exit_code != 0:
        return figures
    built = runner.invoke(main, ["build", "--collection", str(seeds), "--out", str(work / "out"), "--quiet"])
    figures.build_exit = built.exit_code
    figures.output += built.output
    records = yaml.safe_load((seeds / "records" / "web-draft.yaml").read_text(encoding="utf-8"))
    figures.draft = records
    doc = records["documents"][0]
    figures.text = (seeds / doc["source"]).read_text(encoding="utf-8")
    every = _records(seeds)
    notes = " ".join(doc.get("review", []))
    figures.title_right = doc["title"] == want["title"] and not any(flag in notes for flag in _FLAGS)
    figures.title_flagged = not figures.title_right and any(flag in notes for flag in _FLAGS)
    figures.type_right = doc["type"] == want["type"]
    date = None if doc.get("date") is None else str(doc["date"])
    figures.date_found = date == str(want["date"])
    figures.date_invented = date is not None and not figures.date_found
    _addressees(figures, want, doc, every)
    _positions(figures, want, doc, records.get("positions", []))
    _unresolved(figures, want, records)
    return figures


def _addressees(figures: Figures, want: dict[str, Any], doc: dict[str, Any], every: dict[str, Any]) -> None:
    found = 0
    for printed in want["addressees"]:
        forms = {*variants(printed), printed}
        if any(ref in every and forms & _names(every[ref]) for ref in doc.get("recipients", [])):
            found += 1
        else:
            figures.misses.append(f"addressee {printed!r} not among {doc.get('recipients', [])}")
    figures.addressees = (found, len(want["addressees"]))


def _positions(figures: Figures, want: dict[str, Any], doc: dict[str, Any], positions: list[dict[str, Any]]) -> None:
    authors = doc.get("issuers", []) + doc.get("signatories", [])
    never = set(want["never_holders"]) | set(doc.get("recipients", []))
    if "issuers" in want and doc.get("issuers") != want["issuers"]:
        figures.misses.append(f"issuers {doc.get('issuers')}, expected {want['issuers']}")
        figures.wrongly_held += len(positions)
    figures.positions = len(positions)
    for position in positions:
        holders = position.get("holders", authors)
        others = any(words in position["quote"]["text"] for words in want.get("not_authors", ()))
        annex = figures.text.find("\nAnnex\n")
        in_annex = 0 <= annex < position["quote"]["start"]
        banned = never | (set(want.get("annex_never_holders", ())) if in_annex else set())
        if not holders or banned & set(holders) or (others and holders == authors):
            figures.wrongly_held += 1
            figures.misses.append(f"position {position['key']} held by {holders}")
        quote = position["quote"]
        if figures.text[quote["start"] : quote["end"]] != quote["text"]:
            figures.misses.append(f"position {position['key']}: quote not at its offsets")
    if len(positions) < want["positions"]:
        figures.misses.append(f"{len(positions)} positions drafted, {want['positions']} expected")


def _unresolved(figures: Figures, want: dict[str, Any], records: dict[str, Any]) -> None:
    drafted = [
        (_SECTIONS[section], item)
        for section, items in records.items()
        if section in _SECTIONS
        for item in items[1 if section == "documents" else 0 :]
    ]
    proposed = kinds = 0
    for printed, kind in want["unresolved"].items():
        forms = {*variants(printed), printed}
        hits = [(prefix, item) for prefix, item in drafted if forms & _names(item) and item.get("review")]
        if hits:
            proposed += 1
            kinds += any(prefix == kind for prefix, _ in hits)
        else:
            figures.misses.append(f"unresolved {printed!r} ({kind}) not proposed")
    figures.unresolved = (proposed, len(want["unresolved"]))
    figures.kinds_right = kinds
    wanted = {form for printed in want["unresolved"] for form in {*variants(printed), printed}}
    for prefix, item in drafted:
        printed = item.get("name") or item.get("title") or ""
        if not printed.startswith(("Signatories of", "Authors of the annex")) and not wanted & _names(item):
            figures.extra.append(f"{prefix}:{item['key']}")
