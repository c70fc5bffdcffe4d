""" "Last seen alive": one row the running app rewrites, and the last-seen moments of timers
whose recovery is still undecided.

The row holds this run's own heartbeat, so it is overwritten at every start. A timer left
running by a crash keeps *that* run's last-seen moment until the user decides about it: it is
saved at the start that found the crash (key ``recovery.pending`` of ``app_settings``, a JSON
object of segment id to stored time) and survives an unanswered dialog, a second crash and a
clean exit alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime

from chargeclock.storage.records import HeartbeatRow
from chargeclock.storage.store import Store
from chargeclock.storage.timefmt import from_db_time, to_db_time

PENDING_KEY = "recovery.pending"


def get(conn: Store) -> HeartbeatRow | None:
    row = conn.execute(
        "SELECT pid, session_started_at, last_seen_at, clean_exit FROM heartbeat WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    return HeartbeatRow(row[0], from_db_time(row[1]), from_db_time(row[2]), bool(row[3]))


def start_session(conn: Store, pid: int, at: datetime) -> None:
    conn.execute(
        "INSERT INTO heartbeat (id, pid, session_started_at, last_seen_at, clean_exit) "
        "VALUES (1, ?, ?, ?, 0) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, "
        "session_started_at = excluded.session_started_at, "
        "last_seen_at = excluded.last_seen_at, clean_exit = 0",
        (pid, to_db_time(at), to_db_time(at)),
    )


def beat(conn: Store, at: datetime) -> None:
    conn.execute("UPDATE heartbeat SET last_seen_at = ? WHERE id = 1", (to_db_time(at),))


def end_session(conn: Store, at: datetime) -> None:
    conn.execute(
        "UPDATE heartbeat SET last_seen_at = ?, clean_exit = 1 WHERE id = 1", (to_db_time(at),)
    )


def pending(conn: Store) -> dict[int, datetime]:
    """Segment id → the last-seen moment its undecided recovery offers (empty if none; an
    unreadable value counts as none rather than stopping the start)."""
    row = conn.execute("SELECT value FROM app_settings WHERE key = ?", (PENDING_KEY,)).fetchone()
    if row is None:
        return {}
    try:
        return {int(k): from_db_time(v) for k, v in json.loads(row[0]).items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def set_pending(conn: Store, last_seen: Mapping[int, datetime]) -> None:
    """Replace the undecided timers' last-seen moments (none: the key is removed)."""
    if not last_seen:
        conn.execute("DELETE FROM app_settings WHERE key = ?", (PENDING_KEY,))
        return
    value = json.dumps({str(k): to_db_time(v) for k, v in sorted(last_seen.items())})
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (PENDING_KEY, value),
    )


def settle(conn: Store, segment_ids: Iterable[int]) -> None:
    """These timers' recovery is decided: they no longer carry a crashed run's last seen."""
    left = pending(conn)
    for segment_id in segment_ids:
        left.pop(segment_id, None)
    set_pending(conn, left)
