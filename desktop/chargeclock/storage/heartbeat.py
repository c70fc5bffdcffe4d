""" "Last seen alive": one row the running app rewrites, and the last-seen moments of timers
whose recovery is still undecided.

The row holds this run's own heartbeat, so it is overwritten at every start. A timer left
running by a crash keeps *that* run's last-seen moment until the user decides about it: it is
saved at the start that found the crash (key ``recovery.pending`` of ``app_settings``, a JSON
object of segment id to stored time) and survives an unanswered dialog, a second crash and a
clean exit alike.

On a PostgreSQL server each workstation has its own heartbeat and its own undecided timers
(``app_settings`` keys ``heartbeat.<workstation>`` and ``recovery.pending.<workstation>``): one
workstation's crash is its own, and a workstation starting while another runs does not take the
other's live timers for a crash's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime

from chargeclock.storage.records import HeartbeatRow
from chargeclock.storage.store import Store, dialect_of
from chargeclock.storage.timefmt import from_db_time, to_db_time

PENDING_KEY = "recovery.pending"


def _workstation(conn: Store) -> str | None:
    """The workstation whose heartbeat this is, on a server (None: the file's one row)."""
    if dialect_of(conn) != "postgresql":
        return None
    return str(getattr(conn, "workstation", ""))


def _read_station(conn: Store, station: str) -> HeartbeatRow | None:
    row = conn.execute(
        "SELECT value FROM app_settings WHERE key = ?", (f"heartbeat.{station}",)
    ).fetchone()
    if row is None:
        return None
    try:
        pid, started, seen, clean = row[0].split()
        return HeartbeatRow(int(pid), from_db_time(started), from_db_time(seen), clean == "1")
    except ValueError:
        return None


def _write_station(conn: Store, station: str, beat_row: HeartbeatRow) -> None:
    value = (
        f"{beat_row.pid} {to_db_time(beat_row.session_started_at)} "
        f"{to_db_time(beat_row.last_seen_at)} {int(beat_row.clean_exit)}"
    )
    _set(conn, f"heartbeat.{station}", value)


def get(conn: Store) -> HeartbeatRow | None:
    station = _workstation(conn)
    if station is not None:
        return _read_station(conn, station)
    row = conn.execute(
        "SELECT pid, session_started_at, last_seen_at, clean_exit FROM heartbeat WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    return HeartbeatRow(row[0], from_db_time(row[1]), from_db_time(row[2]), bool(row[3]))


def start_session(conn: Store, pid: int, at: datetime) -> None:
    station = _workstation(conn)
    if station is not None:
        _write_station(conn, station, HeartbeatRow(pid, at, at, False))
        return
    conn.execute(
        "INSERT INTO heartbeat (id, pid, session_started_at, last_seen_at, clean_exit) "
        "VALUES (1, ?, ?, ?, 0) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, "
        "session_started_at = excluded.session_started_at, "
        "last_seen_at = excluded.last_seen_at, clean_exit = 0",
        (pid, to_db_time(at), to_db_time(at)),
    )


def _station_update(conn: Store, station: str, at: datetime, *, clean: bool) -> None:
    """The station's last-seen moment and exit in one statement (each tap beats): the value's
    first two words kept, the last two replaced."""
    conn.execute(
        "UPDATE app_settings SET value = split_part(value, ' ', 1) || ' ' || "
        "split_part(value, ' ', 2) || ' ' || ? || ' ' || ? WHERE key = ?",
        (to_db_time(at), "1" if clean else "0", f"heartbeat.{station}"),
    )


def beat(conn: Store, at: datetime) -> None:
    station = _workstation(conn)
    if station is not None:
        _station_update(conn, station, at, clean=False)
        return
    conn.execute("UPDATE heartbeat SET last_seen_at = ? WHERE id = 1", (to_db_time(at),))


def end_session(conn: Store, at: datetime) -> None:
    station = _workstation(conn)
    if station is not None:
        _station_update(conn, station, at, clean=True)
        return
    conn.execute(
        "UPDATE heartbeat SET last_seen_at = ?, clean_exit = 1 WHERE id = 1", (to_db_time(at),)
    )


def _pending_key(conn: Store) -> str:
    station = _workstation(conn)
    return PENDING_KEY if station is None else f"{PENDING_KEY}.{station}"


def _set(conn: Store, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def pending(conn: Store) -> dict[int, datetime]:
    """Segment id → the last-seen moment its undecided recovery offers (empty if none; an
    unreadable value counts as none rather than stopping the start)."""
    row = conn.execute(
        "SELECT value FROM app_settings WHERE key = ?", (_pending_key(conn),)
    ).fetchone()
    if row is None:
        return {}
    try:
        return {int(k): from_db_time(v) for k, v in json.loads(row[0]).items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def set_pending(conn: Store, last_seen: Mapping[int, datetime]) -> None:
    """Replace the undecided timers' last-seen moments (none: the key is removed)."""
    if not last_seen:
        conn.execute("DELETE FROM app_settings WHERE key = ?", (_pending_key(conn),))
        return
    value = json.dumps({str(k): to_db_time(v) for k, v in sorted(last_seen.items())})
    _set(conn, _pending_key(conn), value)


def settle(conn: Store, segment_ids: Iterable[int]) -> None:
    """These timers' recovery is decided: they no longer carry a crashed run's last seen."""
    left = pending(conn)
    for segment_id in segment_ids:
        left.pop(segment_id, None)
    set_pending(conn, left)
