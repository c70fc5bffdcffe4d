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
