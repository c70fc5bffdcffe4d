"""Audit checkpoints: what the last full ``verify-audit`` found intact, kept for later checks.

A full check recomputes every entry's hash and rebuilds every billing row, so it grows with the
database (seconds on a decade). An audit packet needs a trustworthy verdict on one patient in
well under that, so a full check that finds everything intact keeps a **checkpoint**:

* the entry it checked up to, with that entry's hash, when, and how many rows it checked;
* for each patient, a digest of all the billing rows of the patient (its visits, their timer
  segments, untimed services, bills, claim lines and frozen superbills, its payments and ledger
  entries) as they stood, each then equal to its latest audit entry, and of the entries whose
  ``visit_id`` column names one of its visits (each then naming the visit its hashed details
  name): the column is no part of an entry's hash, yet the packet finds a visit's entries by it;
* an HMAC over all of it with the audit key that signs that entry.

It is a file ``<database id>.checked`` in the audit keys folder (owner-only, beside the key):
whoever could forge it holds the key, and could as well re-sign the chain itself.

:func:`check_patient` then proves, for one patient, in time that grows with the entries since:
the checkpoint is signed and of this database (copies of a database, as its backups, share its
id); its entry still has its hash; every entry after
it chains on and has its hash recomputed (and its visit column held to its details); every row
those entries list is as they audited it; the newest anchor beside the backups is contained in the
log; the patient's rows, and its visits' entries up to the checkpoint's, digest as they did at
the checkpoint; and its rows' links that no text holds are whole (:mod:`~chargeclock.storage.
audit_links`). Anything else (no checkpoint, another hash, the patient's rows changed since,
an entry re-pointed to or from its visits, a problem) answers ``None``: the caller checks in
full, which names any problem. (A checkpoint kept before the entries were digested differs for
a patient whose visits have entries: that patient's packet checks in full, and keeps a new one.)
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from msgspec import Struct

from chargeclock.files import write_owner_only
from chargeclock.storage import audit_keys, audit_links, audit_rows, audit_verify
from chargeclock.storage.audit_verify import AuditReport, Latest
from chargeclock.storage.store import Store
from chargeclock.storage.timefmt import to_db_time

SUFFIX = ".checked"
_SIGNED = "signature: "
# Each covered table's rows of one patient: by the patient column, or by the visit column.
PATIENT_ROWS: dict[str, str] = {
    "visit": "patient_id = ?",
    "segment": f"s.visit_id {audit_links.OF_PATIENT}",
    "untimed": f"c.visit_id {audit_links.OF_PATIENT}",
    "bill": f"visit_id {audit_links.OF_PATIENT}",
    "line": f"visit_id {audit_links.OF_PATIENT}",
    "snapshot": f"visit_id {audit_links.OF_PATIENT}",
    "payment": "patient_id = ?",
    "ledger": "patient_id = ?",
}
# The entries up to the checkpoint's that the visit column puts on one patient's visits: an
# index lookup (audit_log_visit), not a read of the log.
PATIENT_ENTRIES = (
    f"SELECT id, visit_id FROM audit_log WHERE visit_id {audit_links.OF_PATIENT} "
    "AND id <= ? ORDER BY id"
)
_BY_PATIENT = ("visit", "payment", "ledger")  # the first value of the row's text is the patient
# Past this many entries since the checkpoint, checking them and each row they list costs about
# what a full check costs on a large database; the full check then renews the checkpoint.
LONGEST_TAIL = 2000


class Checkpoint(Struct, frozen=True):
    """A full check's result, as kept (see the module docstring)."""

    database_id: str
    entry: int
    hash: str
    verified: str  # UTC, the database's time format
    rows: int
    key_id: str
    patients: dict[str, str]  # patient id -> digest of its rows


