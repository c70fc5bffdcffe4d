"""Which workstations have a visit open: "this visit is open on workstation X".

On a PostgreSQL server a workstation showing a visit holds a *shared* session-level advisory
lock on it (:data:`PRESENCE`, the visit's id): any number of workstations may hold it, nothing
waits for it, and the server lets it go by itself when the workstation's connection ends — a
crash leaves no stale "open on X" behind. Who holds it is read from ``pg_locks`` with each
holder's ``application_name`` (``chargeclock:<workstation>``, :func:`.pg.connect`). Nothing is
written to the clinic's tables.

A SQLite file has one workstation (its lock refuses a second window), so there is never another.
"""

from __future__ import annotations

from chargeclock.storage.store import Store, dialect_of

PRESENCE = 0x43485653  # "CHVS": the advisory lock class of "visit shown"
_PREFIX = "chargeclock:"


def _server(conn: Store) -> bool:
    return dialect_of(conn) == "postgresql"


def hold(conn: Store, visit_id: int) -> None:
    """This workstation shows ``visit_id`` (held until :func:`let_go` or the connection ends;
    holding it twice is harmless)."""
    if _server(conn) and visit_id not in held(conn):
        conn.execute("SELECT pg_advisory_lock_shared(?, ?)", (PRESENCE, visit_id))


def let_go(conn: Store, visit_id: int) -> None:
    """This workstation no longer shows ``visit_id``."""
    if _server(conn):
        while visit_id in held(conn):
            conn.execute("SELECT pg_advisory_unlock_shared(?, ?)", (PRESENCE, visit_id))


def held(conn: Store) -> set[int]:
    """The visits this connection shows."""
    if not _server(conn):
        return set()
    rows = conn.execute(
        "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = ? "
        "AND objsubid = 2 AND pid = pg_backend_pid()",
        (PRESENCE,),
    )
    return {int(r[0]) for r in rows}


def open_elsewhere(conn: Store, visit_id: int) -> list[str]:
    """The other workstations showing ``visit_id`` now, by name, sorted (none on SQLite)."""
    if not _server(conn):
        return []
    rows = conn.execute(
        "SELECT DISTINCT a.application_name FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.classid = ? AND l.objid = ? AND l.objsubid = 2 "
        "AND l.granted AND l.pid <> pg_backend_pid()",
        (PRESENCE, visit_id),
    )
    return sorted(str(r[0]).removeprefix(_PREFIX) for r in rows)
