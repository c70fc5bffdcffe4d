"""Which units carry the assistant modifier (CQ with GP, CO with GO) — rules.md §4.

Only minutes the assistant furnishes alone are assistant minutes; minutes furnished together count
as the therapist's (APTA). ``pt_minutes`` therefore already includes the together minutes.
"""

from __future__ import annotations

from msgspec import Struct

from chargeclock.domain.units import midpoint
from chargeclock.domain.wording import plural


def _over_de_minimis(part: int, whole: int) -> bool:
    """The 10 % de minimis standard (CY2019/2020 rule; rules.md §4.3 and §4.4): assistant time
    above a tenth of the unit or service brings the modifier. Exact in whole numbers: 1.5 of
    15 minutes is not above it, 2 is."""
    return 10 * part > whole


class AssistantSplit(Struct, frozen=True):
    """``units`` split into ``therapist_units`` (no modifier) and ``assistant_units``."""

    therapist_units: int
    assistant_units: int
    reason: str
    review: str | None = None

    @property
    def units(self) -> int:
        return self.therapist_units + self.assistant_units


def split_timed(units: int, pt: int, pta: int, unit_minutes: int = 15) -> AssistantSplit:
    """Split a timed code's ``units`` between therapist and assistant (rules.md §4.1-4.3, §4.5)."""
    if units == 0:
        return AssistantSplit(0, 0, "no units")
    mid = midpoint(unit_minutes)
    u_p, u_a = pt // unit_minutes, pta // unit_minutes
    extra = units - u_p - u_a
    if not 0 <= extra <= 2:
        raise AssertionError(f"assistant split invariant broken: {units} units, PT {pt}, PTA {pta}")
    r_p, r_a = pt % unit_minutes, pta % unit_minutes
    whole = (
        f"therapist {pt} min -> {plural(u_p, 'whole unit')} without the modifier; "
        f"assistant {pta} min -> {plural(u_a, 'whole unit')} with it"
    )
    review: str | None = None
    if extra == 0:
        reason = f"{whole}; no unit left"
        t_units, a_units = u_p, u_a
    elif extra == 2:
        # CY2022 rule: two units remain and each furnished 9-14 minutes: one each.
        reason = (
            f"{whole}; 2 units left (therapist {r_p} + assistant {r_a} min): one each (CY2022 rule)"
        )
        t_units, a_units = u_p + 1, u_a + 1
    elif r_p >= mid and r_p >= r_a:
        reason = (
            f"{whole}; last unit: therapist leftover {r_p} min meets the midpoint on its own "
            "-> therapist"
        )
        t_units, a_units = u_p + 1, u_a
    elif r_a >= mid:
        reason = f"{whole}; last unit: assistant leftover {r_a} min meets the midpoint -> assistant"
        t_units, a_units = u_p, u_a + 1
        if r_p >= mid:
            review = (
                f"last unit: therapist {r_p} min and assistant {r_a} min both meet the midpoint; "
                "sources disagree on which decides (assistant chosen)"
            )
    elif _over_de_minimis(r_a, unit_minutes):
        reason = (
            f"{whole}; last unit: neither leftover reaches {mid} min; assistant {r_a} min is more "
            f"than 10% of {unit_minutes} -> assistant"
        )
        t_units, a_units = u_p, u_a + 1
    else:
        reason = (
            f"{whole}; last unit: neither leftover reaches {mid} min; assistant {r_a} min is "
            "within the 10% de minimis -> therapist"
        )
        t_units, a_units = u_p + 1, u_a
    if (
        review is None
        and units == 1
        and a_units == 0
        and pt >= mid
        and _over_de_minimis(pta, unit_minutes)
    ):
        review = (
            f"single unit: therapist {pt} min meets the midpoint but the assistant furnished "
            f"{pta} min (in part); sources disagree whether it needs the modifier (none chosen)"
        )
    return AssistantSplit(t_units, a_units, reason, review)


def split_untimed(pt: int, pta: int, assistant_furnished: bool = False) -> AssistantSplit:
    """An untimed service (one unit) carries the modifier when the assistant-alone minutes exceed
    10 % of its minutes, or when the assistant furnished it and no minutes were recorded."""
    total = pt + pta
    if total == 0:
        if assistant_furnished:
            return AssistantSplit(0, 1, "furnished by the assistant, no minutes recorded")
        return AssistantSplit(1, 0, "furnished by the therapist")
    if _over_de_minimis(pta, total):
        return AssistantSplit(
            0,
            1,
            f"assistant alone {pta} of {total} min is more than 10% of the service -> assistant",
        )
    return AssistantSplit(1, 0, f"assistant alone {pta} of {total} min is within 10% -> therapist")
