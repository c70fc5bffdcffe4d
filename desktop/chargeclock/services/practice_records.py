"""The practice and its people: the practice's details, its providers (PT, PTA, who supervises
whom), the users who sign in with a PIN, and the privacy lock's idle minutes.

Each method checks everything first (an :class:`InputError` naming the field), then writes and
audits in one transaction.
"""

from __future__ import annotations

from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.services.unlock import UnlockService
from chargeclock.services.validation import (
    ADDRESS_LENGTH,
    SHORT_LENGTH,
    clean_npi,
    clean_text,
    hash_pin,
)
from chargeclock.storage import practice, staff
from chargeclock.storage.records import (
    PracticeRow,
    ProviderRow,
    UserRow,
)

LOCK_MINUTES_KEY = "lock_idle_minutes"
#: "1" when the practice accepts Medicare assignment (claims.md §6; printed on its superbills)
ASSIGNMENT_KEY = "accepts_medicare_assignment"


DEFAULT_LOCK_MINUTES = 5


MAX_LOCK_MINUTES = 240


USER_ROLES = ("PT", "PTA", "front_desk")


class PracticeRecords:
    """Mixed into :class:`~chargeclock.services.records.RecordService`."""

    ctx: Context

    def save_practice(
        self,
        name: str,
        address: str = "",
        phone: str = "",
        npi: str = "",
        tax_id: str = "",
        *,
        accepts_assignment: bool | None = None,
    ) -> PracticeRow:
        """The practice's details; ``accepts_assignment`` (None: as it was) whether it accepts
        Medicare assignment, which a Medicare superbill then says ("Assignment accepted")."""
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
            if accepts_assignment is not None and accepts_assignment != self.accepts_assignment():
                flag = "1" if accepts_assignment else "0"
                practice.set_setting(self.ctx.db, ASSIGNMENT_KEY, flag)
                self.ctx.audit(
                    "setting_changed", "settings", None, "", accepts_assignment=accepts_assignment
                )
        return row

    def accepts_assignment(self) -> bool:
        """Whether the practice accepts Medicare assignment (claims.md §6)."""
        return practice.get_setting(self.ctx.db, ASSIGNMENT_KEY) == "1"

    def practice(self) -> PracticeRow | None:
        return practice.get_practice(self.ctx.db)

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

    def users(self) -> list[UserRow]:
        return staff.list_users(self.ctx.db)

    def check_pin(self, user_id: int, pin: str) -> bool:
        """Does ``pin`` belong to the active user? Every check counts towards the wrong-PIN
        back-off, and none is made while its wait runs (:mod:`chargeclock.services.unlock`)."""
        return UnlockService(self.ctx).try_pin(user_id, pin).accepted

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


class PracticeService(PracticeRecords):
    """The practice and its people on their own (``Services.practice``): what a window that
    starts locked reads before its cover's first paint (the practice's name, the lock's idle
    minutes, the users), without the other records' modules."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
