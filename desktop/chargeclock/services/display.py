"""How the window is drawn for this clinic: the large-type setting (for reading from two
metres), kept with the database's settings."""

from __future__ import annotations

from chargeclock.services.context import Context
from chargeclock.storage import practice

LARGE_TYPE_KEY = "display.large_type"


class Display:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def large_type(self) -> bool:
        return practice.get_setting(self.ctx.db, LARGE_TYPE_KEY) == "1"

    def set_large_type(self, on: bool) -> bool:
        with self.ctx.db.transaction():
            practice.set_setting(self.ctx.db, LARGE_TYPE_KEY, "1" if on else "0")
            self.ctx.audit("setting_changed", "settings", None, "", large_type=on)
        return on
