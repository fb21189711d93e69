"""Typed literals judged, and terms named, without rdflib, as rdflib (and so pySHACL) judges and names them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode

from peacegraph.rdf.namespaces import XSD
from peacegraph.validation.fast.literals import quiet_rdflib, rdflib_verdict, well_typed
from peacegraph.validation.fast.terms import RDFLIB_PREFIXES

#: The forms judged without rdflib, and text around them.
FORMS = {
    "date": st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
    | st.from_regex(r"\A[0-9]{4}-(0[1-9]|1[0-2])-[0-3][0-9]\Z"),
    "integer": st.from_regex(r"\A[0-9]{1,101}\Z"),
    "nonNegativeInteger": st.from_regex(r"\A[0-9]{1,101}\Z"),
    "positiveInteger": st.from_regex(r"\A0{0,3}[0-9]{1,3}\Z"),
    "gYear": st.from_regex(r"\A[0-9]{4}\Z"),
    "gYearMonth": st.from_regex(r"\A[0-9]{4}-[0-9]{2}\Z"),
    "decimal": st.from_regex(r"\A-?[0-9]{1,41}(\.[0-9]{0,41})?\Z"),
}
NEAR = st.text(alphabet="0123456789-+. Z:T\u0663", max_size=12)


@given(st.sampled_from(sorted(FORMS)), st.data())
def test_the_quick_verdicts_are_rdflibs(datatype: str, data: st.DataObject) -> None:
    text = data.draw(FORMS[datatype] | NEAR)
    literal = Literal(text, datatype=NamedNode(XSD + datatype))
    with quiet_rdflib():
        assert well_typed(literal) == rdflib_verdict(literal), text


def test_the_quick_verdicts_say_both_ways() -> None:
    cases = {
        ("2024-02-29", "date"): True,
        ("2023-02-29", "date"): False,
        ("0000-01-01", "date"): False,
        ("000", "positiveInteger"): False,
        ("007", "positiveInteger"): True,
        ("0", "nonNegativeInteger"): True,
    }
    with quiet_rdflib():
        for (text, datatype), verdict in cases.items():
            literal = Literal(text, datatype=NamedNode(XSD + datatype))
            assert well_typed(literal) is verdict
            assert rdflib_verdict(literal) is verdict


def test_the_prefixes_of_messages_are_those_rdflib_binds() -> None:
    """pySHACL's messages name terms by the prefixes of an rdflib graph: ours are written out, and must be those."""
    import rdflib

    bound = sorted((prefix, str(namespace)) for prefix, namespace in rdflib.Graph().namespaces() if prefix)
    assert list(RDFLIB_PREFIXES) == bound
