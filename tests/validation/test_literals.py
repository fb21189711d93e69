"""Typed literals judged, and terms named, without rdflib, as rdflib (and so pySHACL) judges and names them."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Callable

from pyoxigraph import Literal, NamedNode

from peacegraph.rdf.namespaces import XSD
from peacegraph.validation.fast.literals import quiet_rdflib, well_typed
from peacegraph.validation.fast.terms import RDFLIB_PREFIXES


def _samples(seed: int = 20261206, each: int = 600) -> list[tuple[str, str]]:
    """Texts in and around each form judged without rdflib, for each datatype so judged: random, but the
    same each run."""
    draw = random.Random(seed)

    def digits(low: int, high: int) -> str:
        return "".join(draw.choice("0123456789") for _ in range(draw.randint(low, high)))

    forms: dict[str, Callable[[], str]] = {
        "date": lambda: f"{digits(4, 4)}-{draw.randint(0, 13):02d}-{draw.randint(0, 32):02d}",
        "integer": lambda: digits(1, 3) if draw.random() < 0.8 else digits(98, 102),
        "nonNegativeInteger": lambda: digits(1, 3) if draw.random() < 0.8 else digits(98, 102),
        "positiveInteger": lambda: "0" * draw.randint(0, 3) + digits(1, 2),
        "gYear": lambda: digits(4, 4),
        "gYearMonth": lambda: f"{digits(4, 4)}-{draw.randint(0, 13):02d}",
        "decimal": lambda: f"{'-' * draw.randint(0, 1)}{digits(1, 41)}{'.' * draw.randint(0, 1)}{digits(0, 41)}",
    }
    near = "0123456789-+. Z:T\u0663"
    samples = []
    for datatype, form in forms.items():
        for _ in range(each):
            text = form() if draw.random() < 0.75 else "".join(draw.choice(near) for _ in range(draw.randint(0, 12)))
            samples.append((datatype, text))
    return samples


#: Both verdicts on each sample, asked in a fresh Python: other tests in the same process may have changed
#: how rdflib converts literals (OWL-RL's inference, which pySHACL runs for some options, adds a converter
#: for gYear), which the verdicts that fall back to rdflib would follow.
_ASK_BOTH = """
import json, sys
from pyoxigraph import Literal, NamedNode
from peacegraph.validation.fast.literals import quiet_rdflib, rdflib_verdict, well_typed
with quiet_rdflib():
    literals = [Literal(text, datatype=NamedNode(datatype)) for datatype, text in json.load(sys.stdin)]
    print(json.dumps([[well_typed(literal), rdflib_verdict(literal)] for literal in literals]))
"""


def test_the_quick_verdicts_are_rdflibs() -> None:
    samples = [(XSD + datatype, text) for datatype, text in _samples()]
    asked = subprocess.run(
        [sys.executable, "-c", _ASK_BOTH], input=json.dumps(samples), capture_output=True, text=True, check=True
    )
    verdicts = json.loads(asked.stdout)
    differ = [(*sample, mine) for sample, (mine, theirs) in zip(samples, verdicts, strict=True) if mine != theirs]
    assert differ == []
    assert {True, False} <= {theirs for _mine, theirs in verdicts}  # the samples hold both verdicts


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
            assert well_typed(literal) is verdict  # judged without rdflib (the test above compares it with rdflib)


def test_the_prefixes_of_messages_are_those_rdflib_binds() -> None:
    """pySHACL's messages name terms by the prefixes of an rdflib graph: ours are written out, and must be those."""
    import rdflib

    bound = sorted((prefix, str(namespace)) for prefix, namespace in rdflib.Graph().namespaces() if prefix)
    assert list(RDFLIB_PREFIXES) == bound
