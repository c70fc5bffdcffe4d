"""Payer kinds (KX counts Part B only), MPPR per patient per day across disciplines, line
modifiers kept per visit code and carried into the finalized lines, ABNs and the yearly KX
confirmation (claims.md §1–2)."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from chargeclock.domain.calculation import calculate
from chargeclock.domain.errors import InputError
from chargeclock.domain.payer_kinds import PayerModifiers
from chargeclock.domain.warnings import VisitWarning
from chargeclock.services.minutes import visit_input
from chargeclock.services.session import Services
from chargeclock.services.superbill import pdf_bytes, superbill_for_visit
from chargeclock.storage.audit import AuditEntry
from chargeclock.storage.migrations import migrate, migration_files
from tests.services.conftest import VALID_NPI, Clinic, dump


def _visit(
    clinic: Clinic, code: str, minutes: float, *, discipline: str = "PT", payer: int | None = None
) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, discipline=discipline).visit_id
    if payer is not None:
        clinic.services.db.execute("UPDATE visits SET payer_id = ? WHERE id = ?", (payer, visit))
    visits.start_timer(visit, code, "PT")
    clinic.clock.advance(minutes=minutes)
    visits.stop_timer(visit, "PT")
    return visit


def test_kinds_default_their_settings_and_are_audited(clinic: Clinic) -> None:
    records = clinic.services.records
    self_pay = records.add_payer("Cash", kind="self_pay")
    assert (self_pay.kind, self_pay.therapy_modifiers, self_pay.kx, self_pay.unit_method) == (
        "self_pay",
        False,
        False,
        "per_code",
    )
    advantage = records.add_payer("Humana Gold", kind="medicare_advantage")
    assert (advantage.medicare, advantage.unit_method, advantage.kx) == (True, "cms", False)
    assert records.payers()[0].kind == "medicare_b"  # "Medicare" of the fixture
    assert records.payers()[1].kind == "commercial"  # "Blue Harbor"
    with pytest.raises(InputError, match=r"^kind: must be one of medicare_b, "):
        records.add_payer("Odd", kind="hmo")
    entries = _audited(clinic, "payer_added")
    assert any(e.details.get("kind") == "self_pay" for e in entries)


def test_kx_year_to_date_counts_medicare_part_b_visits_only(clinic: Clinic) -> None:
    services = clinic.services
    for _ in range(3):  # three commercial visits of the same Medicare patient
        services.visits.finalize(_visit(clinic, "97110", 30, payer=clinic.commercial_id))
        clinic.clock.advance(days=1)
    assert services.ytd_allowed(clinic.patient_id, 2026).total == 0
    part_b = services.visits.finalize(_visit(clinic, "97110", 30))
    assert services.ytd_allowed(clinic.patient_id, 2026).total == part_b.result.allowed_total > 0
    _set_medicare(clinic.services, PayerModifiers("medicare_advantage"))
    assert services.ytd_allowed(clinic.patient_id, 2026).total == 0


def test_mppr_is_per_patient_per_day_across_disciplines(clinic: Clinic) -> None:
    services = clinic.services
    pt = services.visits.finalize(_visit(clinic, "97530", 15))  # the day's highest PE, in full
    assert pt.claim_lines[0].allowed == Decimal("35.07")
    ot = services.visits.finalize(_visit(clinic, "97110", 15, discipline="OT"))
    line = ot.result.claim_lines[0]
    assert line.modifiers == ("GO",)
    assert line.allowed is not None and line.allowed < Decimal("29.06")  # 97110 x1 in full
    assert any("another discipline's line that day" in t for t in ot.result.trace)
    clinic.clock.advance(days=1)  # the next day, OT alone: in full again
    alone = services.visits.finalize(_visit(clinic, "97110", 15, discipline="OT"))
    assert alone.result.claim_lines[0].allowed == Decimal("29.06")


def test_chosen_modifiers_are_kept_audited_and_frozen_on_the_lines(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _visit(clinic, "97140", 15)
    visits.start_timer(visit, "97530", "PT")
    clinic.clock.advance(minutes=15)
    visits.stop_timer(visit, "PT")
    state = visits.visit_state(visit)
    assert [w.kind for w in _warnings(clinic, visit)] == ["ncci"]
    state = visits.add_distinct_modifier(visit, "97530", "XU")
    assert state.claim.line_modifiers == {"97530": ("XU",)}
    state = visits.add_distinct_modifier(visit, "97530", "59")  # one replaces the other
    assert state.claim.line_modifiers == {"97530": ("59",)}
    assert "ncci" not in [w.kind for w in _warnings(clinic, visit)]
    done = visits.finalize(visit)
    assert [(x.code, x.modifiers) for x in done.claim_lines] == [
        ("97140", ("GP",)),
        ("97530", ("59", "GP")),
    ]
    entries = _audited(clinic, "line_modifiers_set")
    assert [e.details["modifiers"] for e in entries] == [["XU"], ["59"]]


def test_52_76_77_are_refused_on_timed_codes_with_the_reason(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _visit(clinic, "97110", 20)
    before = dump(clinic.services)
    with pytest.raises(InputError, match="shortened timed service is billed by its minutes"):
        visits.set_line_modifiers(visit, "97110", ["52"])
    with pytest.raises(InputError, match="pooled with the first"):
        visits.set_line_modifiers(visit, "97110", ["76"])
    with pytest.raises(InputError, match="GA/GZ/GX/GY, not GA and GZ"):
        visits.set_line_modifiers(visit, "97110", ["GA", "GZ"])
    with pytest.raises(InputError, match="97112 is not on visit"):
        visits.set_line_modifiers(visit, "97112", ["59"])
    assert dump(clinic.services) == before


def test_an_abn_gives_ga_in_place_of_kx_and_kx_is_confirmed_once(clinic: Clinic) -> None:
    services = clinic.services
    services.records.set_prior_spend(clinic.patient_id, 2026, "2600.00")  # past the threshold
    visit = _visit(clinic, "97110", 15)
    assert "kx_unconfirmed" in [w.kind for w in _warnings(clinic, visit)]
    assert services.visits.confirm_kx(clinic.patient_id, 2026, "Dana Reyes")
    assert not services.visits.confirm_kx(clinic.patient_id, 2026, "Dana Reyes")  # once a year
    assert "kx_unconfirmed" not in [w.kind for w in _warnings(clinic, visit)]
    services.visits.record_abn(clinic.patient_id, date(2026, 3, 1), ["97110"])
    done = services.visits.finalize(visit)
    assert done.claim_lines[0].modifiers == ("GP", "GA")
    assert len(_audited(clinic, "kx_confirmed")) == 1 and _audited(clinic, "abn_recorded")


def _set_medicare(services: Services, modifiers: PayerModifiers) -> None:
    """The clinic's first payer, Medicare (CMS units, CQ, KX), with another kind or modifiers
    (the window's tests use it too)."""
    medicare = services.records.payers()[0]
    services.records.update_payer(
        medicare.id,
        medicare.name,
        medicare=True,
        unit_method="cms",
        assistant_modifiers=True,
        kx=True,
        modifiers=modifiers,
    )


def _audited(clinic: Clinic, action: str) -> list[AuditEntry]:
    return [e for e in clinic.services.audit_entries() if e.action == action]


def _warnings(clinic: Clinic, visit: int) -> list[VisitWarning]:
    state = clinic.services.visits.visit_state(visit)
    result = calculate(visit_input(state, clinic.clock.now()), clinic.services.ctx.book)
    return list(result.warnings)


def test_migration_maps_existing_payers_to_kinds(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    step_9 = next(p.stem for p in migration_files() if p.name.startswith("0009"))
    migrate(conn, stop_before=step_9)
    conn.executemany(
        "INSERT INTO payers (name, unit_method, assistant_modifiers, kx, medicare) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            ("Medicare Part B", "cms", 1, 1, 1),
            ("Railroad MEDICARE", "cms", 1, 1, 0),
            ("Blue Harbor", "per_code", 0, 0, 0),
            ("Plan following Medicare", "cms", 1, 0, 1),
        ],
    )
    conn.commit()
    migrate(conn)
    kinds = conn.execute("SELECT name, kind, therapy_modifiers FROM payers ORDER BY id").fetchall()
    assert kinds == [
        ("Medicare Part B", "medicare_b", 1),
        ("Railroad MEDICARE", "medicare_b", 1),
        ("Blue Harbor", "commercial", 1),
        ("Plan following Medicare", "medicare_b", 1),
    ]
    conn.close()


def test_finalize_asked_never_freezes_five_modifiers_even_with_a_reason(clinic: Clinic) -> None:
    services = clinic.services
    records = services.records
    _set_medicare(services, PayerModifiers("medicare_b", True, True, "95"))  # 97 on every line
    records.set_prior_spend(clinic.patient_id, 2026, "2600.00")
    records.save_fees(2026, charges={"97140": "85", "97530": "95"})
    visits = services.visits
    visit = visits.open_visit(clinic.patient_id, place_of_service="02").visit_id  # telehealth
    for code in ("97140", "97530"):
        visits.start_timer(visit, code, "PT")
        clinic.clock.advance(minutes=15)
    visits.stop_timer(visit, "PT")
    visits.add_distinct_modifier(visit, "97530", "59")
    visits.confirm_kx(clinic.patient_id, 2026, "Dana Reyes")
    asks = visits.finalize_asks(visit)
    assert [(a.key, a.carc, a.overridable) for a in asks] == [
        ("modifier_count:97530", "CO-4", False)
    ]
    assert "59 GP 97 95 KX" in asks[0].text
    before = dump(services)
    with pytest.raises(InputError, match=r"^modifiers: 97530 59 GP 97 95 KX: 5 modifiers"):
        visits.finalize(visit, {"modifier_count:97530": "the payer takes five"})
    assert dump(services) == before
    visits.set_line_modifiers(visit, "97530", [])  # the clinician takes the 59 off
    assert [a.kind for a in visits.finalize_asks(visit)] == ["ncci"]
    done = visits.finalize(visit, {"ncci:97140 97530": "one service"})
    assert done.claim_lines[1].modifiers == ("GP", "97", "95", "KX")


def test_the_superbill_line_prints_the_chosen_modifiers(clinic: Clinic, tmp_path: Path) -> None:
    services = clinic.services
    services.records.save_practice(
        "Harbor PT",
        "9 Quay Street\nSpringfield, IL 62701",
        "(217) 555-0100",
        VALID_NPI,
        "12-3456789",
    )
    services.db.execute(
        "UPDATE patients SET member_id = '1EG4TE5MK72' WHERE id = ?", (clinic.patient_id,)
    )
    services.records.save_fees(2026, charges={"97140": "60", "97530": "70"})
    visits = services.visits
    visit = visits.open_visit(clinic.patient_id).visit_id
    for code in ("97140", "97530"):
        visits.start_timer(visit, code, "PT")
        clinic.clock.advance(minutes=15)
    visits.stop_timer(visit, "PT")
    visits.add_distinct_modifier(visit, "97530", "XS")
    visits.finalize(visit)
    superbill = superbill_for_visit(services, visit)
    assert [(x.code, x.modifiers) for x in superbill.lines] == [
        ("97140", ("GP",)),
        ("97530", ("XS", "GP")),
    ]
    text = PdfReader(BytesIO(pdf_bytes(superbill))).pages[0].extract_text()
    assert "XS GP" in text


def test_a_patient_with_no_payer_is_billed_as_self_pay(clinic: Clinic) -> None:
    """claims.md §1: no GP/GO/GN, no CQ, no KX, however far past the threshold."""
    services = clinic.services
    patient, _ = services.records.add_patient(
        "Cash", "Carl", date(1951, 5, 6), diagnoses=["M17.11"], prior_spend="5000.00"
    )
    visits = services.visits
    visit = visits.open_visit(patient.id).visit_id
    visits.start_timer(visit, "97110", "PT")
    clinic.clock.advance(minutes=20)
    visits.stop_timer(visit, "PT")
    visits.start_timer(visit, "97110", "PTA")
    clinic.clock.advance(minutes=10)
    visits.stop_timer(visit, "PTA")
    done = visits.finalize(visit)
    assert [(ln.code, ln.modifiers, ln.units) for ln in done.claim_lines] == [("97110", (), 2)]
    assert not done.result.kx.applies
