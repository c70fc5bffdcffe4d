"""The superbill's page content as reportlab flowables: the whole story in order, with the
signature lines and the trace appendix here; the top in :mod:`~chargeclock.export.superbill_top`,
the lines, payments and totals in :mod:`~chargeclock.export.superbill_lines`.

Top to bottom: the practice and the title, patient and rendering provider side by side,
diagnoses with their pointers, one table row per claim line (the header row repeats on every
page, each visit closes with its minutes and subtotal and stays on one page), payments and
totals kept together with the signature lines, and optionally the calculation trace.
Fonts: the built-in Helvetica family, so nothing is embedded or looked up, for text it can set;
names, addresses and other text the clinic typed go through :mod:`chargeclock.export.text`, which
sets what Helvetica cannot in the shipped fonts, in reading order, within the column's width.
Single-line cells that hold such text are paragraphs, so that a long name wraps inside its cell.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from chargeclock.domain.superbill_model import Superbill
from chargeclock.export.adjustments import adjustments_story
from chargeclock.export.styles import (
    BODY_SIZE,
    FONT,
    INK,
    MUTED,
    RULE,
    STYLES,
    day,
    money,
)
from chargeclock.export.styles import esc as _e
from chargeclock.export.styles import para as _p
from chargeclock.export.styles import provider_markup as _provider
from chargeclock.export.superbill_lines import (
    PAYMENTS_BESIDE_TOTALS,
    lines_table,
    payments_and_totals,
    payments_table,
)
from chargeclock.export.superbill_top import diagnoses_table, header, parties

__all__ = ["FONT", "MUTED", "RULE", "day", "money", "superbill_story"]


def _signature(bill: Superbill, width: float) -> list[Flowable]:
    """The certification, one signature and date line per rendering provider, and the audit
    anchor in small type."""
    rows: list[list[Any]] = []
    style: list[tuple[Any, ...]] = [
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
    ]
    room = width * 0.62 - 6  # the column less its right padding
    for provider in bill.providers:
        top = len(rows)
        name = f"{_provider(provider, 'cell', room)} · NPI {_e(provider.npi)}"
        rows += [
            ["", "", ""],
            ["Provider signature", "", "Date"],
            [_p(name, "cell"), "", ""],
        ]
        style += [
            ("LINEBELOW", (0, top), (0, top), 0.8, INK),
            ("LINEBELOW", (2, top), (2, top), 0.8, INK),
            ("FONT", (0, top + 1), (-1, top + 1), FONT, 7.5),
            ("TEXTCOLOR", (0, top + 1), (-1, top + 1), MUTED),
            ("FONT", (0, top + 2), (-1, top + 2), FONT, BODY_SIZE),
            ("BOTTOMPADDING", (0, top + 2), (-1, top + 2), 6),
        ]
    heights = [26.0 if n % 3 == 0 else None for n in range(len(rows))]
    table = Table(rows, colWidths=[width * 0.62, width * 0.08, width * 0.30], rowHeights=heights)
    table.setStyle(TableStyle(style))
    statement = _p(
        "I certify that the services listed above were furnished as shown on the dates of "
        "service. Codes are listed with the practice's own short descriptions.",
        "small",
    )
    # Medicare (claims.md §6): the practice accepts assignment, frozen with the claim.
    assignment = [_p("Assignment accepted", "heading")] if bill.assignment_accepted else []
    anchor = [Spacer(1, 6), _p(bill.audit_anchor, "anchor")] if bill.audit_anchor else []
    return [statement, Spacer(1, 4), table, *assignment, *anchor]


def _appendix(bill: Superbill) -> list[Flowable]:
    story: list[Flowable] = [
        PageBreak(),
        _p("Appendix: calculation trace", "heading"),
        _p(
            "How each visit's units, modifiers and expected allowed amounts were computed, "
            "step by step, for review.",
            "small",
        ),
        Spacer(1, 6),
    ]
    for visit in bill.visits:
        name = _provider(visit.provider, "trace_heading", bold=True)
        heading = f"Visit {day(visit.date_of_service)} ({name})"
        story.append(Paragraph(f"<b>{heading}</b>", STYLES["trace_heading"]))
        steps = visit.trace or ("No trace recorded for this visit.",)
        story += [Paragraph(_e(step), STYLES["trace"], bulletText="–") for step in steps]
        story.append(Spacer(1, 5))
    return story


def superbill_story(bill: Superbill, width: float) -> list[Flowable]:
    """The flowables of the whole document, for a frame ``width`` points wide."""
    story: list[Flowable] = [
        header(bill, width),
        Spacer(1, 10),
        parties(bill, width),
        Spacer(1, 12),
        _p("Diagnoses (ICD-10-CM)", "heading"),
        Spacer(1, 3),
        diagnoses_table(bill, width),
        Spacer(1, 12),
        _p("Services", "heading"),
        Spacer(1, 3),
        lines_table(bill, width),
        Spacer(1, 10),
    ]
    for note in bill.notes:
        story += [_p(_e(note), "small"), Spacer(1, 6)]
    if len(bill.payments) > PAYMENTS_BESIDE_TOTALS:
        story += [
            _p("Payments received", "heading"),
            Spacer(1, 3),
            payments_table(bill, width),
            Spacer(1, 10),
        ]
    story += adjustments_story(bill, width)
    story += [
        # Totals and signatures stay together: a page never holds a signature line alone.
        KeepTogether(
            [
                _p("Payments and balance", "heading"),
                Spacer(1, 3),
                payments_and_totals(bill, width),
                Spacer(1, 18),
                *_signature(bill, width),
            ]
        ),
    ]
    if bill.include_trace:
        story += _appendix(bill)
    return story