class Digests:
    """Digests each patient's rows as a full check shows them (``verify(seen=...)``): rows in
    table order, then key order, then the entries ``indexed`` to its visits (``verify(indexed=
    digests.indexed)``) in entry order — the order :func:`patient_digest` reads them in."""

    def __init__(self) -> None:
        self._patient_of_visit: dict[int, str] = {}
        self._hashes: dict[str, Any] = {}
        self.indexed: list[tuple[int, int]] = []  # (entry id, visit column), filled by verify

    def __call__(self, table: audit_rows.Table, key: int, text: str) -> None:
        tag = table.tag
        if tag == "bill":
            patient = self._patient_of_visit.get(key)
        else:
            first = text[1 : text.find(",")]
            if tag in _BY_PATIENT:
                patient = first
                if tag == "visit":
                    self._patient_of_visit[key] = first
            else:
                patient = self._patient_of_visit.get(int(first)) if first.isdigit() else None
        if patient is None or not patient.isdigit():
            return  # a row of no patient: only a full check covers it
        digest = self._hashes.get(patient)
        if digest is None:
            digest = self._hashes[patient] = hashlib.sha256()
        digest.update(f"{tag} {key} {text}\n".encode())

    def result(self) -> dict[str, str]:
        """Each patient's digest (call once, after the full check)."""
        for entry_id, visit_id in self.indexed:
            digest = self._hashes.get(self._patient_of_visit.get(visit_id, ""))
            if digest is not None:  # else a visit that is gone: only a full check covers it
                digest.update(_entry_line(entry_id, visit_id))
        self.indexed = []
        return {p: h.hexdigest()[:32] for p, h in self._hashes.items()}


def _entry_line(entry_id: int, visit_id: int) -> bytes:
    return f"entry {entry_id} visit {visit_id}\n".encode()


def patient_digest(conn: Store, patient_id: int, upto: int) -> tuple[str, int]:
    """The digest of the patient's rows as they stand and of the entries up to ``upto`` whose
    visit column names one of its visits (an index lookup), and how many rows it covers."""
    digest = hashlib.sha256()
    count = 0
    for table in audit_rows.TABLES:
        where = PATIENT_ROWS[table.tag]
        for key, text in audit_rows.scan(conn, table, where, (patient_id,)):
            digest.update(f"{table.tag} {key} {text}\n".encode())
            count += 1
    for entry_id, visit_id in conn.execute(PATIENT_ENTRIES, (patient_id, upto)):
        digest.update(_entry_line(entry_id, visit_id))
    return digest.hexdigest()[:32], count


def path_for(database_id: str, folder: Path | None = None) -> Path:
    return (folder or audit_keys.keys_dir()) / f"{database_id}{SUFFIX}"


def _signing(conn: Store, entry: int, folder: Path | None) -> tuple[str, bytes] | None:
    """The key id and key of the epoch that signs ``entry``, if its key file is at hand."""
    epochs = [e for e in audit_keys.epochs(conn) if e.keyed_from <= entry]
    if not epochs:
        return None
    try:
        found = audit_keys.read_key_file(audit_keys.key_path(epochs[-1].key_id, folder))
    except audit_keys.AuditKeyError:
        return None
    if found.key_id != epochs[-1].key_id or found.keyed_from != epochs[-1].keyed_from:
        return None
    return found.key_id, found.key


def _signature(key: bytes, body: str) -> str:
    return hmac.digest(key, body.encode("utf-8"), "sha256").hex()


def keep(
    conn: Store, report: AuditReport, digests: Digests, at: datetime, folder: Path | None = None
) -> Path | None:
    """Keep the checkpoint of a full check that found everything intact (every keyed entry
    checkable); ``None`` if there is nothing to keep, or the file cannot be written — a
    checkpoint not kept only means the next packet checks in full."""
    database_id = audit_keys.database_id(conn)
    if not report.ok or report.unchecked_entries or not report.entries or database_id is None:
        return None
    signing = _signing(conn, report.entries, folder)
    if signing is None:
        return None
    key_id, key = signing
    body = (
        "# ChargeClock audit checkpoint: verify-audit found this database's audit log and\n"
        "# billing rows intact as of the entry below. Kept beside the audit key, signed by it.\n"
        f"database: {database_id}\nentry: {report.entries}\nhash: {report.head_hash}\n"
        f"verified: {to_db_time(at)}\nrows: {sum(n for _, n in report.rows)}\n"
        f"key-id: {key_id}\n"
        + "".join(f"patient {p} {d}\n" for p, d in sorted(digests.result().items()))
    )
    target = path_for(database_id, folder)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    try:
        write_owner_only(target, f"{body}{_SIGNED}{_signature(key, body)}\n".encode(), partial)
    except OSError:
        return None
    return target


