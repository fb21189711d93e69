"""Leave one curated document out of a copy of the seeds: its record, its positions, the events and
memberships only it reports, and every record of its file that nothing else refers to any more."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

_REF = re.compile(r"^(doc|org|person|place|event|position|topic):([a-z0-9-]+)$")
_PREFIX = {
    "documents": "doc",
    "organizations": "org",
    "people": "person",
    "places": "place",
    "events": "event",
    "positions": "position",
    "topics": "topic",
}


def _refs(value: Any, found: set[str]) -> None:
    if isinstance(value, str) and _REF.match(value):
        found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _refs(item, found)
    elif isinstance(value, list):
        for item in value:
            _refs(item, found)


def _prune(record: dict[str, Any], gone: set[str]) -> None:
    """Drop references to left-out records from the lists and fields of a record that stays."""
    for name, value in list(record.items()):
        if isinstance(value, list) and any(item in gone for item in value if isinstance(item, str)):
            kept = [item for item in value if item not in gone]
            if kept:
                record[name] = kept
            else:
                del record[name]
        elif isinstance(value, str) and value in gone and name != "key":
            del record[name]


def leave_out(seeds: Path, copy: Path, doc_key: str) -> dict[str, Any]:
    """Copy ``seeds`` to ``copy`` without ``doc:doc_key``; returns the curated records left out, by ref."""
    shutil.copytree(seeds, copy)
    files = {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((copy / "records").glob("*.yaml"))}
    home = next(p for p, data in files.items() if any(d["key"] == doc_key for d in data.get("documents", [])))
    this = f"doc:{doc_key}"
    # its record files: the one defining it and any other holding its positions (the timeline spans two)
    own = [p for p, data in files.items() if p == home or any(x["document"] == this for x in data.get("positions", []))]
    removed: dict[str, Any] = {}

    def drop(path: Path, section: str, keep: Any) -> None:
        kept = []
        for item in files[path].get(section, []):
            if keep(item):
                kept.append(item)
            elif "key" in item:
                removed[f"{_PREFIX[section]}:{item['key']}"] = item
        files[path][section] = kept

    for path in own:
        drop(path, "documents", lambda d: d["key"] != doc_key)
        drop(path, "positions", lambda p: p["document"] != this)
        drop(path, "events", lambda e: e.get("reported_in") != [this])
        files[path]["memberships"] = [m for m in files[path].get("memberships", []) if m.get("documents") != [this]]
    while True:
        used: set[str] = set()
        for data in files.values():
            for items in data.values():
                for item in items:
                    _refs({k: v for k, v in item.items() if k != "key"}, used)
        before = len(removed)
        for path in own:
            for section in ("organizations", "people", "places", "events", "documents"):
                prefix = _PREFIX[section]
                drop(path, section, lambda item, prefix=prefix, used=used: f"{prefix}:{item['key']}" in used)
        if len(removed) == before:
            break
    gone = set(removed) | {this}
    for data in files.values():
        for items in data.values():
            for item in items:
                _prune(item, gone)
    for path, data in files.items():
        data = {k: v for k, v in data.items() if v}
        if data:
            path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096), encoding="utf-8")
        else:
            path.unlink()
    return removed
