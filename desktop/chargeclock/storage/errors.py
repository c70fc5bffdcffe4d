"""Storage errors: each message names the database file and says what to do."""

from __future__ import annotations

from chargeclock.domain.errors import ChargeClockError


class StorageError(ChargeClockError):
    """Something about the database file itself."""


class SchemaTooNewError(StorageError):
    """The database has migrations applied that this build does not know."""


class DatabaseInUseError(StorageError):
    """Another ChargeClock process has the database open."""


class DatabaseMissingError(StorageError):
    """A command that only reads found no database at the path."""


class ForeignDatabaseError(StorageError):
    """The path holds something that is not a ChargeClock database (a folder, another program's
    SQLite file, a file that is not SQLite): refused, left exactly as it was."""


class NotSqliteError(ForeignDatabaseError):
    """The file is not an SQLite database at all (or its header is destroyed)."""


class WriteFailedError(StorageError):
    """A change could not be written (disk full, read-only, disk error, busy): it was rolled back
    whole, nothing of it is saved. ``reason`` and ``remedy`` are the two halves of the message."""

    def __init__(self, path: object, reason: str, remedy: str) -> None:
        self.path = path
        self.reason = reason
        self.remedy = remedy
        super().__init__(f"database {path}: {reason}, so this change was NOT saved; {remedy}")


class ConflictError(StorageError):
    """The clinic server refused a change that breaks one of the database's own rules (a second
    running timer for a role, a row another workstation removed meanwhile): rolled back whole."""

    def __init__(self, where: object, detail: str) -> None:
        self.where = where
        super().__init__(
            f"database {where}: the change was refused and NOT saved ({detail}); another "
            "workstation may have changed the same visit: look again, then try once more"
        )
