"""Changing an open visit's place of service (claims.md §2): one of our known places, audited old
-> new with the change, the lines' 95/GT following it; refused on a finalized visit and on an
unknown place, with nothing saved."""

from __future__ import annotations

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.domain.modifiers import TELEHEALTH_PLACES
from chargeclock.domain.places import PLACES, check_place, place_label
from chargeclock.services.changes import Changes
from chargeclock.storage import audit
from tests.services.conftest import Clinic, dump


def _visit(clinic: Clinic, minutes: int = 20) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id).visit_id
    visits.start_timer(visit, "97110", "PT")
    clinic.clock.advance(minutes=minutes)
    visits.stop_timer(visit, "PT")
    return visit


def _modifiers(clinic: Clinic, visit: int) -> list[tuple[str, ...]]:
    state = clinic.services.visits.visit_state(visit)
    return [line.modifiers for line in clinic.services.live_result(state).claim_lines]


def _audited(clinic: Clinic, visit: int) -> list[audit.AuditEntry]:
    entries = clinic.services.audit_entries("visit", visit)
    return [e for e in entries if e.action == "place_of_service_set"]


def test_the_place_changes_is_audited_and_the_lines_follow_it(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _visit(clinic)
    assert visits.visit_state(visit).claim.place_of_service == "11"
    assert _modifiers(clinic, visit) == [("GP",)]
    clinic.services.ctx.take_changes()
    state = visits.set_place_of_service(visit, "10")
    assert state.claim.place_of_service == "10"
    assert visits.visit(visit).place_of_service == "10"
    # the house change signal names the visit: the window reads it again
    assert clinic.services.ctx.take_changes() == Changes(visits=frozenset({visit}))
    assert _modifiers(clinic, visit) == [("GP", "95")]
    [entry] = _audited(clinic, visit)
    assert entry.details["before"] == "11" and entry.details["place_of_service"] == "10"
    # the entry keeps the visit row as it stands after the change (what the audit verifies)
    [(rows,)] = clinic.services.db.execute(
        "SELECT rows FROM audit_log WHERE id = ?", (entry.id,)
    ).fetchall()
    assert rows.startswith(f"visit {visit} (") and ",'10'," in rows
    visits.set_place_of_service(visit, " 11 ")  # back to the office: no 95
    assert _modifiers(clinic, visit) == [("GP",)]
    entries = _audited(clinic, visit)
    assert [(e.details["before"], e.details["place_of_service"]) for e in entries] == [
        ("11", "10"),
        ("10", "11"),
    ]


def test_the_same_place_again_writes_nothing(clinic: Clinic) -> None:
    visit = _visit(clinic)
    before = dump(clinic.services)
    assert clinic.services.visits.set_place_of_service(visit, "11").claim.place_of_service == "11"
    assert dump(clinic.services) == before


def test_the_frozen_claim_keeps_the_place_it_was_finalized_at(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _visit(clinic)
    visits.set_place_of_service(visit, "02")
    done = visits.finalize(visit)
    assert [(x.modifiers, x.place_of_service) for x in done.claim_lines] == [(("GP", "95"), "02")]
    before = dump(clinic.services)
    with pytest.raises(InputError, match="finalized: correct it first") as refused:
        visits.set_place_of_service(visit, "11")
    assert refused.value.field == "visit"
    assert dump(clinic.services) == before
    assert visits.visit(visit).place_of_service == "02"


@pytest.mark.parametrize("bad", ["", "1", "011", "99", "ab", "Office", "03"])
def test_an_unknown_place_names_the_field_and_saves_nothing(clinic: Clinic, bad: str) -> None:
    visit = _visit(clinic)
    before = dump(clinic.services)
    with pytest.raises(InputError) as refused:
        clinic.services.visits.set_place_of_service(visit, bad)
    assert refused.value.field == "place_of_service"
    assert "10 (Telehealth in the patient's home)" in str(refused.value)  # says what to use
    assert dump(clinic.services) == before


@pytest.mark.parametrize("bad", ["49", "03", "1"])
def test_a_visit_opens_only_at_a_place_the_window_offers(clinic: Clinic, bad: str) -> None:
    before = dump(clinic.services)
    with pytest.raises(InputError) as refused:
        clinic.services.visits.open_visit(clinic.patient_id, place_of_service=bad)
    assert refused.value.field == "place_of_service"
    assert dump(clinic.services) == before
    opened = clinic.services.visits.open_visit(clinic.patient_id, place_of_service="10")
    assert opened.claim.place_of_service == "10"


def test_a_failed_audit_entry_leaves_the_place_unchanged(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change and its audit entry are one transaction: the entry failing (a full disk at
    that instant) leaves the visit where it was."""
    visit = _visit(clinic)
    before = dump(clinic.services)

    def disk_full(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit, "append", disk_full)
    with pytest.raises(OSError):
        clinic.services.visits.set_place_of_service(visit, "10")
    monkeypatch.undo()
    assert dump(clinic.services) == before
    assert clinic.services.visits.visit(visit).place_of_service == "11"


def test_the_known_places_and_their_labels() -> None:
    assert list(PLACES) == ["11", "02", "10", "12", "22", "19"]
    assert set(TELEHEALTH_PLACES) <= set(PLACES)  # each telehealth place can be picked
    assert place_label("10") == "10 Telehealth in the patient's home"
    assert place_label("49") == "49"  # a place opened elsewhere shows as its code
    assert check_place("02") == "02"
    with pytest.raises(InputError, match=r"^where: '7' is not a place of service"):
        check_place("7", "where")
