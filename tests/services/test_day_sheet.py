"""The day sheet: its totals by code and payer equal the frozen claim lines of the day (read
straight from the database), open visits and running timers are flagged, a pooled visit points
to its bill, payments land under the right payer, and the PDF says it all in words."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from chargeclock.services.day_sheet import day_sheet, day_sheet_pdf
from tests.services.conftest import Clinic
from tests.services.practice_data import DAY, Practice, small_practice, treat

LAST = DAY + timedelta(days=2)


@pytest.fixture
def practice(clinic: Clinic) -> Practice:
    return small_practice(clinic)


def _frozen(practice: Practice, day: str) -> list[tuple[int, str, int, int, str, int | None]]:
    """(visit, code, units, charge cents, modifiers, payer id) of the day's claim lines."""
    rows = practice.clinic.services.db.execute(
        "SELECT v.id, l.code, l.units, l.charge_cents, l.modifiers, v.payer_id FROM claim_lines l "
        "JOIN visits v ON v.id = l.visit_id WHERE v.date_of_service = ?",
        (day,),
    ).fetchall()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_totals_equal_the_frozen_claims(practice: Practice, offset: int) -> None:
    day = DAY + timedelta(days=offset)
    sheet = day_sheet(practice.clinic.services, day)
    lines = _frozen(practice, day.isoformat())
    assert lines
    units: dict[str, int] = defaultdict(int)
    cents: dict[str, int] = defaultdict(int)
    cq: dict[str, int] = defaultdict(int)
    for _, code, n, charge, modifiers, _ in lines:
        units[code] += n
        cents[code] += charge
        cq[code] += n if "CQ" in modifiers.split() else 0
    assert {c.code: c.units for c in sheet.by_code} == units
    assert {c.code: c.charges for c in sheet.by_code} == {
        k: Decimal(v) / 100 for k, v in cents.items()
    }
    assert {c.code: c.assistant_units for c in sheet.by_code} == cq
    assert sheet.units == sum(units.values()) == sum(p.units for p in sheet.by_payer)
    assert sheet.charges == Decimal(sum(cents.values())) / 100
    assert sum((p.charges for p in sheet.by_payer), Decimal(0)) == sheet.charges
    assert {p.payer for p in sheet.by_payer if p.visits} == {"Medicare"}


def test_the_open_visit_and_its_running_timer_are_flagged(practice: Practice) -> None:
    sheet = day_sheet(practice.clinic.services, LAST)
    (visit,) = [v for v in sheet.visits if v.visit_id == practice.open_visit]
    assert visit.flags == ("OPEN", "TIMER RUNNING: 97112 PT")
    assert visit.last_stop is None and visit.units == 0
    assert sheet.open_visits == 1 and sheet.running_timers == 1
    text = re.sub(r"\s+", " ", _text(day_sheet_pdf(sheet)))
    assert "Not ready to close: 1 open visit, 1 timer still running." in text
    assert "OPEN; TIMER RUNNING: 97112 PT" in text
    assert f"DAY SHEET {LAST:%m/%d/%Y}" in text


def test_payments_land_under_the_visit_or_the_patient_payer(practice: Practice) -> None:
    services = practice.clinic.services
    sheet = day_sheet(services, LAST)
    # 25.00 by card for the day's visit, 10.00 cash from the other patient for no visit
    paid = {v.visit_id: v.payments for v in sheet.visits}
    assert paid[practice.finalized[-1]] == Decimal("25.00")
    assert sheet.unassigned_payments == Decimal("10.00")
    assert {p.payer: p.payments for p in sheet.by_payer} == {"Medicare": Decimal("35.00")}
    assert sheet.payments == Decimal("35.00")
    text = re.sub(r"\s+", " ", _text(day_sheet_pdf(sheet)))
    assert "Payments for no visit of the day: $10.00" in text


def test_a_pooled_visit_points_to_the_day_bill(practice: Practice) -> None:
    clinic = practice.clinic
    day = LAST + timedelta(days=1)
    first = treat(clinic, practice.patient_id, day, [("97110", "PT", 10)])
    second = treat(clinic, practice.patient_id, day, [("97140", "PT", 9)])
    sheet = day_sheet(clinic.services, day)
    by_id = {v.visit_id: v for v in sheet.visits}
    assert by_id[first].billed_with == second and by_id[first].units == 0
    assert by_id[second].units == sum(r[2] for r in _frozen(practice, day.isoformat()))
    assert [v.visit_id for v in sheet.visits] == [first, second]  # in the order seen


def test_an_empty_day(clinic: Clinic) -> None:
    sheet = day_sheet(clinic.services, DAY)
    assert sheet.visits == () and sheet.units == 0 and sheet.by_code == ()
    assert "DAY SHEET" in _text(day_sheet_pdf(sheet))


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
