"""Year-to-date allowed amounts, KX, and same-day visits billed as one day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services.minutes import visit_input
from tests.services.conftest import Clinic


def _timed_visit(clinic: Clinic, code: str, minutes: float, *, day: date | None = None) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, date_of_service=day).visit_id
    visits.start_timer(visit, code, "PT")
    clinic.clock.advance(minutes=minutes)
    visits.stop_timer(visit, "PT")
    return visit


def test_ytd_adds_finalized_lines_and_prior_spend_per_bucket(clinic: Clinic) -> None:
    services = clinic.services
    services.records.set_prior_spend(clinic.patient_id, 2026, "500.00")
    services.records.set_prior_spend(clinic.patient_id, 2026, "70.00", bucket="ot")
    services.records.set_prior_spend(clinic.patient_id, 2025, "999.00")
    assert services.ytd_allowed(clinic.patient_id, 2026).total == Decimal("500.00")
    first = _timed_visit(clinic, "97110", 30)  # 2 units x $29.06 less MPPR on the second
    done = services.visits.finalize(first)
    open_one = _timed_visit(clinic, "97112", 30)  # open visits do not count
    ytd = services.ytd_allowed(clinic.patient_id, 2026)
    assert ytd.clinic == done.result.allowed_total > 0
    assert ytd.total == Decimal("500.00") + done.result.allowed_total and ytd.complete
    assert services.ytd_allowed(clinic.patient_id, 2026, "ot").total == Decimal("70.00")
    assert services.ytd_allowed(clinic.patient_id, 2025).total == Decimal("999.00")
    other, _ = services.records.add_patient("Roe", "Al", date(1940, 1, 1))
    assert services.ytd_allowed(other.id, 2026).total == 0
    assert open_one
    with pytest.raises(InputError, match=r"^bucket: "):
        services.ytd_allowed(clinic.patient_id, 2026, "slp")


def test_unknown_amounts_make_ytd_incomplete_never_zero(clinic: Clinic) -> None:
    visit = _timed_visit(clinic, "97116", 20)  # no shipped 2026 amount for 97116
    clinic.services.visits.finalize(visit)
    ytd = clinic.services.ytd_allowed(clinic.patient_id, 2026)
    assert ytd.unknown_lines == 1 and not ytd.complete


def test_kx_goes_on_the_line_that_reaches_the_threshold(clinic: Clinic) -> None:
    services = clinic.services
    services.records.set_prior_spend(clinic.patient_id, 2026, "2460.00")  # $20 under $2,480
    state = services.visits.visit_state(_timed_visit(clinic, "97110", 8))
    assert state.ytd_allowed["pt_slp"] == Decimal("2460.00")
    done = services.visits.finalize(state.visit_id)
    assert done.claim_lines[0].modifiers == ("GP", "KX")
    assert services.visits.bill(state.visit_id).kx_applies  # type: ignore[union-attr]


def test_same_day_visits_are_billed_as_one_day(clinic: Clinic) -> None:
    services, clock = clinic.services, clinic.clock
    morning = _timed_visit(clinic, "97110", 5)
    alone = services.visits.finalize(morning)
    assert alone.claim_lines == ()  # 5 minutes alone bill nothing
    clock.advance(hours=4)
    afternoon = _timed_visit(clinic, "97110", 5)
    state = services.visits.visit_state(afternoon)
    assert state.same_day_visit_ids == (morning,)
    assert visit_input(state, clock.now()).services[0].pt_minutes == 10  # the live panel pools
    day = services.visits.finalize(afternoon)
    assert [(x.code, x.units) for x in day.claim_lines] == [("97110", 1)]
    assert day.pooled_visit_ids == (morning, afternoon) and day.replaced_visit_ids == (morning,)


def test_second_visit_replaces_the_first_ones_lines_audited(clinic: Clinic) -> None:
    services, clock = clinic.services, clinic.clock
    morning = _timed_visit(clinic, "97110", 10)
    assert [x.units for x in services.visits.finalize(morning).claim_lines] == [1]
    clock.advance(hours=3)
    afternoon = _timed_visit(clinic, "97110", 13)
    day = services.visits.finalize(afternoon)
    assert [x.units for x in day.claim_lines] == [2]  # 23 minutes for the day
    assert services.visits.claim_lines(morning) == []
    entry = services.audit_entries("visit", morning)[-1]
    assert entry.action == "claim_lines_replaced" and entry.reason == "same-day visit"
    assert entry.details["replaced_by_visit"] == afternoon
    # The day counts once toward the year-to-date.
    assert services.ytd_allowed(clinic.patient_id, 2026).clinic == day.result.allowed_total


def test_visits_on_other_days_are_not_pooled(clinic: Clinic) -> None:
    services, clock = clinic.services, clinic.clock
    yesterday = (clock.now() - timedelta(days=1)).date()
    first = _timed_visit(clinic, "97110", 10, day=yesterday)
    services.visits.finalize(first)
    second = _timed_visit(clinic, "97110", 10)
    assert services.visits.visit_state(second).same_day_visit_ids == ()
    assert [x.units for x in services.visits.finalize(second).claim_lines] == [1]


def test_ytd_query_on_a_year_of_demo_visits_is_indexed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from chargeclock.clock import FakeClock
    from chargeclock.services.demo import build_demo
    from chargeclock.services.session import Services

    summary = build_demo(tmp_path / "demo.sqlite3", today=date(2026, 11, 27))
    services = Services.open(summary.path, FakeClock())
    try:
        plan = services.db.execute(
            "EXPLAIN QUERY PLAN SELECT sum(l.allowed_cents) FROM visits v JOIN claim_lines l "
            "ON l.visit_id = v.id WHERE v.patient_id = 3 AND v.status = 'finalized' "
            "AND v.date_of_service >= '2026-01-01' AND v.date_of_service < '2027-01-01' "
            "AND v.discipline IN ('PT', 'SLP')"
        ).fetchall()
        text = " ".join(str(r[-1]) for r in plan)
        assert "visits_patient_status_day" in text and "SCAN" not in text
        ytd = services.ytd_allowed(3, 2026)
        assert ytd.clinic > 0
    finally:
        services.close()


def test_the_clinicians_tie_choice_is_kept_and_billed(clinic: Clinic) -> None:
    services, clock = clinic.services, clinic.clock
    visit = services.visits.open_visit(clinic.patient_id).visit_id
    services.visits.start_timer(visit, "97110", "PT")
    clock.advance(minutes=20)
    services.visits.start_timer(visit, "97140", "PT")
    clock.advance(minutes=20)
    state = services.visits.stop_all(visit).state
    default = services.live_result(state)
    units = {s.code: s.units for s in default.services}
    assert sorted(units.values()) == [1, 2]  # 40 minutes: 3 units, the third a tie
    other = default.alternatives[0].tie_choice
    (picked,) = other
    assert units[picked] == 1
    assert {s.code: s.units for s in services.live_result(state, other).services}[picked] == 2
    with pytest.raises(InputError, match=r"^tie_choice\[0\]: 97530 is not on visit"):
        services.visits.set_tie_choice(visit, ("97530",))
    assert services.visits.set_tie_choice(visit, other).tie_choice == other
    done = services.visits.finalize(visit)
    assert {x.code: x.units for x in done.claim_lines}[picked] == 2


def test_reopening_one_visit_of_a_billed_day_reopens_the_day(clinic: Clinic) -> None:
    services, clock = clinic.services, clinic.clock
    morning = _timed_visit(clinic, "97110", 20)
    services.visits.finalize(morning)
    clock.advance(hours=3)
    afternoon = _timed_visit(clinic, "97110", 10)
    services.visits.finalize(afternoon)  # the afternoon visit holds the day's lines
    services.visits.reopen_for_correction(morning, "wrong code in the morning")
    # Nothing is left finalized without lines: the whole day is open again.
    assert services.visits.visit(morning).status == "open"
    assert services.visits.visit(afternoon).status == "open"
    assert services.visits.claim_lines(afternoon) == []
    assert services.ytd_allowed(clinic.patient_id, 2026).clinic == 0
    entry = services.audit_entries("visit", afternoon)[-1]
    assert entry.action == "visit_reopened" and f"visit {morning}" in entry.reason
    # Void the morning; the afternoon alone is billed again.
    services.visits.void_visit(morning, "entered twice")
    alone = services.visits.finalize(afternoon)
    assert [(x.code, x.units) for x in alone.claim_lines] == [("97110", 1)]
    assert services.ytd_allowed(clinic.patient_id, 2026).clinic == alone.result.allowed_total


def _slp_visit(clinic: Clinic, minutes: float) -> int:
    """A speech visit: not offered in the product (claims.md §7), opened here to check the
    engine's shared PT+SLP KX bucket, kept for when SLP is done right."""
    visits = clinic.services.visits
    visits.offered_disciplines = ("PT", "OT", "SLP")
    visit = visits.open_visit(clinic.patient_id, discipline="SLP", codes=["97129"]).visit_id
    visits.start_timer(visit, "97129", "PT")
    clinic.clock.advance(minutes=minutes)
    visits.stop_timer(visit, "PT")
    return visit


