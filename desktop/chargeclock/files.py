"""Durable files: what a file holds is on the disk before the file is trusted, and so is its name.

``os.replace`` is atomic for a running system, but after a power loss a renamed file may be
empty (its data was never written back) or the rename itself may be undone (the folder was not
written back). So a file is synced before it gets its final name, and the folder after.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    """Write ``path``'s contents through to the disk."""
    fd = os.open(path, os.O_RDWR)  # Windows syncs only a handle open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Write ``folder``'s entries (a file created, renamed or removed in it) through to the disk.

    Windows cannot open a folder as a file; NTFS journals its renames itself.
    """
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_owner_only(target: Path, data: bytes, partial: Path) -> None:
    """Put ``data`` in ``target``, readable by its owner alone (0600), whole or not at all:
    written to ``partial`` first and synced, then renamed over ``target``, and the folder
    synced. An ``OSError`` (a full disk, a read-only folder, no permission), or anything else
    that stops it, leaves ``target`` as it was and ``partial`` removed where it can be; the
    caller says what it means."""
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            rest = memoryview(data)
            while rest:  # a write may take part of it (a disk nearly full): the next one says
                rest = rest[os.write(fd, rest) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    fsync_dir(target.parent)
