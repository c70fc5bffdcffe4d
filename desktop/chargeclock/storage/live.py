"""Telling the other workstations what changed: one ``NOTIFY`` per change, sent inside the
change's transaction so the server delivers it at the commit, or never (a rolled-back change
tells no one). Receiving is :class:`chargeclock.storage.pg_live.Listener`. A SQLite file has no
other workstation: nothing is sent.
"""

from __future__ import annotations

from chargeclock.storage.store import Store, dialect_of

CHANNEL = "chargeclock_changes"
#: the server refuses a payload of 8000 bytes or more; a longer one is sent as "everything"
MAX_PAYLOAD = 7000


def notify(conn: Store, payload: str) -> None:
    """Tell the other workstations ``payload`` at this transaction's commit."""
    if dialect_of(conn) == "postgresql":
        conn.execute("SELECT pg_notify(?, ?)", (CHANNEL, payload))