def test_the_days_pt_bill_counts_toward_the_speech_visits_threshold(clinic: Clinic) -> None:
    """PT and SLP share one KX threshold; on one day the PT bill comes first."""
    services = clinic.services
    services.records.save_fees(2026, allowed={"97129": "40.00"})
    services.records.set_prior_spend(clinic.patient_id, 2026, "2450.00")  # $30 under $2,480
    physio = services.visits.finalize(_timed_visit(clinic, "97110", 8))
    assert physio.claim_lines[0].modifiers == ("GP",)  # $2,479.06
    speech = _slp_visit(clinic, 15)
    state = services.visits.visit_state(speech)
    assert state.ytd_allowed["pt_slp"] == Decimal("2479.06")  # prior + this day's PT bill
    assert state.ytd_allowed["ot"] == 0
    assert "KX" in services.visits.finalize(speech).claim_lines[0].modifiers


def test_the_pt_bill_comes_first_even_when_finalized_after_the_speech_visit(
    clinic: Clinic,
) -> None:
    services = clinic.services
    services.records.save_fees(2026, allowed={"97129": "40.00"})
    services.records.set_prior_spend(clinic.patient_id, 2026, "2420.00")
    speech = _slp_visit(clinic, 15)
    assert "KX" not in services.visits.finalize(speech).claim_lines[0].modifiers  # $2,460
    physio = services.visits.finalize(_timed_visit(clinic, "97110", 8))
    assert physio.state.ytd_allowed["pt_slp"] == Decimal("2420.00")  # not the speech bill
    # The speech bill now starts from $2,449.06 and would cross $2,480: the biller is told.
    assert physio.kx_review_visit_ids == (speech,)


