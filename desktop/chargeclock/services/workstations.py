"""Several workstations on one clinic server: which visit each shows.

A visit is never refused because another workstation has it open: the window says so ("This
visit is open on workstation X") and both go on; the database's own rules keep one running
timer per role and one finalize (:mod:`chargeclock.storage.pg`). On a SQLite file there is one
workstation and nothing to say.

Each workstation has its treatment room (a setting of its own, :mod:`chargeclock.storage.rooms`):
every timer started there records it, so the lock screen says where each running clock is.
"""

from __future__ import annotations

from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.storage import presence, rooms

#: a room's name is short: it shares a line on the lock screen with a clock
MAX_ROOM = 24


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

    def room(self) -> str:
        """This workstation's treatment room ('' when none is set)."""
        return rooms.get_room(self.ctx.db)

    def set_room(self, room: str) -> str:
        """Name this workstation's room (blank: none); the timers started here from now on
        record it. Audited."""
        name = " ".join(room.split())
        if len(name) > MAX_ROOM:
            raise InputError(
                "room", f"at most {MAX_ROOM} characters (e.g. Room 2, Gym), got {len(name)}"
            )
        with self.ctx.db.transaction():
            rooms.set_room(self.ctx.db, name)
            self.ctx.audit("setting_changed", "settings", None, "", room=name)
        return name
