"""The benchmark's decade copies the demo year into the years before it by moving each stored
date back: a leap demo year's 29 February lands on the 28th of a common year, the same in the
SQL that copies rows and in the Python that copies frozen claims (a copy made in 2028 or 2032
would otherwise hold an invalid date, or fail)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime

import pytest

from tests.perf.decade import _back, _moved_day, _Year

CASES = [
    ("2028-02-29", 1, "2027-02-28"),
    ("2028-02-29", 4, "2024-02-29"),  # a leap year again
    ("2028-02-29T14:30:00Z", 3, "2025-02-28T14:30:00Z"),
    ("2028-02-28", 1, "2027-02-28"),
    ("2028-03-01T08:00:00Z", 1, "2027-03-01T08:00:00Z"),
    ("2026-12-02", 9, "2017-12-02"),
    ("2100-02-28", 100, "2000-02-28"),
    ("2004-02-29", 104, "1900-02-28"),  # 1900: not a leap year
    ("2004-02-29", 4, "2000-02-29"),  # 2000: a leap year
]


@pytest.mark.parametrize(("stored", "back", "moved"), CASES)
def test_a_day_moved_back_is_a_real_day(stored: str, back: int, moved: str) -> None:
    with closing(sqlite3.connect(":memory:")) as conn:
        [(in_sql,)] = conn.execute(f"SELECT {_back(':value')}", {"value": stored, "back": back})
    assert in_sql == moved
    assert _moved_day(stored, back) == moved
    date.fromisoformat(moved[:10])  # valid


def test_null_stays_null() -> None:
    with closing(sqlite3.connect(":memory:")) as conn:
        [(in_sql,)] = conn.execute(f"SELECT {_back(':value')}", {"value": None, "back": 1})
    assert in_sql is None


def test_a_copied_year_moves_days_and_moments_alike() -> None:
    year = _Year(1, {}, date(2028, 12, 2))
    assert year.end == "2027-12-02"
    assert year.day(date(2028, 2, 29)) == date(2027, 2, 28)
    assert year.moment(datetime(2028, 2, 29, 9, 15, tzinfo=UTC)) == datetime(
        2027, 2, 28, 9, 15, tzinfo=UTC
    )
    assert year.day(date(2028, 7, 4)) == date(2027, 7, 4)
    assert year.last_day("2028-02-29") == "2027-02-28"
