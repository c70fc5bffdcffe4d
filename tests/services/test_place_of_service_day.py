"""A pooled same-day visit at two places (product.md "Same-day visits", claims.md §2): units on the
day as a whole, then each line at the place its minutes were given, 95/GT on the telehealth lines
only; frozen with the claim, printed per line on the superbill, reprinted byte for byte. A day
at one place comes out as it always did."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from msgspec.structs import replace
from pypdf import PdfReader

from chargeclock.domain.calculation import calculate
from chargeclock.domain.payer_kinds import PayerModifiers
from chargeclock.domain.place_split import largest_remainder
from chargeclock.services import frozen_claims
from chargeclock.services.minutes import visit_input
from chargeclock.services.superbill import pdf_bytes, statement_for_patient, superbill_for_visit
from chargeclock.storage.records import ClaimLineRow
from tests.services.conftest import Clinic
from tests.services.test_frozen_claims import _set_up


def _visit(clinic: Clinic, place: str, *codes_minutes: tuple[str, int]) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, place_of_service=place).visit_id
    for code, minutes in codes_minutes:
        visits.start_timer(visit, code, "PT")
        clinic.clock.advance(minutes=minutes)
    visits.stop_timer(visit, "PT")
    return visit


def _payer_wants(clinic: Clinic, payer_id: int, name: str, kind: str, telehealth: str) -> None:
    """The payer, units by total time, wanting ``telehealth`` (95 or GT) on telehealth lines."""
    medicare = kind == "medicare_b"
    clinic.services.records.update_payer(
        payer_id,
        name,
        medicare=medicare,
        unit_method="cms",
        assistant_modifiers=medicare,
        kx=medicare,
        modifiers=PayerModifiers(kind, telehealth_modifier=telehealth),
    )


def _lines(lines: list[ClaimLineRow] | tuple[ClaimLineRow, ...]) -> list[tuple[object, ...]]:
    return [(x.code, x.modifiers, x.units, x.place_of_service) for x in lines]


def _office_then_telehealth(clinic: Clinic) -> tuple[int, int]:
    """Morning in the office: 97110 20 min, 97140 10 min. Afternoon by telehealth in the
    patient's home: 97110 10 min. The day: 97110 30 + 97140 10 = 40 timed minutes, 3 units."""
    morning = _visit(clinic, "11", ("97110", 20), ("97140", 10))
    clinic.services.visits.finalize(morning)
    clinic.clock.advance(hours=4)
    afternoon = _visit(clinic, "10", ("97110", 10))
    return morning, afternoon


def test_a_day_at_two_places_bills_each_line_at_its_place(clinic: Clinic, tmp_path: Path) -> None:
    _set_up(clinic, tmp_path)
    services = clinic.services
    morning, afternoon = _office_then_telehealth(clinic)
    day = services.visits.finalize(afternoon)
    # Units of the pooled day, as one visit of 97110 30 min + 97140 10 min: 2 + 1.
    assert day.result.total_timed_minutes == 40 and day.result.timed_units == 3
    assert [(s.code, s.units) for s in day.result.services] == [("97110", 2), ("97140", 1)]
    # 97110's 2 units by its minutes: office 20 -> 1.33, telehealth 10 -> 0.67; the unit left
    # goes to the larger remainder (0.67): one line at each place; 95 on the telehealth one.
    expected = [
        ("97110", ("GP",), 1, "11"),
        ("97110", ("GP", "95"), 1, "10"),
        ("97140", ("GP",), 1, "11"),
    ]
    assert _lines(day.claim_lines) == expected
    assert _lines(services.visits.claim_lines(afternoon)) == expected  # as stored
    assert services.visits.claim_lines(morning) == []
    assert any(
        "97110 x2 by place of service: 11 20 min -> 1, 10 10 min -> 1" in t
        for t in day.claim_lines[0].trace
    )
    # The day's allowed amounts count once toward KX, line by line.
    assert services.ytd_allowed(clinic.patient_id, 2026).clinic == sum(
        (x.allowed or Decimal(0) for x in day.claim_lines), Decimal(0)
    )
    # The frozen claim keeps each line's place; the superbill prints it.
    frozen = frozen_claims.frozen_day(services, services.visits.visit(afternoon))
    assert _lines(frozen.claim_lines) == expected
    bill = superbill_for_visit(services, afternoon)
    assert [(x.code, x.place_of_service, x.modifiers) for x in bill.lines] == [
        ("97110", "11", ("GP",)),
        ("97110", "10", ("GP", "95")),
        ("97140", "11", ("GP",)),
    ]
    assert superbill_for_visit(services, morning) == bill  # the pooled visit prints the day
    statement = statement_for_patient(services, clinic.patient_id, bill.period_from, bill.period_to)
    assert [x.place_of_service for x in statement.lines] == ["11", "10", "11"]
    # The audit entry of the finalize names each line's place.
    entry = [e for e in services.audit_entries("visit", afternoon) if e.action == "visit_finalized"]
    assert [line["place_of_service"] for line in entry[-1].details["lines"]] == ["11", "10", "11"]


