"""The superbill's page content as reportlab flowables: styles, blocks and tables.

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

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from chargeclock.domain.superbill import Superbill, SuperbillVisit
from chargeclock.export.styles import (
    ACCENT,
    BODY_SIZE,
    BOLD,
    BOX_PADDING,
    FILL,
    FONT,
    INK,
    ITALIC,
    LABEL_WIDTH,
    MUTED,
    RULE,
    STYLES,
    SUBTOTAL_FILL,
    SUBTOTAL_INK,
    day,
    money,
)
from chargeclock.export.styles import esc as _e
from chargeclock.export.styles import para as _p
from chargeclock.export.styles import provider_markup as _provider
from chargeclock.export.styles import typed as _t

__all__ = ["FONT", "MUTED", "RULE", "day", "money", "superbill_story"]


def _title_words(bill: Superbill) -> tuple[str, list[str]]:
    if bill.kind == "visit":
        visit = bill.visits[0]
        return "SUPERBILL", [
            f"Date of service: <b>{day(visit.date_of_service)}</b>",
            f"Place of service: {_e(visit.place_of_service)}",
            f"Issued: {day(bill.generated_on)}",
        ]
    count = len(bill.visits)
    owed = "Credit balance" if bill.balance < 0 else "Balance due"
    return "STATEMENT", [
        f"Period: <b>{day(bill.period_from)} – {day(bill.period_to)}</b>",
        f"{count} visit{'s' if count != 1 else ''} · Issued: {day(bill.generated_on)}",
        f"{owed}: <b>{money(abs(bill.balance))}</b>",
    ]


def _header(bill: Superbill, width: float) -> Flowable:
    practice = bill.practice
    room = width * 0.6
    left = [_p(_t(practice.name, "practice", room), "practice")]
    left += [_p(_t(line, room=room)) for line in practice.address_lines]
    left.append(_p(f"Phone {_t(practice.phone, room=room)}"))
    left.append(_p(f"NPI {_t(practice.npi)} &nbsp;&nbsp; Tax ID {_t(practice.tax_id)}"))
    title, details = _title_words(bill)
    right = [_p(title, "title"), *(_p(d, "title_detail") for d in details)]
    table = Table([[left, right]], colWidths=[width * 0.6, width * 0.4])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
            ]
        )
    )
    return table


def _field_rows(pairs: Sequence[tuple[str, str]]) -> list[list[Any]]:
    return [[_p(_e(label).upper(), "box_label"), _p(value)] for label, value in pairs]


def _box(title: str, pairs: Sequence[tuple[str, str]], width: float) -> Table:
    rows: list[list[Any]] = [[_p(title, "heading"), ""]]
    rows += _field_rows(pairs)
    table = Table(rows, colWidths=[LABEL_WIDTH, width - LABEL_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (1, 0)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 1), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
                ("BACKGROUND", (0, 0), (-1, 0), FILL),
            ]
        )
    )
    return table


def _parties(bill: Superbill, width: float) -> Flowable:
    patient = bill.patient
    gap = 0.2 * inch
    half = (width - gap) / 2
    room = half - LABEL_WIDTH - BOX_PADDING
    patient_rows = [
        ("Name", f"<b>{_t(patient.name, room=room, bold=True)}</b>"),
        ("Date of birth", day(patient.date_of_birth)),
    ]
    if patient.address_lines:
        address = "<br/>".join(_t(x, room=room) for x in patient.address_lines)
        patient_rows.append(("Address", address))
    if patient.payer_name:
        patient_rows += [
            ("Insurance", _t(patient.payer_name, room=room)),
            ("Member ID", _t(patient.member_id, room=room)),
        ]
    else:
        patient_rows.append(("Insurance", "Self-pay"))
    provider_rows: list[tuple[str, str]] = []
    for provider in bill.providers:
        name = _provider(provider, room=room, bold=True)
        provider_rows += [("Name", f"<b>{name}</b>"), ("NPI", _t(provider.npi))]
    provider_rows += [
        ("Billing", _t(bill.practice.name, room=room)),
        ("Billing NPI", _t(bill.practice.npi)),
    ]
    title = "Rendering provider" + ("s" if len(bill.providers) > 1 else "")
    table = Table(
        [[_box("Patient", patient_rows, half), "", _box(title, provider_rows, half)]],
        colWidths=[half, gap, half],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("BOX", (0, 0), (0, 0), 0.6, RULE),
                ("BOX", (2, 0), (2, 0), 0.6, RULE),
            ]
        )
    )
    return table


def _grid_style(header_rows: int = 1) -> list[tuple[Any, ...]]:
    return [
        ("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("FONT", (0, 0), (-1, header_rows - 1), BOLD, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), ACCENT),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), FILL),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, ACCENT),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]


def _diagnoses(bill: Superbill, width: float) -> Flowable:
    """Pointer, code and description; two column groups side by side past four diagnoses."""
    groups = 2 if len(bill.diagnoses) > 4 else 1
    per_group = -(-len(bill.diagnoses) // groups)
    gap = 0.2 * inch if groups == 2 else 0.0
    group_width = (width - gap * (groups - 1)) / groups
    col = [0.45 * inch, 0.8 * inch, group_width - 1.25 * inch]
    header = ["Pointer", "ICD-10-CM", "Description"]
    rows: list[list[Any]] = [header + (["", *header] if groups == 2 else [])]
    for index in range(per_group):
        row: list[Any] = []
        for group in range(groups):
            if group:
                row.append("")
            at = group * per_group + index
            if at < len(bill.diagnoses):
                dx = bill.diagnoses[at]
                row += [dx.pointer, dx.code, _p(_t(dx.description, "cell", col[2] - 8), "cell")]
            else:
                row += ["", "", ""]
        rows.append(row)
    widths = col + ([gap, *col] if groups == 2 else [])
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = _grid_style()
    style.append(("FONT", (0, 1), (1, -1), BOLD, BODY_SIZE))
    if groups == 2:
        style += [
            ("FONT", (4, 1), (5, -1), BOLD, BODY_SIZE),
            ("BACKGROUND", (3, 0), (3, -1), colors.white),
            ("LINEBELOW", (3, 0), (3, -1), 0, colors.white),
        ]
    table.setStyle(TableStyle(style))
    return table


_LINE_HEADER = ["Date", "POS", "Code", "Description", "Modifiers", "Dx", "Units", "Charge"]


def _line_widths(width: float) -> list[float]:
    fixed = [56.0, 27.0, 36.0, 0.0, 62.0, 56.0, 32.0, 62.0]
    fixed[3] = width - sum(fixed)
    return fixed


def _visit_summary(visit: SuperbillVisit, several_providers: bool, room: float) -> Any:
    """The visit's closing line: plain text, or a paragraph where it names the provider (a
    name may need other fonts, or more than one line)."""
    text = (
        f"{day(visit.date_of_service)} visit · total timed minutes: "
        f"{visit.total_timed_minutes} · total treatment time: {visit.total_treatment_minutes} min"
    )
    if not several_providers:
        return text
    name = _provider(visit.provider, "summary", room)
    return _p(f"{_e(text)} · {name}", "summary")


def _lines_table(bill: Superbill, width: float) -> Flowable:
    widths = _line_widths(width)
    label_room = widths[3] - 8
    rows: list[list[Any]] = [list(_LINE_HEADER)]
    style = _grid_style()
    style += [
        ("ALIGN", (6, 0), (7, -1), "RIGHT"),
        ("ALIGN", (1, 0), (1, -1), "CENTER"),
        ("FONT", (2, 1), (2, -1), BOLD, BODY_SIZE),
    ]
    several = len(bill.providers) > 1
    for visit in bill.visits:
        first = len(rows)
        for line in visit.lines:
            label: Any = line.label
            if stringWidth(line.label, FONT, BODY_SIZE) > label_room:
                label = _p(_e(line.label), "cell")
            rows.append(
                [
                    day(line.date_of_service),
                    line.place_of_service,
                    line.code,
                    label,
                    " ".join(line.modifiers),
                    ", ".join(line.diagnosis_pointers),
                    str(line.units),
                    money(line.charge),
                ]
            )
        row = len(rows)
        summary = _visit_summary(visit, several, sum(widths[:6]) - 8)
        rows.append(
            [summary, "", "", "", "", "", str(visit.total_units), money(visit.total_charges)]
        )
        style += [
            ("SPAN", (0, row), (5, row)),
            # A visit's lines and its subtotal stay on one page (when they fit on one).
            ("NOSPLIT", (0, first), (-1, row)),
            ("BACKGROUND", (0, row), (-1, row), SUBTOTAL_FILL),
            ("FONT", (0, row), (5, row), ITALIC, 8),
            ("TEXTCOLOR", (0, row), (5, row), SUBTOTAL_INK),
            ("FONT", (6, row), (7, row), BOLD, BODY_SIZE),
            ("LINEBELOW", (0, row), (-1, row), 0.6, RULE),
        ]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


# Up to this many payments sit beside the totals; more get a table of their own that may run
# over pages (a long statement), and the totals follow it.
PAYMENTS_BESIDE_TOTALS = 12


def _payments_table(bill: Superbill, width: float) -> Table:
    rows: list[list[Any]] = [["Payment date", "Method", "Amount"]]
    rows += [[day(p.date), p.method or "-", money(p.amount)] for p in bill.payments]
    table = Table(rows, colWidths=[1.0 * inch, width - 2.0 * inch, 1.0 * inch], repeatRows=1)
    style = _grid_style()
    style.append(("ALIGN", (2, 0), (2, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _payments_and_totals(bill: Superbill, width: float) -> Flowable:
    totals: list[list[Any]] = [
        ["Units billed", str(bill.total_units)],
        ["Total charges", money(bill.total_charges)],
        ["Payments received", money(-bill.total_payments) if bill.payments else money(Decimal(0))],
        ["Credit balance" if bill.balance < 0 else "Balance due", money(abs(bill.balance))],
    ]
    totals_width = 2.7 * inch
    totals_table = Table(totals, colWidths=[totals_width - 1.0 * inch, 1.0 * inch])
    totals_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONT", (0, -1), (-1, -1), BOLD, 11),
                ("TEXTCOLOR", (0, -1), (-1, -1), ACCENT),
                ("LINEABOVE", (0, -1), (-1, -1), 1.0, ACCENT),
                ("FONT", (0, 0), (-1, 0), FONT, 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, -1), (-1, -1), 5),
            ]
        )
    )
    gap = 0.3 * inch
    left_width = width - totals_width - gap
    left: Any = _p("No payments recorded.", "small")
    if len(bill.payments) > PAYMENTS_BESIDE_TOTALS:
        left = _p(f"{len(bill.payments)} payments, listed above.", "small")
    elif bill.payments:
        left = _payments_table(bill, left_width)
    table = Table([[left, "", totals_table]], colWidths=[left_width, gap, totals_width])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


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
    anchor = [Spacer(1, 6), _p(bill.audit_anchor, "anchor")] if bill.audit_anchor else []
    return [statement, Spacer(1, 4), table, *anchor]


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
        _header(bill, width),
        Spacer(1, 10),
        _parties(bill, width),
        Spacer(1, 12),
        _p("Diagnoses (ICD-10-CM)", "heading"),
        Spacer(1, 3),
        _diagnoses(bill, width),
        Spacer(1, 12),
        _p("Services", "heading"),
        Spacer(1, 3),
        _lines_table(bill, width),
        Spacer(1, 10),
    ]
    for note in bill.notes:
        story += [_p(_e(note), "small"), Spacer(1, 6)]
    if len(bill.payments) > PAYMENTS_BESIDE_TOTALS:
        story += [
            _p("Payments received", "heading"),
            Spacer(1, 3),
            _payments_table(bill, width),
            Spacer(1, 10),
        ]
    story += [
        # Totals and signatures stay together: a page never holds a signature line alone.
        KeepTogether(
            [
                _p("Payments and balance", "heading"),
                Spacer(1, 3),
                _payments_and_totals(bill, width),
                Spacer(1, 18),
                *_signature(bill, width),
            ]
        ),
    ]
    if bill.include_trace:
        story += _appendix(bill)
    return story
