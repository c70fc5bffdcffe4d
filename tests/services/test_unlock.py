"""The lock's PIN check: wrong PINs back off on the injected clock, the state is kept in the
database (a restart does not clear it), every wrong PIN is audited with counts and never the
PIN; the running timers it shows carry initials, never a name."""

from __future__ import annotations

import json
from datetime import timedelta

from chargeclock.services.session import Services
from chargeclock.services.unlock import PIN_FAILURES_KEY, PIN_RETRY_AT_KEY
from chargeclock.storage import practice as practice_store
from tests.services.conftest import Clinic

PIN = "2468"


def add_user(clinic: Clinic) -> int:
    return clinic.services.records.add_user("Dana Reyes", "PT", PIN, clinic.pt_id).id


def test_no_pin_needed_until_an_active_user_has_one(clinic: Clinic) -> None:
    unlock = clinic.services.unlock
    assert not unlock.pin_needed()
    user_id = add_user(clinic)
    assert unlock.pin_needed()
    clinic.services.records.update_user(user_id, "Dana Reyes", "PT", active=False)
    assert not unlock.pin_needed()


def test_wrong_pins_back_off_and_the_right_one_resets(clinic: Clinic) -> None:
    user_id = add_user(clinic)
    unlock, clock = clinic.services.unlock, clinic.clock
    for n in range(1, 5):
        attempt = unlock.try_pin(user_id, "1111")
        assert not attempt.accepted and attempt.checked
        assert (attempt.backoff.failures, unlock.wait_seconds()) == (n, 0)
    assert unlock.try_pin(user_id, "1111").backoff.failures == 5
    assert unlock.wait_seconds() == 30
    # During the wait even the right PIN is refused, unchecked and uncounted.
    during = unlock.try_pin(user_id, PIN)
    assert not during.accepted and not during.checked and during.backoff.failures == 5
    clock.advance(29)
    assert unlock.wait_seconds() == 1
    clock.advance(1)
    assert unlock.try_pin(user_id, "1111").backoff.failures == 6
    assert unlock.wait_seconds() == 60
    clock.advance(60)
    right = unlock.try_pin(user_id, PIN)
    assert right.accepted and right.user is not None and right.user.name == "Dana Reyes"
    assert unlock.backoff().failures == 0 and unlock.wait_seconds() == 0
    # The count starts again: four wrong PINs cost nothing.
    for _ in range(4):
        unlock.try_pin(user_id, "1111")
    assert unlock.wait_seconds() == 0


def test_every_wrong_pin_is_audited_with_counts_not_the_pin(clinic: Clinic) -> None:
    user_id = add_user(clinic)
    unlock = clinic.services.unlock
    for _ in range(5):
        unlock.try_pin(user_id, "97531")
    unlock.try_pin(user_id, "97531")  # refused unchecked during the wait: not counted
    clinic.clock.advance(30)
    assert unlock.try_pin(user_id, PIN).accepted
    entries = [e for e in clinic.services.audit_entries() if e.action.startswith("pin_")]
    assert [(e.action, dict(e.details)) for e in entries] == [
        ("pin_refused", {"failures_in_a_row": n, "wait_seconds": 30 if n == 5 else 0})
        for n in range(1, 6)
    ] + [("pin_failures_reset", {"after_failures": 5})]
    assert all(e.entity == "user" and e.entity_id == user_id for e in entries)
    stored = json.dumps([e.details for e in clinic.services.audit_entries()])
    assert "97531" not in stored and PIN not in stored
    assert clinic.services.verify_audit().ok


def test_an_unknown_or_inactive_user_counts_as_a_wrong_pin(clinic: Clinic) -> None:
    user_id = add_user(clinic)
    records, unlock = clinic.services.records, clinic.services.unlock
    assert not unlock.try_pin(999, PIN).accepted
    records.update_user(user_id, "Dana Reyes", "PT", active=False)
    assert not unlock.try_pin(user_id, PIN).accepted
    assert unlock.backoff().failures == 2


def test_check_pin_is_held_to_the_same_back_off(clinic: Clinic) -> None:
    user_id = add_user(clinic)
    records = clinic.services.records
    assert not any(records.check_pin(user_id, "1111") for _ in range(5))
    assert not records.check_pin(user_id, PIN)  # the wait runs
    clinic.clock.advance(30)
    assert records.check_pin(user_id, PIN)


def test_the_back_off_survives_a_restart(clinic: Clinic) -> None:
    user_id = add_user(clinic)
    for _ in range(6):
        clinic.services.unlock.try_pin(user_id, "1111")
        clinic.clock.advance(30)  # the first wait (30 s) is over; the second (60 s) is not
    path = clinic.services.db.target
    assert path is not None
    clinic.services.close()
    again = Services.open(path, clinic.clock)
    try:
        assert again.unlock.backoff().failures == 6
        assert again.unlock.wait_seconds() == 30
        assert not again.unlock.try_pin(user_id, PIN).checked
    finally:
        again.close()


def test_a_stored_state_that_does_not_read_back_is_no_wait(clinic: Clinic) -> None:
    conn = clinic.services.db
    with clinic.services.db.transaction():
        practice_store.set_setting(conn, PIN_FAILURES_KEY, "lots")
        practice_store.set_setting(conn, PIN_RETRY_AT_KEY, "tomorrow")
    state = clinic.services.unlock.backoff()
    assert (state.failures, state.retry_at) == (0, None)


def test_running_timers_are_shown_by_initials_with_the_time_of_their_code(
    clinic: Clinic,
) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = visits.open_visit(clinic.patient_id).visit_id
    visits.start_timer(visit, "97110", "PTA")
    clock.advance(minutes=3)
    visits.stop_timer(visit, "PTA")
    visits.start_timer(visit, "97110", "PTA")
    visits.start_timer(visit, "97140", "PT")
    clock.advance(minutes=1, seconds=5)
    clocks = clinic.services.unlock.running_clocks()
    assert [(c.initials, c.code, c.role, c.seconds(clock.now())) for c in clocks] == [
        ("JD", "97140", "PT", 65),
        ("JD", "97110", "PTA", 245),
    ]
    state = visits.visit_state(visit)
    for c in clocks:
        code = state.code(c.code)
        assert code is not None and c.seconds(clock.now()) == code.role_seconds(c.role, clock.now())
    assert c.seconds(clock.now() + timedelta(hours=1)) == 245 + 3600
