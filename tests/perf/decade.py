"""The benchmarks' ten-year clinic, built from the demo year (which the real services write).

The demo year (``chargeclock demo-db``: visits opened, timed and finalized through the visit
service with their claims frozen, payments, adjustments, the claims around the visits and audit
entries as the app writes them) is copied into the nine years before it with every table a
clinic fills year by year: visits, their codes, chosen modifiers, timer segments and untimed
services, bills and claim lines, frozen claims, claims filed, payments and the ledger's
adjustments, plans of care and progress reports, authorizations, cost shares, KX confirmations
and ABNs, all dates and times moved back by whole years, ids moved past the year's own. An
authorization or ABN reaching past the copied year's last day ends on that day (the next year's
history is another year's copy, which it must not count). Today's open visits stay today's. The
clinic's own rows (practice, staff, payers and their limits, patients, fees) are not copied.
Each copied row whose change the app audits then gets its audit entry through
:func:`chargeclock.storage.audit.append` (the same keyed, chained entry the app writes, covering
the copied rows, with its reason and its details moved like the rows), so ``verify-audit``
accepts the decade. A copied frozen claim is the visit's bill as the app froze it, moved: its
dates, ids and pooled visits moved back, its audit anchor the copied visit's finalize entry.
Each patient gains the diagnoses of earlier episodes.

The copy is bulk SQL for the rows (seconds, not the ten minutes ten demo years would take);
the audit entries and the frozen claims they cover go one by one. :func:`add_patients` makes
the 5,000-patient variant.
"""

from __future__ import annotations

import json
import random
import sqlite3
from calendar import isleap
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from msgspec.structs import replace

from chargeclock.services.demo_data import DIAGNOSES
from chargeclock.services.frozen_claims import FrozenClaim
from chargeclock.services.validation import check_icd10
from chargeclock.storage import audit, audit_anchor, patients
from chargeclock.storage.audit_rows import RowRef, refs_of_visits
from chargeclock.storage.database import Database, open_existing
from chargeclock.storage.records import PatientRow
from chargeclock.storage.timefmt import from_db_time

YEARS = 10


def _back(column: str) -> str:
    """A stored date or time (text beginning with the year) moved back ``:back`` years; NULL
    stays NULL. A 29 February (a leap demo year's) moved into a common year is its 28th."""
    year = f"(CAST(substr({column}, 1, 4) AS INTEGER) - :back)"
    leap = f"({year} % 4 = 0 AND ({year} % 100 <> 0 OR {year} % 400 = 0))"
    return (
        f"printf('%04d', {year}) || CASE WHEN substr({column}, 5, 6) = '-02-29' AND NOT {leap} "
        f"THEN '-02-28' || substr({column}, 11) ELSE substr({column}, 5) END"
    )


def _back_to_end(column: str) -> str:
    """A last day moved back, and ended on the copied year's last day (``:end``) if later."""
    return f"min({_back(column)}, :end)"


# Per table: the columns to rewrite, as SQL over the source row (others are copied as they
# are), and the condition that picks the demo year's rows to copy (closed visits only). Frozen
# claims are copied with their audit entries (:func:`_copy_snapshot`): a copy's anchor is an
# entry the copy writes.
_CLOSED = "visit_id IN (SELECT id FROM copied)"
_CLOSED_CODES = (
    "visit_code_id IN (SELECT c.id FROM visit_codes c JOIN copied v ON v.id = c.visit_id)"
)
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
    "visit_code_modifiers": ({"visit_code_id": "visit_code_id + :visit_codes"}, _CLOSED_CODES),
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
    "untimed_services": ({"visit_code_id": "visit_code_id + :visit_codes"}, _CLOSED_CODES),
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
    "claim_submissions": (
        {
            "id": "id + :claim_submissions",
            "visit_id": "visit_id + :visits",
            "sent_on": _back("sent_on"),
            "recorded_at": _back("recorded_at"),
        },
        _CLOSED,
    ),
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
    "authorizations": (
        {
            "id": "id + :authorizations",
            "valid_from": _back("valid_from"),
            "valid_to": _back_to_end("valid_to"),
            "renews_id": "renews_id + :authorizations",
            "recorded_at": _back("recorded_at"),
        },
        "1 = 1",
    ),
    "cost_shares": (
        {
            "id": "id + :cost_shares",
            "effective_from": _back("effective_from"),
            "recorded_at": _back("recorded_at"),
        },
        "1 = 1",
    ),
    "kx_confirmations": (
        {"year": "year - :back", "confirmed_at": _back("confirmed_at")},
        "1 = 1",
    ),
    "abns": (
        {
            "id": "id + :abns",
            "signed_on": _back("signed_on"),
            "last_day": _back_to_end("last_day"),
        },
        "1 = 1",
    ),
}


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _moved_day(text: str, back: int) -> str:
    """:func:`_back` in Python: a stored date or time moved back ``back`` years."""
    year, rest = int(text[:4]) - back, text[4:]
    if rest.startswith("-02-29") and not isleap(year):
        rest = "-02-28" + rest[6:]
    return f"{year:04d}{rest}"


