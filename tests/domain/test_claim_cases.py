"""The claim cases (``tests/data/claim_cases.json``): line modifiers, payer kinds, GA in place
of KX, MPPR across disciplines and KX counted for Part B only, through ``chargeclock calc`` and
through the Python API. Each case names the rule it follows; the keys of ``expect``:

* ``claim_lines``: exactly these ``[code, modifiers, units]``, in order
* ``allowed``: the lines' allowed amounts, in order
* ``warnings``: ``[kind, carc]`` pairs that must be among the warnings
* ``absent``: warning kinds that must not be there
* ``kx_applies``, ``counts_toward_ytd``, ``timed_units``: equal
* ``exit_status`` and ``error_contains``: refused input (status 2, one line on stderr)
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from chargeclock.cli import run_calc
from tests.helpers import DATA, run_cli

CASES: list[dict[str, Any]] = json.loads((DATA / "claim_cases.json").read_text())


def _check(case: dict[str, Any], doc: dict[str, Any]) -> None:
    expect = case["expect"]
    where = case["id"]
    if "claim_lines" in expect:
        got = [[x["code"], x["modifiers"], x["units"]] for x in doc["claim_lines"]]
        assert got == expect["claim_lines"], where
    if "allowed" in expect:
        assert [x["allowed"] for x in doc["claim_lines"]] == expect["allowed"], where
    pairs = [[w["kind"], w["carc"]] for w in doc["warnings"]]
    for pair in expect.get("warnings", []):
        assert pair in pairs, f"{where}: {pairs}"
    for kind in expect.get("absent", []):
        assert kind not in [p[0] for p in pairs], f"{where}: {pairs}"
    if "kx_applies" in expect:
        assert doc["kx"]["applies"] == expect["kx_applies"], where
    if "counts_toward_ytd" in expect:
        assert doc["kx"]["counts_toward_ytd"] == expect["counts_toward_ytd"], where
    if "timed_units" in expect:
        assert doc["timed_units"] == expect["timed_units"], where


def test_the_claim_cases_cover_each_rule() -> None:
    ids = " ".join(c["id"] for c in CASES)
    for part in ("MOD-", "KIND-", "KX-GA", "MPPR-CROSS", "KX-PART-B", "KIND-COMMERCIAL"):
        assert part in ids


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_claim_case_through_the_python_api(case: dict[str, Any]) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = run_calc(json.dumps(case["input"]), out, err)
    assert status == case["expect"].get("exit_status", 0), err.getvalue()
    if status:
        assert out.getvalue() == "" and len(err.getvalue().splitlines()) == 1
        assert case["expect"]["error_contains"] in err.getvalue()
        return
    _check(case, json.loads(out.getvalue()))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_claim_case_through_the_cli(case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(case["input"]))
    run = run_cli("calc", str(path))
    assert run.status == case["expect"].get("exit_status", 0), run.stderr
    if run.status:
        assert run.stdout == "" and "Traceback" not in run.stderr
        assert case["expect"]["error_contains"] in run.stderr
        return
    _check(case, run.document)
