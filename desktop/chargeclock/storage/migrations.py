"""Numbered, forward-only schema migrations: ``db/migrations/NNNN_name.sql`` or, for a step
SQL alone cannot take (moving data with the program's own rules), ``NNNN_name.py`` defining
``migrate(conn)``, which runs inside the step's transaction and must not commit (``conn`` is the
``sqlite3`` connection here, the server's store on PostgreSQL: :mod:`.pg_schema`, which runs the
same files on a server, translated).

Each file is registered with :class:`sqlite_utils.Migrations` as a small function that executes
that file, so sqlite-utils records what ran (table ``_sqlite_migrations``) and runs each step in a
transaction. On top of that, our own check: a database with applied migrations this build does not
know was written by a newer ChargeClock and is refused.

Startup does not import sqlite-utils when the schema is current: :func:`applied_names` reads the
record with the standard ``sqlite3`` module, and only a pending step loads sqlite-utils.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

from chargeclock.storage.errors import SchemaTooNewError, StorageError

MIGRATION_SET = "chargeclock"
_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.(sql|py)$")


def migration_files(directory: Path | None = None) -> list[Path]:
    """The migration files in order (``0001_…`` first)."""
    if directory is None:
        from chargeclock.shipped import migrations_dir

        directory = migrations_dir()
    files = sorted(p for p in directory.iterdir() if _FILE.match(p.name))
    numbers = [int(p.name[:4]) for p in files]
    # No gap: a database already past a missing number would never run it when it arrived.
    if numbers != list(range(1, len(files) + 1)):
        raise StorageError(f"{directory}: migration files are not numbered 0001, 0002, … in order")
    return files


def statements(sql: str) -> Iterator[str]:
    """Split a script into complete statements (a trigger's ``BEGIN … END`` stays whole)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise StorageError(f"incomplete SQL statement at the end of a migration: {buffer[:60]!r}")


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations applied to this database, in order (plain ``sqlite3``)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return []
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,),
    ).fetchall()
    return [str(r[0]) for r in rows]


def check_not_too_new(conn: sqlite3.Connection, where: Path | str, files: list[Path]) -> list[str]:
    """Refuse a database holding migrations this build does not know; return the pending names."""
    return check_known(applied_names(conn), where, files)


def check_known(applied: list[str], where: Path | str, files: list[Path]) -> list[str]:
    """Refuse a database that had steps this build does not know (either engine); return the
    pending names."""
    known = [p.stem for p in files]
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise SchemaTooNewError(
            f"database {where}: it was written by a newer ChargeClock (schema step "
            f"{unknown[0]} is unknown to this version, which knows up to {known[-1]}); "
            "install the newer version, or open a backup made by this one"
        )
    return [name for name in known if name not in applied]


def _python_step(path: Path) -> Callable[[sqlite3.Connection], None]:
    """The ``migrate(conn)`` function of a Python step, loaded from its file."""
    spec = importlib.util.spec_from_file_location(f"_chargeclock_migration_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise StorageError(f"migration {path.name} cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    step = getattr(module, "migrate", None)
    if not callable(step):
        raise StorageError(f"migration {path.name} defines no migrate(conn) function")
    return cast("Callable[[sqlite3.Connection], None]", step)


def run_python_step(path: Path, conn: Any) -> None:
    """Run a Python step's ``migrate(conn)`` on either engine's connection."""
    _python_step(path)(conn)


def _runner(path: Path, conn: sqlite3.Connection) -> Any:
    if path.suffix == ".py":

        def run_python(db: Any) -> None:
            run_python_step(path, conn)

        return run_python

    def run(db: Any) -> None:
        for statement in statements(path.read_text(encoding="utf-8")):
            db.execute(statement)

    return run


def migrate(
    conn: sqlite3.Connection,
    where: Path | str = "(memory)",
    *,
    directory: Path | None = None,
    stop_before: str | None = None,
) -> list[str]:
    """Bring the schema up to date (or up to ``stop_before``); return the names applied."""
    files = migration_files(directory)
    pending = check_not_too_new(conn, where, files)
    if stop_before is not None:
        pending = pending[: pending.index(stop_before)] if stop_before in pending else pending
    if not pending:
        return []
    import sqlite_utils  # only when there is something to apply

    migrations = sqlite_utils.Migrations(MIGRATION_SET)
    for path in files:
        migrations(name=path.stem)(_runner(path, conn))
    db = sqlite_utils.Database(conn, execute_plugins=False)
    # The schema is built with foreign keys off (a step may rebuild a table), then checked.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        migrations.apply(db, stop_before=stop_before)
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise StorageError(f"database {where}: foreign keys broken after migration: {problems}")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return pending
