"""The benchmarks' ten-year clinic, built from the demo year (which the real services write).

The demo year (``chargeclock demo-db``: visits opened, timed and finalized through the visit
service, payments, adjustments and audit entries as the app writes them) is copied into the nine
years before it with every billing table: visits, their codes, timer segments and untimed
services, bills and claim lines, payments and the ledger's adjustments, plans of care and
progress reports, all dates and times moved back by whole years, ids moved past the year's own.
Today's open visits stay today's. Each copied visit, payment and adjustment then gets its audit
entry through :func:`chargeclock.storage.audit.append` (the same keyed, chained entry the app
writes, covering the copied rows, with its reason), so ``verify-audit`` accepts the decade. Each
patient gains the diagnoses of earlier episodes.

The copy is bulk SQL for the rows (seconds, not the ten minutes ten demo years would take);
the audit entries go one by one through the real append. :func:`add_patients` makes the
5,000-patient variant.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from chargeclock.services.demo_data import DIAGNOSES
from chargeclock.services.validation import check_icd10
from chargeclock.storage import audit, patients
from chargeclock.storage.audit_rows import refs_of_visits
from chargeclock.storage.database import Database, open_existing
from chargeclock.storage.records import PatientRow
from chargeclock.storage.timefmt import from_db_time

YEARS = 10


def _back(column: str) -> str:
    """A stored date or time (text beginning with the year) moved back ``:back`` years; NULL
    stays NULL. The demo year holds no 29 February, so no shifted date can be invalid."""
    return f"printf('%04d', CAST(substr({column}, 1, 4) AS INTEGER) - :back) || substr({column}, 5)"


# Per table: the columns to rewrite, as SQL over the source row (others are copied as they
# are), and the condition that picks the demo year's rows to copy (closed visits only).
_CLOSED = "visit_id IN (SELECT id FROM copied)"
_COPIES: dict[str, tuple[dict[str, str], str]] = {
    "visits": (
        {
            "id": "id + :visits",
            "date_of_service": _back("date_of_service"),
            "opened_at": _back("opened_at"),
            "finalized_at": _back("finalized_at"),
        },
        "id IN (SELECT id FROM copied)",
    ),
    "visit_codes": ({"id": "id + :visit_codes", "visit_id": "visit_id + :visits"}, _CLOSED),
    "timer_segments": (
        {
            "id": "id + :timer_segments",
            "visit_id": "visit_id + :visits",
            "visit_code_id": "visit_code_id + :visit_codes",
            "started_at": _back("started_at"),
            "stopped_at": _back("stopped_at"),
        },
        _CLOSED,
    ),
    "untimed_services": (
        {"visit_code_id": "visit_code_id + :visit_codes"},
        "visit_code_id IN (SELECT c.id FROM visit_codes c JOIN copied v ON v.id = c.visit_id)",
    ),
    "visit_bills": (
        {
            "visit_id": "visit_id + :visits",
            "rule_year": "rule_year - :back",
            "rule_data_year": "rule_data_year - :back",
            "pooled_visit_ids": "CAST(CAST(pooled_visit_ids AS INTEGER) + :visits AS TEXT)",
            "computed_at": _back("computed_at"),
        },
        _CLOSED,
    ),
    "claim_lines": ({"id": "id + :claim_lines", "visit_id": "visit_id + :visits"}, _CLOSED),
    "payments": (
        {
            "id": "id + :payments",
            "visit_id": "visit_id + :visits",
            "paid_on": _back("paid_on"),
        },
        "visit_id IS NULL OR visit_id IN (SELECT id FROM copied)",
    ),
    "ledger_entries": (
        {
            "id": "id + :ledger_entries",
            "visit_id": "visit_id + :visits",
            "entry_date": _back("entry_date"),
            "reverses_payment_id": "reverses_payment_id + :payments",
            "reverses_entry_id": "reverses_entry_id + :ledger_entries",
            "recorded_at": _back("recorded_at"),
        },
        "visit_id IS NULL OR visit_id IN (SELECT id FROM copied)",
    ),
    "plans_of_care": (
        {
            "id": "id + :plans_of_care",
            "start_date": _back("start_date"),
            "certified_through": _back("certified_through"),
            "signed_date": _back("signed_date"),
        },
        "1 = 1",
    ),
    "progress_reports": (
        {
            "id": "id + :progress_reports",
            "visit_id": "visit_id + :visits",
            "report_date": _back("report_date"),
        },
        "1 = 1",
    ),
}


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _copy_rows(conn: sqlite3.Connection, years: int) -> dict[str, int]:
    """Copy the demo year's rows into the ``years - 1`` years before it; the source's top
    ids."""
    conn.execute(
        "CREATE TEMP TABLE copied AS SELECT id FROM visits WHERE status <> 'open' ORDER BY id"
    )
    # The demo bills each visit alone: its pooled ids are its own id (the copy moves one id).
    pooled = conn.execute("SELECT count(*) FROM visit_bills WHERE pooled_visit_ids LIKE '% %'")
    assert pooled.fetchone()[0] == 0, "a demo visit pooled with another"
    tops = {
        table: int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
        for table in _COPIES
        if "id" in _columns(conn, table)
    }
    for back in range(1, years):
        offsets = {table: back * top for table, top in tops.items()}
        for table, (rewrites, where) in _COPIES.items():
            columns = _columns(conn, table)
            values = [rewrites.get(c, c) for c in columns]
            limit = f" AND id <= {tops[table]}" if table in tops else ""
            conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {table} WHERE ({where}){limit}",
                {"back": back, **offsets},
            )
    return tops


def _audit_copies(db: Database, tops: dict[str, int], years: int) -> int:
    """One audit entry per copied visit, payment and adjustment, like the demo year's own;
    their count."""
    conn = db.conn
    source = conn.execute(
        "SELECT at, actor, action, entity, entity_id, reason, details FROM audit_log "
        "WHERE (action = 'visit_finalized' AND entity_id IN (SELECT id FROM copied)) "
        "OR action IN ('payment_recorded', 'ledger_adjustment') ORDER BY id"
    ).fetchall()
    written = 0
    for back in range(1, years):
        for at, actor, action, entity, entity_id, reason, details in source:
            moment = from_db_time(at)
            moment = moment.replace(year=moment.year - back)
            facts = json.loads(details)
            if entity == "visit":
                new_id = entity_id + back * tops["visits"]
                facts["pooled_visit_ids"] = [
                    v + back * tops["visits"] for v in facts.get("pooled_visit_ids", [])
                ]
                covers = refs_of_visits(db, [new_id])
            elif entity == "ledger_entry":
                new_id = entity_id + back * tops["ledger_entries"]
                covers = [("ledger", new_id)]
            else:
                new_id = entity_id + back * tops["payments"]
                covers = [("payment", new_id)]
            audit.append(
                db, at=moment, actor=actor, action=action, entity=entity, entity_id=new_id,
                reason=reason, details=facts, covers=covers,
            )  # fmt: skip
            written += 1
    return written


def _earlier_diagnoses(db: Database, rng: random.Random) -> None:
    """Each patient also keeps up to three diagnoses of earlier episodes (after their own)."""
    for (patient_id,) in db.execute("SELECT id FROM patients ORDER BY id").fetchall():
        held = patients.diagnoses_of(db, patient_id)
        codes = [(d.code, d.billable, d.description) for d in held]
        for code in rng.sample(DIAGNOSES, len(DIAGNOSES)):
            if len(codes) >= len(held) + 3:
                break
            if all(code != c for c, _, _ in codes):
                codes.append((code, True, check_icd10(code, "diagnosis").description))
        patients.replace_diagnoses(db, patient_id, codes)


def build_decade(
    path: Path, demo_year: Path, copy: Callable[[Path, Path], object], years: int = YEARS
) -> None:
    """Write the clinic's ``years`` years (ten by default) to ``path`` from a copy of
    ``demo_year``."""
    copy(demo_year, path)
    db = open_existing(path, write=True)
    try:
        with db.transaction():
            tops = _copy_rows(db.conn, years)
            _audit_copies(db, tops, years)
            _earlier_diagnoses(db, random.Random(10))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


_SYLLABLES = (
    "an", "bel", "car", "dor", "el", "fen", "gar", "hol", "is", "jen", "kor", "lan", "mar",
    "nov", "or", "pel", "quin", "ros", "sal", "tor", "ul", "ven", "wil", "yar", "zel",
)  # fmt: skip


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def add_patients(path: Path, total: int) -> None:
    """Add made-up patients (each with diagnoses and a plan of care) until ``total``."""
    rng = random.Random(5000)
    db = open_existing(path, write=True)
    try:
        with db.transaction():
            have = int(db.execute("SELECT count(*) FROM patients").fetchone()[0])
            payer_ids = [r[0] for r in db.execute("SELECT id FROM payers ORDER BY id")] + [None]
            for n in range(have, total):
                born = date(1935 + rng.randrange(60), rng.randrange(1, 13), rng.randrange(1, 29))
                patient_id = patients.insert_patient(
                    db,
                    PatientRow(
                        0, _name(rng, rng.choice((2, 3))), _name(rng, 2), born, rng.choice("FM"),
                        f"{n} Elm Street, Springfield, IL 62704", f"(217) 555-{n % 10000:04d}",
                        rng.choice(payer_ids), f"MBR{500000 + n:07d}", None, True,
                    ),
                )  # fmt: skip
                codes = rng.sample(DIAGNOSES, rng.randrange(1, 4))
                patients.replace_diagnoses(
                    db,
                    patient_id,
                    [(c, True, check_icd10(c, "diagnosis").description) for c in codes],
                )
                start = date(2017 + rng.randrange(10), rng.randrange(1, 13), 1)
                patients.insert_plan_of_care(
                    db, patient_id=patient_id, certifying_provider_id=None,
                    start_date=start, certified_through=start.replace(day=28), signed_date=start,
                )  # fmt: skip
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
