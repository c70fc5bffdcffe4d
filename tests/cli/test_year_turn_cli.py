"""The year turns, on the command line: calc on a date past the rule data, import-rules, and
calc --db with the clinic's imported figures."""

from __future__ import annotations

import json
from pathlib import Path

from chargeclock.domain.rulebook import RuleBook
from chargeclock.services.session import Services
from tests.helpers import run_cli
from tests.services.test_rule_imports import HEADER, row


def visit(day: str) -> str:
    return json.dumps(
        {
            "date_of_service": day,
            "services": [{"code": "97110", "pt_minutes": 15}],
            "ytd_allowed": {"pt_slp": 2500.00},
        }
    )


def test_calc_on_a_date_past_the_data_is_provisional_and_exits_0(book: RuleBook) -> None:
    latest = max(book.years)
    run = run_cli("calc", stdin=visit(f"{latest + 1}-01-04"))
    assert run.status == 0, run.stderr
    doc = run.document
    assert (doc["rule_year"], doc["rule_data_year"], doc["fees_year"]) == (
        latest + 1,
        latest,
        latest,
    )
    kinds = [w["kind"] for w in doc["warnings"]]
    assert "rules_provisional" in kinds and "fees_provisional" in kinds
    assert doc["kx"]["threshold"] == float(book.year(latest).kx_threshold["pt_slp"])


def test_import_rules_then_calc_with_the_clinic_database(tmp_path: Path, book: RuleBook) -> None:
    year = max(book.years) + 1
    database = tmp_path / "clinic.db"
    figures = tmp_path / "figures.csv"
    figures.write_text(HEADER + row(year, kx_pt_slp="2550", kx_ot="2550"))
    missing = run_cli("import-rules", "--db", str(database), str(figures))
    assert missing.status == 2 and "no such file" in missing.stderr  # never creates one
    Services.open(database).close()

    imported = run_cli("import-rules", "--db", str(database), str(figures))
    assert imported.status == 0, imported.stderr
    assert imported.stdout.strip() == f"Medicare figures loaded from figures.csv for {year}"

    run = run_cli("calc", "--db", str(database), stdin=visit(f"{year}-01-04"))
    assert run.status == 0, run.stderr
    doc = run.document
    assert doc["rule_data_year"] == year and doc["kx"]["threshold"] == 2550.0
    assert "rules_provisional" not in [w["kind"] for w in doc["warnings"]]
    # $2,500 + one unit of 97110 stays below the imported $2,550; the shipped threshold
    # (lower) was already reached, so without --db the same visit carries KX.
    assert doc["kx"]["applies"] is False
    plain = run_cli("calc", stdin=visit(f"{year}-01-04")).document
    assert plain["rule_data_year"] == year - 1 and plain["kx"]["applies"] is True


def test_import_rules_refuses_a_bad_file_in_one_line(tmp_path: Path) -> None:
    database = tmp_path / "clinic.db"
    Services.open(database).close()
    figures = tmp_path / "figures.csv"
    figures.write_text(HEADER + row(2027, source=""))
    run = run_cli("import-rules", "--db", str(database), str(figures))
    assert run.status == 2
    assert run.stderr.strip() == (
        "chargeclock: figures.csv line 2, column source: is required: say where the figures "
        "come from"
    )
    assert run.stdout == "" and "Traceback" not in run.stderr


def test_calc_db_on_a_missing_database_is_one_line(tmp_path: Path) -> None:
    run = run_cli("calc", "--db", str(tmp_path / "none.db"), stdin=visit("2026-03-02"))
    assert run.status == 2 and len(run.stderr.splitlines()) == 1
    assert "none.db" in run.stderr and not (tmp_path / "none.db").exists()


def test_demo_db_before_the_data_names_the_option(tmp_path: Path) -> None:
    run = run_cli("demo-db", "--today", "2017-12-31", str(tmp_path / "d.db"))
    assert run.status == 2
    assert run.stderr.strip() == (
        "chargeclock: --today: 2017-12-31 is before the rule data starts (2018-01-01)"
    )
