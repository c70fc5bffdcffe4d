"""Superbill PDFs: one visit (warm) and a three-month statement of 36 visits."""

from __future__ import annotations

from chargeclock.export import pdf_bytes
from tests.export.samples import statement_superbill, visit_superbill
from tests.perf.conftest import median_ms, record

VISIT_BUDGET_MS = 50.0
STATEMENT_BUDGET_MS = 250.0


def test_visit_superbill() -> None:
    assert pdf_bytes(visit_superbill()).startswith(b"%PDF")  # warm: reportlab loaded
    result = record(
        "one-visit superbill PDF (warm)",
        median_ms(lambda: pdf_bytes(visit_superbill()), 30),
        VISIT_BUDGET_MS,
        "ms",
        30,
    )
    assert result.ok


def test_statement_superbill() -> None:
    bill = statement_superbill()
    assert len(bill.visits) == 36
    result = record(
        "3-month statement PDF (36 visits)",
        median_ms(lambda: pdf_bytes(statement_superbill()), 15, warmup=2),
        STATEMENT_BUDGET_MS,
        "ms",
        15,
        pages=pdf_bytes(bill).count(b"/Type /Page\n") or "n/a",
    )
    assert result.ok
