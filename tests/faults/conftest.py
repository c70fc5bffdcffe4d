"""Injected faults: a real full disk, real read-only files and folders, another program's files.

* :func:`small_disk` mounts a 4 MiB tmpfs of its own (root only; skipped elsewhere) and fills it
  to the last byte: SQLite then gets ENOSPC from the kernel, as on a full disk.
* :func:`read_only` makes a file or a folder read-only for real: ``chmod`` for a normal user,
  the immutable flag (``chattr +i``) for root, whom modes do not stop.
* :func:`snapshot` records a folder's every entry (bytes, mode, mtime) to show nothing changed.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class SmallDisk:
    """A folder on a filesystem of its own, small enough to fill."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.filler = folder / "filler.bin"

    def fill(self) -> None:
        """Write until the kernel says ENOSPC; afterwards not one more block fits."""
        with self.filler.open("ab", buffering=0) as file:
            for size in (65536, 4096, 512, 1):
                refused = None
                while refused is None:
                    try:
                        file.write(b"\0" * size)
                    except OSError as exc:
                        refused = exc.errno
                assert refused == errno.ENOSPC
        assert shutil.disk_usage(self.folder).free == 0

    def free(self) -> None:
        self.filler.unlink()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    if not is_root() or shutil.which("mount") is None:
        pytest.skip("a full disk is injected with a tmpfs mount, which needs root")
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield SmallDisk(folder)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) read-only for this process, whoever it runs as."""
    if is_root():
        if shutil.which("chattr") is None:
            pytest.skip("root ignores file modes, and chattr (the immutable flag) is missing")
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if made.returncode != 0:
            pytest.skip(f"cannot set the immutable flag here: {made.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        path.chmod(mode)


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes | None]]:
    """Every entry under ``folder``: its mode, its mtime (ns) and, for a file, its bytes."""
    entries: dict[str, tuple[int, int, bytes | None]] = {}
    for path in sorted([folder, *folder.rglob("*")]):
        info = path.lstat()
        content = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
        entries[str(path.relative_to(folder))] = (info.st_mode, info.st_mtime_ns, content)
    return entries
