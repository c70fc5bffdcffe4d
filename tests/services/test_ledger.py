"""The patient's ledger through the services: charges from finalized claims, payments,
adjustments, reversals (never an edit), ageing, cost shares; every entry audited."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from decimal import Decimal

import pytest

from chargeclock.domain.errors import InputError
from tests.services.conftest import Clinic, dump


def _finalized(clinic: Clinic, days_ago: int, minutes: int = 23) -> int:
    visits = clinic.services.visits
    day = clinic.clock.now().date() - timedelta(days=days_ago)
    visit = visits.open_visit(clinic.patient_id, date_of_service=day).visit_id
    visits.start_timer(visit, "97110", "PT")
    clinic.clock.advance(minutes=minutes)
    visits.stop_timer(visit, "PT")
    visits.finalize(visit)
    return visit


@pytest.fixture
def billed(clinic: Clinic) -> Clinic:
    clinic.services.records.save_fees(2026, charges={"97110": "45.00"})
    _finalized(clinic, 70)  # 2 units: $90
    _finalized(clinic, 10)  # $90
    return clinic


def test_charges_payments_adjustments_and_the_balance(billed: Clinic) -> None:
    services, patient = billed.services, billed.patient_id
    ledger = services.ledger
    services.records.record_payment(patient, "30.00", "card")
    services.records.record_payment(patient, "50.00", "insurance")
    ledger.add_adjustment(patient, "contractual", "25.00")
    ledger.add_adjustment(patient, "refund", "10.00", note="overpaid copay")
    got = ledger.ledger(patient)
    assert (got.charges, got.payments, got.adjustments) == (
        Decimal("180.00"),
        Decimal("80.00"),
        Decimal("15.00"),
    )
    assert got.balance == Decimal("85.00") == got.running[-1]
    assert got.ageing.total == got.balance
    words = [e.description for e in got.entries]
    assert "Payer payment #2" in words and "Patient payment (card) #1" in words
    assert "Refund — overpaid copay" in words


def test_what_the_ledgers_entries_post_agrees_with_the_ledger(billed: Clinic) -> None:
    """History's sums (LedgerService.posted: the payments reversed, the adjustments net of
    their reversals) give the ledger's own totals."""
    services, patient = billed.services, billed.patient_id
    ledger = services.ledger
    assert ledger.posted(patient) == (frozenset(), Decimal(0))
    card = services.records.record_payment(patient, "30.00", "card")
    services.records.record_payment(patient, "50.00", "insurance")
    ledger.add_adjustment(patient, "contractual", "25.00")
    discount = ledger.add_adjustment(patient, "discount", "4.00")
    ledger.add_adjustment(patient, "refund", "10.00")
    ledger.reverse_entry(patient, discount, "entered twice")
    ledger.reverse_payment(card.id, "card declined")
    reversed_ids, adjustments = ledger.posted(patient)
    assert (reversed_ids, adjustments) == (frozenset({card.id}), Decimal("15.00"))
    got = ledger.ledger(patient)
    paid = sum(
        (p.amount for p in services.records.payments(patient) if p.id not in reversed_ids),
        Decimal(0),
    )
    assert (paid, adjustments) == (got.payments, got.adjustments)
    assert got.charges - paid - adjustments == got.balance == Decimal("115.00")


def test_ageing_by_date_of_service(billed: Clinic) -> None:
    got = billed.services.ledger.ledger(billed.patient_id)
    assert got.ageing.buckets == (Decimal("90.00"), Decimal(0), Decimal("90.00"), Decimal(0))
    billed.services.records.record_payment(billed.patient_id, "100.00", "cash")
    got = billed.services.ledger.ledger(billed.patient_id)
    assert got.ageing.buckets == (Decimal("80.00"), Decimal(0), Decimal(0), Decimal(0))


