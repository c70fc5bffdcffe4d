"""Cases written from rules.md that the golden file does not hold: each figure worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chargeclock.domain.calculation import calculate
from chargeclock.domain.errors import InputError
from chargeclock.domain.rulebook import Discipline, RuleBook
from chargeclock.domain.visit_types import (
    PayerRules,
    ServiceMinutes,
    UnitMethod,
    VisitInput,
    VisitResult,
)

D26 = date(2026, 3, 2)


def calc(
    book: RuleBook,
    *services: ServiceMinutes,
    when: date = D26,
    discipline: Discipline = Discipline.PT,
    payer: PayerRules | None = None,
    ytd: str = "0",
    ytd_ot: str = "0",
) -> VisitResult:
    return calculate(
        VisitInput(
            when,
            discipline,
            payer or PayerRules(),
            tuple(services),
            {"pt_slp": Decimal(ytd), "ot": Decimal(ytd_ot)},
        ),
        book,
    )


def lines(result: VisitResult) -> list[tuple[str, tuple[str, ...], int, Decimal | None]]:
    return [(ln.code, ln.modifiers, ln.units, ln.allowed) for ln in result.claim_lines]


def kinds(result: VisitResult) -> list[str]:
    return [w.kind for w in result.warnings]


def test_ot_visit_uses_go_co_and_the_ot_bucket(book: RuleBook) -> None:
    # 97530: OT 10 + OTA 20 = 30 min -> 2 units; OTA 15 whole -> 1 CO; last unit: OT 10 >= 8.
    r = calc(book, ServiceMinutes("97530", 10, 20), discipline=Discipline.OT, ytd_ot="100")
    assert lines(r) == [
        ("97530", ("GO",), 1, Decimal("35.07")),  # 1.05 RVU x 33.4009
        ("97530", ("GO", "CO"), 1, Decimal("21.29")),  # (0.44+0.01+0.30) x CF x 85 %
    ]
    assert r.kx.bucket == "ot" and r.kx.ytd_before == Decimal("100")
    assert r.kx.ytd_after == Decimal("156.36")


def test_slp_has_no_assistant_modifier(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97129", 0, 20), discipline=Discipline.SLP)
    assert lines(r) == [("97129", ("GN",), 1, None)]
    assert r.services[0].assistant_units == 0


def test_no_assistant_modifier_before_2020(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97110", 0, 30), when=date(2019, 6, 1))
    assert lines(r) == [("97110", ("GP",), 2, None)]
    assert r.kx.threshold == Decimal("2040")


def test_thirty_minute_codes_are_not_pooled(book: RuleBook) -> None:
    # 98960: 20 min -> 1 unit of its own; 97110 10 min alone -> 1 unit; total shown 30.
    r = calc(book, ServiceMinutes("98960", 20), ServiceMinutes("97110", 10))
    assert [(s.code, s.units) for s in r.services] == [("98960", 1), ("97110", 1)]
    assert r.total_timed_minutes == 30 and r.timed_units == 2
    assert "medicare_bundled" in kinds(r)


def test_last_unit_with_both_leftovers_at_midpoint_goes_to_review(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97110", 8, 13))
    assert r.services[0].units == 1 and r.services[0].assistant_units == 1
    assert [i.code for i in r.review] == ["97110"]


def test_single_unit_with_a_little_assistant_time_goes_to_review(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97110", 13, 2))
    assert r.services[0].assistant_units == 0
    assert [i.code for i in r.review] == ["97110"]


def test_plain_therapist_unit_needs_no_review(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97110", 13, 1))
    assert r.services[0].assistant_units == 0 and r.review == ()


def test_kx_lands_on_the_line_that_reaches_the_threshold(book: RuleBook) -> None:
    # 97112 has the highest PE (0.47): its unit is paid in full, 97110 is reduced by MPPR.
    r = calc(book, ServiceMinutes("97110", 15), ServiceMinutes("97112", 15), ytd="2450")
    assert lines(r) == [
        ("97110", ("GP",), 1, Decimal("22.21")),  # 2,472.21: below
        ("97112", ("GP", "KX"), 1, Decimal("32.73")),  # 2,504.94: reaches
    ]
    assert r.kx.applies and r.kx.ytd_after == Decimal("2504.94")


def test_mppr_ranks_only_codes_whose_rvu_parts_are_shipped(book: RuleBook) -> None:
    # 97164 ships its parts (PE 1.05 > 97110's 0.41): 97164 is paid in full, 97110 reduced to
    # (0.45 + 0.01 + 50 % of 0.41) x 33.4009 = 22.21. 97162 ships a total only: never reduced,
    # and it does not take the full unit from 97110.
    reeval = calc(book, ServiceMinutes("97110", 15), ServiceMinutes("97164"))
    assert lines(reeval) == [
        ("97110", ("GP",), 1, Decimal("22.21")),
        ("97164", ("GP",), 1, Decimal("67.47")),  # 2.02 x 33.4009
    ]
    evaluation = calc(book, ServiceMinutes("97110", 15), ServiceMinutes("97162"))
    assert lines(evaluation) == [
        ("97110", ("GP",), 1, Decimal("29.06")),
        ("97162", ("GP",), 1, Decimal("97.86")),  # 2.93 x 33.4009
    ]


def test_unknown_amount_carries_kx_only_once_reached(book: RuleBook) -> None:
    before = calc(book, ServiceMinutes("G0283"), ServiceMinutes("97110", 15), ytd="2479")
    assert [ln.modifiers for ln in before.claim_lines] == [("GP",), ("GP", "KX")]
    after = calc(book, ServiceMinutes("97110", 15), ServiceMinutes("G0283"), ytd="2479")
    assert [ln.modifiers for ln in after.claim_lines] == [("GP", "KX"), ("GP", "KX")]
    assert not after.kx.complete and "fee_unknown" in kinds(after)


def test_payer_without_kx_never_adds_it(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97110", 15), payer=PayerRules(kx=False), ytd="2600")
    assert not r.kx.applies and all("KX" not in ln.modifiers for ln in r.claim_lines)


def test_review_threshold_warns_without_a_modifier(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97110", 15), ytd="2990")
    assert r.kx.over_review_threshold and "review_threshold" in kinds(r)
    assert r.claim_lines[0].modifiers == ("GP", "KX")


def test_tie_default_is_the_larger_allowed_amount(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97110", 20), ServiceMinutes("97112", 20))
    assert [(s.code, s.units) for s in r.services] == [("97110", 1), ("97112", 2)]
    # 97112 x2: 32.7329 + 0.745 RVU x CF (24.8837) = 57.62; 97110 reduced 22.21.
    assert r.allowed_total == Decimal("79.83")
    assert len(r.alternatives) == 1
    alt = r.alternatives[0]
    assert [(s.code, s.units) for s in alt.services] == [("97110", 2), ("97112", 1)]
    assert alt.allowed_total == Decimal("77.15")
    assert not r.alternatives_truncated


def test_the_clinician_can_switch_to_an_alternative(book: RuleBook) -> None:
    services = (ServiceMinutes("97110", 20), ServiceMinutes("97112", 20))
    default = calc(book, *services)
    assert default.tie_choice == ("97112",)
    pick = default.alternatives[0].tie_choice
    switched = calculate(VisitInput(D26, services=services, tie_choice=pick), book)
    assert [(s.code, s.units) for s in switched.services] == [("97110", 2), ("97112", 1)]
    assert switched.alternatives[0].tie_choice == ("97112",)
    assert "as the clinician chose" in "\n".join(switched.trace)
    stale = calculate(VisitInput(D26, services=services[:1], tie_choice=pick), book)
    assert stale.tie_choice == ()


def test_three_way_tie_lists_every_alternative(book: RuleBook) -> None:
    r = calc(
        book, ServiceMinutes("97110", 7), ServiceMinutes("97112", 7), ServiceMinutes("97140", 7)
    )
    assert [s.units for s in r.services] == [0, 1, 0]
    chosen = {tuple(s.units for s in a.services) for a in r.alternatives}
    assert chosen == {(1, 0, 0), (0, 0, 1)}


def test_many_tied_codes_are_bounded_and_truncated(book: RuleBook) -> None:
    codes = [
        "97110",
        "97112",
        "97116",
        "97140",
        "97530",
        "97535",
        "97035",
        "97113",
        "97124",
        "97032",
        "97033",
        "97034",
        "97036",
        "97533",
        "97537",
        "97542",
    ]
    r = calc(book, *(ServiceMinutes(c, 7) for c in codes))  # 112 min -> 7 of 16 tied codes
    assert r.timed_units == 7 and len(r.alternatives) == 20 and r.alternatives_truncated


def test_medicare_warnings(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97010"), ServiceMinutes("97014"))
    assert kinds(r) == ["medicare_bundled", "medicare_invalid_code", "fee_unknown"]
    assert "G0283" in r.warnings[1].message
    assert r.claim_lines[0].allowed == Decimal("0.00")  # status B: known to be $0
    commercial = calc(
        book, ServiceMinutes("97010"), ServiceMinutes("97014"), payer=PayerRules(medicare=False)
    )
    assert "medicare_bundled" not in kinds(commercial)


def test_code_pair_warns_and_adds_no_modifier(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97161"), ServiceMinutes("97140", 15))
    pair = [w for w in r.warnings if w.kind == "ncci"]
    assert len(pair) == 1 and pair[0].codes == ("97161", "97140")
    assert all("59" not in ln.modifiers for ln in r.claim_lines)
    # the pair takes a distinct-service modifier: the warning says so as data, not in words,
    # and keeps saying so once its denial code is filled in
    assert pair[0].settled_by == "distinct_modifier" and pair[0].carc == "CO-236"


def test_assistant_on_evaluation_warns_and_gives_no_cq(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97161", 30, 20))
    assert "assistant_on_evaluation" in kinds(r)
    assert lines(r) == [("97161", ("GP",), 1, Decimal("97.86"))]


def test_discipline_mismatch_is_computed_anyway(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97161", 40), discipline=Discipline.OT)
    assert "discipline_mismatch" in kinds(r)
    assert r.claim_lines[0].modifiers == ("GO",)


def test_per_code_with_assistant_modifiers(book: RuleBook) -> None:
    payer = PayerRules(unit_method=UnitMethod.PER_CODE, medicare=False, kx=False)
    r = calc(book, ServiceMinutes("97110", 10, 10), ServiceMinutes("97140", 0, 8), payer=payer)
    assert [(s.code, s.units, s.assistant_units) for s in r.services] == [
        ("97110", 1, 0),
        ("97140", 1, 1),
    ]


def test_untimed_assistant_share_above_ten_percent(book: RuleBook) -> None:
    within = calc(book, ServiceMinutes("97150", 19, 2))  # 2 of 21 <= 2.1
    above = calc(book, ServiceMinutes("97150", 18, 3))  # 3 of 21 > 2.1
    assert within.services[0].assistant_units == 0
    assert above.services[0].assistant_units == 1
    assert above.claim_lines[0].allowed == Decimal("15.33")  # 18.04 x 85 %


def test_untimed_furnished_by_assistant_without_minutes(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("G0283", assistant_furnished=True))
    assert r.claim_lines[0].modifiers == ("GP", "CQ")


def test_overlap_is_flagged(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97110", 15, overlap_minutes=5), ServiceMinutes("97140", 10))
    assert "overlap" in kinds(r)


def test_next_unit_countdown(book: RuleBook) -> None:
    assert calc(book, ServiceMinutes("97110", 34)).next_unit_in_minutes == 4  # 38 -> 3 units
    assert calc(book, ServiceMinutes("97110", 0)).next_unit_in_minutes == 8


def test_year_before_the_data_names_the_field(book: RuleBook) -> None:
    with pytest.raises(InputError) as err:
        calc(book, ServiceMinutes("97110", 15), when=date(2017, 12, 29))
    assert err.value.field == "date_of_service"
    assert "no rule data for 2017: the rule data starts with 2018" in str(err.value)


def test_code_of_another_year_is_refused(book: RuleBook) -> None:
    # 97129 starts in 2020.
    with pytest.raises(InputError) as err:
        calc(book, ServiceMinutes("97129", 15), when=date(2019, 2, 1))
    assert err.value.field == "services[0].code"


def test_trace_lets_a_biller_redo_the_units(book: RuleBook) -> None:
    r = calc(book, ServiceMinutes("97110", 33), ServiceMinutes("97140", 7))
    text = "\n".join(r.trace)
    assert "97110 33 min + 97140 7 min = 40 timed minutes -> 3 units (38-52)" in text
    leftover = next(t for t in r.trace if t.startswith("1 unit left to place"))
    assert leftover.endswith("97140")  # the leftover unit
