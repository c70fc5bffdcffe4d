"""The window's charts read without colour, as the PDFs' do: every series is an Okabe–Ito
colour, the series shown together differ in grey by at least
:data:`~tests.helpers.MIN_GREY_STEP` of lightness, each bar series has a fill pattern of its
own (solid, hatched …) and each line a pen style of its own (solid, dashed, dotted); a chart of
more series than can be told apart is refused. A series has the same colour in the window and
in the PDF."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCharts import QBarSeries, QCategoryAxis, QLineSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from chargeclock.export.charts import SERIES
from chargeclock.ui import qt_charts
from tests.helpers import MIN_GREY_STEP, OKABE_ITO, grey_steps

pytestmark = pytest.mark.gui


def test_each_bar_series_has_its_own_pattern_and_grey(qapp: QApplication) -> None:
    names = [f"s{i}" for i in range(len(qt_charts.PATTERNS))]
    chart = qt_charts.bars("t", ["a", "b"], [(n, [1.0, 2.0]) for n in names])
    (series,) = chart.series()
    assert isinstance(series, QBarSeries)
    brushes = [s.brush() for s in series.barSets()]
    assert [s.label() for s in series.barSets()] == names
    assert len({b.style() for b in brushes}) == len(names)  # solid, hatched, dotted
    colours = [b.color().name().upper() for b in brushes]
    assert set(colours) <= OKABE_ITO
    assert min(grey_steps(colours)) >= MIN_GREY_STEP


def test_a_bar_chart_of_more_series_than_patterns_is_refused(qapp: QApplication) -> None:
    four = [(f"s{i}", [1.0]) for i in range(len(qt_charts.PATTERNS) + 1)]
    with pytest.raises(ValueError, match="4 series: a chart tells 3 apart in print"):
        qt_charts.bars("t", ["a"], four)


def test_the_year_chart_s_lines_differ_by_pen_style_and_grey(qapp: QApplication) -> None:
    chart = qt_charts.year_lines(
        "t",
        2026,
        [(date(2026, 3, 2), 2700.0)],
        [("KX threshold", 2480.0), ("review level", 3000.0)],
    )
    lines = chart.series()
    assert all(isinstance(s, QLineSeries) for s in lines) and len(lines) == 3
    pens = [s.pen() for s in lines]  # type: ignore[attr-defined]
    assert len({p.style() for p in pens}) == 3  # solid, dashed, dotted
    colours = [p.color().name().upper() for p in pens]
    assert set(colours) <= OKABE_ITO
    assert min(grey_steps(colours)) >= MIN_GREY_STEP
    with pytest.raises(ValueError, match="4 lines"):
        qt_charts.year_lines("t", 2026, [], [("a", 1.0), ("b", 2.0), ("c", 3.0)])


def test_a_series_has_the_same_colour_in_the_window_and_the_pdf() -> None:
    pdf = ["#" + c.hexval()[2:].upper() for c in SERIES]
    assert [c.upper() for c in qt_charts.PALETTE[: len(SERIES)]] == pdf


def test_the_year_chart_s_money_reads_as_money(qapp: QApplication) -> None:
    """Its value axis is labelled as money is written: "$10,000", not "$10000"."""
    chart = qt_charts.year_lines(
        "t", 2026, [(date(2026, 3, 2), 12_000.0)], [("KX threshold", 2480.0)]
    )
    [axis] = chart.axes(Qt.Orientation.Vertical)
    assert isinstance(axis, QCategoryAxis)
    assert axis.categoriesLabels() == ["$0", "$5,000", "$10,000", "$15,000", "$20,000"]
    assert (axis.min(), axis.max()) == (0.0, 20_000.0)
