"""Several workstations on one clinic server: which visit each shows.

A visit is never refused because another workstation has it open: the window says so ("This
visit is open on workstation X") and both go on; the database's own rules keep one running
timer per role and one finalize (:mod:`chargeclock.storage.pg`). On a SQLite file there is one
workstation and nothing to say.
"""

from __future__ import annotations

from chargeclock.services.context import Context
from chargeclock.storage import presence


class Workstations:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._shown: int | None = None

    def show(self, visit_id: int | None) -> list[str]:
        """This workstation now shows ``visit_id`` (None: no visit); the other workstations
        that show it too, by name."""
        db = self.ctx.db
        if self._shown is not None and self._shown != visit_id:
            presence.let_go(db, self._shown)
        self._shown = visit_id
        if visit_id is None:
            return []
        presence.hold(db, visit_id)
        return presence.open_elsewhere(db, visit_id)

    def open_elsewhere(self, visit_id: int) -> list[str]:
        return presence.open_elsewhere(self.ctx.db, visit_id)

    def notice(self, visit_id: int) -> str | None:
        """``This visit is open on workstation X`` (and Y), or None."""
        others = self.open_elsewhere(visit_id)
        if not others:
            return None
        names = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
        return f"This visit is open on workstation {names}"