def test_the_superbill_of_a_day_at_two_places_prints_each_lines_place(
    clinic: Clinic, tmp_path: Path
) -> None:
    _set_up(clinic, tmp_path)
    services = clinic.services
    _, afternoon = _office_then_telehealth(clinic)
    services.visits.finalize(afternoon)
    first = pdf_bytes(superbill_for_visit(services, afternoon))
    (tmp_path / "two-places.pdf").write_bytes(first)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(first)).pages)
    assert "Places of service: 10, 11 (per line)" not in text  # in line order, not sorted
    assert "Places of service: 11, 10 (per line)" in text
    # Each row: date, its own place, code, label, modifiers (95 on the telehealth row only).
    assert "03/02/2026 11 97110 Exercise therapy GP A, B 1 $45.00" in text
    assert "03/02/2026 10 97110 Exercise therapy GP 95 A, B 1 $45.00" in text
    assert "03/02/2026 11 97140 Manual therapy GP A, B 1 $60.00" in text
    # A reprint after the payer's telehealth modifier changed is the same document.
    _payer_wants(clinic, clinic.medicare_id, "Medicare Part B (Noridian)", "medicare_b", "GT")
    clinic.clock.advance(days=3)
    assert pdf_bytes(superbill_for_visit(services, afternoon)) == first


def test_a_tie_goes_to_the_place_with_the_earlier_first_minute(clinic: Clinic) -> None:
    services = clinic.services
    morning = _visit(clinic, "02", ("97110", 11))  # telehealth, not at home, first
    services.visits.finalize(morning)
    clinic.clock.advance(hours=2)
    afternoon = _visit(clinic, "11", ("97110", 11))
    day = services.visits.finalize(afternoon)
    # 22 minutes: 1 unit; 11 and 11 minutes tie, the telehealth visit came first. The office
    # gets no unit, so no line.
    assert _lines(day.claim_lines) == [("97110", ("GP", "95"), 1, "02")]


def test_the_payers_telehealth_modifier_goes_on_the_telehealth_line(clinic: Clinic) -> None:
    """A commercial payer that wants GT, units by the total-time method: each code all at one
    place (no split), GT on the telehealth one only."""
    services = clinic.services
    _payer_wants(clinic, clinic.commercial_id, "Blue Harbor", "commercial", "GT")
    patient, _ = services.records.add_patient(
        "Roe", "Al", date(1960, 5, 6), payer_id=clinic.commercial_id
    )
    clinic.patient_id = patient.id
    first = _visit(clinic, "10", ("97110", 30))
    services.visits.finalize(first)
    clinic.clock.advance(hours=3)
    second = _visit(clinic, "11", ("97530", 15))
    day = services.visits.finalize(second)
    assert _lines(day.claim_lines) == [
        ("97110", ("GP", "GT"), 2, "10"),
        ("97530", ("GP",), 1, "11"),
    ]


def test_a_day_at_one_place_is_billed_as_it_always_was(clinic: Clinic) -> None:
    services = clinic.services
    morning = _visit(clinic, "11", ("97110", 20), ("97140", 10))
    services.visits.finalize(morning)
    clinic.clock.advance(hours=4)
    afternoon = _visit(clinic, "11", ("97110", 10))
    state = services.visits.visit_state(afternoon)
    pooled = visit_input(state, clinic.clock.now())
    assert pooled.place_minutes == {}
    day = services.visits.finalize(afternoon)
    # The engine's lines for the day's minutes, as billed before lines had places.
    alone = calculate(replace(pooled, place_minutes={}), services.ctx.book)
    assert [(x.code, x.modifiers, x.units, x.allowed) for x in day.claim_lines] == [
        (x.code, x.modifiers, x.units, x.allowed) for x in alone.claim_lines
    ]
    assert _lines(day.claim_lines) == [("97110", ("GP",), 2, "11"), ("97140", ("GP",), 1, "11")]
    assert day.result.trace == alone.trace
    assert not any("place of service" in t for t in day.result.trace)


