"""Charts in the window with QtCharts, in the same language as the PDFs' charts
(:mod:`chargeclock.export.charts`): the Okabe–Ito colours, which every colour vision tells
apart, and every series told by more than its colour — a hatched or solid bar, a solid, dashed
or dotted line — so a grey screenshot or a black-and-white print still reads. QtCharts loads
when the first chart is made, never on the start-up path."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

#: Okabe–Ito: blue, orange, bluish green, vermillion, reddish purple
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7")
#: a bar set's fill pattern by series: solid, then hatched, so grey print tells them apart
PATTERNS = (Qt.BrushStyle.SolidPattern, Qt.BrushStyle.BDiagPattern, Qt.BrushStyle.Dense4Pattern)
#: a line's style by series
LINES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine)


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    return chart


#: an axis' labels, to the chart's other words (a month's days share one axis)
LABELS_SCALE = 0.85


def fit_type(chart: QChart | None, shown_in: QWidget) -> None:
    """``chart``'s words in the type of the widget showing it: the theme's size, large type's
    when it is on. QtCharts draws with the application's font otherwise, smaller than every
    word around the chart and deaf to large type."""
    base = QFont(shown_in.font())
    if chart is None or base.pointSizeF() <= 0:  # (a font sized in pixels: left as it is)
        return
    title = QFont(base)
    title.setBold(True)
    chart.setTitleFont(title)
    chart.legend().setFont(base)
    labels = QFont(base)
    labels.setPointSizeF(base.pointSizeF() * LABELS_SCALE)
    for axis in chart.axes():
        axis.setLabelsFont(labels)


class ChartView(QChartView):
    """A chart's view whose chart speaks in the view's type, also once the view is restyled
    (large type switched, the dialog's theme applied as it is shown)."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            fit_type(self.chart(), self)


def replace_chart(chart_view: QChartView, chart: QChart) -> None:
    """Show ``chart`` in ``chart_view`` (in its type) and let the one it showed go."""
    old = chart_view.chart()
    chart_view.ensurePolished()
    fit_type(chart, chart_view)
    chart_view.setChart(chart)
    if old is not None:
        old.deleteLater()


def view(chart: QChart) -> QChartView:
    out = ChartView(chart)
    out.setRenderHint(QPainter.RenderHint.Antialiasing)
    out.setMinimumHeight(220)
    return out


def bars(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
) -> QChart:
    """Grouped bars, one set per series (solid, hatched …) over the ``labels``. More series
    than :data:`PATTERNS` is an error: two would print alike."""
    if len(series) > len(PATTERNS):
        raise ValueError(f"{len(series)} series: a chart tells {len(PATTERNS)} apart in print")
    chart = _chart(title)
    bar_series = QBarSeries()
    for index, (name, values) in enumerate(series):
        bar_set = QBarSet(name)
        bar_set.append([float(v) for v in values])
        brush = QBrush(QColor(PALETTE[index]), PATTERNS[index])
        bar_set.setBrush(brush)
        bar_set.setPen(QPen(QColor("#1B1F24"), 0.8))
        bar_series.append(bar_set)
    chart.addSeries(bar_series)
    axis_x = QBarCategoryAxis()
    axis_x.append(list(labels))
    if len(labels) > 10:  # upright labels would be cut to "11/…"
        axis_x.setLabelsAngle(-90)
    axis_y = QValueAxis()
    peak = max((v for _, values in series for v in values), default=0)
    step = max(1, math.ceil(peak / 4))  # whole-number gridlines: units and visits are counts
    axis_y.setRange(0, step * 4)
    axis_y.setTickCount(5)
    axis_y.setLabelFormat("%d")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    bar_series.attachAxis(axis_x)
    bar_series.attachAxis(axis_y)
    return chart


MONEY_AXIS_BELOW = 1e-6  # dollars: the first label's category starts just under $0


def _day_number(day: date) -> float:
    return float(day.timetuple().tm_yday)


def year_lines(
    title: str,
    year: int,
    points: Sequence[tuple[date, float]],
    levels: Sequence[tuple[str, float]],
) -> QChart:
    """A year-to-date step line through ``year`` with each of ``levels`` (the KX threshold, the
    review level) as a dashed or dotted line across the year, each named in the legend. The
    x axis is the day of the year, labelled by month."""
    if len(levels) >= len(LINES):
        raise ValueError(f"{len(levels) + 1} lines: a chart tells {len(LINES)} apart in print")
    chart = _chart(title)
    end = _day_number(date(year, 12, 31))
    ytd = QLineSeries()
    ytd.setName("year to date")
    previous = points[0][1] if points else 0.0
    ytd.append(1.0, previous)
    for day, value in points:
        ytd.append(_day_number(day), previous)
        ytd.append(_day_number(day), value)
        previous = value
    ytd.setPen(QPen(QColor(PALETTE[0]), 2.5, LINES[0]))
    every = [ytd]
    for index, (name, value) in enumerate(levels, start=1):
        line = QLineSeries()
        line.setName(f"{name} ${value:,.0f}")
        line.append(1.0, value)
        line.append(end, value)
        line.setPen(QPen(QColor(PALETTE[index]), 2, LINES[index]))
        every.append(line)
    axis_x = QCategoryAxis()
    axis_x.setRange(1.0, end)
    for month in range(1, 13):
        last = date(year, month % 12 + 1, 1) if month < 12 else date(year + 1, 1, 1)
        axis_x.append(date(year, month, 1).strftime("%b"), _day_number(last - timedelta(1)))
    top = max([v for _, v in levels] + [v for _, v in points] + [1.0]) * 1.05
    # four round steps: more labels than that crowd a chart of this height
    step = next(s for s in (250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000) if s * 4 >= top)
    axis_y = money_axis(step, 4)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    for series in every:
        chart.addSeries(series)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
    return chart


def money_axis(step: int, steps: int) -> QCategoryAxis:
    """A value axis from $0 in ``steps`` of ``step`` dollars, each labelled as money is written
    ("$10,000": a value axis's printf format has no thousands separator)."""
    axis = QCategoryAxis()
    axis.setStartValue(-MONEY_AXIS_BELOW)  # (a category ends past where the axis starts)
    axis.setRange(0, step * steps)
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    for index in range(steps + 1):
        axis.append(f"${step * index:,}", float(step * index))
    return axis
