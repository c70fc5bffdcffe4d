"""Timely filing (claims.md §3–4, CO-29): which finalized visits were never printed or sent and
are near (or past) their payer's filing limit, and recording that a claim was printed or sent.
"""

from __future__ import annotations

from datetime import date, timedelta

from msgspec import Struct

from chargeclock.domain.authorizations import (
    FILING_WARNING_DAYS,
    MEDICARE_FILING_MOST_DAYS,
    PAST_LIMIT_LISTED_DAYS,
    filing_deadline,
    filing_warning,
)
from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.storage import authorizations as store
from chargeclock.storage import patients, payers, visits

SENT_HOW = ("printed", "sent")


class FilingDue(Struct, frozen=True):
    """A finalized visit whose claim has not gone out, with its filing deadline."""

    visit_id: int
    patient_id: int
    patient_name: str
    payer_name: str
    date_of_service: date
    deadline: date
    days_left: int  # negative: past the limit
    message: str


class FilingService:
    """The claims to file before their limit, and marking a claim printed or sent."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def claims_to_file(self, within_days: int = FILING_WARNING_DAYS) -> list[FilingDue]:
        """Unsent finalized visits whose filing limit is past (by at most
        ``PAST_LIMIT_LISTED_DAYS``) or within ``within_days`` days, the most urgent first. A
        payer without a limit (and not Medicare) lists nothing."""
        today = self.ctx.today()
        longest = max(MEDICARE_FILING_MOST_DAYS, store.longest_filing_limit(self.ctx.db) or 0)
        oldest_listed = today - timedelta(days=PAST_LIMIT_LISTED_DAYS)
        names: dict[int, str] = {}
        payer_names = {p.id: p.name for p in payers.list_payers(self.ctx.db)}
        due = []
        for row in store.unsent_visits(self.ctx.db, oldest_listed - timedelta(days=longest)):
            deadline = filing_deadline(row.date_of_service, row.timely_filing_days, row.medicare)
            if deadline is None or deadline > today + timedelta(days=within_days):
                continue
            if deadline < oldest_listed:
                continue
            if row.patient_id not in names:
                patient = patients.get_patient(self.ctx.db, row.patient_id)
                names[row.patient_id] = (
                    f"{patient.last_name}, {patient.first_name}" if patient else ""
                )
            warning = filing_warning(row.date_of_service, deadline, today)
            due.append(
                FilingDue(
                    row.visit_id,
                    row.patient_id,
                    names[row.patient_id],
                    payer_names.get(row.payer_id, ""),
                    row.date_of_service,
                    deadline,
                    (deadline - today).days,
                    warning.message if warning else "",
                )
            )
        return sorted(due, key=lambda d: (d.deadline, d.visit_id))

    def mark_sent(self, visit_id: int, how: str = "sent", on: date | None = None) -> date:
        """Record that the visit's claim was printed or sent (on ``on``, default today); it
        leaves the filing list. Only a finalized visit has a claim to send."""
        visit = visits.get_visit(self.ctx.db, visit_id)
        if visit is None:
            raise InputError("visit_id", f"there is no visit {visit_id}")
        if visit.status != "finalized":
            raise InputError("visit", f"visit {visit_id} is {visit.status}: finalize it first")
        if how not in SENT_HOW:
            raise InputError("how", f"must be printed or sent, got {how!r}")
        day = on or self.ctx.today()
        if day < visit.date_of_service:
            raise InputError("on", "a claim is sent on or after its date of service")
        with self.ctx.db.transaction():
            submission = store.insert_submission(self.ctx.db, visit_id, day, how, self.ctx.now())
            self.ctx.audit(
                f"claim_{how}",
                "claim_submission",
                submission,
                "",
                visit_id=visit_id,
                patient_id=visit.patient_id,
                sent_on=day,
            )
        return day

    def sent_on(self, visit_id: int) -> date | None:
        return store.sent_on(self.ctx.db, visit_id)
