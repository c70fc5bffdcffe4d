"""Authorizations and what a payer limits, and where a visit stands against them
(:mod:`chargeclock.domain.authorizations`): added, renewed and withdrawn with every field
checked first, audited, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from msgspec import Struct

from chargeclock.domain.authorizations import (
    AuthorizationStatus,
    BilledDay,
    allocate,
    authorization_status,
    filing_deadline,
    filing_warning,
    visit_limit_warnings,
)
from chargeclock.domain.errors import InputError
from chargeclock.domain.warnings import VisitWarning
from chargeclock.services.context import Context
from chargeclock.services.patient_records import existing_patient
from chargeclock.services.validation import catalogue_code, clean_text
from chargeclock.storage import authorizations as store
from chargeclock.storage import payers, visits
from chargeclock.storage.authorizations import AuthorizationRow, PayerLimitsRow

MAX_AUTHORIZED = 10_000  # visits or units: far above any real authorization
NUMBER_LENGTH = 40
NOTES_LENGTH = 1000
MAX_FILING_DAYS = 3650


class PayerCheck(Struct, frozen=True):
    """A visit against its payer: the authorization status (None: no payer) and every warning
    (authorization, yearly visit limit, timely filing), each with its reason code."""

    status: AuthorizationStatus | None
    warnings: tuple[VisitWarning, ...] = ()

    @property
    def line(self) -> str:
        return self.status.line if self.status is not None else ""


class AuthorizationUsage(Struct, frozen=True):
    """An authorization and what is counted on it so far."""

    authorization: AuthorizationRow
    visits_used: int
    units_used: int


def _count(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_AUTHORIZED:
        raise InputError(field, f"must be a whole number from 1 to {MAX_AUTHORIZED}, got {value!r}")
    return value


class AuthorizationService:
    """Authorizations per patient and payer, payer limits, and the visit check."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # --- authorizations ------------------------------------------------------------------------

    def add_authorization(
        self,
        patient_id: int,
        number: str,
        valid_from: date,
        valid_to: date,
        *,
        payer_id: int | None = None,
        visits: int | None = None,
        units: int | None = None,
        codes: Sequence[str] = (),
        notes: str = "",
        renews_id: int | None = None,
    ) -> AuthorizationRow:
        """``payer_id`` defaults to the patient's payer. At least one of ``visits`` and
        ``units``. ``renews_id``: the authorization this one renews (same patient and payer,
        starting after it; each is renewed once)."""
        patient = existing_patient(self.ctx, patient_id)
        payer = payer_id if payer_id is not None else patient.payer_id
        if payer is None or payers.get_payer(self.ctx.db, payer) is None:
            raise InputError("payer_id", "pick the payer that authorized the visits")
        checked_number = clean_text(number, "number", NUMBER_LENGTH)
        if valid_to < valid_from:
            raise InputError("valid_to", "must be on or after the first date")
        _count(visits, "visits")
        _count(units, "units")
        if visits is None and units is None:
            raise InputError("visits", "give the visits or the units authorized (or both)")
        checked_codes = tuple(
            dict.fromkeys(
                catalogue_code(self.ctx.book, valid_from.year, c, "codes").code
                for c in codes
                if c.strip()
            )
        )
        checked_notes = clean_text(notes, "notes", NOTES_LENGTH, required=False)
        if renews_id is not None:
            self._check_renewal(renews_id, patient_id, payer, valid_from)
        with self.ctx.db.transaction():
            auth_id = store.insert_authorization(
                self.ctx.db,
                patient_id=patient_id,
                payer_id=payer,
                number=checked_number,
                valid_from=valid_from,
                valid_to=valid_to,
                visits=visits,
                units=units,
                codes=checked_codes,
                notes=checked_notes,
                renews_id=renews_id,
                recorded_at=self.ctx.now(),
            )
            self.ctx.audit(
                "authorization_renewed" if renews_id else "authorization_added",
                "authorization",
                auth_id,
                "",
                patient_id=patient_id,
                payer_id=payer,
                number=checked_number,
                valid_from=valid_from,
                valid_to=valid_to,
                visits=visits,
                units=units,
                codes=list(checked_codes),
                renews_id=renews_id,
            )
        return self._get(auth_id)

    def renew(
        self,
        authorization_id: int,
        number: str,
        valid_from: date,
        valid_to: date,
        *,
        visits: int | None = None,
        units: int | None = None,
        codes: Sequence[str] | None = None,
        notes: str = "",
    ) -> AuthorizationRow:
        """A renewal of ``authorization_id`` (its patient and payer; its codes unless given)."""
        previous = self._get(authorization_id)
        return self.add_authorization(
            previous.patient_id,
            number,
            valid_from,
            valid_to,
            payer_id=previous.payer_id,
            visits=visits,
            units=units,
            codes=previous.codes if codes is None else codes,
            notes=notes,
            renews_id=authorization_id,
        )

    def withdraw(self, authorization_id: int, reason: str) -> AuthorizationRow:
        """An authorization entered by mistake: kept, no longer counted."""
        auth = self._get(authorization_id)
        text = clean_text(reason, "reason", NOTES_LENGTH)
        if auth.withdrawn_reason is not None:
            raise InputError("authorization", f"{auth.number} is withdrawn already")
        with self.ctx.db.transaction():
            store.withdraw_authorization(self.ctx.db, authorization_id, text)
            self.ctx.audit(
                "authorization_withdrawn",
                "authorization",
                authorization_id,
                text,
                patient_id=auth.patient_id,
            )
        return self._get(authorization_id)

    def authorizations(self, patient_id: int) -> list[AuthorizationRow]:
        """The patient's authorizations, every payer, withdrawn ones too, by first date."""
        return store.authorizations_of(self.ctx.db, patient_id)

    def usage(self, patient_id: int) -> list[AuthorizationUsage]:
        """Each of the patient's authorizations with the visits and units counted on it (a
        withdrawn one counts nothing)."""
        rows = store.authorizations_of(self.ctx.db, patient_id)
        counted: dict[int, tuple[int, int]] = {}
        for payer_id in {a.payer_id for a in rows}:
            mine = [a for a in rows if a.payer_id == payer_id and a.withdrawn_reason is None]
            if not mine:
                continue
            days = store.billed_days(
                self.ctx.db,
                patient_id,
                payer_id,
                min(a.valid_from for a in mine),
                max(a.valid_to for a in mine),
            )
            for got in allocate([a.rule for a in mine], days):
                if got.authorization is not None:
                    counted[got.authorization.id] = (got.visit_number, got.units_through)
        return [AuthorizationUsage(a, *counted.get(a.id, (0, 0))) for a in rows]

    def _get(self, authorization_id: int) -> AuthorizationRow:
        found = store.get_authorization(self.ctx.db, authorization_id)
        if found is None:
            raise InputError("authorization_id", f"there is no authorization {authorization_id}")
        return found

    def _check_renewal(self, renews_id: int, patient_id: int, payer_id: int, start: date) -> None:
        previous = self._get(renews_id)
        if previous.patient_id != patient_id or previous.payer_id != payer_id:
            raise InputError("renews_id", f"{previous.number} is another patient's or payer's")
        if start <= previous.valid_from:
            raise InputError("valid_from", f"a renewal starts after {previous.number} does")
        if any(a.renews_id == renews_id for a in store.authorizations_of(self.ctx.db, patient_id)):
            raise InputError("renews_id", f"{previous.number} has been renewed already")

    # --- payer limits --------------------------------------------------------------------------

    def payer_limits(self, payer_id: int) -> PayerLimitsRow:
        return store.payer_limits(self.ctx.db, payer_id)

    def set_payer_limits(
        self,
        payer_id: int,
        *,
        requires_authorization: bool,
        visits_per_year: int | None,
        timely_filing_days: int | None,
    ) -> PayerLimitsRow:
        """``timely_filing_days`` None: Medicare's 12 months for a Medicare payer, else none."""
        if payers.get_payer(self.ctx.db, payer_id) is None:
            raise InputError("payer_id", f"there is no payer {payer_id}")
        _count(visits_per_year, "visits_per_year")
        if timely_filing_days is not None and (
            isinstance(timely_filing_days, bool) or not 0 < timely_filing_days <= MAX_FILING_DAYS
        ):
            raise InputError("timely_filing_days", f"must be from 1 to {MAX_FILING_DAYS} days")
        limits = PayerLimitsRow(
            payer_id, bool(requires_authorization), visits_per_year, timely_filing_days
        )
        with self.ctx.db.transaction():
            store.set_payer_limits(self.ctx.db, limits)
            self.ctx.audit(
                "payer_limits_set",
                "payer_limits",
                payer_id,
                "",
                requires_authorization=limits.requires_authorization,
                visits_per_year=visits_per_year,
                timely_filing_days=timely_filing_days,
            )
        return limits

    # --- a visit against them ------------------------------------------------------------------

    def check_visit(
        self, visit_id: int, lines: Sequence[tuple[str, int]] | None = None
    ) -> PayerCheck:
        """Where the visit stands: its authorization (``visit 7 of 12 · until 03/31``), the
        plan's yearly limit and the filing limit. ``lines`` (code, units): the visit's day as
        it would be billed; default its frozen lines (finalized) or its codes (open)."""
        conn = self.ctx.db
        visit = visits.get_visit(conn, visit_id)
        if visit is None:
            raise InputError("visit_id", f"there is no visit {visit_id}")
        if visit.payer_id is None:
            return PayerCheck(None)
        payer = payers.get_payer(conn, visit.payer_id)
        limits = store.payer_limits(conn, visit.payer_id)
        day = visit.date_of_service
        if lines is None:
            lines = self._day_lines(visit.patient_id, visit.payer_id, day, visit_id)
        rows = [
            a
            for a in store.authorizations_of(conn, visit.patient_id, visit.payer_id)
            if a.withdrawn_reason is None
        ]
        start = min([a.valid_from for a in rows] + [date(day.year, 1, 1)])
        end = max([a.valid_to for a in rows] + [date(day.year, 12, 31)])
        billed = store.billed_days(conn, visit.patient_id, visit.payer_id, start, end)
        status = authorization_status(
            [a.rule for a in rows],
            billed,
            BilledDay(day, tuple(lines)),
            required=limits.requires_authorization,
        )
        warnings = list(status.warnings)
        in_year = {b.day for b in billed if b.day.year == day.year and b.day <= day} | {day}
        warnings += visit_limit_warnings(limits.visits_per_year, len(in_year), day.year)
        sent = store.sent_on(conn, visit_id)
        if sent is None:
            deadline = filing_deadline(
                day, limits.timely_filing_days, bool(payer and payer.medicare)
            )
            late = filing_warning(day, deadline, self.ctx.today())
            if late is not None:
                warnings.append(late)
        return PayerCheck(status, tuple(warnings))

    def _day_lines(
        self, patient_id: int, payer_id: int, day: date, visit_id: int
    ) -> tuple[tuple[str, int], ...]:
        frozen = store.billed_days(self.ctx.db, patient_id, payer_id, day, day)
        if frozen and frozen[0].lines:
            return frozen[0].lines
        return tuple((c.code, 0) for c in visits.codes_of_visit(self.ctx.db, visit_id))
