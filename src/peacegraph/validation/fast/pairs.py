"""Property pair constraints: ``sh:lessThan``, decided in SPARQL for pairs of plain integers and,
for anything else, in Python on rdflib values, as pySHACL compares them.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, QuerySolution

from ...rdf.namespaces import XSD
from .context import Compilation, Context
from .literals import BOOLEANS, INTEGER_TYPES, quiet_rdflib, unwrap
from .shapes import refuse
from .terms import WRAPPED, Term, display


def less_than(cc: Compilation, c: Context, other: NamedNode, *, or_equal: bool = False) -> None:
    """``sh:lessThan``, or with ``or_equal`` ``sh:lessThanOrEquals``: each value against each of ``other``'s."""
    name = "sh:lessThanOrEquals" if or_equal else "sh:lessThan"
    if c.path is None:
        raise refuse(c.shape, f"{name} on a node shape")
    # Pairs of plain integers are compared here; anything else as pySHACL does, in Python (less).
    integers = ", ".join(f"<{WRAPPED}{XSD}{name}>" for name in INTEGER_TYPES)
    plain = "DATATYPE({x}) IN ({types}) && REGEX(STR({x}), '^[0-9]+$')"
    both = f"{plain.format(x='?v', types=integers)} && {plain.format(x='?w', types=integers)}"
    less_sparql = f"{both} && xsd:integer(STR(?v)) {'<=' if or_equal else '<'} xsd:integer(STR(?w))"
    where = f"{c.focus} {c.values()} ?f <{other.value}> ?w . FILTER(!COALESCE({less_sparql}, false))"
    query = f"PREFIX xsd: <{XSD}> SELECT ?f ?v ?w WHERE {{ {where} }}"
    if or_equal:
        message = f"Value of {{f}}->{display(other)} < {{v}}"
        cc.add(c, query, [("LessThanOrEquals", "", message)], value=True, flags=False, accept=less_or_equal)
    else:
        message = f"Value of {{f}}->{display(other)} <= {{v}}"
        cc.add(c, query, [("LessThan", "", message)], value=True, flags=False, accept=less)


def less(row: QuerySolution) -> bool:
    """Whether a value is less than the other property's value, as pySHACL compares them (rdflib values)."""
    return _compare(row, or_equal=False)


def less_or_equal(row: QuerySolution) -> bool:
    """Whether a value is less than or equal to the other property's value, as pySHACL compares them."""
    return _compare(row, or_equal=True)


def _compare(row: QuerySolution, *, or_equal: bool) -> bool:
    (v_text, v), (w_text, w) = _python(row["v"]), _python(row["w"])
    if v is None or w is None or v_text != w_text:
        return False
    try:
        return bool(v <= w) if or_equal else bool(v < w)  # type: ignore[operator]
    except TypeError:
        return False


def _python(node: Term | None) -> tuple[bool, object]:
    """Whether the term compares as text, and the value rdflib makes of it (None: not comparable)."""
    import rdflib

    node = unwrap(node)
    if isinstance(node, NamedNode):
        return True, node.value
    if not isinstance(node, Literal):
        return False, None
    lexical, datatype = node.value, None if node.language else node.datatype.value
    if datatype == XSD + "boolean" and lexical not in BOOLEANS:  # rdflib reads these as false, warning
        lexical = "true" if lexical.lower() in ("1", "true") else "false"
    with quiet_rdflib():
        value = rdflib.Literal(lexical, datatype=datatype, lang=node.language or None)
    return (True, value.value) if isinstance(value.value, str) else (False, value)
