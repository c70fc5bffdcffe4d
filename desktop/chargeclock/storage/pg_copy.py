"""Moving a clinic from its SQLite file to a PostgreSQL server (``chargeclock migrate``).

The file is read through a read-only connection (:func:`~.database.open_existing` with
``write=False``: not a byte of it changes). The server's database must hold the current schema
and no rows. Every table is copied row for row with its ids, in one transaction: the copy is
whole or not there. Then, still inside it, the copy is checked — each table's row count equal,
the audit log's head (last entry and its hash) equal, and ``verify-audit``'s whole check clean
on the server — and any difference rolls it all back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from msgspec import Struct

from chargeclock.storage import audit_verify
from chargeclock.storage.database import Database
from chargeclock.storage.errors import StorageError
from chargeclock.storage.pg import ServerDatabase
from chargeclock.storage.pg_schema import reset_identities

BATCH = 2000


class CopyReport(Struct, frozen=True):
    """What was copied: rows per table, the audit head on both sides, the server's check."""

    rows: dict[str, int]
    audit_head: tuple[int, str] | None
    audit: audit_verify.AuditReport


def tables_of(source: Database) -> list[str]:
    """The clinic's tables in the file, parents before the tables that refer to them."""
    names = [
        str(r[0])
        for r in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' AND name <> '_sqlite_migrations' ORDER BY name"
        )
    ]
    parents = {
        n: {str(r[2]) for r in source.execute(f"PRAGMA foreign_key_list({n})")} for n in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] - {n} <= set(ordered)]
        if not ready:
            raise StorageError("the file's tables refer to each other in a circle")
        ordered += ready
    return ordered


def _self_references(source: Database, table: str) -> list[str]:
    """Columns of ``table`` that name another row of the same table (a PTA's supervisor)."""
    return [str(r[3]) for r in source.execute(f"PRAGMA foreign_key_list({table})") if r[2] == table]


def _batches(rows: Any) -> Iterator[list[Any]]:
    while True:
        batch = rows.fetchmany(BATCH)
        if not batch:
            return
        yield batch


def _count(db: Any, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def audit_head(db: Any) -> tuple[int, str] | None:
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


def copy_clinic(source: Database, target: ServerDatabase) -> CopyReport:
    """Copy the file's clinic to the empty server database, check it, or change nothing."""
    tables = tables_of(source)
    with target.transaction():
        filled = [t for t in tables if _count(target, t)]
        if filled:
            raise StorageError(
                f"database {target.location}: already holds rows ({', '.join(filled[:3])}); "
                "copy a clinic only into a new, empty database"
            )
        for table in tables:
            columns = [str(r[1]) for r in source.execute(f"PRAGMA table_info({table})")]
            later = _self_references(source, table)
            listed = ", ".join(columns)
            marks = ", ".join("?" for _ in columns)
            insert = f"INSERT INTO {table} ({listed}) VALUES ({marks})"
            cursor = source.conn.execute(f"SELECT {listed} FROM {table} ORDER BY rowid")
            deferred: list[tuple[Any, ...]] = []
            for batch in _batches(cursor):
                if later:
                    # A row may name one copied after it: NULL first, set once all are in.
                    keep = [columns.index(c) for c in later]
                    deferred += [(*(r[i] for i in keep), r[0]) for r in batch]
                    batch = [
                        tuple(None if i in keep else v for i, v in enumerate(r)) for r in batch
                    ]
                target.executemany(insert, batch)
            if deferred:
                sets = ", ".join(f"{c} = ?" for c in later)
                target.executemany(f"UPDATE {table} SET {sets} WHERE {columns[0]} = ?", deferred)
        reset_identities(target)
        counts = {t: _count(source, t) for t in tables}
        copied = {t: _count(target, t) for t in tables}
        if copied != counts:
            wrong = [f"{t} {copied[t]} of {counts[t]}" for t in tables if copied[t] != counts[t]]
            raise StorageError(f"the copy is not whole ({', '.join(wrong)}); nothing was kept")
        head = audit_head(source)
        if audit_head(target) != head:
            raise StorageError("the audit log's head differs after the copy; nothing was kept")
        report = audit_verify.verify(target)
        if not report.ok:
            raise StorageError(
                f"the audit log does not check on the server ({report.problems[0]}); nothing "
                "was kept"
            )
    return CopyReport(counts, head, report)
