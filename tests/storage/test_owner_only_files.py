"""The audit anchor beside a backup and the audit checkpoint beside the key are written the
same way (:func:`chargeclock.files.write_owner_only`): owner-only, into a partial file that is
synced before it takes the name, and on a full disk, a read-only folder or a denied
permission nothing is left half-written: the anchor says so plainly, the checkpoint is simply
not kept (the next packet checks in full)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.storage import audit_anchor, audit_checkpoint, audit_keys
from chargeclock.storage.errors import StorageError

AT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
FAULTS = {
    "disk full": ("write", errno.ENOSPC),
    "read-only": ("open", errno.EROFS),
    "no permission": ("open", errno.EACCES),
}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    opened = Services.open(tmp_path / "data" / "c.sqlite3", FakeClock(AT))
    opened.records.add_provider("Dana Reyes", "PT", "1234567893")
    yield opened
    opened.close()


def _anchor(services: Services) -> Path:
    """The anchor of the database's log, beside a backup's name."""
    folder = services.db.path.parent / "backups"
    folder.mkdir(exist_ok=True)
    made = audit_anchor.write_beside(folder / "c-1.sqlite3", AT, source=services.db.path)
    assert made is not None
    return made


def _checkpoint(services: Services) -> Path:
    database_id = audit_keys.database_id(services.db)
    assert database_id is not None
    report = services.verify_audit(keep_checkpoint=True)
    assert report.ok
    return audit_checkpoint.path_for(database_id)


WRITERS: dict[str, Callable[[Services], Path]] = {"anchor": _anchor, "checkpoint": _checkpoint}


class PartialFiles:
    """``os`` calls on the ``*.partial`` files, in order; an injected fault on one of them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fault: tuple[str, int] | None) -> None:
        self.calls: list[str] = []
        self.fds: set[int] = set()
        real = {n: getattr(os, n) for n in ("open", "write", "fsync", "replace", "close")}

        def failing(name: str) -> None:
            if fault is not None and fault[0] == name:
                raise OSError(fault[1], os.strerror(fault[1]))

        def opened(path: Any, *args: Any, **kwargs: Any) -> int:
            if not str(path).endswith(".partial"):
                return int(real["open"](path, *args, **kwargs))
            failing("open")
            fd = int(real["open"](path, *args, **kwargs))
            self.fds.add(fd)
            self.calls.append(f"open {oct(args[1] if len(args) > 1 else 0)}")
            return fd

        def wrote(fd: int, data: bytes) -> int:
            if fd in self.fds:
                failing("write")
                self.calls.append("write")
            return int(real["write"](fd, data))

        def synced(fd: int) -> None:
            if fd in self.fds:
                self.calls.append("fsync")
            real["fsync"](fd)

        def replaced(source: Any, target: Any) -> None:
            if str(source).endswith(".partial"):
                self.calls.append("replace")
            real["replace"](source, target)

        def closed(fd: int) -> None:
            self.fds.discard(fd)  # its number may come back for another file (the folder)
            real["close"](fd)

        for name, fake in (("open", opened), ("write", wrote), ("fsync", synced)):
            monkeypatch.setattr(os, name, fake)
        monkeypatch.setattr(os, "close", closed)
        monkeypatch.setattr(os, "replace", replaced)


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_written_owner_only_and_synced_before_it_takes_its_name(
    services: Services, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    watched = PartialFiles(monkeypatch, None)
    made = WRITERS[writer](services)
    assert watched.calls == ["open 0o600", "write", "fsync", "replace"]
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert not list(made.parent.glob("*.partial"))


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_failed_write_leaves_nothing_half_written(
    services: Services, monkeypatch: pytest.MonkeyPatch, writer: str, fault: str
) -> None:
    made = WRITERS[writer](services)  # one written before: it stays as it was
    before = made.read_bytes()
    services.records.add_provider("Ada Moss", "PT", "1234567893")  # a new head: it differs
    PartialFiles(monkeypatch, FAULTS[fault])
    if writer == "anchor":
        with pytest.raises(StorageError) as caught:
            _anchor(services)
        assert f"its anchor {made} cannot be" in str(caught.value)
        assert str(caught.value).endswith("then back up again")
    else:
        assert _checkpoint(services) == made  # verified all the same; no checkpoint kept
    monkeypatch.undo()
    assert made.read_bytes() == before
    assert not list(made.parent.glob("*.partial"))


def test_a_short_write_is_carried_on_not_kept_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk nearly full takes part of a write and says so only by the count: the rest is
    written (or the next write fails), never a file cut short under the name."""
    from chargeclock.files import write_owner_only

    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:7])))
    target = tmp_path / "checkpoint"
    data = b"one line per patient\n" * 50
    write_owner_only(target, data, tmp_path / "checkpoint.partial")
    assert target.read_bytes() == data
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_interrupted_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped mid-write by something other than an OSError (Ctrl-C): the target is as it
    was and the partial file is gone."""
    from chargeclock.files import write_owner_only

    target = tmp_path / "anchor"
    target.write_bytes(b"before")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_owner_only(target, b"after", tmp_path / "anchor.partial")
    assert target.read_bytes() == b"before"
    assert not (tmp_path / "anchor.partial").exists()
