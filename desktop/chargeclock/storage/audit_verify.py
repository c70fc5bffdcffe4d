"""``verify-audit``: the chain, the billing rows against their latest entries, and the anchors.

Read-only: it reads the database, the key files and the anchors, and writes nothing. It checks

1. **the chain**: ids 1, 2, 3 … with no gap, each entry's ``prev_hash`` equal to the hash before
   it, and each hash recomputed — plain SHA-256 for entries from before the database's first
   key, HMAC-SHA256 with the key file for the rest — and each entry's ``visit_id`` column (not
   hashed: an index, by which a visit's audit packet and History find its entries) equal to the
   visit its hashed details name;
2. **the rows**: every row of the covered tables (:mod:`~chargeclock.storage.audit_rows`) rebuilt
   from the table and compared with the latest entry that listed it; a row with no entry, and a
   row an entry listed that is gone with no entry recording its deletion, are problems too; and
   the links between rows that no text holds (:mod:`~chargeclock.storage.audit_links`);
3. **the anchors**: the newest anchor beside the backups and any given with ``--anchor`` must name
   an entry the chain still has, with the same hash.

Each check names its first problem; the report lists what was checked.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from pathlib import Path

from msgspec import Struct

from chargeclock.storage import audit_anchor, audit_keys, audit_links, audit_rows
from chargeclock.storage.audit import GENESIS, entry_text, visit_named
from chargeclock.storage.audit_anchor import Anchor
from chargeclock.storage.errors import StorageError
from chargeclock.storage.store import Store


class AuditReport(Struct, frozen=True):
    """What ``verify-audit`` checked and what it found (``problems`` first first)."""

    entries: int
    plain_entries: int
    keyed_entries: int
    unchecked_entries: int  # keyed entries whose key file is missing
    rows: tuple[tuple[str, int], ...]  # (table, rows checked)
    anchors: tuple[str, ...]  # one line per anchor checked
    problems: tuple[str, ...]
    broken_id: int | None = None  # the first entry that fails the chain, if any
    head_hash: str = ""  # the hash of the last entry checked

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """The report as printed: what was checked, then the verdict."""
        out = [
            f"entries: {self.entries:,} checked ({self.plain_entries:,} by the old plain rule, "
            f"{self.keyed_entries:,} keyed"
            + (f", {self.unchecked_entries:,} not checkable" if self.unchecked_entries else "")
            + ")",
            "rows: " + ", ".join(audit_rows.BY_TAG[tag].counted(count) for tag, count in self.rows),
        ]
        out += [f"anchor: {a}" for a in self.anchors] or ["anchor: none found"]
        if self.ok:
            out.append(f"audit log ok: {self.entries:,} entries, chain intact, rows as audited")
        else:
            out.append(f"audit log BROKEN: {self.problems[0]}")
            out += [f"also: {p}" for p in self.problems[1:]]
        return out


class _Walk(Struct):
    """What walking the chain gives the other checks."""

    count: int = 0
    plain: int = 0
    keyed: int = 0
    unchecked: int = 0
    problem: str = ""
    broken_id: int | None = None
    head: str = GENESIS  # the hash of the last entry walked
    misindexed: str = ""  # the first entry whose visit column is not its details' visit
    misindexed_count: int = 0

    @property
    def problems(self) -> list[str]:
        """The chain's first problem, then the visit column's (with how many entries)."""
        out = [self.problem] if self.problem else []
        if self.misindexed_count > 1:
            return [*out, f"{self.misindexed} ({self.misindexed_count:,} entries in all)"]
        return [*out, self.misindexed] if self.misindexed else out


def _visit_text(visit_id: int | None) -> str:
    return "no visit" if visit_id is None else f"visit {visit_id}"


def keys_of(
    conn: Store, given: Sequence[Path], folder: Path | None
) -> tuple[list[tuple[int, bytes | None]], list[str]]:
    """``(keyed_from, key or None)`` per key of the database, and the problems in finding them."""
    epochs = audit_keys.epochs(conn)
    problems: list[str] = []
    for path in given:
        try:
            audit_keys.read_key_file(path)
        except audit_keys.AuditKeyError as exc:
            problems.append(f"--key: {exc}")
    found = audit_keys.find_keys(epochs, list(given), folder)
    out: list[tuple[int, bytes | None]] = []
    for index, epoch in enumerate(epochs):
        got = found[epoch.key_id]
        if isinstance(got, audit_keys.KeyFile):
            out.append((epoch.keyed_from, got.key))
            continue
        last = epochs[index + 1].keyed_from - 1 if index + 1 < len(epochs) else None
        span = f"{epoch.keyed_from}–{last}" if last else f"{epoch.keyed_from} on"
        problems.append(f"{got}: keyed entries {span} cannot be checked")
        out.append((epoch.keyed_from, None))
    return out, problems


Latest = dict[str, tuple[str, int]]  # "tag key" -> (last audited text, its entry id)


def walk_chain(
    conn: Store,
    keys: list[tuple[int, bytes | None]],
    latest: Latest,
    *,
    after: int = 0,
    prev: str = GENESIS,
    indexed: list[tuple[int, int]] | None = None,
) -> _Walk:
    """Check the chain from the entry after ``after`` (whose hash is ``prev``); fill ``latest``
    with each row's last audited text and entry id among the entries walked, and ``indexed``
    (if given) with ``(entry id, visit column)`` of each entry walked that names a visit."""
    walk = _Walk(count=after)
    walk.head = prev
    starts = [k[0] for k in keys]
    first_keyed = starts[0] if starts else None
    epoch = -1
    key: bytes | None = None
    sha256 = hashlib.sha256
    digest = hmac.digest
    cursor = conn.execute(
        "SELECT id, at, actor, action, entity, entity_id, reason, details, prev_hash, hash, rows, "
        "visit_id FROM audit_log WHERE id > ? ORDER BY id",
        (after,),
    )
    for row in cursor:
        (entry_id, at, actor, action, entity, entity_id, reason, details, prev_hash, stored, rows,
         visit_id) = row  # fmt: skip
        walk.count += 1
        # the visit column against the hashed details: a test of the text for most entries
        if (visit_id is not None or '"visit_id"' in details) and (
            named := visit_named(details)
        ) != visit_id:
            walk.misindexed_count += 1
            if not walk.misindexed:
                walk.misindexed = (
                    f"entry {entry_id}: its visit column says {_visit_text(visit_id)}, but its "
                    f"details (which its hash covers) name {_visit_text(named)} — a visit's audit "
                    "packet and History find its entries by that column"
                )
        if visit_id is not None and indexed is not None:
            indexed.append((entry_id, visit_id))
        problem = ""
        if entry_id != walk.count:
            problem = f"entry {walk.count} is missing (next is {entry_id})"
            walk.count = entry_id
        elif prev_hash != prev:
            problem = "its previous-hash does not match the entry before"
        elif first_keyed is None or entry_id < first_keyed:
            walk.plain += 1
            if rows:
                problem = "it lists billing rows but is not keyed: a keyed entry was rewritten"
            else:
                text = entry_text(entry_id, at, actor, action, entity, entity_id, reason,
                                  details, None)  # fmt: skip
                if sha256((prev + text).encode("utf-8")).hexdigest() != stored:
                    problem = "its contents do not match its hash"
        else:
            while epoch + 1 < len(starts) and starts[epoch + 1] <= entry_id:
                epoch += 1
                key = keys[epoch][1]
            walk.keyed += 1
            if key is None:
                walk.unchecked += 1
            else:
                text = entry_text(entry_id, at, actor, action, entity, entity_id, reason,
                                  details, rows)  # fmt: skip
                if digest(key, (prev + text).encode("utf-8"), "sha256").hex() != stored:
                    problem = "its contents do not match its keyed hash"
        if problem and not walk.problem:
            walk.problem, walk.broken_id = f"entry {entry_id}: {problem}", entry_id
        prev = stored
        if rows:
            for ref, text in audit_rows.parse_rows(rows):
                latest[ref] = (text, entry_id)
    walk.head = prev
    return walk


RowSeen = Callable[[audit_rows.Table, int, str], None]


def _rows(
    conn: Store, latest: Latest, seen: RowSeen | None = None
) -> tuple[list[tuple[str, int]], list[str]]:
    """Rows checked per table, and the first row problem (with how many rows have one);
    ``seen`` is called with every row's table, key and text, in table then key order."""
    counts: list[tuple[str, int]] = []
    first: list[str] = []
    bad = 0
    for table in audit_rows.TABLES:
        count = 0
        for key, text in audit_rows.scan(conn, table):
            count += 1
            if seen is not None:
                seen(table, key, text)
            audited = latest.pop(f"{table.tag} {key}", None)
            if audited is not None and audited[0] == text:
                continue
            bad += 1
            if first:
                continue
            name = audit_rows.describe(table, key, text)
            if audited is None:
                first.append(f"{name} has no audit entry")
            elif audited[0] == audit_rows.DELETED:
                first.append(f"{name} exists, but entry {audited[1]} recorded its deletion")
            else:
                diff = audit_rows.difference(table, text, audited[0])
                first.append(f"{name}: {diff} (entry {audited[1]})")
        counts.append((table.tag, count))
    for ref, (text, entry_id) in latest.items():
        if text == audit_rows.DELETED:
            continue
        bad += 1
        if not first:
            tag, number = ref.split(" ")
            name = audit_rows.describe(audit_rows.BY_TAG[tag], number, text)
            first.append(f"{name} was deleted: entry {entry_id} audited it, none its deletion")
    if bad > 1:
        first[0] += f" ({bad:,} rows differ from the audit log in all)"
    return counts, first


