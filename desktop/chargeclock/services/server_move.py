"""A clinic on a server, for the commands: what only a file has (backups, restore), refused for
a server with what to do instead."""

from __future__ import annotations

from pathlib import Path

from chargeclock.storage.errors import StorageError
from chargeclock.storage.store import shown_url


def file_only(database: Path | str, what: str) -> Path:
    """``database`` when it is a file; a server's URL is refused: its backups are pg_dump's."""
    if isinstance(database, Path):
        return database
    raise StorageError(
        f"database {shown_url(database)}: a clinic on a server has no {what} here; back it up "
        "with pg_dump and restore it with pg_restore (README: Clinic server)"
    )
