"""The open export: every table read back equals the database (CSV and JSON), text a
spreadsheet would run is made inert and reads back exactly, the period picks the rows, the
schema in docs/export.md names every column, and a failed write leaves no file of it."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.export.open_data import read_csv_cell
from chargeclock.services.open_export import ExportError, export_period
from chargeclock.storage.open_tables import FORMULA_STARTS, TABLES, _dollars
from tests.faults.conftest import SmallDisk, read_only, small_disk  # noqa: F401
from tests.services.conftest import Clinic
from tests.services.practice_data import DAY, HOSTILE, Practice, small_practice

DOCS = Path(__file__).resolve().parents[2] / "docs" / "export.md"
PERIOD = (DAY, DAY + timedelta(days=2))


@pytest.fixture
def practice(clinic: Clinic) -> Practice:
    """The small practice with its ledger's own entries: a write-off of a visit whose note a
    spreadsheet would run, a refund on account, a payment reversed and an adjustment reversed,
    and one entry before the period."""
    practice = small_practice(clinic)
    ledger = clinic.services.ledger
    jane = practice.patient_id
    first, _ = PERIOD
    ledger.add_adjustment(
        jane, "write_off", "12.50", on=first, visit_id=practice.finalized[1], note="=SUM(A1)"
    )
    ledger.add_adjustment(practice.hostile_id, "refund", "0.05", on=first + timedelta(days=1))
    discount = ledger.add_adjustment(jane, "discount", "3.00", on=first)
    ledger.reverse_entry(jane, discount, "@entered twice", on=first + timedelta(days=1))
    (paid, *_) = clinic.services.records.payments(jane)
    ledger.reverse_payment(paid.id, "card declined", on=first + timedelta(days=2))
    ledger.add_adjustment(jane, "contractual", "1.00", on=first - timedelta(days=10))
    return practice


def dollars(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _db(practice: Practice, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in practice.clinic.services.db.execute(sql, params).fetchall()]


def _money(cents: int | None) -> str | None:
    return None if cents is None else dollars(cents)


def _table(practice: Practice, sql: str, names: str) -> list[dict[str, Any]]:
    """Every row of a plain ``SELECT`` as a dict of ``names`` (space-separated)."""
    return [dict(zip(names.split(), r, strict=True)) for r in _db(practice, sql)]


def _expected(practice: Practice, first: date, last: date) -> dict[str, list[dict[str, Any]]]:
    """Each table's rows for the period, every exported column, read straight from the
    database's tables (not through the exporter's own queries) and picked here in Python, in
    the exporter's types: money in dollars, flags as bool, a line's place its visit's where it
    has none of its own."""
    a, b = first.isoformat(), last.isoformat()
    payers = dict(_db(practice, "SELECT id, name FROM payers"))
    visits = _table(
        practice,
        "SELECT id, patient_id, date_of_service, discipline, place_of_service, payer_id, "
        "rendering_provider_id, supervising_provider_id, status, opened_at, finalized_at "
        "FROM visits",
        "id patient_id date_of_service discipline place_of_service payer_id "
        "rendering_provider_id supervising_provider_id status opened_at finalized_at",
    )
    place_of = {v["id"]: v["place_of_service"] for v in visits}
    visits = [v for v in visits if a <= v["date_of_service"] <= b]
    for v in visits:
        v["payer"] = payers.get(v["payer_id"])
    visit_ids = {v["id"] for v in visits}
    payments = [
        {**p, "amount": dollars(p["amount"])}
        for p in _table(
            practice,
            "SELECT id, patient_id, visit_id, paid_on, amount_cents, method FROM payments",
            "id patient_id visit_id paid_on amount method",
        )
        if a <= p["paid_on"] <= b
    ]
    adjustments = [
        {**e, "amount": dollars(e["amount"])}
        for e in _table(
            practice,
            "SELECT id, patient_id, visit_id, entry_date, kind, adjustment_type, amount_cents, "
            "reverses_payment_id, reverses_entry_id, note, recorded_at FROM ledger_entries",
            "id patient_id visit_id entry_date kind adjustment_type amount "
            "reverses_payment_id reverses_entry_id note recorded_at",
        )
        if a <= e["entry_date"] <= b
    ]
    patient_ids = {r["patient_id"] for r in [*visits, *payments, *adjustments]}
    patients = [
        {**p, "payer": payers.get(p["payer_id"]), "active": bool(p["active"])}
        for p in _table(
            practice,
            "SELECT id, last_name, first_name, date_of_birth, sex, address, phone, payer_id, "
            "member_id, active FROM patients",
            "id last_name first_name date_of_birth sex address phone payer_id member_id active",
        )
        if p["id"] in patient_ids
    ]
    codes = dict(_db(practice, "SELECT id, code FROM visit_codes"))
    segments = [
        {
            "id": s["id"],
            "visit_id": s["visit_id"],
            "code": codes[s["code"]],
            "role": s["role"],
            "started_at": s["started_at"],
            "stopped_at": s["stopped_at"],
        }
        for s in _table(
            practice,
            "SELECT id, visit_id, visit_code_id, role, started_at, stopped_at FROM timer_segments",
            "id visit_id code role started_at stopped_at",
        )
        if s["visit_id"] in visit_ids
    ]
    lines = [
        {
            **line,
            "assistant": bool(line["assistant"]),
            "allowed": _money(line["allowed"]),
            "charge": _money(line["charge"]),
            "place_of_service": line["place_of_service"] or place_of[line["visit_id"]],
        }
        for line in _table(
            practice,
            "SELECT id, visit_id, line_number, code, modifiers, units, assistant, allowed_cents, "
            "charge_cents, diagnosis_pointers, place_of_service FROM claim_lines",
            "id visit_id line_number code modifiers units assistant allowed charge "
            "diagnosis_pointers place_of_service",
        )
        if line["visit_id"] in visit_ids
    ]
    return {
        "patients": sorted(patients, key=lambda r: r["id"]),
        "visits": sorted(visits, key=lambda r: (r["date_of_service"], r["id"])),
        "segments": sorted(segments, key=lambda r: (r["visit_id"], r["started_at"], r["id"])),
        "claim_lines": sorted(lines, key=lambda r: (r["visit_id"], r["line_number"])),
        "payments": sorted(payments, key=lambda r: (r["paid_on"], r["id"])),
        "adjustments": sorted(adjustments, key=lambda r: (r["entry_date"], r["id"])),
    }


def _read_csv(path: Path, kinds: dict[str, str]) -> list[dict[str, Any]]:
    """A CSV file read back as the export documents it (its kinds: money, flag, list, text)."""
    with path.open(newline="", encoding="utf-8") as stream:
        out = []
        for row in csv.DictReader(stream):
            values: dict[str, Any] = {}
            for name, cell in row.items():
                kind = kinds[name]
                if kind in ("text", "list"):
                    values[name] = read_csv_cell(cell)
                elif cell == "":
                    values[name] = None
                elif kind in ("int", "flag"):
                    values[name] = int(cell) if kind == "int" else bool(int(cell))
                else:
                    values[name] = cell
            out.append(values)
        return out


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_every_table_reads_back_as_the_database_holds_it(
    practice: Practice, tmp_path: Path, fmt: str
) -> None:
    summary = export_period(practice.clinic.services, *PERIOD, tmp_path / "out", fmt)  # type: ignore[arg-type]
    expected = _expected(practice, *PERIOD)
    kinds = {spec.name: {c.name: c.kind for c in spec.columns} for spec in TABLES}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["from"] == PERIOD[0].isoformat() and manifest["file_format"] == fmt
    assert [f["table"] for f in manifest["files"]] == list(expected)
    for file in summary.files:
        path = tmp_path / "out" / f"{file.table}.{fmt}"
        assert path.stat().st_mode & 0o077 == 0  # patient information: owner only
        if fmt == "csv":
            got = _read_csv(path, kinds[file.table])
        else:
            document = json.loads(path.read_text(encoding="utf-8"))
            assert [c["name"] for c in document["columns"]] == list(kinds[file.table])
            got = document["rows"]
            for row in got:  # JSON keeps lists as arrays; compare as the database stores them
                if "modifiers" in row:
                    row["modifiers"] = " ".join(row["modifiers"])
        want = expected[file.table]
        if fmt == "csv":  # a CSV cell cannot tell no text from an empty one: both are empty
            text = {n for n, k in kinds[file.table].items() if k in ("text", "list")}
            want = [{k: "" if v is None and k in text else v for k, v in r.items()} for r in want]
        assert len(got) == len(want) == file.rows, file.table
        assert set(want[0]) == set(kinds[file.table]), file.table  # every column compared
        assert got == want, file.table
    # 3 timed runs a day for 3 days, the hostile patient's one and the open visit's running one
    assert len(expected["segments"]) == 11
    assert [s["visit_id"] for s in expected["segments"] if s["stopped_at"] is None] == [
        practice.open_visit
    ]
    assert all(line["charge"] is not None for line in expected["claim_lines"])
    # the ledger's entries of the period: the write-off, the refund, the discount and its
    # reversal, the payment's reversal (the entry ten days before is not)
    assert sorted(e["kind"] for e in expected["adjustments"]) == [
        "adjustment",
        "adjustment",
        "adjustment",
        "adjustment_reversal",
        "payment_reversal",
    ]
    assert {"-25.00", "-0.05", "12.50"} <= {e["amount"] for e in expected["adjustments"]}


def test_text_a_spreadsheet_would_run_is_inert_and_reads_back(
    practice: Practice, tmp_path: Path
) -> None:
    export_period(practice.clinic.services, *PERIOD, tmp_path, "csv")
    with (tmp_path / "patients.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    (row,) = [r for r in rows if int(r["id"]) == practice.hostile_id]
    for name, text in HOSTILE.items():
        assert row[name] == "'" + text, name  # the cell starts with the quote, not the formula
        assert read_csv_cell(row[name]) == text
    # every text cell of every file: none starts as a formula
    for path in tmp_path.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as stream:
            for line in csv.reader(stream):
                for cell in line:
                    assert not cell.startswith(FORMULA_STARTS[:-1]) or _number(cell), (path, cell)


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_a_period_without_the_open_visit_and_unicode_text(clinic: Clinic, tmp_path: Path) -> None:
    practice = small_practice(clinic)
    services = clinic.services
    services.records.add_patient("Nguyễn", "Đức", date(1950, 1, 1), diagnoses=["M17.11"])
    export_period(services, DAY, DAY, tmp_path, "csv")
    text = (tmp_path / "visits.csv").read_text(encoding="utf-8")
    assert str(practice.open_visit) not in [line.split(",")[0] for line in text.splitlines()]
    visits = _read_csv(tmp_path / "visits.csv", {c.name: c.kind for c in TABLES[1].columns})
    assert {v["date_of_service"] for v in visits} == {DAY.isoformat()}
    # a patient with nothing in the period is not exported
    assert "Nguyễn" not in (tmp_path / "patients.csv").read_text(encoding="utf-8")


def test_the_documented_schema_names_every_column() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    for spec in TABLES:
        section = doc.split(f"### `{spec.name}`", 1)[1].split("###", 1)[0]
        for column in spec.columns:
            assert f"| `{column.name}` | {column.kind} |" in section, (spec.name, column.name)


def test_the_ledgers_entries_are_the_adjustments_file(practice: Practice, tmp_path: Path) -> None:
    """What a biller looks for in the adjustments file, cell by cell: the write-off of a visit
    with its note made inert, the refund and the reversals signed as the ledger keeps them."""
    services = practice.clinic.services
    export_period(services, *PERIOD, tmp_path, "csv")
    with (tmp_path / "adjustments.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    by_kind = {(r["kind"], r["adjustment_type"]): r for r in rows}
    write_off = by_kind[("adjustment", "write_off")]
    assert write_off["visit_id"] == str(practice.finalized[1])
    assert (write_off["amount"], write_off["note"]) == ("12.50", "'=SUM(A1)")
    assert by_kind[("adjustment", "refund")]["amount"] == "-0.05"
    assert by_kind[("adjustment_reversal", "discount")]["note"] == "'@entered twice"
    assert by_kind[("payment_reversal", "")]["amount"] == "-25.00"
    assert len(rows) == 5  # the entry dated before the period is not in it
    # the hostile patient is exported for the refund alone on the second day
    export_period(services, *(PERIOD[0] + timedelta(days=1),) * 2, tmp_path / "day", "json")
    patients = json.loads((tmp_path / "day" / "patients.json").read_text())["rows"]
    assert practice.hostile_id in {p["id"] for p in patients}


def test_bad_requests_are_refused_naming_the_option(practice: Practice, tmp_path: Path) -> None:
    services = practice.clinic.services
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="--from"):
        export_period(services, DAY, DAY - timedelta(days=1), tmp_path)
    with pytest.raises(InputError, match=r"-o: .* is a file"):
        export_period(services, DAY, DAY, tmp_path / "file")
    with pytest.raises(InputError, match="-o: no such folder"):
        export_period(services, DAY, DAY, tmp_path / "missing" / "deeper")
    with pytest.raises(InputError, match="--format"):
        export_period(services, DAY, DAY, tmp_path, "xlsx")  # type: ignore[arg-type]


def test_a_full_disk_leaves_no_file_and_names_what_to_do(
    practice: Practice,
    small_disk: SmallDisk,  # noqa: F811
) -> None:
    services = practice.clinic.services
    target = small_disk.folder / "export"
    target.mkdir()
    export_period(services, *PERIOD, target, "json")
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    small_disk.fill()
    with pytest.raises(ExportError, match=r"No space left on device.*free some space"):
        export_period(services, *PERIOD, target, "json")
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before  # the earlier export


def test_a_read_only_folder_is_refused_whole(practice: Practice, tmp_path: Path) -> None:
    target = tmp_path / "ro"
    target.mkdir()
    with read_only(target), pytest.raises(ExportError, match=r"ro.*cannot write the export"):
        export_period(practice.clinic.services, *PERIOD, target, "csv")
    assert list(target.iterdir()) == []


def test_cents_are_written_as_dollars_by_both_spellings(clinic: Clinic) -> None:
    """The engine's money spelling (SQLite's printf, or the portable one) against Python's, on
    both sides of zero, every cents remainder and the large amounts."""
    db = clinic.services.db
    values = [*range(-2_050, 2_051, 7), -100, -99, -1, 0, 1, 99, 100]
    values += [10**12 + 5, -(10**12) - 5, 2**62 + 3, -(2**62) - 3]
    spellings = {db.dialect, "postgresql"} if db.dialect == "sqlite" else {db.dialect}
    for dialect in spellings:
        expr = _dollars("x", dialect)
        for cents in values:
            sql = f"SELECT {expr} FROM (SELECT CAST(? AS BIGINT) AS x) t"
            assert db.execute(sql, (cents,)).fetchone()[0] == dollars(cents), (dialect, cents)
        null = f"SELECT {expr} FROM (SELECT CAST(NULL AS BIGINT) AS x) t"
        assert db.execute(null).fetchone()[0] is None
