"""The errors a caller of the services may meet, beyond :mod:`chargeclock.domain.errors`: the
window and the commands name them from here, never from ``storage/``."""

from __future__ import annotations

from chargeclock.storage.errors import (
    DatabaseInUseError,
    DatabaseMissingError,
    ForeignDatabaseError,
    StorageError,
    WriteFailedError,
)

__all__ = [
    "DatabaseInUseError",
    "DatabaseMissingError",
    "ForeignDatabaseError",
    "StorageError",
    "WriteFailedError",
]
