"""One ChargeClock process per database file, whatever name it is opened by.

Two exclusive, non-blocking locks, both taken or neither:

* ``<database>.lock`` beside the database's real path (symbolic links resolved), which also
  keeps out a process on another machine sharing the folder;
* a lock named after the file's identity (device and inode) in the user's lock folder
  (:func:`chargeclock.paths.user_lock_dir`), so that the same file reached through a hard link,
  which resolves to another path, is refused too.

The operating system drops a lock when its holder dies (even by kill -9), so a stale lock file
never blocks a restart. The holder writes its process id into each file, for the message.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from chargeclock import paths
from chargeclock.storage.errors import DatabaseInUseError, StorageError


def lock_path(database: Path) -> Path:
    """The lock beside the database: its real path (links resolved) plus ``.lock``."""
    real = database.resolve()
    return real.with_name(real.name + ".lock")


def identity_lock_path(database: Path) -> Path | None:
    """The lock named after the file's device and inode, or None while the file does not exist
    (a restore creates it under the lock beside it)."""
    try:
        info = os.stat(database)
    except FileNotFoundError:
        return None
    return paths.user_lock_dir() / f"{info.st_dev:x}-{info.st_ino:x}.lock"


class _BusyError(Exception):
    def __init__(self, pid: str) -> None:
        super().__init__(pid)
        self.pid = pid


class ProcessLock:
    """The exclusive locks of one database file (see the module's documentation)."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path(database)
        self._held: list[tuple[int, Path]] = []

    @property
    def held(self) -> bool:
        return bool(self._held)

    def acquire(self) -> None:
        """Take both locks or raise :class:`DatabaseInUseError` naming the other process (and
        hold neither)."""
        if self._held:
            return
        self.path = lock_path(self.database)
        try:
            self._held.append((_take(self.path), self.path))
            identity = identity_lock_path(self.database)
            if identity is not None:
                _make_lock_dir(identity.parent)
                self._held.append((_take(identity), identity))
        except _BusyError as busy:
            self.release()
            who = f" (process {busy.pid})" if busy.pid else ""
            raise DatabaseInUseError(
                f"database {self.database}: already open in another ChargeClock{who}; "
                "use that window, or close it first"
            ) from None
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        held, self._held = self._held, []
        for fd, path in reversed(held):
            try:
                if path != self.path and sys.platform != "win32":
                    # The identity lock is ours alone to remove (one file per database ever
                    # opened would pile up); a process that opened it meanwhile sees it gone
                    # once it holds it, and starts again (see _take).
                    path.unlink(missing_ok=True)
                _unlock(fd)
            finally:
                os.close(fd)


def _make_lock_dir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StorageError(
            f"lock folder {folder}: cannot be created ({exc.strerror or exc}); "
            "make it writable for your user"
        ) from None


def _take(path: Path) -> int:
    """An open, locked descriptor of ``path`` with our process id in it, or :class:`_BusyError`."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StorageError(
                f"lock file {path}: cannot be created ({exc.strerror or exc}); "
                "make its folder writable for your user"
            ) from None
        try:
            _lock(fd)
        except OSError:
            other = _read_pid(fd)
            os.close(fd)
            raise _BusyError(other) from None
        if _still_there(fd, path):
            break
        os.close(fd)  # removed by its last holder between our open and our lock: again
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _still_there(fd: int, path: Path) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)


def _read_pid(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return ""


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