def _database_id(conn: Store) -> str | None:
    row = conn.execute("SELECT database_id FROM audit_keys ORDER BY keyed_from LIMIT 1").fetchone()
    return str(row[0]) if row is not None else None


def check_anchor(conn: Store, anchor: Anchor, count: int) -> str:
    """A problem with the chain against ``anchor``, or ``""``."""
    where = anchor.source or "the anchor"
    database_id = _database_id(conn)
    if anchor.database_id and database_id is not None and anchor.database_id != database_id:
        return f"anchor {where} is of another database ({anchor.database_id})"
    if count < anchor.entry:
        return (
            f"the audit log ends at entry {count}, but anchor {where} names entry "
            f"{anchor.entry}: entries {count + 1}–{anchor.entry} were removed (or the database "
            "was since restored from an older backup)"
        )
    stored = conn.execute("SELECT hash FROM audit_log WHERE id = ?", (anchor.entry,)).fetchone()
    if stored is None or stored[0] != anchor.hash:
        return (
            f"entry {anchor.entry} differs from anchor {where}: the log up to it was rewritten"
            " or replaced"
        )
    return ""


def check_anchors(
    conn: Store, count: int, backups: Path | None, anchors: Sequence[Path]
) -> tuple[list[str], list[str]]:
    """A line per anchor checked (the newest beside ``backups``, then ``anchors``) against a
    chain of ``count`` entries, and the problems found."""
    checked: list[str] = []
    anchor_problems: list[str] = []
    to_check: list[Anchor] = []
    if backups is not None:
        newest, unreadable = audit_anchor.newest_in(backups, _database_id(conn))
        anchor_problems += unreadable
        if newest is not None:
            to_check.append(newest)
    for path in anchors:
        try:
            to_check.append(audit_anchor.read(path))
        except StorageError as exc:
            anchor_problems.append(str(exc))
    for anchor in to_check:
        problem = check_anchor(conn, anchor, count)
        checked.append(
            f"{anchor.source} (entry {anchor.entry:,}"
            + (f", written {anchor.written}" if anchor.written else "")
            + f"): {'MISMATCH' if problem else 'contained in the log'}"
        )
        if problem:
            anchor_problems.append(problem)
    return checked, anchor_problems


