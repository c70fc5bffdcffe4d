"""What other processes changed in the store since the last look (``chargeclock timer`` from a
foot switch or a hotkey, a script), as :class:`Changes` for the window to publish.

:meth:`StoreWatch.poll` is cheap when nothing happened (one ``PRAGMA``); when another process
committed, the audit entries written since the last look say what it touched. A commit that
wrote no audit entry counts as everything: the views read too much rather than too little.
"""

from __future__ import annotations

from chargeclock.services.changes import Changes
from chargeclock.services.context import Context
from chargeclock.storage import watch


class StoreWatch:
    """Remembers how the store looked at the last :meth:`poll` (or at construction)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._mark = watch.change_mark(ctx.db)
        self._last_entry = watch.last_audit_id(ctx.db)

    def poll(self) -> Changes:
        """What others changed since the last call: empty when nobody else committed."""
        db = self.ctx.db
        if db.closed:
            return Changes()
        mark = watch.change_mark(db)
        if mark == self._mark:
            return Changes()
        self._mark = mark
        # This process's own entries are among them too: a view reads again for nothing.
        entries = watch.entries_after(db, self._last_entry)
        if not entries:
            return Changes.everything()
        self._last_entry = entries[-1].id
        changes = Changes()
        for entry in entries:
            changes = changes | Changes.of_audit(entry.entity, entry.entity_id, entry.details)
        return changes
