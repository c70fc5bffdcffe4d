"""What another process changed: a cheap mark that moves when someone else commits, and the
audit entries written since a given one.

``PRAGMA data_version`` is SQLite's own counter: it changes, for this connection, only when
another connection (another process: ``chargeclock timer``, a script) commits to the file. It
reads the shared-memory index, not the database pages, so the window can ask for it twice a
second for nothing.
"""

from __future__ import annotations

from chargeclock.storage.audit import AuditEntry, entries_after
from chargeclock.storage.store import Store, dialect_of

__all__ = ["AuditEntry", "change_mark", "entries_after", "last_audit_id"]


def change_mark(conn: Store) -> int:
    """A number that changes when another connection commits to the database. On a clinic
    server it never changes: the server announces each change itself (``LISTEN``), so there is
    nothing to poll."""
    if dialect_of(conn) != "sqlite":
        return 0
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def last_audit_id(conn: Store) -> int:
    """The id of the newest audit entry (0 when there is none)."""
    row = conn.execute("SELECT MAX(id) FROM audit_log").fetchone()
    return int(row[0] or 0)
