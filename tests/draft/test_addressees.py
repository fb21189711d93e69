"""Addressee lines in the forms diplomatic letters use, and the head of web text read line by line."""

from __future__ import annotations

import pytest

from peacegraph.draft import document
from peacegraph.draft.addressees import Addressee, parse
from peacegraph.draft.layout import blocks


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "His Excellency Mr. Arno Velt, Permanent Representative of Lusia to the United Nations",
            Addressee("Arno Velt", "Permanent Representative of Lusia to the United Nations", "person"),
        ),
        ("H.E. Arno Velt Permanent Representative", Addressee("Arno Velt", "Permanent Representative", "person")),
        (
            "Ms. Ida Brenn, Secretary-General of the Harbour League",
            Addressee("Ida Brenn", "Secretary-General of the Harbour League", "person"),
        ),
        ("Relief Chief, Mr. Oto Lind", Addressee("Oto Lind", "Relief Chief", "person")),
        ("Dear Members of the Peace Council,", Addressee("Peace Council", None, "org")),
        (
            "Representatives of the Members of the River Commission",
            Addressee("River Commission", None, "org"),
        ),
        ("Your Excellency,", None),
        ("Dear Sir or Madam,", None),
        ("Dear Ms. Brenn, Mr. Lind and Minister Velt,", None),  # a salutation by surnames names no one new
    ],
)
def test_addressee_forms(line: str, expected: Addressee | None) -> None:
    assert parse(line) == expected


def test_the_head_of_web_text_one_line_apart() -> None:
    text = (
        "Open Letter on the River Crossings\n"
        "3 May 2020\n"
        "His Excellency Mr. Arno Velt\n"
        "Permanent Representative of Lusia to the United Nations\n"
        "To:\n"
        "Ms. Ida Brenn, Secretary-General of the Harbour League\n"
        "Dear Excellencies,\n"
        "We write to you about the crossings that have been closed since the spring floods and the harm done.\n"
    )
    head = document.read_head(blocks(text))
    assert head.title == "Open Letter on the River Crossings"
    assert not head.made_title
    assert head.date == "2020-05-03"
    assert head.addressee_texts == [
        "His Excellency Mr. Arno Velt, Permanent Representative of Lusia to the United Nations",
        "Ms. Ida Brenn, Secretary-General of the Harbour League",
    ]
    assert text[head.body_start :].startswith("We write")


def test_hard_wrapped_lines_stay_one_unit() -> None:
    text = "Members of the International\nHarbour Group\n\nYour Excellencies,\nWe write to you today.\n"
    assert document.read_head(blocks(text)).addressee_texts[0] == "Members of the International Harbour Group"


def test_a_navigation_bar_is_not_the_title() -> None:
    head = document.read_head(blocks("Home | About us | News | Donate\nStatement on the Floods\n1 June 2020\n"))
    assert (head.title, head.navigation) == ("Statement on the Floods", "Home | About us | News | Donate")
