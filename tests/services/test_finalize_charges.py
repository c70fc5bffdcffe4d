"""Finalize freezes no line without a clinic charge, whoever calls it (the window's finalize asks
or the services directly): the code is named, nothing is saved, and the charge can come with the
finalize call, saved to the fee list in the same transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chargeclock.domain.errors import InputError
from tests.services.conftest import Clinic, dump


def _visit(clinic: Clinic, *codes: str) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id).visit_id
    for code in codes:
        visits.start_timer(visit, code, "PT")
        clinic.clock.advance(minutes=15)
    visits.stop_timer(visit, "PT")
    return visit


def test_a_line_without_a_charge_is_never_frozen(clinic: Clinic) -> None:
    services = clinic.services
    services.records.save_fees(2026, charges={"97110": None, "97140": None})
    visit = _visit(clinic, "97110", "97140")
    before = dump(services)
    with pytest.raises(
        InputError,
        match=r"^charge: 97110 has no clinic charge: the line cannot be frozen without one; "
        r"enter the clinic's charge for the code and finalize again$",
    ):
        services.visits.finalize(visit)
    assert dump(services) == before
    # A charge given for one code only: the other is named, and the one given is not kept.
    with pytest.raises(InputError, match=r"^charge: 97140 has no clinic charge"):
        services.visits.finalize(visit, charges={"97110": "80.00"})
    assert dump(services) == before
    with pytest.raises(InputError, match=r"^97140 charge: "):
        services.visits.finalize(visit, charges={"97110": "80.00", "97140": "eighty"})
    assert dump(services) == before
    assert services.visits.visit(visit).status == "open"


def test_the_charge_can_come_with_the_finalize_call(clinic: Clinic) -> None:
    services = clinic.services
    services.records.save_fees(2026, charges={"97110": None})
    visit = _visit(clinic, "97110", "97110")
    done = services.visits.finalize(visit, charges={"97110": "80.00"})
    assert [(ln.code, ln.units, ln.charge) for ln in done.claim_lines] == [
        ("97110", 2, Decimal("160.00"))
    ]
    assert services.records.charges()["97110"] == Decimal("80.00")
    fees = [e for e in services.audit_entries("fee_list", None) if e.action == "fees_saved"]
    assert fees[-1].details["charges"] == {"97110": "80.00"}
