"""The KX watch: each Medicare patient's year-to-date equals the billing service's, the
thresholds are the rule book's, the forecast follows the patient's pace, and the year curve ends
at the year-to-date; the packet draws it with both lines named."""

from __future__ import annotations

import io
import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from chargeclock.domain.errors import InputError
from chargeclock.services.kx_watch import kx_watch, on_medicare, year_curve
from chargeclock.services.packet import build_packet, packet_pdf
from tests.services.conftest import Clinic
from tests.services.practice_data import DAY, Practice, small_practice


@pytest.fixture
def practice(clinic: Clinic) -> Practice:
    practice = small_practice(clinic)
    services = clinic.services
    threshold = services.book.year(2026).kx_threshold["pt_slp"]
    services.records.set_prior_spend(practice.patient_id, 2026, str(threshold - Decimal(400)))
    return practice


def test_rows_match_the_billing_year_to_date_and_the_rule_book(practice: Practice) -> None:
    services = practice.clinic.services
    figures = services.book.year(2026)
    rows = kx_watch(services, 2026)
    medicare = {
        p.id
        for p in services.records.search_patients("")
        if p.payer_id == practice.clinic.medicare_id
    }
    assert {r.patient_id for r in rows} == medicare
    assert [r.ytd for r in rows] == sorted((r.ytd for r in rows), reverse=True)
    for row in rows:
        ytd = services.ytd_allowed(row.patient_id, 2026)
        assert row.ytd == ytd.total and row.prior == ytd.prior
        assert row.unknown_lines == ytd.unknown_lines
        assert row.threshold == figures.kx_threshold["pt_slp"]
        assert row.review_level == figures.review_threshold == Decimal(3000)
    (never,) = [r for r in rows if r.patient_id == practice.clinic.patient_id]
    assert never.visits == 0 and never.average_per_visit is None and never.kx_on is None


def test_the_forecast_follows_the_patient_pace(practice: Practice) -> None:
    services = practice.clinic.services
    (row,) = [r for r in kx_watch(services, 2026) if r.patient_id == practice.patient_id]
    finalized = [
        v for v in services.visits.visits_of_patient(practice.patient_id) if v.status == "finalized"
    ]
    assert row.visits == len(finalized) == 3
    clinic_part = row.ytd - row.prior
    average = (clinic_part / 3).quantize(Decimal("0.01"))
    assert row.average_per_visit == average
    remaining = row.threshold - row.ytd
    assert remaining > 0 and row.state in ("near KX", "below KX")
    assert row.visits_to_kx == math.ceil(remaining / average)
    today = services.ctx.today()
    per_week = 3 / max(1.0, (today - DAY).days / 7)
    assert row.kx_on == today + timedelta(days=math.ceil(row.visits_to_kx / per_week * 7))
    assert row.visits_to_review == math.ceil((row.review_level - row.ytd) / average)


def test_the_year_curve_ends_at_the_year_to_date(practice: Practice) -> None:
    services = practice.clinic.services
    curve = year_curve(services, practice.patient_id, 2026)
    ytd = services.ytd_allowed(practice.patient_id, 2026)
    assert curve.points[0] == (date(2026, 1, 1), ytd.prior)
    assert curve.points[-1][1] == ytd.total
    assert [d for d, _ in curve.points[1:]] == [DAY + timedelta(days=i) for i in range(3)]
    values = [v for _, v in curve.points]
    assert values == sorted(values)
    with pytest.raises(InputError, match="there is no patient 999"):
        year_curve(services, 999, 2026)


def test_the_packet_draws_the_curve_with_both_lines(practice: Practice) -> None:
    services = practice.clinic.services
    packet = build_packet(services, practice.patient_id, DAY, DAY + timedelta(days=2))
    assert [c.year for c in packet.curves] == [2026]
    reader = PdfReader(io.BytesIO(packet_pdf(packet)))
    first = " ".join(reader.pages[0].extract_text().split())
    total = packet.curves[0].points[-1][1]
    assert "KX threshold $2,480.00" in first and "review level $3,000.00" in first
    assert f"YTD ${total:,.2f}" in first


def test_on_medicare_is_the_payer_s_medicare_flag(practice: Practice) -> None:
    clinic = practice.clinic
    records = clinic.services.records
    commercial, _ = records.add_patient(
        "Sato", "Ken", date(1980, 4, 5), payer_id=clinic.commercial_id, member_id="B77"
    )
    self_pay, _ = records.add_patient("Vale", "Ines", date(1990, 6, 7))
    assert on_medicare(clinic.services, practice.patient_id)
    assert not on_medicare(clinic.services, commercial.id)
    assert not on_medicare(clinic.services, self_pay.id)
    with pytest.raises(InputError, match="there is no patient 999"):
        on_medicare(clinic.services, 999)
