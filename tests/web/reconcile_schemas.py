"""The Reconciliation API's official JSON Schemas, by version, and which of them each route answers with.

The schemas are read from ``../shared/reference/reconciliation-schemas`` (versions 0.2 and 1.0-draft,
unchanged from the Community Group's repository; see its ``SOURCE.md``). Each version is its own
registry: both directories hold a ``data-extension-property-proposal.json`` with the same ``$id``.

:func:`expected` names the schemas an answer must satisfy, from its route, as the service's module
docstring says it tells the versions apart. The two versions disagree on the manifest's ``suggest``
entries, so the manifest is checked against the other version with ``suggest`` left out.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from ..conftest import SHARED

DIRECTORY = SHARED / "reference" / "reconciliation-schemas"
V02, V10 = "0.2", "1.0-draft"
MANIFEST = "manifest.json"
#: The fields of the manifest on which the two versions disagree.
DISPUTED = ("suggest",)


def available() -> bool:
    return all((DIRECTORY / version / MANIFEST).is_file() for version in (V02, V10))


@functools.cache
def _registry(version: str) -> Registry[Any]:
    registry: Registry[Any] = Registry()
    for path in sorted((DIRECTORY / version).glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(schema, default_specification=DRAFT7)
        registry = registry.with_resource(str(schema["$id"]).rstrip("#"), resource)
    return registry


@functools.cache
def _schema(version: str, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((DIRECTORY / version / name).read_text(encoding="utf-8"))
    return schema


def violations(version: str, name: str, instance: object, *, leave_out: tuple[str, ...] = ()) -> list[str]:
    """What ``instance`` breaks of ``version``'s schema ``name`` (without the top-level fields ``leave_out``)."""
    schema = _schema(version, name)
    if leave_out:
        properties = {k: v for k, v in schema["properties"].items() if k not in leave_out}
        schema = {**schema, "properties": properties}
    validator = Draft7Validator(schema, registry=_registry(version))
    errors = validator.iter_errors(instance)
    return [f"{version} {name} at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


@dataclass(frozen=True)
class Check:
    version: str
    name: str
    leave_out: tuple[str, ...] = ()


def expected(method: str, path: str, params: dict[str, str], json_body: bool) -> list[Check]:
    """The schemas that the answer to this request must satisfy ([] where neither version has one)."""
    shared = "/reconcile/"
    if path.startswith("/reconcile/1.0-draft"):
        rest = path.removeprefix("/reconcile/1.0-draft") or "/"
        return [Check(V10, MANIFEST)] if rest in ("/", "") else _draft(rest)
    if path == "/reconcile":
        if json_body:
            return [Check(V10, "reconciliation-result-batch.json")]
        if "queries" in params or "query" in params:
            return [Check(V02, "reconciliation-result-batch.json")]
        if "extend" in params:
            return [Check(V02, "data-extension-response.json")]
        return [Check(V02, MANIFEST), Check(V10, MANIFEST, DISPUTED)]
    if path == "/reconcile/properties":
        return [Check(V02, "data-extension-property-proposal.json")]
    if path.startswith(shared + "suggest/"):
        return [Check(v, c.name) for c in _draft(path.removeprefix("/reconcile")) for v in (V02, V10)]
    return _draft(path.removeprefix("/reconcile"))


def _draft(route: str) -> list[Check]:
    names = {
        "/match": "reconciliation-result-batch.json",
        "/extend": "data-extension-response.json",
        "/extend/propose": "data-extension-property-proposal.json",
        "/suggest/entity": "suggest-entities-response.json",
        "/suggest/type": "suggest-types-response.json",
        "/suggest/property": "suggest-properties-response.json",
    }
    return [Check(V10, names[route])] if route in names else []


def answer_violations(method: str, path: str, params: dict[str, str], json_body: bool, answer: object) -> list[str]:
    """Every violation of the schemas of this route by ``answer`` (a 0.1 single query is one entry of a batch)."""
    found = []
    for check in expected(method, path, params, json_body):
        instance = {"q0": answer} if "query" in params and "queries" not in params else answer
        found += violations(check.version, check.name, instance, leave_out=check.leave_out)
    return found


def jsonp_payload(text: str) -> Any:
    """The JSON inside ``/**/callback(…);``."""
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def schema_path(version: str) -> Path:
    return DIRECTORY / version