@pytest.mark.sqlite_file  # SQLite's own SQL and errors (the server's guards: tests/storage)
def test_reversals_undo_and_nothing_is_edited(billed: Clinic) -> None:
    services, patient = billed.services, billed.patient_id
    ledger = services.ledger
    payment = services.records.record_payment(patient, "40.00", "check")
    discount = ledger.add_adjustment(patient, "discount", "15.00")
    before = ledger.ledger(patient).balance
    ledger.reverse_payment(payment.id, "bounced cheque")
    ledger.reverse_entry(patient, discount, "given by mistake")
    after = ledger.ledger(patient)
    assert after.balance == before + Decimal("55.00") == Decimal("180.00")
    assert sum(1 for e in after.entries if e.reversed) == 2
    assert sum(1 for e in after.entries if e.reversal) == 2
    with pytest.raises(InputError, match="reversed already"):
        ledger.reverse_payment(payment.id, "again")
    with pytest.raises(InputError, match="reversed already"):
        ledger.reverse_entry(patient, discount, "again")
    conn = services.db.conn
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE ledger_entries SET amount_cents = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM ledger_entries")
    actions = [e.action for e in services.audit_entries() if e.entity == "ledger_entry"]
    assert actions == [
        "ledger_adjustment",
        "ledger_payment_reversed",
        "ledger_adjustment_reversed",
    ]


def test_a_reopened_visit_takes_its_charge_off_until_finalized_again(billed: Clinic) -> None:
    services = billed.services
    visit = _finalized(billed, 2)
    assert services.ledger.ledger(billed.patient_id).charges == Decimal("270.00")
    services.visits.reopen_for_correction(visit, "wrong day")
    assert services.ledger.ledger(billed.patient_id).charges == Decimal("180.00")
    services.visits.finalize(visit)
    assert services.ledger.ledger(billed.patient_id).charges == Decimal("270.00")


def test_bad_entries_are_refused_with_nothing_saved(billed: Clinic) -> None:
    services, patient = billed.services, billed.patient_id
    ledger = services.ledger
    before = dump(services)
    for call, field in (
        (lambda: ledger.add_adjustment(patient, "gift", "5.00"), "adjustment_type"),
        (lambda: ledger.add_adjustment(patient, "discount", "0"), "amount"),
        (lambda: ledger.add_adjustment(patient, "discount", "-5"), "amount"),
        (lambda: ledger.add_adjustment(patient, "discount", "1.005"), "amount"),
        (lambda: ledger.add_adjustment(patient, "discount", "5", visit_id=999), "visit_id"),
        (lambda: ledger.add_adjustment(999, "discount", "5"), "patient_id"),
        (lambda: ledger.reverse_payment(999, "x"), "payment_id"),
        (lambda: ledger.reverse_entry(patient, 999, "x"), "entry_id"),
        (lambda: ledger.set_cost_share(patient, "20", 101), "coinsurance_percent"),
        (lambda: ledger.add_adjustment(patient, "discount", "5", on=date(2099, 1, 1)), "on"),
    ):
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.field == field
    with pytest.raises(InputError, match="reason"):
        ledger.reverse_payment(services.records.record_payment(patient, "1", "cash").id, " ")
    assert [row for row in dump(services) if row[0] != "payments" and row[0] != "audit_log"] == [
        row for row in before if row[0] != "payments" and row[0] != "audit_log"
    ]


def test_cost_share_expected_at_check_in(clinic: Clinic) -> None:
    ledger = clinic.services.ledger
    today = clinic.clock.now().date()
    assert ledger.expected_at_check_in(clinic.patient_id, Decimal("100.00")) is None
    ledger.set_cost_share(clinic.patient_id, "15.00", 10, today - timedelta(days=30))
    ledger.set_cost_share(clinic.patient_id, "30.00", 0, today + timedelta(days=5))
    assert ledger.expected_at_check_in(clinic.patient_id, Decimal("100.00")) == Decimal("25.00")
    later = today + timedelta(days=6)
    assert ledger.expected_at_check_in(clinic.patient_id, Decimal("100"), later) == Decimal("30.00")
    assert ledger.cost_share(clinic.patient_id, today - timedelta(days=31)) is None


@pytest.mark.sqlite_file  # SQLite's own SQL and errors (the server's guards: tests/storage)
def test_a_ledger_entry_changed_behind_the_app_is_named_by_verify_audit(clinic: Clinic) -> None:
    services = clinic.services
    entry = services.ledger.add_adjustment(clinic.patient_id, "write_off", "12.50")
    conn = services.db.conn
    conn.execute("DROP TRIGGER ledger_entries_no_update")
    conn.execute("UPDATE ledger_entries SET amount_cents = 125 WHERE id = ?", (entry,))
    report = services.verify_audit()
    assert not report.ok
    assert any(f"ledger entry {entry}" in p and "1250" in p for p in report.problems), report
    conn.execute("UPDATE ledger_entries SET amount_cents = 1250 WHERE id = ?", (entry,))
