"""Charts for the PDFs, drawn with reportlab's graphics (a ``Drawing`` is a flowable).

Readable by everyone and on a black-and-white printer: the colours are the Okabe–Ito palette
(told apart with any colour vision), and every series differs by more than its hue too — a grey
of its own in print (:data:`SERIES`), a solid, dashed or dotted line, a bar's fill with a black
edge, and its name written beside it or in a legend of swatches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from chargeclock.domain.packet_model import YearCurve
from chargeclock.export.styles import money

#: Okabe–Ito: blue, vermillion, bluish green, orange, sky blue, reddish purple
PALETTE = tuple(
    colors.HexColor(c) for c in ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7")
)
#: the series' colours, bars and lines alike, as in the window (:mod:`chargeclock.ui.qt_charts`):
#: blue (dark grey in print), orange (light), bluish green (mid). No chart has more series than
#: these: a fourth colour would print as grey as one of them
SERIES = (PALETTE[0], PALETTE[3], PALETTE[2])
#: a line's dash pattern by series: solid, dashed, dotted
DASHES: tuple[tuple[float, ...] | None, ...] = (None, (5, 3), (1, 2))
INK = colors.HexColor("#1B1F24")
GRID = colors.HexColor("#C9D1DB")
FONT, BOLD = "Helvetica", "Helvetica-Bold"
MONTHS = "JFMAMJJASOND"


def _scale(top: Decimal) -> Decimal:
    """A round top for an axis at or above ``top``."""
    for step in (Decimal(500), Decimal(1000), Decimal(2500), Decimal(5000), Decimal(10000)):
        if top <= step * 8:
            return ((top // step) + 1) * step
    return top * Decimal("1.1")


def kx_year_chart(curve: YearCurve, width: float, height: float) -> Drawing:
    """A patient's year-to-date allowed amount through ``curve.year`` as a step line, with the
    KX threshold (dashed) and the review level (dotted) across the year, each named
    (:data:`SERIES`, :data:`DASHES`)."""
    drawing = Drawing(width, height)
    left, bottom, right, top = 44.0, 16.0, width - 70.0, height - 14.0
    highest = max([curve.review_level, curve.threshold, *(v for _, v in curve.points)])
    scale = _scale(highest)
    first = date(curve.year, 1, 1)
    days = (date(curve.year, 12, 31) - first).days or 1

    def x(day: date) -> float:
        return left + (right - left) * (day - first).days / days

    def y(value: Decimal) -> float:
        return bottom + (top - bottom) * float(value / scale)

    drawing.add(
        String(
            left,
            height - 9,
            f"{curve.year} year to date (allowed, PT and SLP)",
            fontName=BOLD,
            fontSize=8,
            fillColor=INK,
        )
    )
    steps = 4
    for i in range(steps + 1):
        value = scale * i / steps
        drawing.add(Line(left, y(value), right, y(value), strokeColor=GRID, strokeWidth=0.4))
        drawing.add(
            String(
                left - 4,
                y(value) - 2.5,
                money(value).removesuffix(".00"),
                fontName=FONT,
                fontSize=6,
                textAnchor="end",
                fillColor=INK,
            )
        )
    for month in range(12):
        start = date(curve.year, month + 1, 1)
        drawing.add(
            String(
                x(start) + 2, bottom - 9, MONTHS[month], fontName=FONT, fontSize=6, fillColor=INK
            )
        )
    for value, name, dash, colour in (
        (curve.threshold, "KX threshold", DASHES[1], SERIES[1]),
        (curve.review_level, "review level", DASHES[2], SERIES[2]),
    ):
        drawing.add(
            Line(
                left,
                y(value),
                right,
                y(value),
                strokeColor=colour,
                strokeWidth=1.2,
                strokeDashArray=dash,
            )
        )
        drawing.add(
            String(
                right + 3,
                y(value) - 2.5,
                f"{name} {money(value)}",
                fontName=FONT,
                fontSize=6,
                fillColor=INK,
            )
        )
    points: list[float] = []
    previous: float | None = None
    for day, value in curve.points:
        if previous is not None:
            points += [x(day), previous]
        previous = y(value)
        points += [x(day), previous]
    if previous is not None:
        last = curve.points[-1][0]
        points += [x(max(last, first)), previous]
        drawing.add(PolyLine(points, strokeColor=SERIES[0], strokeWidth=1.6))
        # named in the right margin at its height, clear of the two levels' names
        label_y = previous - 2.5
        for value in (curve.threshold, curve.review_level):
            level_y = y(value) - 2.5
            if abs(label_y - level_y) < 8:
                label_y = level_y + (8 if label_y >= level_y else -8)
        drawing.add(
            String(
                right + 3,
                label_y,
                f"YTD {money(curve.points[-1][1])}",
                fontName=BOLD,
                fontSize=6.5,
                fillColor=INK,
            )
        )
    drawing.add(
        Rect(
            left,
            bottom,
            right - left,
            top - bottom,
            strokeColor=INK,
            strokeWidth=0.6,
            fillColor=None,
        )
    )
    return drawing


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    width: float,
    height: float,
) -> Drawing:
    """Grouped bars: one group per label, one bar per series in :data:`SERIES` (dark blue, light
    orange, mid green: apart in grey print too) with a black edge, the series named in a legend
    of swatches; values written above the bars when there is room. More series than
    :data:`SERIES` is an error: two would print alike."""
    if len(series) > len(SERIES):
        raise ValueError(f"{len(series)} series: a chart tells {len(SERIES)} apart in print")
    drawing = Drawing(width, height)
    left, bottom, right, top = 30.0, 22.0, width - 8.0, height - 26.0
    peak = max((v for _, values in series for v in values), default=0.0)
    step = max(1, math.ceil(peak / 4))  # whole-number gridlines: units and visits are counts
    highest = float(step * 4)
    drawing.add(String(left, height - 9, title, fontName=BOLD, fontSize=8, fillColor=INK))
    for i in range(5):
        level = bottom + (top - bottom) * i / 4
        drawing.add(Line(left, level, right, level, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(
            String(
                left - 3,
                level - 2.5,
                str(step * i),
                fontName=FONT,
                fontSize=6,
                textAnchor="end",
                fillColor=INK,
            )
        )
    groups = max(len(labels), 1)
    group = (right - left) / groups
    bar = group * 0.8 / max(len(series), 1)
    every = max(1, groups // 16)  # at most ~16 axis labels
    for g, label in enumerate(labels):
        for s, (_, values) in enumerate(series):
            value = values[g]
            x = left + g * group + group * 0.1 + s * bar
            h = (top - bottom) * value / highest
            drawing.add(
                Rect(
                    x,
                    bottom,
                    bar,
                    h,
                    fillColor=SERIES[s],
                    strokeColor=INK,
                    strokeWidth=0.3,
                )
            )
            if bar >= 12 and value:
                drawing.add(
                    String(
                        x + bar / 2,
                        bottom + h + 1.5,
                        f"{value:g}",
                        fontName=FONT,
                        fontSize=5.5,
                        textAnchor="middle",
                        fillColor=INK,
                    )
                )
        if g % every == 0:
            drawing.add(
                String(
                    left + g * group + group / 2,
                    bottom - 9,
                    label,
                    fontName=FONT,
                    fontSize=6,
                    textAnchor="middle",
                    fillColor=INK,
                )
            )
    x = left
    for s, (name, _) in enumerate(series):
        drawing.add(
            Rect(
                x,
                height - 21,
                8,
                6,
                fillColor=SERIES[s],
                strokeColor=INK,
                strokeWidth=0.3,
            )
        )
        drawing.add(String(x + 11, height - 20.5, name, fontName=FONT, fontSize=6.5, fillColor=INK))
        x += 16 + len(name) * 3.6
    drawing.add(Line(left, bottom, right, bottom, strokeColor=INK, strokeWidth=0.6))
    return drawing
