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
    return small_practice(clinic)


def dollars(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _db(practice: Practice, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in practice.clinic.services.db.execute(sql, params).fetchall()]


def _expected(practice: Practice, first: date, last: date) -> dict[str, list[dict[str, Any]]]:
    """Each table's rows for the period, read straight from the database (not through the
    exporter's own queries), in the exporter's types: money in dollars, flags as bool."""
    a, b = first.isoformat(), last.isoformat()
    visit_ids = {
        r[0]
        for r in _db(practice, "SELECT id FROM visits WHERE date_of_service BETWEEN ? AND ?", a, b)
    }
    payments = _db(
        practice,
        "SELECT id, patient_id, visit_id, paid_on, amount_cents, method "
        "FROM payments WHERE paid_on BETWEEN ? AND ?",
        a,
        b,
    )
    patient_ids = {r[1] for r in payments} | {
        r[0]
        for r in _db(
            practice, "SELECT patient_id FROM visits WHERE date_of_service BETWEEN ? AND ?", a, b
        )
    }
    patients = [
        {
            "id": r[0],
            "last_name": r[1],
            "first_name": r[2],
            "address": r[3],
            "phone": r[4],
            "member_id": r[5],
        }
        for r in _db(
            practice,
            "SELECT id, last_name, first_name, address, phone, member_id FROM patients ORDER BY id",
        )
        if r[0] in patient_ids
    ]
    lines = [
        {
            "id": r[0],
            "visit_id": r[1],
            "code": r[2],
            "modifiers": r[3],
            "units": r[4],
            "allowed": None if r[5] is None else dollars(r[5]),
            "charge": None if r[6] is None else dollars(r[6]),
        }
        for r in _db(
            practice,
            "SELECT id, visit_id, code, modifiers, units, allowed_cents, "
            "charge_cents FROM claim_lines ORDER BY visit_id, line_number",
        )
        if r[1] in visit_ids
    ]
    segments = [
        {"id": r[0], "visit_id": r[1], "role": r[2], "started_at": r[3], "stopped_at": r[4]}
        for r in _db(
            practice,
            "SELECT id, visit_id, role, started_at, stopped_at "
            "FROM timer_segments ORDER BY visit_id, started_at, id",
        )
        if r[1] in visit_ids
    ]
    return {
        "patients": patients,
        "visits": [{"id": i} for i in sorted(visit_ids)],
        "segments": segments,
        "claim_lines": lines,
        "payments": [
            {
                "id": r[0],
                "patient_id": r[1],
                "visit_id": r[2],
                "paid_on": r[3],
                "amount": dollars(r[4]),
                "method": r[5],
            }
            for r in sorted(payments, key=lambda r: (r[3], r[0]))
        ],
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


def _subset(rows: list[dict[str, Any]], keys: list[str]) -> list[dict[str, Any]]:
    return [{k: r[k] for k in keys} for r in rows]


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
        assert len(got) == len(want) == file.rows, file.table
        assert _subset(got, list(want[0])) == want, file.table
    # 3 timed runs a day for 3 days, the hostile patient's one and the open visit's running one
    assert len(expected["segments"]) == 11
    assert [s["visit_id"] for s in expected["segments"] if s["stopped_at"] is None] == [
        practice.open_visit
    ]
    assert all(line["charge"] is not None for line in expected["claim_lines"])


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
        if spec.optional:
            assert f"`{spec.name}`" in doc
            continue
        section = doc.split(f"### `{spec.name}`", 1)[1].split("###", 1)[0]
        for column in spec.columns:
            assert f"| `{column.name}` | {column.kind} |" in section, (spec.name, column.name)


@pytest.mark.sqlite_file  # SQLite's own SQL and errors (the server's guards: tests/storage)
def test_an_adjustments_table_where_the_schema_has_one(practice: Practice, tmp_path: Path) -> None:
    services = practice.clinic.services
    visit = practice.finalized[1]
    with services.db.transaction():
        services.db.execute(
            "CREATE TABLE adjustments (id INTEGER PRIMARY KEY, visit_id INTEGER, kind TEXT, "
            "amount_cents INTEGER)"
        )
        services.db.execute(
            "INSERT INTO adjustments (visit_id, kind, amount_cents) VALUES "
            "(?, '-write-off', -1250), (?, 'refund', -5), (?, '@fee', 7), (?, NULL, NULL), "
            "(999, 'discount', 100)",
            (visit, visit, visit, visit),
        )
    summary = export_period(services, *PERIOD, tmp_path, "csv")
    assert summary.files[-1].table == "adjustments" and summary.files[-1].rows == 4
    with (tmp_path / "adjustments.csv").open(newline="") as stream:
        assert list(csv.reader(stream)) == [
            ["id", "visit_id", "kind", "amount"],
            ["1", str(visit), "'-write-off", "-12.50"],
            ["2", str(visit), "refund", "-0.05"],
            ["3", str(visit), "'@fee", "0.07"],
            ["4", str(visit), "", ""],
        ]
    export_period(services, *PERIOD, tmp_path, "json")
    rows = json.loads((tmp_path / "adjustments.json").read_text())["rows"]
    assert [r["amount"] for r in rows] == ["-12.50", "-0.05", "0.07", None]
    assert rows[0]["kind"] == "-write-off"


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
