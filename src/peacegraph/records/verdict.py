"""A JSON Schema's verdict on a small file (the collection's, its release's, its regions'), given in Rust
by jsonschema-rs, as on record files: jsonschema, which words what is wrong, is imported only for a file
that fails (it takes a twentieth of a second to import, a build's every time)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema_rs


def passes(schema: Mapping[str, Any], data: Any) -> bool:
    """Whether ``data`` is valid against ``schema`` (whose patterns are ECMA-262's, as jsonschema-rs reads them)."""
    return _compiled(json.dumps(schema, sort_keys=True)).is_valid(data)


@functools.cache
def _compiled(schema: str) -> jsonschema_rs.Validator:
    import jsonschema_rs  # what reads a collection without checking it (a query) does not import it

    return jsonschema_rs.validator_for(json.loads(schema))
