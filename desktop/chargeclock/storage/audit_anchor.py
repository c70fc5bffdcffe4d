"""Anchors: the audit log's head (entry id, count, hash) kept outside the database.

An anchor is written beside every backup (``<backup>.anchor``) and printed on every superbill, in
one line that ``verify-audit --anchor FILE`` reads back from either::

    Audit anchor: entry 1234, 1234 entries, hash 3fa9…

A database whose log is shorter than an anchor of it, or whose entry at the anchored id has
another hash, lost or rewrote entries: the anchor, being elsewhere, was not rewritten with them.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from datetime import datetime
from pathlib import Path

from msgspec import Struct

from chargeclock.files import write_owner_only
from chargeclock.storage.errors import StorageError
from chargeclock.storage.store import Store
from chargeclock.storage.timefmt import to_db_time

SUFFIX = ".anchor"
_LINE = re.compile(r"audit anchor: entry (\d+), (\d+) entries, hash ([0-9a-f]{64})", re.IGNORECASE)
_FIELD = re.compile(r"^(database|written): *(\S+) *$", re.MULTILINE)


class Anchor(Struct, frozen=True):
    """A chain head as recorded outside the database."""

    entry: int
    entries: int
    hash: str
    database_id: str | None = None
    written: str = ""  # UTC, the database's time format (sorts as text)
    source: str = ""  # the file it was read from


def anchor_line(entry: int, entries: int, digest: str) -> str:
    return f"Audit anchor: entry {entry}, {entries} entries, hash {digest}"


def printed(conn: Store, visit_id: int | None = None) -> str:
    """The anchor line a superbill prints: the head as of ``visit_id``'s finalize (the last
    entry its finalize wrote), or the head now (a statement); ``""`` if there is none."""
    if visit_id is None:
        row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    else:
        row = conn.execute(
            "SELECT id, hash FROM audit_log WHERE entity = 'visit' AND entity_id = ? "
            "AND action = 'visit_finalized' ORDER BY id DESC LIMIT 1",
            (visit_id,),
        ).fetchone()
    return anchor_line(int(row[0]), int(row[0]), str(row[1])) if row else ""


def head_of(conn: Store) -> Anchor | None:
    """The anchor of a database as it stands (``None`` while its log is empty)."""
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    found = conn.execute(
        "SELECT database_id FROM audit_keys ORDER BY keyed_from LIMIT 1"
    ).fetchone()
    return Anchor(int(row[0]), int(row[0]), str(row[1]), str(found[0]) if found else None)


def parse(text: str, source: str = "") -> Anchor | None:
    """The anchor in a text (an anchor file, or a superbill's line typed into a file)."""
    match = _LINE.search(text)
    if match is None:
        return None
    fields = dict(_FIELD.findall(text))
    return Anchor(
        int(match.group(1)),
        int(match.group(2)),
        match.group(3).lower(),
        fields.get("database"),
        fields.get("written", ""),
        source,
    )


def read(path: Path) -> Anchor:
    """Read an anchor file; a :class:`StorageError` names a file that is missing or holds none."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise StorageError(f"anchor {path}: cannot be read ({exc.strerror or exc})") from None
    anchor = parse(text, str(path))
    if anchor is None:
        raise StorageError(
            f"anchor {path}: holds no line 'audit anchor: entry N, N entries, hash …'"
        )
    return anchor


def write_beside(backup: Path, at: datetime, *, source: Path | None = None) -> Path | None:
    """Write ``<backup>.anchor`` with the head of the backup's audit log (owner-only; of
    ``source``'s log when given: a restored database, anchored under a name no backup has, which
    the next backup prunes), and remove the anchors of backups that are gone. ``None`` if the
    log is empty."""
    conn = sqlite3.connect((source or backup).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        anchor = head_of(conn)
    finally:
        conn.close()
    if anchor is None:
        return None
    target = backup.with_name(backup.name + SUFFIX)
    text = (
        f"# ChargeClock audit anchor: the head of the audit log in {backup.name}.\n"
        f"# Check the database against it: chargeclock verify-audit --anchor {target.name}\n"
        f"{anchor_line(anchor.entry, anchor.entries, anchor.hash)}\n"
        + (f"database: {anchor.database_id}\n" if anchor.database_id else "")
        + f"written: {to_db_time(at)}\n"
    )
    partial = target.with_name(target.name + ".partial")
    for leftover in backup.parent.glob(f"*{SUFFIX}.partial"):  # of a backup killed mid-anchor
        if leftover != partial:
            with contextlib.suppress(OSError):
                leftover.unlink()
    try:
        write_owner_only(target, text.encode("utf-8"), partial)
    except OSError as exc:
        raise StorageError(
            f"backup {backup} is written, but its anchor {target} cannot be "
            f"({exc.strerror or exc}): free some space or fix the folder, then back up again"
        ) from None
    for other in backup.parent.glob(f"*{SUFFIX}"):
        if other != target and not other.with_name(other.name[: -len(SUFFIX)]).exists():
            other.unlink(missing_ok=True)
    return target


def newest_in(folder: Path, database_id: str | None = None) -> tuple[Anchor | None, list[str]]:
    """The newest anchor in ``folder`` (by the time it was written), and a problem for each
    anchor file there that cannot be read. With ``database_id``, anchors of other databases
    (two databases may share a backups folder) are passed over."""
    if not folder.is_dir():
        return None, []
    found: list[Anchor] = []
    problems: list[str] = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            anchor = read(path)
        except StorageError as exc:
            problems.append(str(exc))
            continue
        if database_id and anchor.database_id and anchor.database_id != database_id:
            continue
        found.append(anchor)
    if not found:
        return None, problems
    return max(found, key=lambda a: (a.written, a.entry)), problems
