"""A pooled day's claim lines by place of service (product.md "Same-day visits"; claims.md §2).

A patient seen twice on one date of service is billed for the day as a whole, and the two visits
may have been at different places: the office (POS 11) in the morning, telehealth (POS 02 or 10)
in the afternoon. The rule, as a biller redoes it by hand:

1. Units are computed on the pooled day exactly as for one visit: the day's timed minutes give
   N units, allocated per code (rules.md §2), each code's units split into a line without and a
   line with CQ/CO (rules.md §4). Places change none of this.
2. Each line is then given the place where its minutes were furnished. A line whose minutes all
   come from one place goes there whole. A line whose minutes come from more than one place is
   split into one line per place, its units divided by the minutes given at each place by the
   **largest remainder**: each place first gets ``floor(units x its minutes / all minutes)``,
   the units left go one each to the places with the largest remainders; a **tie goes to the
   place with the earlier first minute** that day. A place that gets no unit gets no line.
3. The minutes a line stands for: on a code billed on one line, all of the code's minutes; on a
   code billed on a therapist line and an assistant (CQ/CO) line, the therapist's minutes for
   the first and the assistant's minutes alone for the second.
4. Each line carries the modifiers of its own place: a telehealth line (POS 02 / 10) the payer's
   telehealth modifier (95 or GT), an office line none. Split lines are priced as lines of their
   own (the multiple-procedure reduction's full unit stays on the first line in claim order) and
   KX is decided walking the lines in their order, as always.

A day at one place only — the usual case — keeps its lines exactly as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from msgspec import Struct

from chargeclock.domain.fees import LineToPrice, price_on_day
from chargeclock.domain.rulebook import RuleYear
from chargeclock.domain.visit_types import PlaceMinutes, VisitInput


class PlacedLine(Struct, frozen=True):
    """One claim line to price, with the place of service its minutes were given at."""

    line: LineToPrice
    place_of_service: str


def largest_remainder(units: int, weights: Sequence[int]) -> list[int]:
    """``units`` divided in proportion to ``weights`` by the largest remainder; a tie in the
    remainders goes to the earlier weight. Weights that add up to nothing give every unit to
    the first."""
    total = sum(weights)
    if total <= 0:
        return [units if i == 0 else 0 for i in range(len(weights))]
    shares = [units * w // total for w in weights]
    left = units - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(units * weights[i] % total), i))
    for index in by_remainder[:left]:
        shares[index] += 1
    return shares


def _weights(line: LineToPrice, places: Sequence[PlaceMinutes], two_lines: bool) -> list[int]:
    if not two_lines:
        return [p.minutes for p in places]
    return [p.pta_minutes if line.assistant else p.pt_minutes for p in places]


def place_lines(
    lines: Sequence[LineToPrice], visit: VisitInput
) -> tuple[list[PlacedLine], list[str]]:
    """``lines`` (the chosen outcome's, in claim order) at their places of service, split as the
    module says, and the trace lines saying how (none for a day at the visit's place only)."""
    placed: list[PlacedLine] = []
    trace: list[str] = []
    for line in lines:
        places = visit.place_minutes.get(line.code, ())
        if not places:
            placed.append(PlacedLine(line, visit.place_of_service))
            continue
        two_lines = sum(1 for other in lines if other.code == line.code) > 1
        weights = _weights(line, places, two_lines)
        if sum(weights) <= 0:  # e.g. an untimed code entered without minutes
            weights = [p.minutes for p in places]
        shares = largest_remainder(line.units, weights)
        label = f"{line.code}{' (assistant line)' if line.assistant else ''}"
        kept = [(p, n) for p, n in zip(places, shares, strict=True) if n]
        for place, units in kept:
            placed.append(
                PlacedLine(
                    LineToPrice(line.code, units, assistant=line.assistant),
                    place.place_of_service,
                )
            )
        if len(places) == 1:
            trace.append(
                f"{label} x{line.units}: place of service {places[0].place_of_service} "
                "(all its minutes were given there)"
            )
            continue
        parts = ", ".join(
            f"{p.place_of_service} {w} min -> {n}"
            for p, w, n in zip(places, weights, shares, strict=True)
        )
        trace.append(
            f"{label} x{line.units} by place of service: {parts} (units divided by the minutes "
            "at each place, largest remainder; a tie to the place with the earlier first minute)"
        )
    return placed, trace


class PlacedDay(Struct, frozen=True):
    """The day's lines at their places, priced: what the claim lines are built from."""

    lines: tuple[PlacedLine, ...]
    amounts: tuple[Decimal | None, ...]
    explanations: tuple[str, ...]
    trace: tuple[str, ...]

    @property
    def allowed_total(self) -> Decimal:
        return sum((a for a in self.amounts if a is not None), Decimal("0"))


def placed_day(
    lines: Sequence[LineToPrice],
    amounts: Sequence[Decimal | None],
    explanations: Sequence[str],
    visit: VisitInput,
    rules: RuleYear,
) -> PlacedDay:
    """The chosen outcome's ``lines`` (priced as ``amounts``) at their places; when a line was
    split, every line is priced again as the claim will carry them."""
    placed, trace = place_lines(lines, visit)
    if len(placed) != len(lines):
        priced = price_on_day([p.line for p in placed], visit, rules)
        amounts = [p.allowed for p in priced]
        explanations = [p.explanation for p in priced]
    return PlacedDay(tuple(placed), tuple(amounts), tuple(explanations), tuple(trace))
