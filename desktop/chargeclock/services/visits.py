"""The visit screen's use cases: open a visit, codes, timers, segment edits, finalize, correct.

Every mutation runs in one transaction, committed (and synced) before it returns, and returns
what changed: a fresh :class:`VisitState` and, for timers, the segments started and stopped.
A timer start or stop is written at the moment it happens; nothing is counted in memory.
"""

from __future__ import annotations

from chargeclock.services.history import VisitSummary, visit_summaries
from chargeclock.services.timer_change import TimerChange
from chargeclock.services.visit_claim import ClaimEdits
from chargeclock.services.visit_finalize import Finalizing
from chargeclock.services.visit_reads import Finalized

__all__ = ["Finalized", "TimerChange", "VisitService", "VisitSummary"]


class VisitService(Finalizing, ClaimEdits):
    """Visits: the read model (``visit_reads``), opening, codes and timers (``visit_timers``),
    segment edits (``visit_segments``), finalize and corrections (``visit_finalize``), line
    modifiers, KX confirmation and ABNs (``visit_claim``)."""

    def history(self, patient_id: int) -> list[VisitSummary]:
        """History's rows: the patient's visits newest first, described, in one read."""
        return visit_summaries(self.ctx, patient_id)
