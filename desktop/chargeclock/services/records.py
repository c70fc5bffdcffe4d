"""Settings and patient records: practice, providers, users, payers, patients, diagnoses, plans
of care, prior spend, payments, progress reports, favourite codes, fee lists.

Each method validates everything first (an :class:`InputError` naming the field), then writes in
one transaction: nothing is half-saved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from msgspec import Struct

from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.services.fee_file import read_fee_csv
from chargeclock.services.patient_records import PatientRecords
from chargeclock.services.setup_records import SetupRecords
from chargeclock.services.unlock import UnlockService
from chargeclock.services.validation import (
    ADDRESS_LENGTH,
    SHORT_LENGTH,
    DiagnosisCheck,
    catalogue_code,
    check_icd10,
    clean_npi,
    clean_text,
    hash_pin,
    parse_fee,
    parse_money,
    quoted,
)
from chargeclock.storage import amounts, patients, payers, payments, practice, staff
from chargeclock.storage.records import (
    DiagnosisRow,
    PatientRow,
    PayerRow,
    PaymentRow,
    PlanOfCareRow,
    PracticeRow,
    ProviderRow,
    UserRow,
)

PAYMENT_METHODS = ("cash", "check", "card", "insurance", "other")


class FeeImport(Struct, frozen=True):
    """What a fee import loaded and what it left unknown."""

    year: int | None  # None for the clinic's charges
    loaded: int
    skipped_blank: int  # rows with no amount: those codes stay unknown
    note: str = ""  # how the file was read, when that was a guess (not UTF-8: Windows-1252)


class RecordService(PatientRecords, SetupRecords):
    """Records; changing them (``save_patient``, ``update_provider``, ``update_payer``,
    ``update_user``, ``save_fees``, ``set_lock_minutes``) comes from the two mixins."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # --- practice, providers, users ------------------------------------------------------------

    def save_practice(
        self, name: str, address: str = "", phone: str = "", npi: str = "", tax_id: str = ""
    ) -> PracticeRow:
        row = PracticeRow(
            clean_text(name, "name"),
            clean_text(address, "address", ADDRESS_LENGTH, required=False),
            clean_text(phone, "phone", SHORT_LENGTH, required=False),
            clean_npi(npi, "npi"),
            clean_text(tax_id, "tax_id", SHORT_LENGTH, required=False),
        )
        with self.ctx.db.transaction():
            practice.save_practice(self.ctx.db, row)
            self.ctx.audit("practice_saved", "practice", 1, "", name=row.name, npi=row.npi)
        return row

    def practice(self) -> PracticeRow | None:
        return practice.get_practice(self.ctx.db)

    def add_provider(
        self,
        name: str,
        role: str,
        npi: str | None = None,
        *,
        credentials: str = "",
        licence: str = "",
        supervising_provider_id: int | None = None,
    ) -> ProviderRow:
        """A PT or PTA; a PTA names the supervising PT."""
        conn = self.ctx.db
        checked_npi = self.check_provider(
            name, role, npi, supervising_provider_id, credentials=credentials, licence=licence
        )
        with self.ctx.db.transaction():
            provider_id = staff.insert_provider(
                conn,
                name=name.strip(),
                credentials=credentials.strip(),
                role=role,
                npi=checked_npi,
                licence=licence.strip(),
                supervising_provider_id=supervising_provider_id if role == "PTA" else None,
            )
            self.ctx.audit("provider_added", "provider", provider_id, "", name=name, role=role)
        found = staff.get_provider(conn, provider_id)
        assert found is not None
        return found

    def providers(self) -> list[ProviderRow]:
        return staff.list_providers(self.ctx.db)

    def add_user(self, name: str, role: str, pin: str, provider_id: int | None = None) -> UserRow:
        """A user with a PIN (stored only as a salted scrypt hash)."""
        if role not in ("PT", "PTA", "front_desk"):
            raise InputError("role", f"must be PT, PTA or front_desk, got {role!r}")
        if provider_id is not None and staff.get_provider(self.ctx.db, provider_id) is None:
            raise InputError("provider_id", f"there is no provider {provider_id}")
        checked_name = clean_text(name, "name")
        pin_hash = hash_pin(pin)
        with self.ctx.db.transaction():
            user_id = staff.insert_user(
                self.ctx.db,
                name=checked_name,
                role=role,
                provider_id=provider_id,
                pin_hash=pin_hash,
            )
            self.ctx.audit("user_added", "user", user_id, "", name=name, role=role)
        found = staff.get_user(self.ctx.db, user_id)
        assert found is not None
        return found

    def users(self) -> list[UserRow]:
        return staff.list_users(self.ctx.db)

    def check_pin(self, user_id: int, pin: str) -> bool:
        """Does ``pin`` belong to the active user? Every check counts towards the wrong-PIN
        back-off, and none is made while its wait runs (:mod:`chargeclock.services.unlock`)."""
        return UnlockService(self.ctx).try_pin(user_id, pin).accepted

    # --- payers --------------------------------------------------------------------------------

    def add_payer(
        self,
        name: str,
        *,
        medicare: bool,
        unit_method: str | None = None,
        assistant_modifiers: bool | None = None,
        kx: bool | None = None,
    ) -> PayerRow:
        """Medicare defaults: CMS units, CQ on, KX on; others: per-code, CQ off, KX off."""
        method = unit_method or ("cms" if medicare else "per_code")
        if method not in ("cms", "per_code"):
            raise InputError("unit_method", f"must be cms or per_code, got {method!r}")
        checked_name = self.check_payer_name(name)
        with self.ctx.db.transaction():
            payer_id = payers.insert_payer(
                self.ctx.db,
                name=checked_name,
                unit_method=method,
                assistant_modifiers=medicare
                if assistant_modifiers is None
                else assistant_modifiers,
                kx=medicare if kx is None else kx,
                medicare=medicare,
            )
            self.ctx.audit("payer_added", "payer", payer_id, "", name=name, unit_method=method)
        found = payers.get_payer(self.ctx.db, payer_id)
        assert found is not None
        return found

    def payers(self) -> list[PayerRow]:
        return payers.list_payers(self.ctx.db)

    # --- patients and diagnoses ----------------------------------------------------------------

    def add_referring_provider(self, name: str, npi: str | None = None) -> int:
        checked = clean_npi(npi, "npi")
        with self.ctx.db.transaction():
            return payers.insert_referring_provider(self.ctx.db, clean_text(name, "name"), checked)

    def add_patient(
        self,
        last_name: str,
        first_name: str,
        date_of_birth: date,
        *,
        payer_id: int | None = None,
        member_id: str = "",
        sex: str = "",
        address: str = "",
        phone: str = "",
        referring_provider_id: int | None = None,
        diagnoses: Sequence[str] = (),
        prior_spend: Decimal | str | None = None,
    ) -> tuple[PatientRow, tuple[DiagnosisCheck, ...]]:
        """A patient with ordered diagnoses (A, B, …) and this year's prior-provider spend.
        Returns the row and each diagnosis' check (``billable`` False flags a category)."""
        conn = self.ctx.db
        if date_of_birth > self.ctx.today():
            raise InputError("date_of_birth", f"{date_of_birth} is in the future")
        if payer_id is not None and payers.get_payer(conn, payer_id) is None:
            raise InputError("payer_id", f"there is no payer {payer_id}")
        checks = self._check_diagnoses(diagnoses)
        spend = parse_money(prior_spend, "prior_spend") if prior_spend is not None else None
        row = PatientRow(
            0,
            clean_text(last_name, "last_name"),
            clean_text(first_name, "first_name"),
            date_of_birth,
            sex,
            clean_text(address, "address", ADDRESS_LENGTH, required=False),
            clean_text(phone, "phone", SHORT_LENGTH, required=False),
            payer_id,
            clean_text(member_id, "member_id", SHORT_LENGTH, required=False),
            referring_provider_id,
            True,
        )
        with self.ctx.db.transaction():
            patient_id = patients.insert_patient(conn, row)
            patients.replace_diagnoses(
                conn, patient_id, [(c.code, c.billable, c.description) for c in checks]
            )
            if spend is not None:
                patients.set_prior_spend(conn, patient_id, self.ctx.today().year, "pt_slp", spend)
            self.ctx.audit("patient_added", "patient", patient_id, "")
        found = patients.get_patient(conn, patient_id)
        assert found is not None
        return found, checks

    def _check_diagnoses(self, codes: Sequence[str]) -> tuple[DiagnosisCheck, ...]:
        if len(codes) > 12:
            raise InputError("diagnoses", "at most 12 diagnoses (pointers A to L)")
        checks = tuple(check_icd10(c, f"diagnoses[{i}]") for i, c in enumerate(codes))
        seen: set[str] = set()
        for i, c in enumerate(checks):
            if c.code in seen:
                raise InputError(f"diagnoses[{i}]", f"{c.code} is listed twice")
            seen.add(c.code)
        return checks

    def set_diagnoses(self, patient_id: int, codes: Sequence[str]) -> tuple[DiagnosisCheck, ...]:
        self._patient(patient_id)
        checks = self._check_diagnoses(codes)
        with self.ctx.db.transaction():
            patients.replace_diagnoses(
                self.ctx.db, patient_id, [(c.code, c.billable, c.description) for c in checks]
            )
            self.ctx.audit(
                "diagnoses_set", "patient", patient_id, "", codes=[c.code for c in checks]
            )
        return checks

    def diagnoses(self, patient_id: int) -> list[DiagnosisRow]:
        return patients.diagnoses_of(self.ctx.db, patient_id)

    def some_diagnosis_lacks_a_description(self) -> bool:
        return patients.some_diagnosis_lacks_a_description(self.ctx.db)

    def patient(self, patient_id: int) -> PatientRow:
        return self._patient(patient_id)

    def _patient(self, patient_id: int) -> PatientRow:
        found = patients.get_patient(self.ctx.db, patient_id)
        if found is None:
            raise InputError("patient_id", f"there is no patient {patient_id}")
        return found

    def search_patients(self, text: str) -> list[PatientRow]:
        return patients.search_patients(self.ctx.db, text)

    def set_prior_spend(
        self, patient_id: int, year: int, amount: Decimal | str, bucket: str = "pt_slp"
    ) -> None:
        """Therapy already paid this year at other providers (from the eligibility check)."""
        self._patient(patient_id)
        if bucket not in ("pt_slp", "ot"):
            raise InputError("bucket", f"must be pt_slp or ot, got {bucket!r}")
        value = parse_money(amount, "prior_spend")
        with self.ctx.db.transaction():
            patients.set_prior_spend(self.ctx.db, patient_id, year, bucket, value)
            self.ctx.audit(
                "prior_spend_set", "patient", patient_id, "", year=year, bucket=bucket, amount=value
            )

    # --- plans of care, progress reports, payments ---------------------------------------------

    def add_plan_of_care(
        self,
        patient_id: int,
        start_date: date,
        certified_through: date,
        *,
        certifying_provider_id: int | None = None,
        signed_date: date | None = None,
    ) -> PlanOfCareRow:
        self._patient(patient_id)
        if certified_through < start_date:
            raise InputError("certified_through", "must be on or after the start date")
        if (certified_through - start_date).days >= 90:
            raise InputError("certified_through", "a plan of care is valid up to 90 days")
        if signed_date is not None and signed_date > self.ctx.today():
            raise InputError("signed_date", f"{signed_date} is in the future")
        with self.ctx.db.transaction():
            plan_id = patients.insert_plan_of_care(
                self.ctx.db,
                patient_id=patient_id,
                certifying_provider_id=certifying_provider_id,
                start_date=start_date,
                certified_through=certified_through,
                signed_date=signed_date,
            )
            self.ctx.audit("plan_of_care_added", "patient", patient_id, "", plan_id=plan_id)
        return next(p for p in patients.plans_of_care(self.ctx.db, patient_id) if p.id == plan_id)

    def record_progress_report(
        self,
        patient_id: int,
        report_date: date,
        visit_id: int | None = None,
        provider_id: int | None = None,
    ) -> int:
        self._patient(patient_id)
        with self.ctx.db.transaction():
            return patients.insert_progress_report(
                self.ctx.db, patient_id, report_date, visit_id, provider_id
            )

    def record_payment(
        self,
        patient_id: int,
        amount: Decimal | str,
        method: str,
        paid_on: date | None = None,
        visit_id: int | None = None,
    ) -> PaymentRow:
        self._patient(patient_id)
        value = parse_money(amount, "amount", allow_zero=False)
        if method not in PAYMENT_METHODS:
            raise InputError("method", f"must be one of {', '.join(PAYMENT_METHODS)}")
        with self.ctx.db.transaction():
            payment_id = payments.insert_payment(
                self.ctx.db,
                patient_id=patient_id,
                visit_id=visit_id,
                paid_on=paid_on or self.ctx.today(),
                amount=value,
                method=method,
            )
            self.ctx.audit(
                "payment_recorded",
                "payment",
                payment_id,
                "",
                amount=value,
                covers=[("payment", payment_id)],
            )
        return next(p for p in payments.payments_of(self.ctx.db, patient_id) if p.id == payment_id)

    def payments(self, patient_id: int) -> list[PaymentRow]:
        return payments.payments_of(self.ctx.db, patient_id)

    # --- codes and fees ------------------------------------------------------------------------

    def favourite_codes(self) -> list[str]:
        return practice.favourite_codes(self.ctx.db)

    def set_favourite_codes(self, codes: Sequence[str]) -> list[str]:
        year = self.ctx.today().year
        checked = [
            catalogue_code(self.ctx.book, year, c, f"codes[{i}]").code for i, c in enumerate(codes)
        ]
        with self.ctx.db.transaction():
            practice.set_favourite_codes(self.ctx.db, list(dict.fromkeys(checked)))
        return self.favourite_codes()

    def charges(self) -> dict[str, Decimal]:
        return amounts.charges(self.ctx.db)

    def import_fees(
        self,
        source: Path | str,
        *,
        year: int | None = None,
        charges: bool = False,
        label: str | None = None,
    ) -> FeeImport:
        """Load a CSV with columns ``code`` and ``amount`` (``year`` optional per row, else
        ``year``, else this year). Allowed amounts by default; ``charges=True`` loads the
        clinic's fee list. A row with no amount is skipped: that code stays unknown. All rows
        are checked before any is saved."""
        path = Path(source)
        sheet = read_fee_csv(path)
        default_year = year or self.ctx.today().year
        by_year: dict[int, list[tuple[str, Decimal]]] = {}
        blank = 0
        for row in sheet.rows:
            if not row["amount"].text:
                blank += 1
                continue
            row_year = default_year
            cell = row.get("year")
            if cell is not None and cell.text:
                if not re.fullmatch(r"[0-9]{4}", cell.text):
                    raise InputError(cell.where, f"{quoted(cell.text)} is not a year (YYYY)")
                row_year = int(cell.text)
            code = catalogue_code(self.ctx.book, row_year, row["code"].text, row["code"].where)
            amount = parse_fee(row["amount"].text, row["amount"].where)
            by_year.setdefault(row_year, []).append((code.code, amount))
        label = label or path.name
        loaded = sum(len(v) for v in by_year.values())
        with self.ctx.db.transaction():
            for row_year, rows in by_year.items():
                if charges:
                    amounts.set_charges(self.ctx.db, rows)
                else:
                    amounts.set_allowed_amounts(self.ctx.db, row_year, rows, label)
            self.ctx.audit(
                "fees_imported",
                "fee_list" if charges else "allowed_amounts",
                None,
                "",
                file=path.name,
                years=sorted(by_year),
                loaded=loaded,
            )
        self.ctx.book.invalidate()
        return FeeImport(None if charges else default_year, loaded, blank, sheet.note)
