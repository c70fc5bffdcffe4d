"""Every golden case (published and rule-derived), through the CLI and through the Python API."""

from __future__ import annotations

import io
from typing import Any

import pytest

from chargeclock.cli import run_calc
from tests.helpers import case_text, check_expectations, golden_cases, run_cli

CASES = golden_cases()


def _ids(case: dict[str, Any]) -> str:
    return str(case["id"])


def test_the_golden_file_is_not_empty() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_golden_case_through_the_python_api(case: dict[str, Any]) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = run_calc(case_text(case), out, err)
    expected_status = case["expect"].get("exit_status", 0)
    assert status == expected_status, err.getvalue()
    if expected_status:
        assert out.getvalue() == ""
        assert len(err.getvalue().splitlines()) == 1
        return
    import json

    check_expectations(case, json.loads(out.getvalue()))


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_golden_case_through_the_cli(case: dict[str, Any], tmp_path: Any) -> None:
    path = tmp_path / "visit.json"
    path.write_text(case_text(case))
    run = run_cli("calc", str(path))
    expected_status = case["expect"].get("exit_status", 0)
    assert run.status == expected_status, run.stderr
    if expected_status:
        assert run.stdout == ""
        lines = run.stderr.splitlines()
        assert len(lines) == 1 and lines[0].strip()
        assert "Traceback" not in run.stderr
        return
    check_expectations(case, run.document)
