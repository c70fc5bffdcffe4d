""" "Last seen alive": one row the running app rewrites."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from chargeclock.storage.records import HeartbeatRow
from chargeclock.storage.timefmt import from_db_time, to_db_time


def get(conn: sqlite3.Connection) -> HeartbeatRow | None:
    row = conn.execute(
        "SELECT pid, session_started_at, last_seen_at, clean_exit FROM heartbeat WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    return HeartbeatRow(row[0], from_db_time(row[1]), from_db_time(row[2]), bool(row[3]))


def start_session(conn: sqlite3.Connection, pid: int, at: datetime) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO heartbeat (id, pid, session_started_at, last_seen_at, clean_exit) "
        "VALUES (1, ?, ?, ?, 0)",
        (pid, to_db_time(at), to_db_time(at)),
    )


def beat(conn: sqlite3.Connection, at: datetime) -> None:
    conn.execute("UPDATE heartbeat SET last_seen_at = ? WHERE id = 1", (to_db_time(at),))


def end_session(conn: sqlite3.Connection, at: datetime) -> None:
    conn.execute(
        "UPDATE heartbeat SET last_seen_at = ?, clean_exit = 1 WHERE id = 1", (to_db_time(at),)
    )
