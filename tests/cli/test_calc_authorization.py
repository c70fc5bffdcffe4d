"""``chargeclock calc`` with an ``authorization``: where the visit stands and the same warnings
as the visit screen (calc-contract.md)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from chargeclock.cli import run_calc
from tests.helpers import run_cli

BASE: dict[str, Any] = {
    "date_of_service": "2026-03-02",
    "services": [{"code": "97110", "pt_minutes": 30}],
}


def _calc(authorization: dict[str, Any] | None, **extra: Any) -> tuple[int, dict[str, Any], str]:
    request = {**BASE, **extra}
    if authorization is not None:
        request["authorization"] = authorization
    out, err = io.StringIO(), io.StringIO()
    status = run_calc(json.dumps(request), out, err)
    return status, json.loads(out.getvalue()) if out.getvalue() else {}, err.getvalue()


def _auth(**fields: Any) -> dict[str, Any]:
    return {"visits_authorized": 12, "valid_from": "2026-01-01", "valid_to": "2026-03-31", **fields}


def _kinds(document: dict[str, Any]) -> list[str]:
    return [w["kind"] for w in document["warnings"] if w["kind"].startswith("authorization")]


def test_without_an_authorization_nothing_changes() -> None:
    status, document, _ = _calc(None)
    assert status == 0 and "authorization" not in document and _kinds(document) == []


def test_the_visit_number_and_line_as_the_window_shows_them() -> None:
    status, document, _ = _calc(_auth(visits_used=6))
    assert status == 0
    assert document["authorization"] == {
        "visit_number": 7,
        "visits_authorized": 12,
        "visits_left": 5,
        "valid_to": "2026-03-31",
        "line": "visit 7 of 12 · until 03/31",
    }
    assert _kinds(document) == []


@pytest.mark.parametrize(
    ("fields", "kind", "words"),
    [
        ({"visits_used": 9}, "authorization_low", "2 visits left on the authorization"),
        ({"visits_used": 11}, "authorization_low", "0 visits left on the authorization"),
        ({"visits_used": 12, "number": "A-9"}, "authorization_exhausted", "CO-198: visit 13 of 12"),
        ({"valid_to": "2026-02-28"}, "authorization_expired", "CO-197: the authorization ended"),
        ({"valid_from": "2026-03-05"}, "authorization_not_started", "CO-197"),
    ],
)
def test_each_warning(fields: dict[str, Any], kind: str, words: str) -> None:
    status, document, _ = _calc(_auth(**fields))
    assert status == 0 and _kinds(document) == [kind]
    warning = next(w for w in document["warnings"] if w["kind"] == kind)
    assert words in warning["message"]
    # a denial risk carries the reason code a payer would deny with; a low count is no denial
    assert warning["carc"] == (words[:6] if words.startswith("CO-") else None)


def test_the_numbers_never_change_with_an_authorization() -> None:
    plain = _calc(None)[1]
    exhausted = _calc(_auth(visits_used=40))[1]
    for key in ("timed_units", "claim_lines", "kx", "services"):
        assert plain[key] == exhausted[key]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"visits_authorized": 0},
            "authorization.visits_authorized: must be a whole number of visits from 1 to 10000, "
            "got 0",
        ),
        (
            {"visits_used": "3"},
            'authorization.visits_used: must be a whole number of visits from 0 to 10000, got "3"',
        ),
        ({"valid_to": "2025-12-31"}, "authorization.valid_to: must be on or after valid_from"),
        (
            {"valid_from": "2026-13-01"},
            'authorization.valid_from: must be a date written YYYY-MM-DD, got "2026-13-01"',
        ),
        ({"renewed": True}, "authorization.renewed: is not a field of the calc input"),
    ],
)
def test_bad_authorizations_name_the_field(fields: dict[str, Any], message: str) -> None:
    status, document, err = _calc(_auth(**fields))
    assert status == 2 and document == {} and err.startswith(message)


def test_the_installed_command_takes_it() -> None:
    run = run_cli("calc", "-", stdin=json.dumps({**BASE, "authorization": _auth(visits_used=10)}))
    assert run.status == 0, run.stderr
    assert run.document["authorization"]["line"] == "visit 11 of 12 · until 03/31"