def test_largest_remainder_divides_units_by_minutes() -> None:
    assert largest_remainder(2, [20, 10]) == [1, 1]
    assert largest_remainder(3, [20, 10]) == [2, 1]
    assert largest_remainder(1, [11, 11]) == [1, 0]  # a tie: the earlier place
    assert largest_remainder(1, [11, 12]) == [0, 1]
    assert largest_remainder(4, [0, 30]) == [0, 4]
    assert largest_remainder(1, [0, 0]) == [1, 0]
    assert sum(largest_remainder(7, [13, 29, 8])) == 7


def _timed(clinic: Clinic, place: str, *segments: tuple[str, str, int]) -> int:
    """A visit of ``(code, role, minutes)`` segments one after another."""
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, place_of_service=place).visit_id
    for code, role, minutes in segments:
        visits.start_timer(visit, code, role)
        clinic.clock.advance(minutes=minutes)
        visits.stop_timer(visit, role)
    return visit


def test_a_code_with_an_assistant_line_splits_each_line_by_its_own_minutes(
    clinic: Clinic,
) -> None:
    """97110 for the day: therapist 13 + 10, assistant 10 + 5 (office + telehealth). The day's
    3 units: 2 without CQ (the therapist's), 1 with CQ (rules.md §4). The therapist line's 2 by
    the therapist's 13 : 10 minutes -> 1 + 1; the CQ line's 1 by the assistant's 10 : 5 -> the
    office."""
    services = clinic.services
    morning = _timed(clinic, "11", ("97110", "PT", 13), ("97110", "PTA", 10))
    services.visits.finalize(morning)
    clinic.clock.advance(hours=3)
    afternoon = _timed(clinic, "10", ("97110", "PT", 10), ("97110", "PTA", 5))
    day = services.visits.finalize(afternoon)
    assert [(s.units, s.assistant_units) for s in day.result.services] == [(3, 1)]
    assert _lines(day.claim_lines) == [
        ("97110", ("GP",), 1, "11"),
        ("97110", ("GP", "95"), 1, "10"),
        ("97110", ("GP", "CQ"), 1, "11"),
    ]
    # Priced as lines of their own: the day's full-paid unit on the first line, and the same
    # total as the unsplit lines (1 in full + 1 reduced; the CQ unit reduced, at 85 %).
    unsplit = calculate(
        replace(
            visit_input(services.visits.visit_state(afternoon), clinic.clock.now()),
            place_minutes={},
        ),
        services.ctx.book,
    )
    assert [(x.units, x.assistant) for x in unsplit.claim_lines] == [(2, False), (1, True)]
    assert sum(x.allowed or 0 for x in day.claim_lines) == unsplit.allowed_total


def test_a_line_billed_before_lines_kept_their_place_prints_its_visits(
    clinic: Clinic, tmp_path: Path
) -> None:
    """A line stored before migration 0014 has no place of its own (''): the superbill built
    for it prints the place of the visit holding it, as it always did."""
    _set_up(clinic, tmp_path)
    services = clinic.services
    services.records.save_practice("Harbor PT", "9 Quay Street", "(217) 555-0100", "", "1")
    visit = _visit(clinic, "10", ("97110", 23))
    assert services.visits.finalize(visit).superbill_problem  # no NPI: frozen at first read
    services.db.execute("UPDATE claim_lines SET place_of_service = '' WHERE visit_id = ?", (visit,))
    assert _lines(services.visits.claim_lines(visit)) == [("97110", ("GP", "95"), 2, "")]
    _set_up(clinic, tmp_path)
    bill = superbill_for_visit(services, visit)
    assert [(x.place_of_service, x.modifiers) for x in bill.lines] == [("10", ("GP", "95"))]


def test_history_names_the_place_of_a_line_given_elsewhere_than_its_visit(
    clinic: Clinic, tmp_path: Path
) -> None:
    """History's line summary of the day billed on the telehealth visit: the office's lines
    say their place, as their superbill rows do; the visit's own place goes unsaid."""
    _set_up(clinic, tmp_path)
    services = clinic.services
    morning, afternoon = _office_then_telehealth(clinic)
    services.visits.finalize(afternoon)
    summaries = {s.visit_id: s for s in services.visits.history(clinic.patient_id)}
    assert summaries[afternoon].described == (
        "97110 GP ×1 (POS 11) · 97110 GP 95 ×1 · 97140 GP ×1 (POS 11)"
    )
    assert summaries[morning].described == "billed with the day's other visit"
    # A day at one place reads as it always did.
    clinic.clock.advance(days=1)
    alone = _visit(clinic, "11", ("97110", 20))
    services.visits.finalize(alone)
    summary = next(s for s in services.visits.history(clinic.patient_id) if s.visit_id == alone)
    assert summary.described == "97110 GP ×1"
