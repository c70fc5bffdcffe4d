"""What the privacy lock asks of the store: whether anyone has a PIN, the PIN check with its
back-off, and the running timers it may show.

Wrong PINs back off (:mod:`chargeclock.domain.backoff`). The count of wrong PINs in a row and
the moment the next may be tried are kept in ``app_settings`` and read again at every attempt,
so neither quitting nor restarting the app clears them; the moments come from the injected clock.
While the wait runs a PIN is refused without being checked. Every wrong PIN is audited with the
count and the wait (never the PIN), and so is the right PIN that ends a run of wrong ones.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from chargeclock.domain.backoff import PinBackoff
from chargeclock.services.context import Context
from chargeclock.services.running import RunningClock, running_clocks
from chargeclock.services.validation import pin_matches
from chargeclock.storage import practice, staff
from chargeclock.storage.records import UserRow
from chargeclock.storage.timefmt import from_db_time, to_db_time

PIN_FAILURES_KEY = "lock_pin_failures"
PIN_RETRY_AT_KEY = "lock_pin_retry_at"


class PinAttempt(Struct, frozen=True):
    """The answer to one PIN: ``user`` is who unlocked (None when refused); ``backoff`` is the
    state after the attempt; ``checked`` is False when the PIN was refused unread because the
    wait was not over."""

    accepted: bool
    user: UserRow | None
    backoff: PinBackoff
    checked: bool = True


#: a running timer as the lock screen shows it: the patient's initials, never the name
LockClock = RunningClock


class UnlockService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def pin_needed(self) -> bool:
        """Some active user has a PIN: the window starts locked and unlocks only with a PIN."""
        return any(u.active for u in staff.list_users(self.ctx.db))

    def backoff(self) -> PinBackoff:
        """The stored state; a value that does not read back is taken as no wait."""
        conn = self.ctx.db
        count = practice.get_setting(conn, PIN_FAILURES_KEY) or "0"
        failures = int(count) if count.isdigit() else 0
        retry_text = practice.get_setting(conn, PIN_RETRY_AT_KEY)
        try:
            retry_at = from_db_time(retry_text) if retry_text else None
        except ValueError:
            retry_at = None
        return PinBackoff(failures, retry_at)

    def wait_seconds(self) -> int:
        """Seconds before a PIN is checked again (0: now)."""
        return self.backoff().wait_seconds(self.ctx.now())

    def try_pin(self, user_id: int, pin: str) -> PinAttempt:
        """Check ``pin`` for the active user ``user_id``, unless the wait is running."""
        now = self.ctx.now()
        state = self.backoff()
        if state.wait_seconds(now):
            return PinAttempt(False, None, state, checked=False)
        user = staff.get_user(self.ctx.db, user_id)
        if user is not None and user.active and pin_matches(pin, user.pin_hash):
            if state.failures:
                self._store(
                    PinBackoff(), user.id, "pin_failures_reset", after_failures=state.failures
                )
            return PinAttempt(True, user, PinBackoff())
        after = state.after_failure(now)
        self._store(
            after,
            user.id if user else None,
            "pin_refused",
            failures_in_a_row=after.failures,
            wait_seconds=after.wait_seconds(now),
        )
        return PinAttempt(False, None, after)

    def _store(self, state: PinBackoff, user_id: int | None, action: str, **counts: int) -> None:
        conn = self.ctx.db
        with self.ctx.db.transaction():
            practice.set_setting(conn, PIN_FAILURES_KEY, str(state.failures))
            retry = to_db_time(state.retry_at) if state.retry_at else ""
            practice.set_setting(conn, PIN_RETRY_AT_KEY, retry)
            details: dict[str, Any] = dict(counts)
            self.ctx.audit(action, "user", user_id, "", **details)

    def running_clocks(self) -> list[LockClock]:
        """Every timer running now, in any visit, as the lock may show it."""
        return running_clocks(self.ctx)
