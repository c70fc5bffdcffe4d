"""ChargeClock schema: each audit entry names the visit its details name, for a lookup
per visit (History's list of a visit's changes reads an index, not the whole log); payments are
found by their visit (a visit's superbill reads its day's payments, not the patient's all).

``audit_log.visit_id`` is the ``visit_id`` of an entry's details (a timer segment's entries name
their visit so), NULL for an entry whose details name none. It is not part of the entry's
hashed text, so the chain verifies exactly as before. New entries get it when written
(:func:`chargeclock.storage.audit.append`); the entries written before this step get it here,
from their details: the one time the append-only log is updated, its guard against updates
lifted inside this step's transaction and put back in it.

A Python step because the backfill reads JSON, which the two engines spell differently; it runs
the same on both (``conn``: the ``sqlite3`` connection, or the server's store).
"""

from __future__ import annotations

import json
from typing import Any

_GUARD = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
    "BEGIN\n"
    "    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed');\n"
    "END"
)


def _visit_id(details: str) -> int | None:
    value = json.loads(details).get("visit_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def migrate(conn: Any) -> None:
    server = getattr(conn, "dialect", "sqlite") == "postgresql"
    conn.execute("ALTER TABLE audit_log ADD COLUMN visit_id INTEGER")
    conn.execute("CREATE INDEX audit_log_visit ON audit_log (visit_id) WHERE visit_id IS NOT NULL")
    # a visit's superbill lists the payments against its day's visits: read by the visit
    conn.execute("CREATE INDEX payments_visit ON payments (visit_id) WHERE visit_id IS NOT NULL")
    rows = conn.execute(
        "SELECT id, details FROM audit_log WHERE details LIKE '%\"visit_id\":%'"
    ).fetchall()
    found = [(visit_id, row[0]) for row in rows if (visit_id := _visit_id(row[1])) is not None]
    if not found:
        return
    if server:
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
    else:
        conn.execute("DROP TRIGGER audit_log_no_update")
    conn.executemany("UPDATE audit_log SET visit_id = ? WHERE id = ?", found)
    if server:
        conn.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update")
    else:
        conn.execute(_GUARD)
