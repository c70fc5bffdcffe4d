"""A clinic on a PostgreSQL server, through psycopg 3: the same calls as the SQLite file.

:class:`ServerDatabase` is an :class:`~chargeclock.storage.store.Engine`: the repositories run
their statements on it unchanged. What differs is kept here:

* **placeholders**: the repositories write ``?``; each statement is rewritten once (cached) to
  psycopg's ``%s`` (outside quoted text), and every literal ``%`` is doubled;
* **transactions**: the connection is in autocommit and :meth:`ServerDatabase.transaction` says
  ``BEGIN`` … ``COMMIT`` itself, nested blocks being savepoints as on SQLite. Every transaction
  first takes one transaction-level advisory lock (:data:`WRITE_LOCK`), so writers from every
  workstation run one after another, as SQLite's ``BEGIN IMMEDIATE`` makes them: a check and
  the change it guards (one running timer per role, one finalize, the next audit entry and its
  hash) see no other workstation's half-done change. Reads outside a transaction never wait;
* **errors** become our own: a constraint the server refuses is a :class:`ConflictError`, a
  server that cannot be reached (or a commit it did not confirm) a :class:`WriteFailedError`
  naming the server, and nothing of the change is kept. A broken connection is opened again at
  the next call;
* **who is where**: the connection carries the workstation's name (``application_name``), so
  another workstation can say "this visit is open on workstation X" (:mod:`.presence`).
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper
from psycopg.pq import Format

from chargeclock.storage.errors import ConflictError, StorageError, WriteFailedError
from chargeclock.storage.store import Params, is_server_url, shown_url

__all__ = ["ServerDatabase", "connect", "is_server_url", "to_server_sql"]

#: the advisory lock every write transaction takes (an arbitrary constant of our own)
WRITE_LOCK = 0x43484743  # "CHGC"
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"])*\"|\?|%")


def workstation_name() -> str:
    """This workstation's name as the others see it: ``$CHARGECLOCK_WORKSTATION``, else the
    host name."""
    return (os.environ.get("CHARGECLOCK_WORKSTATION") or socket.gethostname() or "?")[:60]


@lru_cache(maxsize=1024)
def to_server_sql(sql: str) -> str:
    """``?`` → ``%s`` outside quoted text and names; every ``%`` → ``%%`` (psycopg reads the
    whole statement, quoted text too, for its own placeholders)."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        return "%s" if token == "?" else token.replace("%", "%%")

    return _TOKEN.sub(swap, sql)


class _BoolAsInt(Dumper):
    """Flags are stored as 0/1 integers, as in the SQLite schema."""

    oid = psycopg.adapters.types["int4"].oid
    format = Format.TEXT

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


def _server_trouble(exc: psycopg.Error) -> tuple[str, str]:
    return (
        f"the clinic server cannot be reached or did not confirm the change ({exc})".strip(),
        "check the network and that the server is running, then try again",
    )


def connect(url: str, *, workstation: str | None = None) -> psycopg.Connection[Any]:
    """An autocommit connection named after the workstation; flags dumped as 0/1."""
    try:
        conn = psycopg.connect(
            url,
            autocommit=True,
            application_name=f"chargeclock:{workstation or workstation_name()}",
            connect_timeout=10,
        )
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StorageError(
            f"database {shown_url(url)}: cannot connect to the clinic server ({reason}); "
            "check the address, the user and password, and that the server is running"
        ) from None
    conn.adapters.register_dumper(bool, _BoolAsInt)
    return conn


class _Rows:
    """A statement's rows (psycopg's cursor, which ``executemany`` does not return)."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


class ServerDatabase:
    """An open clinic on a PostgreSQL server (see the module's notes)."""

    dialect = "postgresql"
    path = None

    def __init__(self, url: str, *, read_only: bool = False, workstation: str | None = None):
        self.url = url
        self.read_only = read_only
        self.workstation = workstation or workstation_name()
        self.conn = self._connect()
        self.closed = False
        self._depth = 0
        #: called with the connection after it is opened again (presence holds, LISTEN)
        self.on_reconnect: list[Any] = []

    @property
    def target(self) -> str:
        """What opens this clinic again: the server's URL."""
        return self.url

    @property
    def location(self) -> str:
        return shown_url(self.url)

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    # --- statements ---------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        conn = connect(self.url, workstation=self.workstation)
        if self.read_only:
            # A reader (verify-audit, superbill) cannot change the clinic, whatever it runs.
            conn.execute("SET default_transaction_read_only = on")
        return conn

    def _live(self) -> psycopg.Connection[Any]:
        if self.conn.closed and not self.closed and self._depth == 0:
            self.conn = self._connect()
            for hook in self.on_reconnect:
                hook(self)
        return self.conn

    def execute(self, sql: str, params: Params = (), /) -> _Rows:
        conn = self._live()
        try:
            cursor = conn.execute(to_server_sql(sql), params)
        except psycopg.Error as exc:
            raise self._ours(exc) from exc
        return _Rows(cursor)

    def executemany(self, sql: str, rows: Iterable[Params], /) -> _Rows:
        cursor = self._live().cursor()
        try:
            cursor.executemany(to_server_sql(sql), rows)
        except psycopg.Error as exc:
            raise self._ours(exc) from exc
        return _Rows(cursor)

    def script(self, sql: str) -> None:
        """Several statements at once, as written (no placeholders): a migration step."""
        try:
            self._live().execute(sql.encode("utf-8"))
        except psycopg.Error as exc:
            raise self._ours(exc) from exc

    def _ours(self, exc: psycopg.Error) -> StorageError:
        """Our error for what the server said (the original stays as ``__cause__``)."""
        if isinstance(exc, pg_errors.IntegrityError):
            return ConflictError(self.location, str(exc).strip().splitlines()[0])
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) or (self.conn.closed):
            return WriteFailedError(self.location, *_server_trouble(exc))
        if isinstance(exc, pg_errors.ReadOnlySqlTransaction | pg_errors.InsufficientPrivilege):
            return WriteFailedError(
                self.location,
                f"the server refused the change ({str(exc).strip()})",
                "ask whoever runs the clinic server to give this user write access",
            )
        return StorageError(f"database {self.location}: {str(exc).strip()}")

    # --- transactions -------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[ServerDatabase]:
        """All or nothing, committed when the outermost block ends; a nested block is a
        savepoint. The outermost block waits for :data:`WRITE_LOCK` (released at its end)."""
        if self._depth:
            self._depth += 1
            name = f"cc_{self._depth}"
            self.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if not self.conn.closed:
                    with suppress(psycopg.Error):
                        self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                        self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self.execute(f"RELEASE SAVEPOINT {name}")
            finally:
                self._depth -= 1
            return
        conn = self._live()
        try:
            # One round trip: a tap's commit is a handful of them.
            conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK:d})".encode())
        except psycopg.Error as exc:
            self._rollback()
            raise self._ours(exc) from exc
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            conn.execute("COMMIT")
        except psycopg.Error as exc:
            self._rollback()
            raise self._ours(exc) from exc

    def _rollback(self) -> None:
        if not self.conn.closed:
            with suppress(psycopg.Error):
                self.conn.execute("ROLLBACK")

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if not self.conn.closed:
            # The server lets the session's holds go when it notices the end of the
            # connection, a moment later; said here, the others see it at once.
            with suppress(psycopg.Error):
                self.conn.execute("SELECT pg_advisory_unlock_all()")
        self.conn.close()

    def __enter__(self) -> ServerDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