_Day = TypeVar("_Day", date, datetime)


def _in_year(value: _Day, year: int) -> _Day:
    """``value`` in ``year`` (a 29 February in a common year: the 28th)."""
    if value.month == 2 and value.day == 29 and not isleap(year):
        return value.replace(year=year, day=28)
    return value.replace(year=year)


class _Year:
    """One copied year: ``back`` years before the demo's, its ids past the year's own (``tops``:
    the demo year's top rowid of each table)."""

    def __init__(self, back: int, tops: dict[str, int], today: date) -> None:
        self.back = back
        self.tops = tops
        self.end = _moved_day(today.isoformat(), back)  # the copied year's last day

    @property
    def params(self) -> dict[str, Any]:
        offsets = {table: self.back * top for table, top in self.tops.items()}
        return {"back": self.back, "end": self.end, **offsets}

    def id(self, table: str, value: int) -> int:
        return value + self.back * self.tops[table]

    def day(self, value: date) -> date:
        return _in_year(value, value.year - self.back)

    def moment(self, value: datetime) -> datetime:
        return _in_year(value, value.year - self.back)

    def last_day(self, text: str | None) -> str | None:
        return None if text is None else min(_moved_day(text, self.back), self.end)


def _copy_rows(conn: sqlite3.Connection, years: int, today: date) -> dict[str, int]:
    """Copy the demo year's rows into the ``years - 1`` years before it; the source's top
    ids (rowids: a table keyed otherwise is copied from its own rows up to there)."""
    conn.execute(
        "CREATE TEMP TABLE copied AS SELECT id FROM visits WHERE status <> 'open' ORDER BY id"
    )
    # The demo bills each visit alone: its pooled ids are its own id (the copy moves one id).
    pooled = conn.execute("SELECT count(*) FROM visit_bills WHERE pooled_visit_ids LIKE '% %'")
    assert pooled.fetchone()[0] == 0, "a demo visit pooled with another"
    tops = {
        table: int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0])
        for table in (*_COPIES, "claim_snapshots")
    }
    for back in range(1, years):
        year = _Year(back, tops, today)
        for table, (rewrites, where) in _COPIES.items():
            columns = _columns(conn, table)
            values = [rewrites.get(c, c) for c in columns]
            conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {table} "
                f"WHERE ({where}) AND rowid <= {tops[table]}",
                year.params,
            )
    return tops


# -- the audit entries of the copied rows --------------------------------------------------------

_SNAPSHOT = "id, visit_id, patient_id, date_of_service, discipline, version, reason, made_at"


