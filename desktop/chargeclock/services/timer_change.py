"""What a timer tap did, as the tap's own transaction saw it, and the visit's state after it.

A tap (start, stop, toggle, stop all) reads what it decides from (the visit's running segments),
writes its segment rows and one audit entry, and commits: it does not read the whole visit back,
which on a long history would cost more than the tap. :class:`TimerChange` carries what the tap
wrote — the segment started, those stopped, the code of each — and gives the state after it two
ways:

* :meth:`TimerChange.applied_to` puts the tap's segments into the state a screen already holds
  (no query), when that state is the one the tap changed (the same running segments); any other
  state gets the visit read again;
* :attr:`TimerChange.state` reads the visit from the store when first asked for (after the
  tap's commit: what the store holds then), once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from msgspec import structs

from chargeclock.services.minutes import CodeState, Span, VisitState


class TimerChange:
    """What a start/stop did: the segment started (if any), those stopped, and the visit's state.

    ``codes`` names the code of every segment in ``started`` and ``stopped``;
    ``started_code_id`` is the code row the started segment belongs to; ``added`` is the code
    row the tap added to the visit (a start on a code it did not have), as the state shows it;
    ``running_before`` the ids of the visit's segments that ran when the tap decided."""

    __slots__ = (
        "_read",
        "_state",
        "added",
        "codes",
        "running_before",
        "started",
        "started_code_id",
        "stopped",
        "visit_id",
    )

    def __init__(
        self,
        visit_id: int,
        started: Span | None,
        stopped: tuple[Span, ...],
        *,
        read: Callable[[], VisitState],
        codes: Mapping[int, str],
        running_before: frozenset[int],
        started_code_id: int | None = None,
        added: CodeState | None = None,
    ) -> None:
        self.visit_id = visit_id
        self.started = started
        self.stopped = stopped
        self.codes = dict(codes)
        self.running_before = running_before
        self.started_code_id = started_code_id
        self.added = added
        self._read = read
        self._state: VisitState | None = None

    @property
    def state(self) -> VisitState:
        """The visit as the store holds it after the tap (read at the first call, then kept)."""
        if self._state is None:
            self._state = self._read()
        return self._state

    def applied_to(self, held: VisitState | None) -> VisitState:
        """``held`` with this tap's segments in it: the stopped ones stopped, the started one
        (and the code row the tap added) at the end of its code, as a read of the store orders
        them. A state that is not the one the tap changed (another visit, other running
        segments, no such code row) is not patched: the visit is read again instead."""
        if held is None or not self._fits(held):
            return self.state
        if self.started is None and not self.stopped:
            return held
        stops = {s.segment_id: s for s in self.stopped}
        codes = [*held.codes, *((self.added,) if self.added is not None else ())]
        out = []
        for code in codes:
            spans = tuple(stops.get(s.segment_id, s) for s in code.spans)
            if self.started is not None and code.visit_code_id == self.started_code_id:
                spans += (self.started,)
            out.append(code if spans == code.spans else replace(code, spans=spans))
        return structs.replace(held, codes=tuple(out))

    def _fits(self, held: VisitState) -> bool:
        if held.visit_id != self.visit_id or held.status != "open":
            return False
        running = {s.segment_id for c in held.codes for s in c.spans if s.running}
        if running != self.running_before:
            return False
        rows = {c.visit_code_id for c in held.codes}
        if self.added is not None:
            return self.added.visit_code_id not in rows
        return self.started is None or self.started_code_id in rows

    def __repr__(self) -> str:
        return (
            f"TimerChange(visit_id={self.visit_id}, started={self.started!r}, "
            f"stopped={self.stopped!r})"
        )
