"""Every service mutation says what it changed (``Context.take_changes``), and every audit
entity the services write maps to a kind a view can act on."""

from __future__ import annotations

import ast
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import chargeclock.services as services_package
from chargeclock.domain.errors import InputError
from chargeclock.services.changes import (
    EVERYTHING_ENTITIES,
    FEE_ENTITIES,
    PATIENT_ENTITIES,
    SETUP_ENTITIES,
    Changes,
)
from tests.services.conftest import Clinic


def _take(clinic: Clinic) -> Changes:
    return clinic.services.ctx.take_changes()


def test_visit_calls_name_the_visit(clinic: Clinic) -> None:
    visits = clinic.services.visits
    _take(clinic)
    visit = visits.open_visit(clinic.patient_id).visit_id
    assert _take(clinic) == Changes(visits=frozenset({visit}))
    visits.start_timer(visit, "97110", "PT")
    clinic.clock.advance(minutes=12)
    visits.stop_all(visit)
    assert _take(clinic) == Changes(visits=frozenset({visit}))
    assert _take(clinic) == Changes()  # taken once
    visits.finalize(visit)
    changed = _take(clinic)
    assert changed.visit(visit) and not changed.any_patient and not changed.any_setup


def test_a_segment_change_names_its_visit(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id).visit_id
    _take(clinic)
    now = clinic.clock.now()
    visits.add_segment(
        visit,
        "97110",
        "PT",
        started_at=now - timedelta(minutes=20),
        stopped_at=now - timedelta(minutes=5),
        reason="forgot to press start",
    )
    assert _take(clinic) == Changes(visits=frozenset({visit}))


def test_patient_payment_setup_and_fee_calls(clinic: Clinic) -> None:
    records = clinic.services.records
    _take(clinic)
    records.set_prior_spend(clinic.patient_id, 2026, Decimal("10.00"))
    assert _take(clinic) == Changes(patients=frozenset({clinic.patient_id}))
    records.record_payment(clinic.patient_id, "20.00", "cash")
    assert _take(clinic) == Changes(payments=True)
    records.save_practice("Harbor PT")
    records.set_lock_minutes(7)
    assert _take(clinic) == Changes(setup=True)
    clinic.services.rules.set_locality("01112")
    assert _take(clinic) == Changes(setup=True)
    records.save_fees(2026, charges={"97110": "45.00"})
    assert _take(clinic) == Changes(fees=True)


def test_a_refused_call_changes_nothing_it_names(clinic: Clinic) -> None:
    _take(clinic)
    with pytest.raises(InputError):
        clinic.services.records.record_payment(clinic.patient_id, "-3", "cash")
    assert _take(clinic) == Changes()


def test_changes_combine_and_everything_answers_yes() -> None:
    both = Changes(visits=frozenset({1})) | Changes(patients=frozenset({2}), fees=True)
    assert both == Changes(visits=frozenset({1}), patients=frozenset({2}), fees=True)
    assert both.visit(1) and not both.visit(3) and both.patient(2) and not both.any_payment
    every = Changes.everything()
    assert every.visit(99) and every.patient(99) and every.any_setup and every.any_fees
    assert bool(every) and not Changes()
    assert Changes.of_audit("something_new", 1) == every


def _audited_entities() -> set[str]:
    """The entity argument of every ``ctx.audit(...)`` call in the services' source."""
    found: set[str] = set()
    for path in Path(services_package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "audit"
                and len(node.args) >= 2
            ):
                continue
            entity = node.args[1]
            options = [entity.body, entity.orelse] if isinstance(entity, ast.IfExp) else [entity]
            for option in options:
                assert isinstance(option, ast.Constant), f"{path.name}:{node.lineno}"
                found.add(str(option.value))
    return found


def test_every_audited_entity_has_a_kind() -> None:
    entities = _audited_entities()
    assert {"visit", "patient", "payment", "timer_segment", "practice"} <= entities
    known = (
        (SETUP_ENTITIES | FEE_ENTITIES | EVERYTHING_ENTITIES | {"visit", "patient", "payment"})
        | {"timer_segment", "claim_submission"}
        | PATIENT_ENTITIES
    )
    assert entities <= known, entities - known
    details = {"visit_id": 1, "patient_id": 1}
    for entity in entities - EVERYTHING_ENTITIES:
        assert Changes.of_audit(entity, 1, details) != Changes.everything(), entity


def test_an_authorization_or_ledger_entry_names_its_patient() -> None:
    for entity in PATIENT_ENTITIES:
        assert Changes.of_audit(entity, 5, {"patient_id": 2}) == Changes(patients=frozenset({2}))
    assert Changes.of_audit("claim_submission", 5, {"visit_id": 3}).visit(3)


def test_a_visit_edit_without_an_audit_entry_is_named_by_its_result(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id).visit_id
    _take(clinic)
    state = visits.add_code(visit, "97116")  # a timed code: no billing row yet, no audit entry
    assert _take(clinic) | Changes.of_result(state) == Changes(visits=frozenset({visit}))
    change = visits.start_timer(visit, "97116", "PT")
    assert Changes.of_result(change) == Changes(visits=frozenset({visit}))
    assert Changes.of_result(3) == Changes() and Changes.of_result(None) == Changes()