def _copy_snapshot(db: Database, year: _Year, source: tuple[Any, ...]) -> int:
    """Write the copy of a frozen claim (``source``: its row, content last) into ``year``:
    the bill of the copied visit as the app would have frozen it, its anchor the copied visit's
    finalize entry (written just before); its id."""
    snapshot_id, visit_id, patient_id, day, discipline, version, reason, made_at, content = source
    claim = msgspec.json.decode(content, type=FrozenClaim)
    bill = claim.superbill
    visits = tuple(
        replace(
            v,
            date_of_service=year.day(v.date_of_service),
            lines=tuple(replace(x, date_of_service=year.day(x.date_of_service)) for x in v.lines),
        )
        for v in bill.visits
    )
    new_visit = year.id("visits", visit_id)
    moved = FrozenClaim(
        replace(
            bill,
            period_from=year.day(bill.period_from),
            period_to=year.day(bill.period_to),
            visits=visits,
            payments=tuple(replace(p, date=year.day(p.date)) for p in bill.payments),
            adjustments=tuple(replace(a, date=year.day(a.date)) for a in bill.adjustments),
            generated_on=year.day(bill.generated_on),
            audit_anchor=audit_anchor.printed(db, new_visit),
        ),
        tuple(
            replace(x, id=year.id("claim_lines", x.id), visit_id=year.id("visits", x.visit_id))
            for x in claim.claim_lines
        ),
        None
        if claim.bill is None
        else replace(
            claim.bill,
            visit_id=year.id("visits", claim.bill.visit_id),
            rule_year=claim.bill.rule_year - year.back,
            pooled_visit_ids=tuple(year.id("visits", v) for v in claim.bill.pooled_visit_ids),
            computed_at=year.moment(claim.bill.computed_at),
            rule_data_year=(
                None if claim.bill.rule_data_year is None else claim.bill.rule_data_year - year.back
            ),
        ),
    )
    new_id = year.id("claim_snapshots", snapshot_id)
    db.execute(
        f"INSERT INTO claim_snapshots ({_SNAPSHOT}, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id, new_visit, patient_id, _moved_day(day, year.back), discipline, version, reason,
         _moved_day(made_at, year.back), msgspec.json.encode(moved).decode("utf-8")),
    )  # fmt: skip
    return new_id


# What each copied entry says, moved into its year: its entity id, the rows it covers (as they
# stand once copied), its details changed in place. One per action the demo year writes about
# a copied row; the demo's actions that no copy repeats are named in _NOT_COPIED.
_Moved = tuple[int, list[RowRef]]
_Mover = Callable[[Database, _Year, int, dict[str, Any]], _Moved]


def _visit_entry(year: _Year, visit_id: int, facts: dict[str, Any]) -> int:
    if "pooled_visit_ids" in facts:
        facts["pooled_visit_ids"] = [year.id("visits", v) for v in facts["pooled_visit_ids"]]
    return year.id("visits", visit_id)


def _finalized(db: Database, year: _Year, visit_id: int, facts: dict[str, Any]) -> _Moved:
    new_id = _visit_entry(year, visit_id, facts)
    return new_id, refs_of_visits(db, [new_id])


def _modifiers(db: Database, year: _Year, visit_id: int, facts: dict[str, Any]) -> _Moved:
    return _visit_entry(year, visit_id, facts), []


def _submission(db: Database, year: _Year, entry_id: int, facts: dict[str, Any]) -> _Moved:
    facts["visit_id"] = year.id("visits", facts["visit_id"])
    facts["sent_on"] = _moved_day(facts["sent_on"], year.back)
    return year.id("claim_submissions", entry_id), []


def _authorization(db: Database, year: _Year, entry_id: int, facts: dict[str, Any]) -> _Moved:
    facts["valid_from"] = _moved_day(facts["valid_from"], year.back)
    facts["valid_to"] = year.last_day(facts["valid_to"])
    if facts.get("renews_id") is not None:
        facts["renews_id"] = year.id("authorizations", facts["renews_id"])
    return year.id("authorizations", entry_id), []


def _cost_share(db: Database, year: _Year, entry_id: int, facts: dict[str, Any]) -> _Moved:
    facts["effective_from"] = _moved_day(facts["effective_from"], year.back)
    return year.id("cost_shares", entry_id), []


def _kx(db: Database, year: _Year, patient_id: int, facts: dict[str, Any]) -> _Moved:
    facts["year"] -= year.back
    return patient_id, []


def _abn(db: Database, year: _Year, patient_id: int, facts: dict[str, Any]) -> _Moved:
    facts["abn_id"] = year.id("abns", facts["abn_id"])
    facts["signed_on"] = _moved_day(facts["signed_on"], year.back)
    facts["last_day"] = year.last_day(facts["last_day"])
    return patient_id, []


