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
from typing import Any, Protocol

Params = Sequence[Any] | Mapping[str, Any]


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


def insert_id(store: Store, sql: str, params: Params = ()) -> int:
    """Run an ``INSERT`` and return the new row's ``id`` (``RETURNING id``)."""
    row = store.execute(f"{sql} RETURNING id", params).fetchone()
    return int(row[0])
