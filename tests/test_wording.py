"""Counted words: one is singular, every other count plural; days and times as the clinic reads
them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from chargeclock.domain.wording import day_text, moment_text, plural


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert [plural(n, "unit") for n in (0, 1, 2, 11)] == [
        "0 units",
        "1 unit",
        "2 units",
        "11 units",
    ]
    assert plural(1, "treatment day") == "1 treatment day"
    assert plural(3, "treatment day") == "3 treatment days"
    assert plural(2, "entry") == "2 entries" and plural(2, "child", "children") == "2 children"


def test_the_rules_explain_in_counted_words() -> None:
    from chargeclock.domain.assistant import split_timed

    reason = split_timed(2, 20, 13).reason
    assert "therapist 20 min -> 1 whole unit without" in reason
    assert "assistant 13 min -> 0 whole units with it" in reason
    assert "(s)" not in reason


@given(st.dates(min_value=date(1000, 1, 1)))
def test_a_day_is_written_month_day_year(day: date) -> None:
    assert day_text(day) == day.strftime("%m/%d/%Y")  # the C library's, to four-digit years


def test_a_stored_instant_is_written_on_the_clinic_wall_clock() -> None:
    stored = datetime(2027, 1, 1, 3, 7, tzinfo=UTC)  # 10:07 PM on New Year's Eve in New York
    assert moment_text(stored, timezone(timedelta(hours=-5))) == "12/31/2026 22:07"
    assert moment_text(stored, UTC) == "01/01/2027 03:07"
    assert moment_text(stored, timezone(timedelta(hours=5, minutes=30))) == "01/01/2027 08:37"
    # to the second where it has one: a time editor shows seconds
    assert moment_text(stored.replace(second=9), UTC) == "01/01/2027 03:07:09"
