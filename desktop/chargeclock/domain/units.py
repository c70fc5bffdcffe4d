"""Unit arithmetic: the CMS total-time method and the per-code (AMA midpoint) method.

Sources: Medicare Claims Processing Manual ch. 5 §20.2 (total time, allocation, ties) and the CPT
midpoint convention for the per-code method (rules.md §2 and §3).
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct


def midpoint(unit_minutes: int) -> int:
    """Minutes that earn a unit on their own: 8 of 15, 16 of 30 ("more than half")."""
    return unit_minutes // 2 + 1


def units_for_minutes(minutes: int, unit_minutes: int = 15) -> int:
    """Units for ``minutes`` under the midpoint table: 8-22 -> 1, 23-37 -> 2, ... (15-minute
    units); 16-45 -> 1, 46-75 -> 2, ... (30-minute units)."""
    if minutes < midpoint(unit_minutes):
        return 0
    return (minutes + unit_minutes - midpoint(unit_minutes)) // unit_minutes


def minutes_range(units: int, unit_minutes: int = 15) -> tuple[int, int | None]:
    """The span of minutes that gives ``units`` (``(38, 52)`` for 3); the top is open at 0 units
    only in the sense that 0 units run from 0 to the midpoint minus one."""
    mid = midpoint(unit_minutes)
    if units == 0:
        return (0, mid - 1)
    low = (units - 1) * unit_minutes + mid
    return (low, low + unit_minutes - 1)


def minutes_to_next_unit(minutes: int, unit_minutes: int = 15) -> int:
    """How many more minutes make the next unit."""
    units = units_for_minutes(minutes, unit_minutes)
    next_low, _ = minutes_range(units + 1, unit_minutes)
    return next_low - minutes


class Allocation(Struct, frozen=True):
    """The CMS allocation of ``total_units`` over the pooled codes (indexes into the input).

    ``fixed_extra`` codes receive a leftover unit for certain; among ``tied`` codes exactly
    ``tied_take`` receive one, which is the clinician's choice (MCPM §20.2 Example 2).
    """

    total_minutes: int
    total_units: int
    full_units: tuple[int, ...]
    leftovers: tuple[int, ...]
    fixed_extra: frozenset[int]
    tied: tuple[int, ...]
    tied_take: int

    @property
    def has_choice(self) -> bool:
        return 0 < self.tied_take < len(self.tied)

    def units_with(self, chosen: Sequence[int]) -> tuple[int, ...]:
        """Units per code when the tied leftover units go to ``chosen``."""
        extra = self.fixed_extra | frozenset(chosen)
        return tuple(f + (1 if i in extra else 0) for i, f in enumerate(self.full_units))


def allocate_total_time(minutes: Sequence[int]) -> Allocation:
    """Allocate the units of the summed minutes over the codes (rules.md §2.3).

    Each code first gets ``floor(m / 15)`` full units; the ``R`` units still to place go one each to
    the ``R`` codes with the largest leftover minutes. A code never takes more than one leftover
    unit: ``R = floor((sum(rem) + 7) / 15)`` never exceeds the number of codes with a leftover.
    """
    total = sum(minutes)
    total_units = units_for_minutes(total)
    full = tuple(m // 15 for m in minutes)
    rem = tuple(m % 15 for m in minutes)
    to_place = total_units - sum(full)
    if not 0 <= to_place <= sum(1 for r in rem if r > 0):
        raise AssertionError(f"allocation invariant broken for minutes {list(minutes)}")
    if to_place == 0:
        return Allocation(total, total_units, full, rem, frozenset(), (), 0)
    order = sorted(range(len(minutes)), key=lambda i: -rem[i])
    cutoff = rem[order[to_place - 1]]
    above = frozenset(i for i in range(len(minutes)) if rem[i] > cutoff)
    tied = tuple(i for i in range(len(minutes)) if rem[i] == cutoff)
    return Allocation(total, total_units, full, rem, above, tied, to_place - len(above))
