"""The superbill PDF: every field and line readable, totals equal to the engine's, same bytes
twice, valid for poppler and qpdf, Letter or A4."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from msgspec.structs import replace
from pypdf import PdfReader

from chargeclock.domain.calculation import calculate
from chargeclock.domain.superbill_model import FinalizedVisit, Provider, Superbill, SuperbillLine
from chargeclock.domain.visit_types import ServiceMinutes, VisitInput
from chargeclock.export import pdf_bytes, render_pdf
from chargeclock.resources import rule_book
from tests.export.samples import (
    FEES,
    PRIOR_ALLOWED,
    VISIT_DAY,
    statement_days,
    statement_minutes,
    statement_superbill,
    visit_minutes,
    visit_superbill,
)

HEADER = "Date POS Code Description Modifiers Dx Units Charge"
LETTER = (612.0, 792.0)
A4 = (595.2756, 841.8898)


@pytest.fixture(scope="module")
def visit() -> Superbill:
    return visit_superbill()


@pytest.fixture(scope="module")
def statement() -> Superbill:
    return statement_superbill()


@pytest.fixture(scope="module")
def visit_pdf(visit: Superbill) -> bytes:
    return pdf_bytes(visit)


@pytest.fixture(scope="module")
def statement_pdf(statement: Superbill) -> bytes:
    return pdf_bytes(statement)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pages(data: bytes) -> list[str]:
    """Each page's text with runs of whitespace made single spaces."""
    return [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def day(value: date) -> str:
    return value.strftime("%m/%d/%Y")


def dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def row(line: SuperbillLine) -> str:
    return " ".join(
        [
            day(line.date_of_service),
            line.place_of_service,
            line.code,
            line.label,
            " ".join(line.modifiers),
            ", ".join(line.diagnosis_pointers),
            str(line.units),
            dollars(line.charge),
        ]
    )


def amount_after(label: str, text: str) -> Decimal:
    match = re.search(re.escape(label) + r" (-?)\$([\d,]+\.\d\d)", text)
    assert match, f"{label!r} not found"
    return Decimal(match.group(1) + match.group(2).replace(",", ""))


def assert_every_field(bill: Superbill, text: str) -> None:
    practice, patient = bill.practice, bill.patient
    for value in (
        practice.name,
        *practice.address_lines,
        practice.phone,
        practice.npi,
        practice.tax_id,
        patient.name,
        day(patient.date_of_birth),
        *patient.address_lines,
        patient.payer_name,
        patient.member_id,
        day(bill.generated_on),
    ):
        assert value in text, value
    for provider in bill.providers:
        assert f"{provider.name}, {provider.credentials}" in text
        assert provider.npi in text
    for dx in bill.diagnoses:
        assert f"{dx.pointer} {dx.code} {dx.description}" in text
    for payment in bill.payments:
        assert f"{day(payment.date)} {payment.method} {dollars(payment.amount)}" in text
    assert "Provider signature" in text


def assert_every_line_once(bill: Superbill, text: str) -> None:
    """Each claim line's row appears exactly as many times as the model holds it."""
    padded = text + " "
    for expected, count in Counter(row(line) for line in bill.lines).items():
        assert padded.count(expected + " ") == count, expected
    several = len(bill.providers) > 1
    for visit in bill.visits:
        summary = (
            f"{day(visit.date_of_service)} visit · total timed minutes: "
            f"{visit.total_timed_minutes} · total treatment time: "
            f"{visit.total_treatment_minutes} min"
            + (f" · {visit.provider.display_name}" if several else "")
            + f" {visit.total_units} {dollars(visit.total_charges)}"
        )
        assert summary in text


# --- one visit ------------------------------------------------------------------------------


def test_visit_superbill_holds_every_field_and_line(visit: Superbill, visit_pdf: bytes) -> None:
    (text,) = pages(visit_pdf)
    assert "SUPERBILL" in text
    assert f"Date of service: {day(VISIT_DAY)}" in text
    assert_every_field(visit, text)
    assert_every_line_once(visit, text)
    assert HEADER in text
    assert "Page 1 of 1" in text
    assert "Appendix" not in text


def test_visit_totals_in_the_pdf_equal_the_model_and_the_engine(
    visit: Superbill, visit_pdf: bytes
) -> None:
    (text,) = pages(visit_pdf)
    result = calculate(VisitInput(VISIT_DAY, services=visit_minutes()), rule_book())
    engine_charges = sum((FEES[c.code] * c.units for c in result.claim_lines), Decimal(0))
    assert amount_after("Total charges", text) == visit.total_charges == engine_charges
    assert amount_after("Payments received", text) == -visit.total_payments
    assert amount_after("Balance due", text) == visit.balance == engine_charges - Decimal(40)
    assert f"Units billed {sum(c.units for c in result.claim_lines)}" in text
    assert f"total timed minutes: {result.total_timed_minutes}" in text
    assert f"total treatment time: {result.total_treatment_minutes} min" in text


# --- a 3-month statement ----------------------------------------------------------------------


def test_statement_holds_every_field_and_line_over_several_pages(
    statement: Superbill, statement_pdf: bytes
) -> None:
    texts = pages(statement_pdf)
    assert len(texts) >= 3
    whole = " ".join(texts)
    assert "STATEMENT" in texts[0]
    assert "Period: 08/01/2026 – 10/31/2026" in texts[0]
    assert_every_field(statement, whole)
    assert_every_line_once(statement, whole)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        assert statement.patient.name in text  # the footer names the patient on every page
    # The table header row is repeated on every page the lines run over.
    pages_with_lines = [t for t in texts if any(row(x) in t for x in statement.lines)]
    assert len(pages_with_lines) == len(texts)
    for text in texts[1:]:
        assert text.startswith(HEADER)
    # A visit's lines and its subtotal are on one page; totals and signature share the last.
    for one in statement.visits:
        first_day = day(one.date_of_service) + " visit"
        (page,) = [t for t in texts if first_day in t]
        assert all(row(x) in page for x in one.lines)
    assert "Balance due" in texts[-1]
    assert "Provider signature" in texts[-1]


def test_statement_totals_equal_the_model_and_the_engine(
    statement: Superbill, statement_pdf: bytes
) -> None:
    text = " ".join(pages(statement_pdf))
    ytd, engine_lines = PRIOR_ALLOWED, []
    for index, service_day in enumerate(statement_days()):
        result = calculate(
            VisitInput(service_day, services=statement_minutes(index), ytd_allowed={"pt_slp": ytd}),
            rule_book(),
        )
        ytd += result.allowed_total
        engine_lines += [(service_day, c) for c in result.claim_lines]
    assert [(x.date_of_service, x.code, x.modifiers, x.units) for x in statement.lines] == [
        (d, c.code, c.modifiers, c.units) for d, c in engine_lines
    ]
    assert any("KX" in x.modifiers for x in statement.lines)
    assert any("CQ" in x.modifiers for x in statement.lines)
    engine_charges = sum((FEES[c.code] * c.units for _, c in engine_lines), Decimal(0))
    assert amount_after("Total charges", text) == statement.total_charges == engine_charges
    assert amount_after("Payments received", text) == -statement.total_payments
    assert amount_after("Balance due", text) == statement.balance
    assert statement.balance == engine_charges - statement.total_payments


def test_trace_appendix_only_when_asked(statement: Superbill) -> None:
    texts = pages(pdf_bytes(replace(statement, include_trace=True)))
    whole = " ".join(texts)
    assert "Appendix: calculation trace" in whole
    for visit in statement.visits:
        assert visit.trace
        for step in visit.trace:
            assert _flat(step) in whole
    assert "Appendix" not in " ".join(pages(pdf_bytes(statement)))


# --- variants ------------------------------------------------------------------------------


def test_several_providers_many_diagnoses_and_a_long_label() -> None:
    other = Provider("Sam Ortiz", "PT", "1457392847")
    minutes = (ServiceMinutes("97750", pt_minutes=40), ServiceMinutes("97535", pt_minutes=10))
    second_day = date(2026, 10, 14)
    result = calculate(VisitInput(second_day, services=minutes), rule_book())
    diagnoses = [(f"M{60 + n}.9", f"Condition {n + 1}") for n in range(12)]
    fees = {**FEES, "97750": Decimal("110.00")}
    bill = statement_superbill(
        diagnoses=diagnoses,
        fees=fees,
        visits=[
            FinalizedVisit.from_result(second_day, result, provider=other),
            FinalizedVisit(
                date(2026, 10, 16),
                calculate(
                    VisitInput(date(2026, 10, 16), services=visit_minutes()), rule_book()
                ).claim_lines,
                65,
                75,
                line_pointers=(("L",), ("K", "J"), ("A", "B", "C", "D"), ("E",)),
            ),
        ],
    )
    text = " ".join(pages(pdf_bytes(bill)))
    assert "Rendering providers" in text
    assert_every_field(bill, text)
    assert_every_line_once(bill, text)
    assert "Physical performance test (with written report)" in text


def test_a_credit_balance_is_called_so() -> None:
    bill = visit_superbill(
        payments=[replace(visit_superbill().payments[0], amount=Decimal("500.00"))]
    )
    text = pages(pdf_bytes(bill))[0]
    assert amount_after("Credit balance", text) == Decimal("87.50") == -bill.balance


def test_self_pay_patient() -> None:
    bill = visit_superbill(patient=replace(visit_superbill().patient, payer_name="", member_id=""))
    assert "INSURANCE Self-pay" in pages(pdf_bytes(bill))[0]


@pytest.mark.parametrize(("paper", "size"), [("letter", LETTER), ("a4", A4)])
def test_page_size(paper: str, size: tuple[float, float]) -> None:
    for bill in (visit_superbill(paper=paper), statement_superbill(paper=paper)):
        reader = PdfReader(io.BytesIO(pdf_bytes(bill)))
        for page in reader.pages:
            box = page.mediabox
            assert float(box.width) == pytest.approx(size[0], abs=0.01)
            assert float(box.height) == pytest.approx(size[1], abs=0.01)


def test_letter_is_the_default(visit: Superbill) -> None:
    assert visit.paper == "letter"


# --- determinism and output ---------------------------------------------------------------


def test_same_data_gives_identical_bytes(
    visit: Superbill, statement: Superbill, visit_pdf: bytes, statement_pdf: bytes
) -> None:
    assert pdf_bytes(visit_superbill()) == visit_pdf
    assert pdf_bytes(statement_superbill()) == statement_pdf
    assert visit_pdf != statement_pdf
    assert b"/CreationDate (D:2000" in visit_pdf  # reportlab's fixed invariant date


def test_identical_bytes_in_another_process_with_another_hash_seed(
    visit_pdf: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "visit.pdf"
    code = (
        "import sys; from tests.export.samples import visit_superbill; "
        "from chargeclock.export import render_pdf; render_pdf(visit_superbill(), sys.argv[1])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=env, cwd=_root())
    assert out.read_bytes() == visit_pdf


def test_render_to_a_path_or_a_file_object(visit: Superbill, tmp_path: Path) -> None:
    path = tmp_path / "superbill.pdf"
    render_pdf(visit, path)
    render_pdf(visit, str(tmp_path / "again.pdf"))
    stream = io.BytesIO()
    render_pdf(visit, stream)
    assert path.read_bytes() == stream.getvalue() == (tmp_path / "again.pdf").read_bytes()
    assert path.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert path.stat().st_mode & 0o077 == 0


def test_importing_the_exporter_does_not_load_reportlab() -> None:
    code = (
        "import sys, chargeclock.export, chargeclock.domain.superbill; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'PySide6')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=_root()
    )
    assert out.stdout.strip() == "[]"


def _root() -> Path:
    return Path(__file__).resolve().parents[2]


# --- external tools -----------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is required in CI (Debian: poppler-utils, qpdf)")
    pytest.skip(f"{name} is not installed (Debian: poppler-utils, qpdf)")


@pytest.mark.parametrize("which", ["visit", "statement"])
def test_poppler_renders_every_page(
    which: str, visit_pdf: bytes, statement_pdf: bytes, tmp_path: Path
) -> None:
    pdftoppm = _tool("pdftoppm")
    data = visit_pdf if which == "visit" else statement_pdf
    source = tmp_path / "in.pdf"
    source.write_bytes(data)
    done = subprocess.run(
        [pdftoppm, "-png", "-r", "40", str(source), str(tmp_path / "page")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    images = sorted(tmp_path.glob("page*.png"))
    assert len(images) == len(PdfReader(io.BytesIO(data)).pages)
    assert all(image.stat().st_size > 1000 for image in images)


@pytest.mark.parametrize("which", ["visit", "statement", "statement-with-trace"])
def test_qpdf_finds_no_problem(which: str, statement: Superbill, tmp_path: Path) -> None:
    qpdf = _tool("qpdf")
    bill = {
        "visit": visit_superbill(),
        "statement": statement,
        "statement-with-trace": replace(statement, include_trace=True, paper="a4"),
    }[which]
    source = tmp_path / "in.pdf"
    render_pdf(bill, source)
    done = subprocess.run([qpdf, "--check", str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout


def test_a_statement_with_many_payments_runs_over_pages() -> None:
    from chargeclock.domain.superbill_model import Payment

    many = [
        Payment(
            date(2026, 8, 3) + (date(2026, 8, 4) - date(2026, 8, 3)) * n, Decimal("10.00"), "Cash"
        )
        for n in range(60)
    ]
    bill = statement_superbill(payments=many)
    text = " ".join(pages(pdf_bytes(bill)))
    assert text.count("Cash") == 60
    assert amount_after("Payments received", text) == Decimal("-600.00")
    assert "Balance due" in text


def test_the_audit_anchor_is_printed_small_under_the_signatures(visit: Superbill) -> None:
    anchor = "Audit anchor: entry 1234, 1234 entries, hash " + "3f" * 32
    (text,) = pages(pdf_bytes(replace(visit, audit_anchor=anchor)))
    assert anchor in text
    assert text.index(anchor) > text.index("Provider signature")
    (plain,) = pages(pdf_bytes(visit))
    assert "Audit anchor" not in plain  # a superbill without one prints nothing