def read(conn: Store, folder: Path | None = None) -> Checkpoint | None:
    """The database's checkpoint if there is one, signed by the database's key for its entry,
    whose entry the log still holds with the same hash; else ``None``."""
    database_id = audit_keys.database_id(conn)
    if database_id is None:
        return None
    try:
        text = path_for(database_id, folder).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    body, sep, signature = text.rpartition(_SIGNED)
    fields: dict[str, str] = {}
    patients: dict[str, str] = {}
    for line in body.splitlines():
        if line.startswith("patient "):
            _, patient, digest = line.split(" ", 2)
            patients[patient] = digest
        elif not line.startswith("#"):
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    try:
        checkpoint = Checkpoint(
            fields["database"], int(fields["entry"]), fields["hash"], fields["verified"],
            int(fields["rows"]), fields["key-id"], patients,
        )  # fmt: skip
    except (KeyError, ValueError):
        return None
    signing = _signing(conn, checkpoint.entry, folder)
    if (
        not sep
        or checkpoint.database_id != database_id
        or signing is None
        or signing[0] != checkpoint.key_id
        or not hmac.compare_digest(_signature(signing[1], body), signature.strip())
    ):
        return None
    stored = conn.execute("SELECT hash FROM audit_log WHERE id = ?", (checkpoint.entry,))
    row = stored.fetchone()
    return checkpoint if row is not None and row[0] == checkpoint.hash else None


def _tail_rows_as_audited(conn: Store, latest: Latest) -> bool:
    """Every row the entries since the checkpoint list is as the last of them audited it (or
    gone, if it audited its deletion): the rows read one query per table, not one per row."""
    audited: dict[str, dict[int, str]] = {}
    for ref, (text, _) in latest.items():
        tag, key = ref.split(" ")
        audited.setdefault(tag, {})[int(key)] = text
    for tag, texts in audited.items():
        now = audit_rows.row_texts(conn, tag, texts)
        for row, was in texts.items():
            if now.get(row) != (None if was == audit_rows.DELETED else was):
                return False
    return True


def check_patient(
    conn: Store,
    checkpoint: Checkpoint,
    patient_id: int,
    *,
    backups: Path | None = None,
    folder: Path | None = None,
) -> tuple[str, ...] | None:
    """The lines saying what was checked for ``patient_id`` from ``checkpoint`` on, all found
    intact; ``None`` when that cannot be said from the checkpoint (check in full instead)."""
    head = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    if head is None or head - checkpoint.entry > LONGEST_TAIL:
        return None
    keys, key_problems = audit_verify.keys_of(conn, (), folder)
    latest: Latest = {}
    walk = audit_verify.walk_chain(conn, keys, latest, after=checkpoint.entry, prev=checkpoint.hash)
    if key_problems or walk.problems or walk.unchecked or not _tail_rows_as_audited(conn, latest):
        return None
    digest, rows = patient_digest(conn, patient_id, checkpoint.entry)
    if digest != checkpoint.patients.get(str(patient_id), hashlib.sha256().hexdigest()[:32]):
        return None
    if audit_links.problems(conn, patient_id):  # links no text holds: not in the digest
        return None
    anchors, problems = audit_verify.check_anchors(conn, walk.count, backups, ())
    if problems:
        return None
    first, head = checkpoint.entry, walk.count
    verified = checkpoint.verified[:16].replace("T", " ")
    since = (
        f"since then: entries {first + 1:,}–{head:,} checked (every hash recomputed, chained on "
        f"entry {first:,}, whose hash is unchanged); the {len(latest):,} billing rows they list "
        "are as audited"
        if head > first
        else f"since then: no new entries; entry {first:,}'s hash is unchanged"
    )
    return (
        f"full check (every entry's hash, every billing row) by verify-audit, {verified} UTC: "
        f"entries 1–{first:,} and {checkpoint.rows:,} billing rows intact",
        since,
        f"patient {patient_id}'s {rows:,} billing rows: as they were at that full check",
        *([f"anchor: {a}" for a in anchors] or ["anchor: none found"]),
        f"audit log ok: {head:,} entries, chain intact, this packet's rows as audited (entries "
        f"up to {first:,} were not recomputed again for this packet: chargeclock verify-audit "
        "checks everything now)",
    )
