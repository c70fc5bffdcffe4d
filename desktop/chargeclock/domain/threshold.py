"""The KX threshold and the targeted medical review level (rules.md §5).

Per beneficiary and calendar year, on Medicare allowed amounts, PT and SLP together and OT apart.
Walking a visit's lines in claim order, the line whose allowed amount makes the running total reach
or exceed the threshold, and every later line, carry KX — never a line merely because the threshold
will be reached later. A line of unknown amount adds nothing and carries KX only when the total had
already reached the threshold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from msgspec import Struct


class KxWalk(Struct, frozen=True):
    """The KX flag of each line in order, the year-to-date after them, and whether every amount was
    known."""

    flags: tuple[bool, ...]
    ytd_after: Decimal
    complete: bool


def walk_kx(
    amounts: Sequence[Decimal | None], ytd_before: Decimal, threshold: Decimal, enabled: bool
) -> KxWalk:
    """KX per line, the year-to-date after the visit, and whether every amount was known."""
    running = ytd_before
    flags: list[bool] = []
    complete = True
    for amount in amounts:
        if amount is None:
            complete = False
            flags.append(enabled and running >= threshold)
            continue
        running += amount
        flags.append(enabled and running >= threshold)
    return KxWalk(tuple(flags), running, complete)


def visits_until(remaining: Decimal, average_per_visit: Decimal | None) -> int | None:
    """About how many visits at ``average_per_visit`` until ``remaining`` dollars are used up
    (0 when already there; ``None`` when there is no average to go by)."""
    if remaining <= 0:
        return 0
    if average_per_visit is None or average_per_visit <= 0:
        return None
    return math.ceil(remaining / average_per_visit)
