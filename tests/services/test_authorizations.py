"""Authorizations counted from finalized visits, renewals, reopened visits, payer limits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chargeclock.domain.errors import InputError
from tests.services.conftest import Clinic, dump


def _finalized_visit(clinic: Clinic, day: date, code: str = "97110", minutes: int = 30) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, date_of_service=day).visit_id
    visits.start_timer(visit, code, "PT")
    clinic.clock.advance(minutes=minutes)
    visits.stop_timer(visit, "PT")
    visits.finalize(visit)
    return visit


def _kinds(clinic: Clinic, visit_id: int) -> list[str]:
    return [w.kind for w in clinic.services.authorizations.check_visit(visit_id).warnings]


def test_used_counts_finalized_visits_and_a_reopened_visit_once(clinic: Clinic) -> None:
    auths = clinic.services.authorizations
    today = clinic.clock.now().date()
    auths.add_authorization(
        clinic.patient_id, "A-100", today - timedelta(days=30), today + timedelta(days=29), visits=4
    )
    first = _finalized_visit(clinic, today - timedelta(days=6))
    second = _finalized_visit(clinic, today - timedelta(days=3))
    assert (
        auths.check_visit(second).line
        == f"Auth A-100: visit 2 of 4 · until {(today + timedelta(days=29)).strftime('%m/%d')}"
    )
    clinic.services.visits.reopen_for_correction(first, "wrong code")
    # Open again: not counted until finalized again; the visit itself is "this visit".
    assert auths.check_visit(second).status.visit_number == 1  # type: ignore[union-attr]
    assert auths.check_visit(first).status.visit_number == 1  # type: ignore[union-attr]
    clinic.services.visits.finalize(first)
    today_visit = clinic.services.visits.open_visit(clinic.patient_id).visit_id
    check = auths.check_visit(today_visit)
    assert check.status is not None and (check.status.visit_number, check.status.visits_used) == (
        3,
        3,
    )
    assert [w.kind for w in check.warnings] == ["authorization_low"]
    assert "1 visit left on authorization A-100" in check.warnings[0].message


def test_exhausted_names_co_198_and_a_renewal_counts_from_one(clinic: Clinic) -> None:
    auths = clinic.services.authorizations
    today = clinic.clock.now().date()
    first = auths.add_authorization(
        clinic.patient_id, "A-1", today - timedelta(days=40), today + timedelta(days=20), visits=2
    )
    for days_ago in (9, 6):
        _finalized_visit(clinic, today - timedelta(days=days_ago))
    visit = clinic.services.visits.open_visit(clinic.patient_id).visit_id
    assert _kinds(clinic, visit) == ["authorization_exhausted"]
    renewal = auths.renew(
        first.id, "A-2", today - timedelta(days=1), today + timedelta(days=60), visits=10
    )
    assert renewal.renews_id == first.id and renewal.payer_id == first.payer_id
    check = auths.check_visit(visit)
    assert check.line.startswith("Auth A-2: visit 1 of 10") and check.warnings == ()
    with pytest.raises(InputError, match="renewed already"):
        auths.renew(first.id, "A-3", today, today + timedelta(days=9), visits=1)
    entries = [e.action for e in clinic.services.audit_entries() if e.entity == "authorization"]
    assert entries == ["authorization_added", "authorization_renewed"]


def test_missing_where_required_and_expired_are_co_197(clinic: Clinic) -> None:
    auths = clinic.services.authorizations
    today = clinic.clock.now().date()
    visit = clinic.services.visits.open_visit(clinic.patient_id).visit_id
    assert _kinds(clinic, visit) == []
    auths.set_payer_limits(
        clinic.medicare_id,
        requires_authorization=True,
        visits_per_year=None,
        timely_filing_days=None,
    )
    assert _kinds(clinic, visit) == ["authorization_missing"]
    old = auths.add_authorization(
        clinic.patient_id, "OLD-7", today - timedelta(days=90), today - timedelta(days=1), visits=12
    )
    check = auths.check_visit(visit)
    assert [w.kind for w in check.warnings] == ["authorization_expired"]
    assert "OLD-7 ended" in check.warnings[0].message and check.line == ""
    auths.withdraw(old.id, "entered for the wrong patient")
    assert _kinds(clinic, visit) == ["authorization_missing"]


def test_yearly_visit_limit_counts_days_of_the_year(clinic: Clinic) -> None:
    auths = clinic.services.authorizations
    today = clinic.clock.now().date()
    auths.set_payer_limits(
        clinic.medicare_id, requires_authorization=False, visits_per_year=2, timely_filing_days=None
    )
    _finalized_visit(clinic, today - timedelta(days=5))
    visit = clinic.services.visits.open_visit(clinic.patient_id).visit_id
    assert _kinds(clinic, visit) == ["visit_limit_near"]
    _finalized_visit(clinic, today - timedelta(days=2))
    assert _kinds(clinic, visit) == ["visit_limit_reached"]
    assert auths.check_visit(visit).warnings[0].message.startswith("CO-119: visit 3 in")


def test_bad_authorizations_are_refused_with_nothing_saved(clinic: Clinic) -> None:
    auths = clinic.services.authorizations
    today = clinic.clock.now().date()
    before = dump(clinic.services)
    for kwargs, field in (
        ({"visits": None, "units": None}, "visits"),
        ({"visits": 0}, "visits"),
        ({"visits": 5, "codes": ["99999"]}, "codes"),
        ({"visits": 5, "valid_to": today - timedelta(days=1)}, "valid_to"),
        ({"visits": 5, "number": " "}, "number"),
        ({"visits": 5, "renews_id": 77}, "authorization_id"),
    ):
        args = {"number": "X-1", "valid_from": today, "valid_to": today, **kwargs}
        with pytest.raises(InputError) as caught:
            auths.add_authorization(clinic.patient_id, **args)  # type: ignore[arg-type]
        assert caught.value.field == field
    with pytest.raises(InputError, match="timely_filing_days"):
        auths.set_payer_limits(
            clinic.medicare_id,
            requires_authorization=True,
            visits_per_year=None,
            timely_filing_days=0,
        )
    assert dump(clinic.services) == before
