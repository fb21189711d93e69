"""Leave-one-out measurement: draft a curated document again from its text, without its records,
and compare the draft with what the curators recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from peacegraph.cli import main
from peacegraph.records.names import variants

from .leaveout import leave_out

_DATED = re.compile(r"^\s*(?:posted\s+)?(?P<date>(?:19|20)\d\d-[01]\d-[0-3]\d)", re.IGNORECASE)


@dataclass
class Comparison:
    key: str
    draft_exit: int = -1
    build_exit: int = -1
    output: str = ""
    signatories: tuple[int, int] = (0, 0)  # (matched in printed order, curated)
    resolved: tuple[int, int] = (0, 0)  # (resolved to their existing key, curated defined elsewhere)
    title: tuple[str, str] = ("", "")
    date: tuple[str | None, str | None] = (None, None)
    recipients: tuple[list[str], list[str]] = ([], [])
    copied_to: tuple[list[str], list[str]] = ([], [])
    issuers: tuple[list[str], list[str]] = ([], [])
    points: tuple[int, int] = (0, 0)  # (curated numbered points drafted with an overlapping quote, curated)
    positions: int = 0
    misses: list[str] = field(default_factory=list)
    draft: dict[str, Any] = field(default_factory=dict)

    @property
    def title_ok(self) -> bool:
        return self.title[0] in self.title[1].split(" | ")


def _names(record: dict[str, Any]) -> set[str]:
    names = [record.get("name") or record.get("title"), *record.get("alternate_names", [])]
    return {v for name in names if name for v in variants(name)}


def compare(seeds: Path, work: Path, doc_key: str) -> Comparison:
    curated_all = _records(seeds)
    curated = curated_all[f"doc:{doc_key}"]
    copy = work / "seeds"
    removed = leave_out(seeds, copy, doc_key)
    result = Comparison(doc_key)
    runner = CliRunner()
    out_file = work / "draft.yaml"
    drafted = runner.invoke(
        main, ["draft", str(copy / curated["source"]), "--collection", str(copy), "--record-file", str(out_file)]
    )
    result.draft_exit, result.output = drafted.exit_code, drafted.output
    if drafted.exit_code != 0:
        return result
    (copy / "records" / "draft.yaml").write_bytes(out_file.read_bytes())
    built = runner.invoke(main, ["build", "--collection", str(copy), "--out", str(work / "out"), "--quiet"])
    result.build_exit = built.exit_code
    result.output += built.output
    records = yaml.safe_load(out_file.read_text(encoding="utf-8"))
    result.draft = records
    draft_records = {f"{_prefix(s)}:{item['key']}": item for s, items in records.items() for item in items}
    doc = records["documents"][0]
    _compare_signatories(result, curated, doc, removed, draft_records)
    alternates = [curated["title"], *curated.get("alternate_names", [])]
    result.title = (doc["title"], " | ".join(alternates))
    result.date = (_date(doc.get("date")), _date(curated.get("date")))
    result.recipients = (doc.get("recipients", []), curated.get("recipients", []))
    result.copied_to = (doc.get("copied_to", []), curated.get("copied_to", []))
    result.issuers = (doc.get("issuers", []), curated.get("issuers", []))
    _compare_points(result, curated_all, doc_key, records.get("positions", []))
    return result


def _compare_signatories(
    result: Comparison, curated: dict[str, Any], doc: dict[str, Any], removed: dict[str, Any], drafted: dict[str, Any]
) -> None:
    wanted = [item if isinstance(item, str) else item["ref"] for item in curated.get("signatories", [])]
    got = doc.get("signatories", [])
    matched = resolved = elsewhere = 0
    for index, ref in enumerate(wanted):
        mine = got[index] if index < len(got) else None
        if ref not in removed:
            elsewhere += 1
            if mine == ref:
                matched += 1
                resolved += 1
            else:
                result.misses.append(f"signatory {index + 1}: {ref} drafted as {mine}")
        elif mine in drafted and _names(drafted[mine]) & _names(removed[ref]):
            matched += 1
        else:
            result.misses.append(f"signatory {index + 1}: new {ref} drafted as {mine}")
    if len(got) != len(wanted):
        result.misses.append(f"{len(got)} signatories drafted, {len(wanted)} curated")
    result.signatories = (matched if len(got) == len(wanted) else min(matched, len(wanted) - 1), len(wanted))
    result.resolved = (resolved, elsewhere)


def _compare_points(result: Comparison, curated: dict[str, Any], doc_key: str, drafted: list[dict[str, Any]]) -> None:
    points = [p for p in curated.values() if p.get("document") == f"doc:{doc_key}" and p.get("point")]
    firsts: dict[str, dict[str, Any]] = {}
    for position in sorted(points, key=lambda p: p["quote"]["start"]):
        firsts.setdefault(position["point"], position)
    found = 0
    for point, position in firsts.items():
        quote = position["quote"]
        if any(
            d.get("point") == point and d["quote"]["start"] < quote["end"] and quote["start"] < d["quote"]["end"]
            for d in drafted
        ):
            found += 1
        else:
            result.misses.append(f"point {point} ({quote['text'][:40]!r}) not drafted")
    result.points = (found, len(firsts))
    result.positions = len(drafted)


def timeline_headings(text: str) -> list[tuple[int, str, str]]:
    """(line number, date, line) of every line that starts with a date, or "posted" and a date."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _DATED.match(line)
        if match:
            found.append((number, match.group("date"), line.strip()))
    return found


def _date(value: Any) -> str | None:
    return None if value is None else str(value)


def _prefix(section: str) -> str:
    return {"documents": "doc", "organizations": "org", "people": "person", "events": "event"}.get(section, section)


def _records(seeds: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted((seeds / "records").glob("*.yaml")):
        for section, items in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            for item in items:
                if "key" in item:
                    found[f"{_prefix(section)}:{item['key']}"] = item
    return found
