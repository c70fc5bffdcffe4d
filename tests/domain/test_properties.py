"""Properties the 8-minute rule must keep for any minutes (rules.md §2-§4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from chargeclock.domain.calculation import calculate
from chargeclock.domain.rulebook import Discipline
from chargeclock.domain.units import units_for_minutes
from chargeclock.domain.visit_types import (
    PayerRules,
    ServiceMinutes,
    UnitMethod,
    VisitInput,
    VisitResult,
)
from chargeclock.resources import rule_book

BOOK = rule_book()
TIMED_15 = ["97110", "97112", "97116", "97140", "97530", "97535", "97035", "97124"]
ANY_CODES = [*TIMED_15, "97161", "97150", "G0283", "98960", "97010"]

minutes = st.integers(min_value=0, max_value=120)


@st.composite
def visits(draw: st.DrawFn, codes: list[str] = TIMED_15) -> tuple[ServiceMinutes, ...]:
    chosen = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=6, unique=True))
    return tuple(ServiceMinutes(c, draw(minutes), draw(minutes)) for c in chosen)


def run(services: tuple[ServiceMinutes, ...], method: UnitMethod = UnitMethod.CMS) -> VisitResult:
    return calculate(
        VisitInput(date(2026, 5, 4), Discipline.PT, PayerRules(unit_method=method), services),
        BOOK,
    )


@settings(max_examples=300, deadline=None)
@given(visits(), st.data())
def test_more_minutes_never_fewer_units(
    services: tuple[ServiceMinutes, ...], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(services) - 1))
    extra = data.draw(st.integers(1, 30))
    grown = list(services)
    s = grown[index]
    grown[index] = ServiceMinutes(s.code, s.pt_minutes + extra, s.pta_minutes)
    for method in UnitMethod:
        assert run(tuple(grown), method).timed_units >= run(services, method).timed_units


@settings(max_examples=300, deadline=None)
@given(visits())
def test_cms_total_units_follow_the_table(services: tuple[ServiceMinutes, ...]) -> None:
    result = run(services)
    total = sum(s.minutes for s in services)
    assert result.total_timed_minutes == total
    assert result.timed_units == units_for_minutes(total)
    assert sum(s.units for s in result.services) == result.timed_units


@settings(max_examples=300, deadline=None)
@given(visits(ANY_CODES))
def test_units_never_exceed_what_the_minutes_allow(services: tuple[ServiceMinutes, ...]) -> None:
    result = run(services)
    for s in result.services:
        if not s.timed:
            assert s.units == 1
        elif s.unit_minutes == 15:
            assert s.units <= s.minutes // 15 + (1 if s.minutes % 15 else 0)
        else:
            assert s.units == units_for_minutes(s.minutes, s.unit_minutes)
        assert 0 <= s.assistant_units <= s.units
    billed = sum(line.units for line in result.claim_lines)
    assert billed == sum(s.units for s in result.services)


@settings(max_examples=300, deadline=None)
@given(visits(), st.data())
def test_splitting_minutes_between_pt_and_pta_keeps_the_units(
    services: tuple[ServiceMinutes, ...], data: st.DataObject
) -> None:
    resplit = []
    for s in services:
        pt = data.draw(st.integers(0, s.minutes))
        resplit.append(ServiceMinutes(s.code, pt, s.minutes - pt))
    for method in UnitMethod:
        a, b = run(services, method), run(tuple(resplit), method)
        assert a.timed_units == b.timed_units
        assert a.total_timed_minutes == b.total_timed_minutes


@settings(max_examples=200, deadline=None)
@given(visits())
def test_per_code_units_are_each_codes_own_table(services: tuple[ServiceMinutes, ...]) -> None:
    result = run(services, UnitMethod.PER_CODE)
    for s in result.services:
        assert s.units == units_for_minutes(s.minutes)


@settings(max_examples=200, deadline=None)
@given(visits(), st.integers(0, 4000), st.integers(0, 4000))
def test_more_spend_before_never_removes_kx(
    services: tuple[ServiceMinutes, ...], low: int, high: int
) -> None:
    low, high = sorted((low, high))

    def kx_lines(ytd: int) -> int:
        visit = VisitInput(
            date(2026, 5, 4),
            Discipline.PT,
            PayerRules(),
            services,
            {"pt_slp": Decimal(ytd), "ot": Decimal(0)},
        )
        return sum("KX" in line.modifiers for line in calculate(visit, BOOK).claim_lines)

    assert kx_lines(high) >= kx_lines(low)
