"""The PDFs' charts read without colour: every series is an Okabe–Ito colour, the series drawn
together differ in grey by at least :data:`~tests.helpers.MIN_GREY_STEP` of lightness (a
black-and-white print keeps the grey), each line has a dash pattern of its own and each bar a
black edge; a chart of more series than can be told apart is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color

from chargeclock.domain.packet_model import YearCurve
from chargeclock.export.charts import INK, SERIES, bar_chart, kx_year_chart
from tests.helpers import MIN_GREY_STEP, OKABE_ITO, grey_steps

NAMES = ("visits", "units", "CQ/CO units")


def _hex(colour: Color) -> str:
    return "#" + colour.hexval()[2:].upper()


def _bars() -> Drawing:
    values = [[3.0, 5.0], [9.0, 11.0], [1.0, 2.0]]
    return bar_chart("t", ["a", "b"], list(zip(NAMES, values, strict=True)), 400, 150)


def test_each_bar_series_has_an_okabe_ito_fill_of_its_own_grey() -> None:
    drawing = _bars()
    bars = [s for s in drawing.contents if isinstance(s, Rect) and s.fillColor is not None]
    fills = list(dict.fromkeys(_hex(r.fillColor) for r in bars))  # in the series' order
    assert fills == [_hex(c) for c in SERIES]
    assert set(fills) <= OKABE_ITO
    assert min(grey_steps(fills)) >= MIN_GREY_STEP
    assert all(r.strokeColor == INK for r in bars)  # a black edge: a light fill keeps its shape
    names = {s.text for s in drawing.contents if isinstance(s, String)}
    assert set(NAMES) <= names  # each named in the legend, beside its swatch


def test_a_bar_chart_of_more_series_than_colours_is_refused() -> None:
    four = [(f"s{i}", [1.0]) for i in range(len(SERIES) + 1)]
    with pytest.raises(ValueError, match="4 series: a chart tells 3 apart in print"):
        bar_chart("t", ["a"], four, 400, 150)


def test_the_kx_chart_s_three_lines_differ_by_dash_and_by_grey() -> None:
    curve = YearCurve(
        2026,
        ((date(2026, 1, 1), Decimal(0)), (date(2026, 3, 2), Decimal("2700.00"))),
        Decimal(2480),
        Decimal(3000),
    )
    drawing = kx_year_chart(curve, 500, 150)
    (ytd,) = [s for s in drawing.contents if isinstance(s, PolyLine)]
    levels = [s for s in drawing.contents if isinstance(s, Line) and s.strokeDashArray]
    lines = [(ytd.strokeColor, None), *((s.strokeColor, s.strokeDashArray) for s in levels)]
    assert len(lines) == 3
    dashes = [tuple(d) if d else None for _, d in lines]
    assert len(set(dashes)) == 3  # solid, dashed, dotted
    colours = [_hex(c) for c, _ in lines]
    assert set(colours) <= OKABE_ITO
    assert min(grey_steps(colours)) >= MIN_GREY_STEP
