"""The storage seam: what a repository needs of a database, and nothing of SQLite's own API.

Repositories (``patients.py``, ``visits.py``, ``amounts.py``, …) take a :class:`Store`, not a
``sqlite3.Connection``: the open :class:`~chargeclock.storage.database.Database` is one, and a
second engine is another implementation of the same few calls. Their statements keep to forms
both SQLite and PostgreSQL accept (``ON CONFLICT … DO UPDATE``, ``IS NOT DISTINCT FROM``,
``RETURNING``, ``?`` placeholders rewritten by the engine that needs another style), and no
JSON functions on stored text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

Params = Sequence[Any] | Mapping[str, Any]
#: what ``--db`` starts with when it names a PostgreSQL server rather than a file
SCHEMES = ("postgresql://", "postgres://")


class Rows(Protocol):
    """The result of a statement: rows as tuples."""

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Store(Protocol):
    """Statements and their rows. Transactions belong to the caller (``Database.transaction``):
    a repository never commits."""

    def execute(self, sql: str, params: Params = ..., /) -> Rows: ...
    def executemany(self, sql: str, rows: Iterable[Params], /) -> Rows: ...


def dialect_of(store: Store) -> str:
    """``"sqlite"`` or ``"postgresql"``: the engine behind a store (a bare ``sqlite3``
    connection, which has no ``dialect``, is SQLite)."""
    return str(getattr(store, "dialect", "sqlite"))


def insert_id(store: Store, sql: str, params: Params = ()) -> int:
    """Run an ``INSERT`` and return the new row's ``id`` (``RETURNING id``)."""
    row = store.execute(f"{sql} RETURNING id", params).fetchone()
    return int(row[0])


class Engine(Store, Protocol):
    """An open clinic database, whichever engine holds it: the one file of SQLite
    (:class:`~chargeclock.storage.database.Database`) or a PostgreSQL server
    (:class:`~chargeclock.storage.pg.ServerDatabase`). The services know it by this alone.

    ``path`` is the SQLite file (``None`` for memory and for a server); ``location`` names the
    database in messages either way; ``dialect`` is ``"sqlite"`` or ``"postgresql"``."""

    dialect: str
    path: Any
    read_only: bool
    closed: bool

    @property
    def target(self) -> Any: ...
    @property
    def location(self) -> str: ...
    @property
    def in_transaction(self) -> bool: ...
    def transaction(self) -> AbstractContextManager[Any]: ...
    def close(self) -> None: ...


def is_server_url(target: object) -> bool:
    """Whether ``--db`` names a PostgreSQL server rather than a file."""
    return isinstance(target, str) and target.startswith(SCHEMES)


def shown_url(url: str) -> str:
    """The URL as messages show it: without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))