def test_a_second_pt_visit_pooled_into_the_day_keeps_the_order(clinic: Clinic) -> None:
    """PT, then speech, then a second PT visit billed with the first as one day: the speech
    visit still counts the day's PT bill, and the PT day never counts the speech visit."""
    services = clinic.services
    services.records.save_fees(2026, allowed={"97129": "40.00"})
    first = _timed_visit(clinic, "97110", 8)
    services.visits.finalize(first)
    speech = _slp_visit(clinic, 15)
    services.visits.finalize(speech)
    second = _timed_visit(clinic, "97110", 10)
    day = services.visits.finalize(second)
    assert set(day.pooled_visit_ids) == {first, second}
    assert day.state.ytd_allowed["pt_slp"] == 0
    assert services.visits.visit_state(speech).ytd_allowed["pt_slp"] == day.result.allowed_total


def test_correcting_an_earlier_visit_names_the_later_bills_whose_kx_would_change(
    clinic: Clinic,
) -> None:
    services = clinic.services
    today = clinic.clock.now().date()
    services.records.set_prior_spend(clinic.patient_id, 2026, "2400.00")  # $80 under $2,480
    early = _timed_visit(clinic, "97110", 8, day=today - timedelta(days=10))  # 1 unit, $29.06
    assert services.visits.finalize(early).kx_review_visit_ids == ()
    late = _timed_visit(clinic, "97110", 8, day=today - timedelta(days=5))
    billed_late = services.visits.finalize(late)
    assert billed_late.claim_lines[0].modifiers == ("GP",)  # $2,458.12: under the threshold
    # The first visit was 38 minutes, not 8: three units now, and $2,473.48 before the second.
    services.visits.reopen_for_correction(early, "timer stopped too soon")
    visits = services.visits
    visits.start_timer(early, "97110", "PT")
    clinic.clock.advance(minutes=30)
    visits.stop_timer(early, "PT")
    corrected = visits.finalize(early)
    assert corrected.claim_lines[0].units == 3
    assert corrected.kx_review_visit_ids == (late,)  # it would cross $2,480 now: KX
    frozen = visits.claim_lines(late)
    assert frozen[0].modifiers == ("GP",)  # the sent claim is not rewritten behind the biller


def test_a_later_bill_in_the_other_bucket_is_not_named(clinic: Clinic) -> None:
    services = clinic.services
    today = clinic.clock.now().date()
    services.records.set_prior_spend(clinic.patient_id, 2026, "2400.00")
    early = _timed_visit(clinic, "97110", 8, day=today - timedelta(days=10))
    services.visits.finalize(early)
    occupational = services.visits.open_visit(
        clinic.patient_id, date_of_service=today - timedelta(days=5), discipline="OT"
    ).visit_id
    services.visits.start_timer(occupational, "97110", "PT")
    clinic.clock.advance(minutes=8)
    services.visits.stop_timer(occupational, "PT")
    services.visits.finalize(occupational)
    services.visits.reopen_for_correction(early, "wrong minutes")
    services.visits.start_timer(early, "97110", "PT")
    clinic.clock.advance(minutes=30)
    services.visits.stop_timer(early, "PT")
    assert services.visits.finalize(early).kx_review_visit_ids == ()


def test_a_day_reopened_for_correction_is_reviewed_once_whole_again(clinic: Clinic) -> None:
    """Reopening one visit of a pooled day reopens the day; finalizing the first of them alone
    bills part of the day, so later bills are not reviewed against it: only the whole day."""
    services, visits = clinic.services, clinic.services.visits
    today = clinic.clock.now().date()
    services.records.set_prior_spend(clinic.patient_id, 2026, "2400.00")
    day = today - timedelta(days=10)
    first = _timed_visit(clinic, "97110", 20, day=day)
    visits.finalize(first)
    second = _timed_visit(clinic, "97110", 20, day=day)
    assert set(visits.finalize(second).pooled_visit_ids) == {first, second}  # 3 units
    late = visits.finalize(_timed_visit(clinic, "97110", 8, day=today - timedelta(days=5)))
    assert "KX" in late.claim_lines[0].modifiers
    visits.reopen_for_correction(first, "checking the minutes")  # the whole day reopens
    assert visits.visit(second).status == "open"
    assert visits.finalize(first).kx_review_visit_ids == ()  # the day is not whole yet
    assert visits.finalize(second).kx_review_visit_ids == ()  # whole again: KX still matches
