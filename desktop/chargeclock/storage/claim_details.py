"""What a claim carries beyond the first schema (migration 0010): a patient's insurance and
injury details, a provider's licence state, a referring practitioner's qualification."""

from __future__ import annotations

from datetime import date

from msgspec import Struct

from chargeclock.storage.store import Store
from chargeclock.storage.timefmt import from_db_day, to_db_day


class ClaimDetailsRow(Struct, frozen=True):
    """A patient's claim fields; empty text and None dates when not known."""

    group_number: str = ""
    subscriber: str = ""  # the subscriber when not the patient
    subscriber_relationship: str = ""  # spouse, child, other
    onset_date: date | None = None
    claim_number: str = ""  # workers' compensation or auto
    injury_date: date | None = None  # date of injury or accident
    employer: str = ""  # workers' compensation
    accident_state: str = ""  # auto: the state, two letters


def claim_details_of(conn: Store, patient_id: int) -> ClaimDetailsRow:
    row = conn.execute(
        "SELECT group_number, subscriber, subscriber_relationship, onset_date, claim_number, "
        "injury_date, employer, accident_state FROM patients WHERE id = ?",
        (patient_id,),
    ).fetchone()
    if row is None:
        return ClaimDetailsRow()
    return ClaimDetailsRow(
        group_number=row[0],
        subscriber=row[1],
        subscriber_relationship=row[2],
        onset_date=from_db_day(row[3]),
        claim_number=row[4],
        injury_date=from_db_day(row[5]),
        employer=row[6],
        accident_state=row[7],
    )


def set_claim_details(conn: Store, patient_id: int, details: ClaimDetailsRow) -> None:
    conn.execute(
        "UPDATE patients SET group_number = ?, subscriber = ?, subscriber_relationship = ?, "
        "onset_date = ?, claim_number = ?, injury_date = ?, employer = ?, accident_state = ? "
        "WHERE id = ?",
        (
            details.group_number,
            details.subscriber,
            details.subscriber_relationship,
            to_db_day(details.onset_date),
            details.claim_number,
            to_db_day(details.injury_date),
            details.employer,
            details.accident_state,
            patient_id,
        ),
    )


def licence_states(conn: Store) -> dict[int, str]:
    """Each provider's licence state (empty when not entered)."""
    return {int(r[0]): str(r[1]) for r in conn.execute("SELECT id, licence_state FROM providers")}


def set_licence_state(conn: Store, provider_id: int, state: str) -> None:
    conn.execute("UPDATE providers SET licence_state = ? WHERE id = ?", (state, provider_id))


def qualification_of(conn: Store, referring_id: int) -> str:
    row = conn.execute(
        "SELECT qualification FROM referring_providers WHERE id = ?", (referring_id,)
    ).fetchone()
    return str(row[0]) if row else ""


def set_qualification(conn: Store, referring_id: int, qualification: str) -> None:
    conn.execute(
        "UPDATE referring_providers SET qualification = ? WHERE id = ?",
        (qualification, referring_id),
    )
