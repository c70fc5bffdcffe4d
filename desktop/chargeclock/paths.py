"""User directories: where the database, its backups and the audit keys live.

The database is ``--db PATH`` if given, else ``$CHARGECLOCK_DB``, else ``chargeclock.sqlite3`` in
the user's data directory (``$XDG_DATA_HOME/chargeclock``, ``~/.local/share/chargeclock`` on Linux,
``%APPDATA%\\ChargeClock`` on Windows, ``~/Library/Application Support/ChargeClock`` on macOS).
The audit log's keys are kept apart from it, in the user's configuration directory.
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


def database_target(explicit: str | os.PathLike[str] | None = None) -> Path | str:
    """:func:`database_path`, or the URL of a clinic server when ``--db`` (or
    ``CHARGECLOCK_DB``) is a ``postgresql://…`` URL."""
    from chargeclock.storage.store import is_server_url

    given = explicit or os.environ.get("CHARGECLOCK_DB")
    if isinstance(given, str) and is_server_url(given):
        return given
    return database_path(explicit)


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


def user_config_dir() -> Path:
    """The user's configuration directory, apart from the data directory:
    ``$XDG_CONFIG_HOME/chargeclock`` (``~/.config/chargeclock``) on Linux,
    ``%LOCALAPPDATA%\\ChargeClock`` on Windows, ``~/Library/Preferences/ChargeClock`` on macOS."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "ChargeClock"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Preferences" / "ChargeClock"
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "chargeclock"


def audit_keys_dir() -> Path:
    """Where the audit log's key files are: ``$CHARGECLOCK_AUDIT_KEYS``, else ``audit-keys/`` in
    the configuration directory — not beside the database, so a copy of the database or of its
    backups does not carry the key that signs its audit log."""
    from_env = os.environ.get("CHARGECLOCK_AUDIT_KEYS")
    if from_env:
        return Path(from_env).expanduser()
    return user_config_dir() / "audit-keys"


def user_lock_dir() -> Path:
    """Where a database's lock named after the file's identity lives: ``locks/`` in the cache
    directory. One folder per user, always the same one, so every name of one file (a hard
    link resolves to another path) meets the same lock."""
    return user_cache_dir() / "locks"
