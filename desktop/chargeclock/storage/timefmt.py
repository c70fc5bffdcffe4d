"""How moments and money are written to the database.

Moments: UTC ISO-8601 text of fixed width (``2026-03-02T14:00:00.000000Z``), so text order is
time order. Money: integer cents; a :class:`~decimal.Decimal` with more than two places is refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_WIDTH = len("2026-03-02T14:00:00.000000Z")


def to_db_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times are stored in UTC and must be aware")
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_db_time(text: str) -> datetime:
    # fromisoformat is many times faster than strptime and needs no locale module; the length
    # and the "Z" keep it to the one fixed-width form this module writes.
    if len(text) != _WIDTH or text[-1] != "Z" or text[10] != "T":
        raise ValueError(f"not a stored UTC time: {text!r}")
    return datetime.fromisoformat(text)


def to_cents(amount: Decimal) -> int:
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has fractions of a cent")
    return int(cents)


def from_cents(cents: int | None) -> Decimal | None:
    if cents is None:
        return None
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def from_db_day(text: str | None) -> date | None:
    """A stored ``YYYY-MM-DD`` date, or None for a date not entered."""
    return date.fromisoformat(text) if text else None


def to_db_day(day: date | None) -> str | None:
    return day.isoformat() if day else None
