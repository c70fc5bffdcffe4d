"""The panel's KX forecast averages the visits the year-to-date counts: Part B ones only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chargeclock.clock import FakeClock
from chargeclock.domain.threshold import visits_until
from chargeclock.services.session import Services
from chargeclock.ui.visit_context import load_context
from tests.ui.test_visit_screen import clock, db_path, services, setup_clinic

__all__ = ["clock", "db_path", "services"]

pytestmark = pytest.mark.gui


def _finalized(services: Services, clock: FakeClock, patient: int, payer: int) -> Decimal:
    visits = services.visits
    visit = visits.open_visit(patient).visit_id
    services.db.execute("UPDATE visits SET payer_id = ? WHERE id = ?", (payer, visit))
    visits.start_timer(visit, "97110", "PT")
    clock.advance(minutes=30)
    visits.stop_timer(visit, "PT")
    done = visits.finalize(visit)
    clock.advance(days=1)
    return done.result.allowed_total


def test_commercial_visits_move_neither_the_total_nor_the_average(
    qtbot: object, services: Services, clock: FakeClock
) -> None:
    patient = setup_clinic(services)
    part_b = services.records.payers()[0].id
    commercial = services.records.add_payer("Blue Harbor", kind="commercial").id
    medicare_amount = _finalized(services, clock, patient, part_b)
    for _ in range(3):
        _finalized(services, clock, patient, commercial)
    state = services.visits.open_visit(patient)
    context = load_context(services, state)
    remaining = Decimal("2480.00") - medicare_amount
    assert services.ytd_allowed(patient, 2026).total == medicare_amount
    assert context.visits_to_kx == visits_until(remaining, medicare_amount)
