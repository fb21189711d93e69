"""Partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) and the days they may stand for.

A record keeps a date as precise as its source gives it; a query compares days. The earliest and
latest possible day of a partial date bound it: ``2016`` is 2016-01-01 to 2016-12-31, ``2016-02`` is
2016-02-01 to 2016-02-29, a full date is that day twice.
"""

from __future__ import annotations

import calendar
import datetime


def _parts(value: str) -> list[int]:
    return [int(part) for part in value.split("-")]


def earliest(value: str) -> datetime.date:
    """The first day ``value`` may stand for (raises ValueError if it is not a real date)."""
    parts = _parts(value)
    return datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def latest(value: str) -> datetime.date:
    """The last day ``value`` may stand for (raises ValueError if it is not a real date)."""
    parts = _parts(value)
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(parts[0], month)[1]
    return datetime.date(parts[0], month, day)


def is_coarse(value: str) -> bool:
    """Whether ``value`` is a month or a year rather than a day."""
    return len(value.split("-")) < 3
