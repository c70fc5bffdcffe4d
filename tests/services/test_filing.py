"""Timely filing: unsent finalized visits near their payer's limit, CO-29, marking one sent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chargeclock.domain.errors import InputError
from tests.services.conftest import Clinic, dump


def _finalized(clinic: Clinic, day: date) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, date_of_service=day).visit_id
    visits.start_timer(visit, "97110", "PT")
    clinic.clock.advance(minutes=20)
    visits.stop_timer(visit, "PT")
    visits.finalize(visit)
    return visit


def test_medicare_claims_are_listed_a_month_before_twelve_months(clinic: Clinic) -> None:
    filing = clinic.services.filing
    today = clinic.clock.now().date()
    near = _finalized(clinic, today.replace(year=today.year - 1) + timedelta(days=20))
    _finalized(clinic, today.replace(year=today.year - 1) + timedelta(days=40))  # not yet
    late = _finalized(clinic, today.replace(year=today.year - 1) - timedelta(days=3))
    due = filing.claims_to_file()
    assert [d.visit_id for d in due] == [late, near]
    assert due[0].days_left == -3 and due[0].message.startswith("CO-29: the filing limit")
    assert due[1].days_left == 20 and "20 days left" in due[1].message
    assert due[0].patient_name == "Doe, Jane" and due[0].payer_name == "Medicare"
    warnings = clinic.services.authorizations.check_visit(late).warnings
    assert [w.kind for w in warnings] == ["timely_filing"]
    assert filing.mark_sent(late) == today
    assert [d.visit_id for d in filing.claims_to_file()] == [near]
    assert clinic.services.authorizations.check_visit(late).warnings == ()
    assert filing.sent_on(late) == today


def test_a_payer_limit_in_days_and_a_payer_without_one(clinic: Clinic) -> None:
    services = clinic.services
    today = clinic.clock.now().date()
    old = _finalized(clinic, today - timedelta(days=70))
    services.authorizations.set_payer_limits(
        clinic.medicare_id,
        requires_authorization=False,
        visits_per_year=None,
        timely_filing_days=90,
    )
    due = services.filing.claims_to_file()
    assert [(d.visit_id, d.deadline) for d in due] == [(old, today + timedelta(days=20))]
    assert services.filing.claims_to_file(within_days=10) == []


def test_mark_sent_refuses_what_is_not_a_claim(clinic: Clinic) -> None:
    filing = clinic.services.filing
    today = clinic.clock.now().date()
    open_visit = clinic.services.visits.open_visit(clinic.patient_id).visit_id
    done = _finalized(clinic, today - timedelta(days=2))
    before = dump(clinic.services)
    for call, field in (
        (lambda: filing.mark_sent(999), "visit_id"),
        (lambda: filing.mark_sent(open_visit), "visit"),
        (lambda: filing.mark_sent(done, "faxed"), "how"),
        (lambda: filing.mark_sent(done, on=today - timedelta(days=5)), "on"),
    ):
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.field == field
    assert dump(clinic.services) == before
    filing.mark_sent(done, "printed")
    entry = clinic.services.audit_entries()[-1]
    assert (entry.action, entry.entity, entry.details["visit_id"]) == (
        "claim_printed",
        "claim_submission",
        done,
    )


def test_a_claim_long_past_its_limit_leaves_the_list(clinic: Clinic) -> None:
    filing = clinic.services.filing
    today = clinic.clock.now().date()
    year_ago = today.replace(year=today.year - 1)
    _finalized(clinic, year_ago - timedelta(days=91))  # past the limit by 91 days
    kept = _finalized(clinic, year_ago - timedelta(days=89))
    assert [(d.visit_id, d.days_left) for d in filing.claims_to_file()] == [(kept, -89)]