def _payment(db: Database, year: _Year, entry_id: int, facts: dict[str, Any]) -> _Moved:
    new_id = year.id("payments", entry_id)
    return new_id, [("payment", new_id)]


def _adjustment(db: Database, year: _Year, entry_id: int, facts: dict[str, Any]) -> _Moved:
    new_id = year.id("ledger_entries", entry_id)
    return new_id, [("ledger", new_id)]


# action -> (the table whose copied rows its entries are about, how an entry moves)
_ENTRIES: dict[str, tuple[str, _Mover]] = {
    "visit_finalized": ("visits", _finalized),
    "line_modifiers_set": ("visits", _modifiers),
    "claim_sent": ("claim_submissions", _submission),
    "claim_printed": ("claim_submissions", _submission),
    "payment_recorded": ("payments", _payment),
    "ledger_adjustment": ("ledger_entries", _adjustment),
    "authorization_added": ("authorizations", _authorization),
    "authorization_renewed": ("authorizations", _authorization),
    "cost_share_set": ("cost_shares", _cost_share),
    "kx_confirmed": ("patients", _kx),
    "abn_recorded": ("patients", _abn),
}
# The frozen claim's entry: the copy writes the snapshot it covers (see _copy_snapshot).
_FROZEN = "claim_frozen"
# The demo year's entries no copy repeats: today's open visits, the clinic's own settings.
_NOT_COPIED = frozenset({audit.SEALED, "visit_opened", "payer_limits_set", "demo_data_created"})


def _about_copied(action: str, table: str) -> str:
    """SQL over the audit log: the demo year's entries of ``action`` about a row of ``table``
    that the copy copies (a patient's: every one)."""
    if table not in _COPIES:
        return f"action = '{action}'"
    where = _COPIES[table][1]
    return f"(action = '{action}' AND entity_id IN (SELECT rowid FROM {table} WHERE {where}))"


def _audit_copies(db: Database, tops: dict[str, int], years: int, today: date) -> int:
    """One audit entry per copied row whose change the app audits, like the demo year's own
    (a frozen claim's written with it); their count."""
    conn = db.conn
    actions = {action for (action,) in conn.execute("SELECT DISTINCT action FROM audit_log")}
    unknown = actions - {*_ENTRIES, _FROZEN, *_NOT_COPIED}
    assert not unknown, f"the demo year writes entries the decade does not copy: {unknown}"
    snapshots = {
        (row[1], row[5]): row
        for row in conn.execute(
            f"SELECT {_SNAPSHOT}, content FROM claim_snapshots WHERE rowid <= ?",
            (tops["claim_snapshots"],),
        )
    }

    def frozen(db: Database, year: _Year, visit_id: int, facts: dict[str, Any]) -> _Moved:
        snapshot_id = _copy_snapshot(db, year, snapshots[visit_id, facts["version"]])
        return _visit_entry(year, visit_id, facts), [("snapshot", snapshot_id)]

    movers = {**_ENTRIES, _FROZEN: ("visits", frozen)}
    about_copied = " OR ".join(
        _about_copied(action, table) for action, (table, _) in movers.items()
    )
    source = conn.execute(
        "SELECT at, actor, action, entity, entity_id, reason, details FROM audit_log "
        f"WHERE {about_copied} ORDER BY id"
    ).fetchall()
    written = 0
    for back in range(1, years):
        year = _Year(back, tops, today)
        for at, actor, action, entity, entity_id, reason, details in source:
            facts = json.loads(details)
            new_id, covers = movers[action][1](db, year, entity_id, facts)
            audit.append(
                db, at=year.moment(from_db_time(at)), actor=actor, action=action, entity=entity,
                entity_id=new_id, reason=reason, details=facts, covers=covers,
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
            today = date.fromisoformat(
                db.execute("SELECT max(date_of_service) FROM visits").fetchone()[0]
            )
            tops = _copy_rows(db.conn, years, today)
            _audit_copies(db, tops, years, today)
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
