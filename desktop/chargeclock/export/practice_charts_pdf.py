"""The practice charts as a PDF on one page: visits and units per day (week, month), the
therapist's and the assistant's (CQ/CO) units, visits per code and units per code with the
assistant's share, drawn with reportlab graphics (:mod:`chargeclock.export.charts`:
colour-blind safe, readable in black and white)."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from chargeclock.domain.practice_figures import PracticeFigures
from chargeclock.export.charts import bar_chart
from chargeclock.export.letter_doc import letter_pdf
from chargeclock.export.styles import day, para, typed

#: a chart's height and the room between two: the four fit one Letter page
HEIGHT, GAP = 145.0, 8.0


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
            HEIGHT,
        ),
        Spacer(1, GAP),
        bar_chart(
            f"Units per {per}: the therapist's and the assistant's (CQ/CO)",
            labels,
            [
                ("PT units", [p.units - p.assistant_units for p in figures.periods]),
                ("CQ/CO units", [p.assistant_units for p in figures.periods]),
            ],
            width,
            HEIGHT,
        ),
        Spacer(1, GAP),
        bar_chart(
            "Visits per code: the visits each code was billed on",
            [c.code for c in figures.codes],
            [("visits", [c.visits for c in figures.codes])],
            width,
            HEIGHT,
        ),
        Spacer(1, GAP),
        bar_chart(
            "Units per code, and the assistant's share",
            [f"{c.code} {c.assistant_share:.0%}" for c in figures.codes],
            [
                ("PT units", [c.units - c.assistant_units for c in figures.codes]),
                ("CQ/CO units", [c.assistant_units for c in figures.codes]),
            ],
            width,
            HEIGHT,
        ),
    ]
    return story


def charts_pdf(figures: PracticeFigures, practice: str) -> bytes:
    """The charts' PDF (Letter); the same figures give the same bytes."""
    return letter_pdf(
        lambda width: charts_story(figures, practice, width),
        title=f"Practice charts {day(figures.first)} – {day(figures.last)}",
        subject="Practice charts",
        author=practice,
        footer=f"Practice charts {day(figures.first)} – {day(figures.last)} · {practice}",
    )
