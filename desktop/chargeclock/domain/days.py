"""Checks on the days people give: not in the future, a period that does not run backwards.

Every refusal is an :class:`InputError` naming the field, its days written as every screen
writes them (:func:`chargeclock.domain.wording.day_text`)."""

from __future__ import annotations

from datetime import date

from chargeclock.domain.errors import InputError
from chargeclock.domain.wording import day_text


def not_future(field: str, day: date | None, today: date, then: str = "") -> None:
    """An :class:`InputError` naming ``field`` when ``day`` is after ``today`` (``then``: what
    to do instead, after the message)."""
    if day is not None and day > today:
        raise InputError(field, f"{day_text(day)} is in the future{then}")


def check_period(
    first: date, last: date, field: str = "from", last_name: str = "the last date"
) -> None:
    """An :class:`InputError` naming ``field`` when the period from ``first`` to ``last`` runs
    backwards (``last_name``: what the form or the command calls the period's end)."""
    if first > last:
        raise InputError(field, f"{day_text(first)} is after {last_name} {day_text(last)}")