def verify(
    conn: Store,
    *,
    backups: Path | None = None,
    anchors: Sequence[Path] = (),
    key_files: Sequence[Path] = (),
    keys_folder: Path | None = None,
    seen: RowSeen | None = None,
    indexed: list[tuple[int, int]] | None = None,
) -> AuditReport:
    """Check everything (see the module docstring). ``backups``: the folder whose newest anchor
    is checked; ``anchors``: more anchor files; ``key_files``: key files besides those in
    ``keys_folder`` (default: the user's, :func:`chargeclock.paths.audit_keys_dir`); ``seen``
    is shown every billing row as it is checked, and ``indexed`` gets each entry's visit column
    (a checkpoint digests both)."""
    keys, key_problems = keys_of(conn, key_files, keys_folder)
    latest: Latest = {}
    walk = walk_chain(conn, keys, latest, indexed=indexed)
    counts, row_problems = _rows(conn, latest, seen)
    row_problems += audit_links.problems(conn)
    checked, anchor_problems = check_anchors(conn, walk.count, backups, anchors)
    problems = walk.problems + key_problems + row_problems + anchor_problems
    return AuditReport(
        entries=walk.count,
        plain_entries=walk.plain,
        keyed_entries=walk.keyed,
        unchecked_entries=walk.unchecked,
        rows=tuple(counts),
        anchors=tuple(checked),
        problems=tuple(problems),
        broken_id=walk.broken_id,
        head_hash=walk.head,
    )
