"""The wait after wrong PINs at the privacy lock.

The first :data:`FREE_TRIES` wrong PINs in a row cost nothing; the one that reaches
:data:`FREE_TRIES` starts a wait of :data:`FIRST_WAIT`, and each wrong PIN after it doubles the
wait, up to :data:`LONGEST_WAIT`. A right PIN starts the count again. Nothing here reads a
clock: every moment is passed in, so the arithmetic is the same under a fake clock.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from msgspec import Struct

FREE_TRIES = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)


def wait_after(failures: int) -> timedelta:
    """How long the lock refuses PINs after ``failures`` wrong ones in a row."""
    if failures < FREE_TRIES:
        return timedelta(0)
    doublings = min(failures - FREE_TRIES, 16)  # 30 s x 2**16 is far past the cap already
    return min(FIRST_WAIT * (1 << doublings), LONGEST_WAIT)


class PinBackoff(Struct, frozen=True):
    """Wrong PINs in a row and the moment the next one may be tried (None: now)."""

    failures: int = 0
    retry_at: datetime | None = None

    def wait_seconds(self, now: datetime) -> int:
        """Whole seconds left to wait at ``now``, rounded up (0: a PIN is checked now).

        Never more than the wait the count allows: a clock set back after a failure does not
        stretch the wait past :data:`LONGEST_WAIT`."""
        if self.retry_at is None:
            return 0
        left = min(self.retry_at - now, wait_after(self.failures))
        return max(0, math.ceil(left.total_seconds()))

    def after_failure(self, now: datetime) -> PinBackoff:
        """The state after one more wrong PIN at ``now``."""
        failures = self.failures + 1
        wait = wait_after(failures)
        return PinBackoff(failures, now + wait if wait else None)


def wait_text(seconds: int) -> str:
    """``"30 s"``, ``"2 min 05 s"``: how the lock screen counts down."""
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s"
