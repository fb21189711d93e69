"""A JSON Schema's verdict, given in Rust by jsonschema-rs: on record files, and on the small files of a
collection (its ``collection.yaml``, its release's, its regions'). jsonschema, which words what is wrong,
is imported only for a file that fails (it takes a twentieth of a second to import, a build's every time),
and jsonschema-rs only where something is checked (a query that reads a collection does not check it)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema_rs


def passes(schema: Mapping[str, Any], data: Any) -> bool:
    """Whether ``data`` is valid against ``schema`` (whose patterns are ECMA-262's, as jsonschema-rs reads them)."""
    return valid(compiled(json.dumps(schema, sort_keys=True)), data)


def valid(validator: jsonschema_rs.Validator, data: Any) -> bool:
    """``validator``'s verdict on ``data``; a value jsonschema-rs cannot read is left to jsonschema (False)."""
    try:
        return validator.is_valid(data)
    except ValueError:
        return False


@functools.cache
def compiled(schema: str) -> jsonschema_rs.Validator:
    """The schema written as JSON ``schema``, compiled by jsonschema-rs."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(json.loads(schema))
