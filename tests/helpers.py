"""Helpers shared by the tests: running the calc the way a biller does."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chargeclock.storage.store import Engine

DATA = Path(__file__).parent / "data"


def golden_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((DATA / "golden_cases.json").read_text())
    return cases


@dataclass
class CalcRun:
    status: int
    stdout: str
    stderr: str

    @property
    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.stdout)
        return doc


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> CalcRun:
    """``chargeclock ARGS`` in a fresh interpreter (the installed entry point's module)."""
    proc = subprocess.run(
        [sys.executable, "-m", "chargeclock.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    return CalcRun(proc.returncode, proc.stdout, proc.stderr)


def case_text(case: dict[str, Any]) -> str:
    if "input_raw" in case:
        raw: str = case["input_raw"]
        return raw
    return json.dumps(case["input"])


def check_expectations(case: dict[str, Any], doc: dict[str, Any]) -> None:
    """Every key of a golden case's ``expect`` (golden README) against a calc document."""
    expect = case["expect"]
    if "services_any_of" in expect:
        got = {
            s["code"]: {"units": s["units"], "assistant_units": s["assistant_units"]}
            for s in doc["services"]
        }
        assert got in expect["services_any_of"], f"{case['id']}: services {got}"
    for key in ("timed_units", "total_timed_minutes", "total_treatment_minutes"):
        if key in expect:
            assert doc[key] == expect[key], f"{case['id']}: {key} {doc[key]}"
    if "kx_applies" in expect:
        assert doc["kx"]["applies"] == expect["kx_applies"], case["id"]
    if "kx_lines" in expect:
        for line in doc["claim_lines"]:
            has_kx = "KX" in line["modifiers"]
            assert has_kx == (line["code"] in expect["kx_lines"]), f"{case['id']}: {line}"
    if "kx_threshold" in expect:
        assert abs(doc["kx"]["threshold"] - expect["kx_threshold"]) < 0.01, case["id"]
    if "kx_over_review_threshold" in expect:
        assert doc["kx"]["over_review_threshold"] == expect["kx_over_review_threshold"]
    if "claim_lines_allowed_total" in expect:
        amounts = [line["allowed"] for line in doc["claim_lines"]]
        assert None not in amounts, f"{case['id']}: unknown amount in {amounts}"
        assert abs(sum(amounts) - expect["claim_lines_allowed_total"]) < 0.01, case["id"]


def tamper(path: Path, *sql: str) -> None:
    """What someone with the database file and sqlite3 can do: drop the triggers that keep the
    audit log append-only, then run ``sql``."""
    conn = sqlite3.connect(path)
    try:
        for trigger in ("audit_log_no_update", "audit_log_no_delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def tamper_store(db: Engine, *sql: str, table: str = "audit_log") -> None:
    """The same through an open store of either engine: the append-only guards of ``table``
    lifted (dropped from the SQLite file, disabled on the server), then ``sql``."""
    if db.dialect == "postgresql":
        db.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for statement in sql:
            db.execute(statement)
        db.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    else:
        for trigger in (f"{table}_no_update", f"{table}_no_delete"):
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in sql:
            db.execute(statement)


#: the Okabe–Ito colours (Okabe and Ito, "Color Universal Design"): told apart with any colour
#: vision
OKABE_ITO = frozenset(
    {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
)
#: the least difference of CIE lightness (L*, 0 black to 100 white) between two series shown
#: together: what a greyscale print keeps of a colour is its lightness. The closest pair the
#: charts use, blue and bluish green, is 11.7 apart; vermillion and bluish green, 3.5 apart,
#: print as one grey.
MIN_GREY_STEP = 10.0


def lightness(colour: str) -> float:
    """CIE L* of an sRGB colour written ``#RRGGBB``."""

    def linear(channel: str) -> float:
        c = int(channel, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(colour[i : i + 2]) for i in (1, 3, 5))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def grey_steps(colours: list[str]) -> list[float]:
    """The lightness differences of every pair of ``colours``."""
    return [
        abs(lightness(a) - lightness(b)) for i, a in enumerate(colours) for b in colours[i + 1 :]
    ]
