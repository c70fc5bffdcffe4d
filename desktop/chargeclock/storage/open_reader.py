"""A second reader of a SQLite clinic file, in a process of its own (the open export's second
process: :mod:`chargeclock.services.open_worker`), and how to know it reads what the first does.

Imports the standard library alone: the process that uses it starts from nothing, and what it
imports is part of what it costs.

**One snapshot, two connections.** Each connection reads inside its own transaction, which sees
the database as of its first read. Two such transactions see the same database when no change
was committed between their first reads: :class:`ChangeWatch` is taken before the first one and
asked after the second. Its own connection's ``PRAGMA data_version`` changes when any other
connection, of any process, commits (the window, a timer tap, ``chargeclock timer``, a program
that is not ours): nothing that writes the file escapes it. A connection opened ``immutable``
(no ``-wal`` file was there) reads the file alone and no change in the log reaches it: there
the file itself is watched (its inode, size and times), which changes only when the log is
copied into it or the file is replaced.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any


def connect(uri: str) -> sqlite3.Connection:
    """A read-only connection opened as ``uri`` (``file:…?mode=ro``) says, which any one
    thread at a time may use."""
    conn = sqlite3.connect(
        uri, uri=True, isolation_level=None, timeout=10.0, check_same_thread=False
    )
    conn.execute("PRAGMA query_only = ON")
    return conn


def pin(conn: sqlite3.Connection) -> None:
    """Begin the read transaction and take its snapshot (the first read does)."""
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def fetch(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[Any]:
    return conn.execute(sql, params).fetchall()


class ChangeWatch:
    """Whether anything was committed to the database file at ``path`` since this was made
    (see the module's notes). ``uri`` is how the readers open it. It may be asked from another
    thread than the one that made it, one at a time."""

    def __init__(self, path: str, uri: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        if "immutable=1" in uri:
            self._seen: Any = self._file()
        else:
            self._conn = connect(uri)
            self._seen = self._version()

    def _file(self) -> tuple[int, int, int, int]:
        st = os.stat(self.path)
        return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def _version(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        now = self._file() if self._conn is None else self._version()
        return bool(now != self._seen)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
