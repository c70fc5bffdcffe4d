"""The practice charts as a PDF: visits and units per day (week, month), units per code with
the assistant's share (CQ/CO), drawn with reportlab graphics (:mod:`chargeclock.export.charts`:
colour-blind safe, readable in black and white)."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer

from chargeclock.domain.practice_figures import PracticeFigures
from chargeclock.export.charts import bar_chart
from chargeclock.export.pdf import MARGIN, PAGE_NUMBER_ROOM, _NumberedCanvas
from chargeclock.export.styles import day, para, typed
from chargeclock.export.text import fit

PAGE = (8.5 * inch, 11 * inch)


def charts_story(figures: PracticeFigures, practice: str, width: float) -> list[Flowable]:
    per = figures.grain
    labels = [figures.label(p) for p in figures.periods]
    share = f"{figures.assistant_share:.0%}"
    story: list[Flowable] = [
        para(typed(practice, "practice", width), "practice"),
        para("PRACTICE CHARTS", "title"),
        para(f"{day(figures.first)} – {day(figures.last)} · finalized visits, frozen claim lines"),
        Spacer(1, 4),
        para(
            f"{figures.visits} visits · {figures.units} units · assistant's share (CQ/CO) "
            f"{share}: {figures.assistant_units} of {figures.units} units"
        ),
        Spacer(1, 10),
        bar_chart(
            f"Visits and units per {per}",
            labels,
            [
                ("visits", [p.visits for p in figures.periods]),
                ("units", [p.units for p in figures.periods]),
            ],
            width,
            190,
        ),
        Spacer(1, 12),
        bar_chart(
            f"Units per {per}: the therapist's and the assistant's (CQ/CO)",
            labels,
            [
                ("PT units", [p.units - p.assistant_units for p in figures.periods]),
                ("CQ/CO units", [p.assistant_units for p in figures.periods]),
            ],
            width,
            190,
        ),
        Spacer(1, 12),
        bar_chart(
            "Units per code, and the assistant's share",
            [f"{c.code} {c.assistant_share:.0%}" for c in figures.codes],
            [
                ("PT units", [c.units - c.assistant_units for c in figures.codes]),
                ("CQ/CO units", [c.assistant_units for c in figures.codes]),
            ],
            width,
            190,
        ),
    ]
    return story


def charts_pdf(figures: PracticeFigures, practice: str) -> bytes:
    buffer = io.BytesIO()
    page_width, page_height = PAGE
    bottom = MARGIN + 0.15 * inch
    frame = Frame(
        MARGIN,
        bottom,
        page_width - 2 * MARGIN,
        page_height - MARGIN - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        pageTemplates=[PageTemplate(id="page", frames=[frame])],
        title=f"Practice charts {figures.first} – {figures.last}",
        author=practice,
        subject="Practice charts",
        creator="ChargeClock",
        producer="ChargeClock",
        invariant=1,
    )
    footer = fit(
        f"Practice charts {day(figures.first)} – {day(figures.last)} · {practice}",
        page_width - 2 * MARGIN - PAGE_NUMBER_ROOM,
        7,
    )

    def make_canvas(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, footer=footer, **kwargs)

    doc.build(charts_story(figures, practice, doc.width), canvasmaker=make_canvas)
    return buffer.getvalue()
