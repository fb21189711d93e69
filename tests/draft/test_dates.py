"""Dates as the genre writes them, and which of them is a date of issue."""

from __future__ import annotations

import pytest

from peacegraph.records.written import YEARLESS, find_dates, whole_date


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (" Wednesday, March 22, 2017", "2017-03-22"),
        ("3 January 2018", "2018-01-03"),
        ("Posted 2016-10-14", "2016-10-14"),
        ("Geneva, 12 May 2019", "2019-05-12"),
        ("Istanbul \u2013 14 February 2019", "2019-02-14"),
        ("14 Nov. 2019", "2019-11-14"),
        ("March 2017", None),  # a month is not a date of issue
        ("31 February 2019", None),  # not a real date
        ("The conference on April 24\u201325, 2018 failed.", None),  # a sentence, not a date line
        ("Dated: 1st June 2018", "2018-06-01"),
        ("Brussels III Conference, 12\u201314 March 2019", None),  # a span: when a conference took place
        ("Idlib, Syria \u2013 5 June 2019", "2019-06-05"),
    ],
)
def test_whole_date(line: str, expected: str | None) -> None:
    assert whole_date(line) == expected


def test_dates_of_events_in_a_sentence() -> None:
    text = "Ahead of the talks on April 24\u201325, 2018, and after resolution 2254 of 18 December 2015, in March 2017"
    assert [d.value for d in find_dates(text)] == ["2018-04-24", "2015-12-18", "2017-03"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("4 août 2019", "2019-08-04"),
        ("Lorvane, le 1er mars 2020", "2020-03-01"),
        ("lundi 4 mars 2019", "2019-03-04"),
        ("\u0664 \u0622\u0628 \u0662\u0660\u0661\u0669", "2019-08-04"),  # Arabic-Indic digits, Levantine month
        ("\u0628\u062a\u0627\u0631\u064a\u062e 12 \u0623\u064a\u0644\u0648\u0644 2018", "2018-09-12"),
        ("4 \u0622\u0628/\u0623\u063a\u0633\u0637\u0633 2019", "2019-08-04"),  # both names of the month
        ("le 5 mars", None),  # no year: never completed
    ],
)
def test_whole_date_in_french_and_arabic(line: str, expected: str | None) -> None:
    assert whole_date(line) == expected


def test_a_day_and_month_without_a_year_is_no_date() -> None:
    text = "In a letter dated 5 March to the Council, and again on 6 May 2019"
    assert [d.value for d in find_dates(text)] == ["2019-05-06"]
    assert [m.group(0) for m in YEARLESS.finditer(text)] == ["5 March"]
