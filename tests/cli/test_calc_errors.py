"""``chargeclock calc`` bad input: status 2, one line naming the field, nothing on stdout."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest

from chargeclock.cli import run_calc
from tests.helpers import run_cli


def base(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "date_of_service": "2026-03-02",
        "services": [{"code": "97110", "pt_minutes": 20}, {"code": "97140", "pt_minutes": 5}],
    }
    doc.update(changes)
    return doc


def error_of(payload: str | bytes) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert run_calc(payload, out, err) == 2
    assert out.getvalue() == ""
    lines = err.getvalue().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def svc(**fields: Any) -> str:
    service = {"code": "97110", "pt_minutes": 20}
    service.update(fields)
    return json.dumps(base(services=[{"code": "97140", "pt_minutes": 5}, service]))


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            svc(pt_minutes=-5),
            "services[1].pt_minutes: must be a whole number of minutes from 0 to 1440, got -5",
        ),
        (
            svc(pt_minutes="15"),
            'services[1].pt_minutes: must be a whole number of minutes from 0 to 1440, got "15"',
        ),
        (
            svc(pta_minutes=True),
            "services[1].pta_minutes: must be a whole number of minutes from 0 to 1440, got true",
        ),
        (
            svc(pt_minutes=15.5),
            "services[1].pt_minutes: must be a whole number of minutes from 0 to 1440, got 15.5",
        ),
        (
            svc(pt_minutes=1441),
            "services[1].pt_minutes: must be a whole number of minutes from 0 to 1440, got 1441",
        ),
        (svc(code=97110), "services[1].code: must be a code written as a string"),
        (svc(code="99999"), "services[1].code: '99999' is not a code in the 2026 code list"),
        (svc(code="97140"), "services[1].code: 97140 appears twice"),
        (svc(pt_minute=3), "services[1].pt_minute: is not a field of the calc input"),
        (
            json.dumps(base(ytd_allowed={"pt_slp": "1200"})),
            "ytd_allowed.pt_slp: must be an amount in dollars",
        ),
        (json.dumps(base(ytd_allowed={"ot": -1})), "ytd_allowed.ot: must be an amount in dollars"),
        (json.dumps(base(payer={"kx": "yes"})), "payer.kx: must be true or false"),
        (
            json.dumps(base(payer={"unit_method": "tenths"})),
            'payer.unit_method: must be "cms" or "per_code"',
        ),
        (json.dumps(base(discipline="PTA")), 'discipline: must be "PT" or "OT", got "PTA"'),
        (json.dumps(base(discipline="SLP")), "discipline: SLP is not offered: speech-language"),
        (
            json.dumps(base(date_of_service="2026-13-01")),
            "date_of_service: must be a date written YYYY-MM-DD",
        ),
        (json.dumps(base(date_of_service="1999-03-02")), "date_of_service: no rule data for 1999"),
        (json.dumps(base(services={"code": "97110"})), "services: must be a JSON list"),
        (json.dumps({"date_of_service": "2026-03-02"}), "services: is required"),
        (json.dumps([1, 2]), "input: must be a JSON object"),
        ("", "input: not valid JSON"),
        (b"\xff\xfe{", "input: not valid JSON"),
        ('{"date_of_service": NaN}', "date_of_service: must be a date"),
        (
            '{"date_of_service": "2026-03-02", "services": [{"code": "97110", "pt_minutes": NaN}]}',
            "services[0].pt_minutes: must be a whole number",
        ),
    ],
)
def test_bad_input_names_the_field(payload: str, expected: str) -> None:
    assert error_of(payload).startswith(expected)


def test_deep_nesting_is_a_clean_error() -> None:
    assert error_of("[" * 100_000 + "]" * 100_000).startswith("input:")


def test_cli_reads_stdin_and_reports_a_missing_file(tmp_path: Any) -> None:
    ok = run_cli("calc", "-", stdin=json.dumps(base()))
    assert ok.status == 0 and ok.document["timed_units"] == 2
    missing = run_cli("calc", str(tmp_path / "nope.json"))
    assert missing.status == 2 and missing.stdout == ""
    assert missing.stderr.startswith("FILE: cannot read")


def test_cli_error_is_one_line_without_traceback() -> None:
    run = run_cli("calc", stdin=svc(pt_minutes=-5))
    assert run.status == 2 and run.stdout == ""
    assert run.stderr == (
        "services[1].pt_minutes: must be a whole number of minutes from 0 to 1440, got -5\n"
    )


def test_calc_loads_neither_qt_nor_reportlab_nor_sql(tmp_path: Any) -> None:
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(base()))
    probe = (
        "import sys, contextlib, io\n"
        "from chargeclock.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = main(['calc', {str(path)!r}])\n"
        "heavy = ('PySide6', 'reportlab', 'sqlite_utils', 'sqlite3')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(status, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []"
