"""Changing the clinic's set-up from the settings dialog: providers, users, payers, the fee list
and allowed amounts typed in by hand, and the privacy lock's idle minutes.

Each method checks everything first (an :class:`InputError` naming the field), then writes and
audits in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from msgspec import Struct

from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.services.validation import (
    SHORT_LENGTH,
    catalogue_code,
    clean_npi,
    clean_text,
    hash_pin,
    parse_fee,
)
from chargeclock.storage import amounts, payers, practice, staff
from chargeclock.storage.records import PayerRow, ProviderRow, UserRow

LOCK_MINUTES_KEY = "lock_idle_minutes"
DEFAULT_LOCK_MINUTES = 5
MAX_LOCK_MINUTES = 240
USER_ROLES = ("PT", "PTA", "front_desk")


class FeeRow(Struct, frozen=True):
    """One code of a year's list with the clinic's charge and the allowed amount in force."""

    code: str
    label: str
    timed: bool
    charge: Decimal | None  # the clinic's fee list; None: no charge set
    allowed: Decimal | None  # entered/imported, else shipped; None: unknown
    allowed_source: str


class SetupRecords:
    """Mixed into :class:`~chargeclock.services.records.RecordService`."""

    ctx: Context

    # --- providers -----------------------------------------------------------------------------

    def check_provider(
        self,
        name: str,
        role: str,
        npi: str | None,
        supervising_provider_id: int | None,
        provider_id: int | None = None,
        *,
        credentials: str = "",
        licence: str = "",
    ) -> str | None:
        """The checks of a provider (its cleaned NPI), shared by adding and changing."""
        conn = self.ctx.db
        clean_text(name, "name")
        clean_text(credentials, "credentials", SHORT_LENGTH, required=False)
        clean_text(licence, "licence", SHORT_LENGTH, required=False)
        if role not in ("PT", "PTA"):
            raise InputError("role", f"must be PT or PTA, got {role!r}")
        checked = clean_npi(npi, "npi")
        if provider_id is not None and role != "PT" and staff.supervised_by(conn, provider_id):
            raise InputError("role", "supervises PTAs: give them another supervising PT first")
        if role == "PTA":
            if supervising_provider_id is None:
                raise InputError("supervising_provider_id", "a PTA needs a supervising PT")
            if supervising_provider_id == provider_id:
                raise InputError("supervising_provider_id", "cannot supervise themselves")
            supervisor = staff.get_provider(conn, supervising_provider_id)
            if supervisor is None or supervisor.role != "PT":
                raise InputError(
                    "supervising_provider_id", f"provider {supervising_provider_id} is not a PT"
                )
        return checked

    def update_provider(
        self,
        provider_id: int,
        name: str,
        role: str,
        npi: str | None = None,
        *,
        credentials: str = "",
        licence: str = "",
        supervising_provider_id: int | None = None,
        active: bool = True,
    ) -> ProviderRow:
        conn = self.ctx.db
        before = staff.get_provider(conn, provider_id)
        if before is None:
            raise InputError("provider_id", f"there is no provider {provider_id}")
        checked = self.check_provider(
            name,
            role,
            npi,
            supervising_provider_id,
            provider_id,
            credentials=credentials,
            licence=licence,
        )
        with self.ctx.db.transaction():
            staff.update_provider(
                conn,
                provider_id,
                name=name.strip(),
                credentials=credentials.strip(),
                role=role,
                npi=checked,
                licence=licence.strip(),
                supervising_provider_id=supervising_provider_id if role == "PTA" else None,
                active=active,
            )
            self.ctx.audit(
                "provider_changed", "provider", provider_id, "", name=name.strip(), role=role
            )
        found = staff.get_provider(conn, provider_id)
        assert found is not None
        return found

    # --- users ---------------------------------------------------------------------------------

    def update_user(
        self,
        user_id: int,
        name: str,
        role: str,
        *,
        provider_id: int | None = None,
        pin: str | None = None,
        active: bool = True,
    ) -> UserRow:
        """Change a user; ``pin`` None (or blank) keeps the PIN."""
        conn = self.ctx.db
        if staff.get_user(conn, user_id) is None:
            raise InputError("user_id", f"there is no user {user_id}")
        clean_text(name, "name")
        if role not in USER_ROLES:
            raise InputError("role", f"must be PT, PTA or front_desk, got {role!r}")
        if provider_id is not None and staff.get_provider(conn, provider_id) is None:
            raise InputError("provider_id", f"there is no provider {provider_id}")
        pin_hash = hash_pin(pin) if pin else None
        with self.ctx.db.transaction():
            staff.update_user(
                conn,
                user_id,
                name=name.strip(),
                role=role,
                provider_id=provider_id,
                pin_hash=pin_hash,
                active=active,
            )
            self.ctx.audit(
                "user_changed", "user", user_id, "", name=name.strip(), pin_changed=bool(pin_hash)
            )
        found = staff.get_user(conn, user_id)
        assert found is not None
        return found

    # --- payers --------------------------------------------------------------------------------

    def update_payer(
        self,
        payer_id: int,
        name: str,
        *,
        medicare: bool,
        unit_method: str,
        assistant_modifiers: bool,
        kx: bool,
    ) -> PayerRow:
        conn = self.ctx.db
        if payers.get_payer(conn, payer_id) is None:
            raise InputError("payer_id", f"there is no payer {payer_id}")
        self.check_payer_name(name, payer_id)
        if unit_method not in ("cms", "per_code"):
            raise InputError("unit_method", f"must be cms or per_code, got {unit_method!r}")
        with self.ctx.db.transaction():
            payers.update_payer(
                conn,
                payer_id,
                name=name.strip(),
                unit_method=unit_method,
                assistant_modifiers=assistant_modifiers,
                kx=kx,
                medicare=medicare,
            )
            self.ctx.audit(
                "payer_changed",
                "payer",
                payer_id,
                "",
                name=name.strip(),
                unit_method=unit_method,
                assistant_modifiers=assistant_modifiers,
                kx=kx,
                medicare=medicare,
            )
        found = payers.get_payer(conn, payer_id)
        assert found is not None
        return found

    def check_payer_name(self, name: str, payer_id: int | None = None) -> str:
        text = clean_text(name, "name")
        other = payers.payer_named(self.ctx.db, text)
        if other is not None and other != payer_id:
            raise InputError("name", f"there is already a payer named {text!r}")
        return text

    # --- fees ----------------------------------------------------------------------------------

    def fee_schedule(self, year: int) -> list[FeeRow]:
        """The year's codes with the clinic's charge and the allowed amount in force."""
        rules = self.ctx.book.year(year)
        charges = amounts.charges(self.ctx.db)
        rows = []
        for code in sorted(rules.codes.values(), key=lambda c: c.code):
            fee = rules.fee(code.code)
            rows.append(
                FeeRow(
                    code.code,
                    code.label,
                    code.timed,
                    charges.get(code.code),
                    fee.amount if fee else None,
                    fee.source if fee else "",
                )
            )
        return rows

    def save_fees(
        self,
        year: int,
        *,
        charges: Mapping[str, Decimal | str | None] | None = None,
        allowed: Mapping[str, Decimal | str | None] | None = None,
        source: str = "entered in settings",
    ) -> int:
        """Set (or, with None or blank, remove) charges and ``year``'s allowed amounts per code;
        every code and amount is checked before anything is saved. Returns how many changed."""
        charges, allowed = charges or {}, allowed or {}

        def checked(
            values: Mapping[str, Decimal | str | None], what: str
        ) -> tuple[list[tuple[str, Decimal]], list[str]]:
            put, drop = [], []
            for raw_code, value in values.items():
                code = catalogue_code(self.ctx.book, year, raw_code, f"{raw_code} {what}").code
                if value is None or (isinstance(value, str) and not value.strip()):
                    drop.append(code)
                else:
                    put.append((code, parse_fee(value, f"{code} {what}")))
            return put, drop

        put_charges, drop_charges = checked(charges, "charge")
        put_allowed, drop_allowed = checked(allowed, "allowed")
        conn = self.ctx.db
        with self.ctx.db.transaction():
            amounts.set_charges(conn, put_charges)
            amounts.delete_charges(conn, drop_charges)
            amounts.set_allowed_amounts(conn, year, put_allowed, source)
            amounts.delete_allowed_amounts(conn, year, drop_allowed)
            self.ctx.audit(
                "fees_saved",
                "fee_list",
                None,
                "",
                year=year,
                charges=dict[str, Decimal | None](put_charges) | dict.fromkeys(drop_charges),
                allowed=dict[str, Decimal | None](put_allowed) | dict.fromkeys(drop_allowed),
            )
        self.ctx.book.invalidate()
        return len(charges) + len(allowed)

    # --- the privacy lock ----------------------------------------------------------------------

    def lock_minutes(self) -> int:
        """Idle minutes before the privacy lock closes over the window (0: only by key)."""
        value = practice.get_setting(self.ctx.db, LOCK_MINUTES_KEY)
        return int(value) if value is not None and value.isdigit() else DEFAULT_LOCK_MINUTES

    def set_lock_minutes(self, minutes: int) -> int:
        if not 0 <= minutes <= MAX_LOCK_MINUTES:
            raise InputError(
                "lock_minutes", f"must be 0 (key only) to {MAX_LOCK_MINUTES} minutes, got {minutes}"
            )
        with self.ctx.db.transaction():
            practice.set_setting(self.ctx.db, LOCK_MINUTES_KEY, str(minutes))
            self.ctx.audit("setting_changed", "settings", None, "", lock_idle_minutes=minutes)
        return minutes
