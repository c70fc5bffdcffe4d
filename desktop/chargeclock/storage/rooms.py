"""The treatment room of a workstation: a setting of each workstation, recorded on every timer
started there (``timer_segments.room``).

The setting is kept with the database's settings (``app_settings``), keyed by workstation: on a
clinic server ``room.<workstation>`` (its name, :func:`.pg.workstation_name`), on a SQLite file
``room`` (a file has one workstation). ``chargeclock timer`` run on the same machine finds the
same key, so a foot switch's timer carries the room too.
"""

from __future__ import annotations

from chargeclock.storage import practice
from chargeclock.storage.store import Store, dialect_of

#: the room this workstation records, as a SQL expression of one ``?`` (its key): '' when unset
HERE_SQL = "COALESCE((SELECT value FROM app_settings WHERE key = ?), '')"


def room_key(conn: Store) -> str:
    """The settings key of this workstation's room."""
    if dialect_of(conn) != "postgresql":
        return "room"
    return f"room.{getattr(conn, 'workstation', '')}"


def get_room(conn: Store) -> str:
    """This workstation's room ('' when none is set)."""
    return practice.get_setting(conn, room_key(conn)) or ""


def set_room(conn: Store, room: str) -> None:
    practice.set_setting(conn, room_key(conn), room)
