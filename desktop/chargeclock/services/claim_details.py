"""The claim fields a superbill carries beyond the patient's name and payer (claims.md §6): group
number, the subscriber when not the patient, the onset date, and for workers' compensation and
auto claims the claim number, the date of injury or accident, the employer and the accident
state; a provider's licence state; a referring practitioner's qualification. Checked here, so
each problem names its field; saved inside the caller's transaction (the patient dialog's)."""

from __future__ import annotations

import re
from datetime import date

from msgspec.structs import replace

from chargeclock.domain.days import not_future
from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.services.validation import NAME_LENGTH, SHORT_LENGTH, clean_text
from chargeclock.storage import claim_details
from chargeclock.storage.claim_details import ClaimDetailsRow

__all__ = [
    "QUALIFICATIONS",
    "RELATIONSHIPS",
    "ClaimDetails",
    "ClaimDetailsRow",
    "check_claim_details",
]

#: the subscriber's relation to the patient when the patient is not the subscriber
RELATIONSHIPS = ("spouse", "child", "other")
#: who may refer and certify a plan of care (claims.md §5)
QUALIFICATIONS = ("physician", "NP", "PA", "CNS")
_STATE = re.compile(r"[A-Z]{2}")


def check_claim_details(details: ClaimDetailsRow, today: date) -> ClaimDetailsRow:
    """The fields trimmed and checked; an :class:`InputError` names the first wrong one."""
    subscriber = clean_text(details.subscriber, "subscriber", NAME_LENGTH, required=False)
    relationship = details.subscriber_relationship.strip()
    if subscriber and relationship not in RELATIONSHIPS:
        raise InputError(
            "subscriber_relationship", "say how the patient is related: spouse, child or other"
        )
    state = details.accident_state.strip().upper()
    if state and not _STATE.fullmatch(state):
        raise InputError("accident_state", f"{state!r} is not a two-letter state")
    for field, day in (("onset_date", details.onset_date), ("injury_date", details.injury_date)):
        not_future(field, day, today)
    return replace(
        details,
        group_number=clean_text(details.group_number, "group_number", SHORT_LENGTH, required=False),
        subscriber=subscriber,
        subscriber_relationship=relationship if subscriber else "",
        claim_number=clean_text(details.claim_number, "claim_number", SHORT_LENGTH, required=False),
        employer=clean_text(details.employer, "employer", NAME_LENGTH, required=False),
        accident_state=state,
    )


class ClaimDetails:
    """Reading and saving the claim fields (``services.claims``)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def of_patient(self, patient_id: int) -> ClaimDetailsRow:
        return claim_details.claim_details_of(self.ctx.db, patient_id)

    def save(self, patient_id: int, details: ClaimDetailsRow) -> ClaimDetailsRow:
        """Check and save a patient's claim fields (audited; joins an open transaction)."""
        checked = check_claim_details(details, self.ctx.today())
        with self.ctx.db.transaction():
            claim_details.set_claim_details(self.ctx.db, patient_id, checked)
            self.ctx.audit("claim_details_saved", "patient", patient_id, "")
        return checked

    def licence_states(self) -> dict[int, str]:
        return claim_details.licence_states(self.ctx.db)

    def set_licence_state(self, provider_id: int, state: str) -> str:
        """A provider's licence state, two letters (printed with the licence number)."""
        text = state.strip().upper()
        if text and not _STATE.fullmatch(text):
            raise InputError("licence_state", f"{state!r} is not a two-letter state")
        with self.ctx.db.transaction():
            claim_details.set_licence_state(self.ctx.db, provider_id, text)
            self.ctx.audit("provider_changed", "provider", provider_id, "", licence_state=text)
        return text

    def qualification(self, referring_id: int) -> str:
        return claim_details.qualification_of(self.ctx.db, referring_id)

    def set_qualification(self, referring_id: int, qualification: str) -> None:
        """Physician, NP, PA or CNS: who may certify a plan of care (claims.md §5)."""
        if qualification not in QUALIFICATIONS:
            raise InputError("qualification", f"must be one of {', '.join(QUALIFICATIONS)}")
        with self.ctx.db.transaction():
            claim_details.set_qualification(self.ctx.db, referring_id, qualification)
            self.ctx.audit(
                "referring_changed", "referring", referring_id, "", qualification=qualification
            )
