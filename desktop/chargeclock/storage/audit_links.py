"""Links from billing rows that no row's audited text holds, checked by ``verify-audit``.

A covered row's canonical text (:mod:`~chargeclock.storage.audit_rows`) keeps its billing
columns, and its hash-covered entry keeps that text; a few columns outside it tie the row to
another row, and the program never changes them:

* a **timer segment's code row** (``visit_code_id``): the text keeps the row's code, not whose
  row it is, so the segment could be hung on another visit's row of the same code unseen;
* a **frozen superbill's patient, date of service and discipline**: the text keeps its visit,
  but a day's versions are found by those three (a reprint, a statement, the next version);
* a **ledger entry's note**, shown beside it in the ledger: not a billing column, but written
  once, as the reason of the audit entry that recorded the row (which its hash covers).

Each must agree with what it points to — the code row's visit is the segment's visit; the
superbill's three are its visit's; the note is its entry's reason — which one query per link
checks (:func:`problems`), for the whole database or for one patient's rows (the audit packet's
check from a checkpoint, whose digests cover only the texts). The texts themselves stay as they
are: every entry already written lists them so.
"""

from __future__ import annotations

from chargeclock.storage.store import Store

#: SQL: a row of one patient's visits (``visit_id`` + this, the patient id its parameter)
OF_PATIENT = "IN (SELECT id FROM visits WHERE patient_id = ?)"

_SEGMENTS = (
    "SELECT s.id, s.visit_id, c.id, c.code, c.visit_id FROM timer_segments s "
    "JOIN visit_codes c ON c.id = s.visit_code_id WHERE c.visit_id <> s.visit_id"
)
_SNAPSHOTS = (
    "SELECT s.id, s.visit_id, s.patient_id, v.patient_id, s.date_of_service, v.date_of_service, "
    "s.discipline, v.discipline FROM claim_snapshots s JOIN visits v ON v.id = s.visit_id "
    "WHERE (s.patient_id <> v.patient_id OR s.date_of_service <> v.date_of_service "
    "OR s.discipline <> v.discipline)"
)
_LEDGER = (
    "SELECT l.id, l.patient_id, l.note, a.reason, a.id FROM ledger_entries l JOIN audit_log a "
    "ON a.id = (SELECT min(id) FROM audit_log WHERE entity = 'ledger_entry' AND entity_id = l.id) "
    "WHERE a.reason <> l.note"
)
# One patient's: rows on either side of the link (each an index lookup).
_PATIENT_SEGMENTS = (
    f"{_SEGMENTS} AND s.visit_id {OF_PATIENT} UNION {_SEGMENTS} AND c.visit_id {OF_PATIENT}"
)
_PATIENT_SNAPSHOTS = (
    f"{_SNAPSHOTS} AND s.patient_id = ? UNION {_SNAPSHOTS} AND s.visit_id {OF_PATIENT}"
)
_PATIENT_LEDGER = f"{_LEDGER} AND l.patient_id = ?"
#: the statements of one patient's check (the audit packet's): index lookups only
PATIENT_QUERIES = (_PATIENT_SEGMENTS, _PATIENT_SNAPSHOTS, _PATIENT_LEDGER)


def problems(conn: Store, patient_id: int | None = None) -> list[str]:
    """The first broken link (with how many rows have one), or none; of the rows of
    ``patient_id`` only, if given."""
    scoped = () if patient_id is None else (patient_id, patient_id)
    found: list[str] = []
    segments = conn.execute(_SEGMENTS if patient_id is None else _PATIENT_SEGMENTS, scoped)
    for segment, visit, code_row, code, owner in sorted(segments.fetchall()):
        found.append(
            f"timer segment {segment} of visit {visit}: its code row {code_row} ({code}) is "
            f"visit {owner}'s, not its own (the segment's text names only the code)"
        )
    snapshots = conn.execute(_SNAPSHOTS if patient_id is None else _PATIENT_SNAPSHOTS, scoped)
    for row in sorted(snapshots.fetchall()):
        parts = [
            f"{name} {row[index]}, its visit's {row[index + 1]}"
            for index, name in ((2, "patient"), (4, "date of service"), (6, "discipline"))
            if row[index] != row[index + 1]
        ]
        found.append(f"frozen superbill {row[0]} of visit {row[1]}: {'; '.join(parts)}")
    ledger = conn.execute(_LEDGER if patient_id is None else _PATIENT_LEDGER, scoped[:1])
    for entry, patient, note, reason, audited in sorted(ledger.fetchall()):
        found.append(
            f"ledger entry {entry} of patient {patient}: note {note!r}, audited {reason!r} "
            f"(entry {audited})"
        )
    if len(found) > 1:
        return [f"{found[0]} ({len(found):,} rows' links differ in all)"]
    return found
