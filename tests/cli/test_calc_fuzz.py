"""Thousands of random and malformed inputs to the calc entry point, in process: each must give
either a valid result document or a status-2 one-line error — never anything else."""

from __future__ import annotations

import io
import json
import random
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chargeclock.cli import run_calc
from tests.helpers import golden_cases

RESULT_KEYS = {
    "rule_year",
    "unit_method",
    "total_timed_minutes",
    "total_treatment_minutes",
    "timed_units",
    "services",
    "claim_lines",
    "kx",
    "alternatives",
    "alternatives_truncated",
    "review",
    "warnings",
    "trace",
}


def check(payload: str | bytes) -> int:
    out, err = io.StringIO(), io.StringIO()
    status = run_calc(payload, out, err)
    if status == 0:
        doc = json.loads(out.getvalue())
        assert set(doc) >= RESULT_KEYS
        assert err.getvalue() == ""
        assert sum(ln["units"] for ln in doc["claim_lines"]) == sum(
            s["units"] for s in doc["services"]
        )
    else:
        assert status == 2, err.getvalue()
        assert out.getvalue() == ""
        lines = err.getvalue().splitlines()
        assert len(lines) == 1 and lines[0].strip() and "Traceback" not in lines[0]
    return status


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["97110", "97140", "G0283", "2026-03-02", "cms", "SLP"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "date_of_service",
                    "discipline",
                    "payer",
                    "services",
                    "code",
                    "pt_minutes",
                    "pta_minutes",
                    "ytd_allowed",
                    "pt_slp",
                    "ot",
                    "unit_method",
                    "kx",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(json_values)
def test_random_json_documents(value: Any) -> None:
    check(json.dumps(value))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    check(data)


def _mutate(rng: random.Random, doc: Any) -> Any:
    """Replace, drop or retype one value somewhere in a valid document."""
    if isinstance(doc, dict) and doc:
        key = rng.choice(sorted(doc))
        choice = rng.random()
        if choice < 0.2:
            return {k: v for k, v in doc.items() if k != key}
        return {**doc, key: _mutate(rng, doc[key])}
    if isinstance(doc, list) and doc:
        i = rng.randrange(len(doc))
        if rng.random() < 0.2:
            return doc[:i] + doc[i + 1 :]
        return [*doc[:i], _mutate(rng, doc[i]), *doc[i + 1 :]]
    return rng.choice(
        [
            None,
            True,
            False,
            -1,
            0,
            7,
            8,
            15,
            1440,
            1441,
            2.5,
            "15",
            "",
            "97110",
            "97014",
            "2026-02-30",
            "2017-12-31",
            "2026-12-31",
            [],
            {},
            10**20,
        ]
    )


def test_mutated_golden_inputs() -> None:
    rng = random.Random(20261127)
    valid = [c["input"] for c in golden_cases() if "input" in c]
    statuses = {0: 0, 2: 0}
    for _ in range(3000):
        doc = rng.choice(valid)
        for _ in range(rng.randint(1, 3)):
            doc = _mutate(rng, doc)
        statuses[check(json.dumps(doc))] += 1
        text = json.dumps(rng.choice(valid))
        cut = rng.randrange(len(text))
        statuses[check(text[:cut] + text[cut + 1 :])] += 1
    # Both outcomes are exercised, so the fuzzing reaches the engine, not just the parser.
    assert statuses[0] > 300 and statuses[2] > 300


well_formed = st.fixed_dictionaries(
    {
        "date_of_service": st.dates(min_value=date(2018, 1, 1), max_value=date(2026, 12, 31)).map(
            date.isoformat
        ),
        "services": st.lists(
            st.fixed_dictionaries(
                {
                    "code": st.sampled_from(
                        [
                            "97110",
                            "97112",
                            "97140",
                            "97530",
                            "97161",
                            "G0283",
                            "97150",
                            "98960",
                            "97010",
                            "97035",
                        ]
                    )
                },
                optional={
                    "pt_minutes": st.integers(0, 1440),
                    "pta_minutes": st.integers(0, 1440),
                },
            ),
            max_size=6,
            unique_by=lambda s: s["code"],
        ),
    },
    optional={
        "discipline": st.sampled_from(["PT", "OT"]),  # SLP is refused (test_calc_errors)
        "payer": st.fixed_dictionaries(
            {},
            optional={
                "unit_method": st.sampled_from(["cms", "per_code"]),
                "assistant_modifiers": st.booleans(),
                "kx": st.booleans(),
                "medicare": st.booleans(),
            },
        ),
        "ytd_allowed": st.fixed_dictionaries(
            {},
            optional={
                "pt_slp": st.integers(0, 10_000) | st.floats(0, 10_000, allow_nan=False),
                "ot": st.integers(0, 10_000) | st.floats(0, 10_000, allow_nan=False),
            },
        ),
    },
)


@settings(max_examples=800, deadline=None, suppress_health_check=list(HealthCheck))
@given(well_formed)
def test_every_well_formed_input_is_billed(doc: dict[str, Any]) -> None:
    assert check(json.dumps(doc)) == 0, doc


def test_whole_dollar_amounts_are_amounts() -> None:
    out, err = io.StringIO(), io.StringIO()
    doc = {
        "date_of_service": "2026-03-02",
        "services": [],
        "ytd_allowed": {"pt_slp": 1200, "ot": 0},
    }
    assert run_calc(json.dumps(doc), out, err) == 0, err.getvalue()
    assert json.loads(out.getvalue())["kx"]["ytd_before"] == 1200.0


def test_amounts_are_taken_to_the_cent_half_up() -> None:
    out, err = io.StringIO(), io.StringIO()
    doc = {
        "date_of_service": "2026-03-02",
        "services": [{"code": "97110", "pt_minutes": 15}],
        "ytd_allowed": {"pt_slp": 2450.935},
    }
    assert run_calc(json.dumps(doc), out, err) == 0
    kx = json.loads(out.getvalue())["kx"]
    # 2450.935 -> 2450.94; + 29.06 = 2480.00 reaches the threshold.
    assert kx["ytd_before"] == 2450.94 and kx["ytd_after"] == 2480.0 and kx["applies"]
