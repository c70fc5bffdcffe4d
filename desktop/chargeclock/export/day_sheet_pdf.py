"""The day sheet (:class:`~chargeclock.domain.day_sheet_model.DaySheet`) as a one-page-or-more
PDF: the visits in the order they were seen, open visits and running timers flagged in words
(bold, so a black-and-white print shows them too), totals by code and by payer, and a chart of
the units by code with the assistant's share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from chargeclock.domain.day_sheet_model import DaySheet
from chargeclock.domain.wording import plural
from chargeclock.export.charts import bar_chart
from chargeclock.export.letter_doc import letter_pdf
from chargeclock.export.styles import BOLD, day, esc, grid_style, money, para, typed
from chargeclock.export.text import fit


def _table(rows: list[list[Any]], widths: list[float], right_from: int) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = grid_style()
    style += [("ALIGN", (right_from, 0), (-1, -1), "RIGHT"), ("FONT", (0, -1), (-1, -1), BOLD)]
    table.setStyle(TableStyle(style))
    return table


def _visits(sheet: DaySheet, width: float) -> Table:
    widths = [w * width for w in (0.07, 0.11, 0.22, 0.15, 0.2, 0.07, 0.09, 0.09)]
    rows: list[list[Any]] = [
        ["Visit", "Times", "Patient", "Payer", "Status", "Units", "Charges", "Paid"]
    ]
    flagged = []
    for number, visit in enumerate(sheet.visits, start=1):
        start = f"{visit.first_start:%H:%M}" if visit.first_start else "—"
        stop = f"{visit.last_stop:%H:%M}" if visit.last_stop else ("…" if visit.running else "—")
        status = "; ".join(visit.flags) or visit.status
        if visit.flags and visit.billed_with is None:
            flagged.append(number)
        rows.append(
            [
                str(visit.visit_id),
                f"{start}–{stop}",
                para(typed(visit.patient, "cell", widths[2] - 8), "cell"),
                fit(visit.payer, widths[3] - 8, 8.5),
                para(esc(status), "cell"),
                str(visit.units),
                money(visit.charges),
                money(visit.payments),
            ]
        )
    rows.append(
        [
            "",
            "",
            f"{len(sheet.visits)} visits",
            "",
            "",
            str(sheet.units),
            money(sheet.charges),
            money(sum((v.payments for v in sheet.visits), Decimal(0))),
        ]
    )
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = grid_style()
    style += [("ALIGN", (5, 0), (-1, -1), "RIGHT"), ("FONT", (0, -1), (-1, -1), BOLD)]
    style += [("FONT", (4, n), (4, n), BOLD) for n in flagged]
    table.setStyle(TableStyle(style))
    return table


def day_sheet_story(sheet: DaySheet, width: float) -> list[Flowable]:
    """The flowables of the day sheet for a frame ``width`` points wide."""
    running = sheet.running_timers
    warning = []
    if sheet.open_visits or running:
        warning = [
            para(
                f"<b>Not ready to close: {plural(sheet.open_visits, 'open visit')}, "
                f"{plural(running, 'timer')} still running.</b> Finalize or stop them before the "
                "day's superbills are printed.",
            ),
            Spacer(1, 6),
        ]
    story: list[Flowable] = [
        para(typed(sheet.practice, "practice", width), "practice"),
        para(f"DAY SHEET {day(sheet.day)}", "title"),
        Spacer(1, 6),
        para(
            f"Times are {esc(sheet.zone_name)}. Units and charges are the frozen claim lines.",
            "small",
        ),
        Spacer(1, 6),
        *warning,
        _visits(sheet, width),
        Spacer(1, 12),
    ]
    codes: list[list[Any]] = [["Code", "Units", "of which CQ/CO", "Charges"]]
    codes += [
        [c.code, str(c.units), str(c.assistant_units), money(c.charges)] for c in sheet.by_code
    ]
    codes.append(
        [
            "Total",
            str(sum(c.units for c in sheet.by_code)),
            str(sum(c.assistant_units for c in sheet.by_code)),
            money(sum((c.charges for c in sheet.by_code), Decimal(0))),
        ]
    )
    payers: list[list[Any]] = [["Payer", "Visits", "Units", "Charges", "Payments"]]
    payers += [
        [
            fit(p.payer, width * 0.2, 8.5),
            str(p.visits),
            str(p.units),
            money(p.charges),
            money(p.payments),
        ]
        for p in sheet.by_payer
    ]
    payers.append(
        [
            "Total",
            str(len(sheet.visits)),
            str(sheet.units),
            money(sheet.charges),
            money(sheet.payments),
        ]
    )
    half = width / 2 - 6
    pair = Table(
        [
            [
                _table(codes, [half * f for f in (0.25, 0.2, 0.3, 0.25)], 1),
                _table(payers, [half * f for f in (0.36, 0.14, 0.14, 0.18, 0.18)], 1),
            ]
        ],
        colWidths=[half + 12, half],
        hAlign="LEFT",
        style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
    )
    story += [KeepTogether([para("Totals by code and by payer", "heading"), Spacer(1, 3), pair])]
    if sheet.by_code:
        labels = [c.code for c in sheet.by_code]
        chart = bar_chart(
            "Units by code: the therapist's and the assistant's (CQ/CO)",
            labels,
            [
                ("PT units", [c.units - c.assistant_units for c in sheet.by_code]),
                ("CQ/CO units", [c.assistant_units for c in sheet.by_code]),
            ],
            width,
            150,
        )
        story += [Spacer(1, 12), chart]
    if sheet.unassigned_payments:
        story.append(
            para(f"Payments for no visit of the day: {money(sheet.unassigned_payments)}", "small")
        )
    return story


def day_sheet_pdf(sheet: DaySheet) -> bytes:
    """The day sheet's PDF (Letter); the same sheet gives the same bytes."""
    return letter_pdf(
        lambda width: day_sheet_story(sheet, width),
        title=f"Day sheet {day(sheet.day)}",
        subject="Day sheet",
        author=sheet.practice,
        footer=f"Day sheet {day(sheet.day)} · {sheet.practice}",
    )
