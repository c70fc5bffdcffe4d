"""How moments and money are written to the database, and read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargeclock.storage.timefmt import from_cents, from_db_time, to_cents, to_db_time


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))]),
    )
)
def test_a_moment_round_trips_to_the_same_instant_in_utc(moment: datetime) -> None:
    text = to_db_time(moment)
    assert len(text) == 27 and text.endswith("Z")
    back = from_db_time(text)
    assert back == moment
    assert back.utcoffset() == timedelta(0)


def test_stored_text_orders_as_time() -> None:
    early = datetime(2026, 3, 2, 9, 59, 59, 999999, tzinfo=UTC)
    late = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert to_db_time(early) < to_db_time(late)


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02 14:00:00.000000Z",
        "2026-03-02T14:00:00.000000+00:00",
        "2026-03-02T14:00:00Z",
        "2026-03-02T14:00:00.000000",
        "",
    ],
)
def test_other_forms_are_not_read_as_stored_times(text: str) -> None:
    with pytest.raises(ValueError):
        from_db_time(text)


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_db_time(datetime(2026, 3, 2, 14, 0))


def test_money_is_whole_cents() -> None:
    assert to_cents(Decimal("12.34")) == 1234
    assert from_cents(1234) == Decimal("12.34")
    assert from_cents(None) is None
    with pytest.raises(ValueError, match="fractions of a cent"):
        to_cents(Decimal("0.001"))
