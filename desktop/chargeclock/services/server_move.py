"""A clinic on a server, for the commands: moving a SQLite clinic there, and what only a file
has (backups, restore), refused for a server with what to do instead."""

from __future__ import annotations

from pathlib import Path

from chargeclock.storage.errors import StorageError
from chargeclock.storage.store import is_server_url, shown_url


def file_only(database: Path | str, what: str) -> Path:
    """``database`` when it is a file; a server's URL is refused: its backups are pg_dump's."""
    if isinstance(database, Path):
        return database
    raise StorageError(
        f"database {shown_url(database)}: a clinic on a server has no {what} here; back it up "
        "with pg_dump and restore it with pg_restore (README: Clinic server)"
    )


def move_clinic(source: Path, url: str) -> list[str]:
    """Copy the clinic in the file ``source`` (only read) to the empty server database at
    ``url``, checked there (:mod:`chargeclock.storage.pg_copy`); the report's lines."""
    if not is_server_url(url):
        raise StorageError(
            f"--to {url}: give the clinic server's URL, postgresql://USER@HOST/DATABASE"
        )
    from chargeclock.storage.database import open_existing
    from chargeclock.storage.pg_copy import copy_clinic
    from chargeclock.storage.pg_schema import open_server

    with open_existing(source.expanduser(), write=False) as file:
        server = open_server(url)
        try:
            report = copy_clinic(file, server)
        finally:
            server.close()
    lines = [f"copied {file.location} to {server.location}"]
    lines += [f"  {table}: {count:,} rows" for table, count in report.rows.items()]
    if report.audit_head is not None:
        entry, digest = report.audit_head
        lines.append(f"audit log: {entry:,} entries, head {digest[:16]}…, checked on the server")
    lines.append(f"{file.location} is unchanged")
    return lines
