"""User directories: where the database and its backups live.

The database is ``--db PATH`` if given, else ``$CHARGECLOCK_DB``, else ``chargeclock.sqlite3`` in
the user's data directory (``$XDG_DATA_HOME/chargeclock``, ``~/.local/share/chargeclock`` on Linux,
``%APPDATA%\\ChargeClock`` on Windows, ``~/Library/Application Support/ChargeClock`` on macOS).
The error log lives in that data directory too.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_FILENAME = "chargeclock.sqlite3"
LOG_FILENAME = "chargeclock.log"


def user_data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
        return base / "ChargeClock"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "ChargeClock"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "chargeclock"


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: the ``--db`` argument, then ``CHARGECLOCK_DB``, then the default."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get("CHARGECLOCK_DB")
    if from_env:
        return Path(from_env).expanduser()
    return user_data_dir() / DB_FILENAME


def log_path() -> Path:
    """The error log (``chargeclock.log``) in the user's data directory, whatever ``--db`` says."""
    return user_data_dir() / LOG_FILENAME


def backups_dir(database: Path) -> Path:
    """Backups sit beside the database in ``backups/``."""
    return database.parent / "backups"


def user_cache_dir() -> Path:
    """Where regenerable files live (the demo database template)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "ChargeClock" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ChargeClock"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "chargeclock"
