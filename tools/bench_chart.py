"""The README's growth chart from ``out/growth.json`` (written by ``tests/perf/test_growth.py``):
each measure's CPU time on 1, 2, 5 and 10 years of history, on a log scale.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/bench_chart.py \
        out/growth.json docs/perf-growth.png
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

SERIES = (
    ("tap_cpu_ms", "timer tap", "#1f6fb2"),
    ("history_cpu_ms", "History, busiest patient", "#b8321f"),
    ("year_statement_cpu_ms", "statement of a year", "#2e8540"),
    ("verify_audit_cpu_ms", "verify-audit, all history", "#7a4fa3"),
)
WIDTH, HEIGHT = 720, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 200, 30, 50
LOW, HIGH = 0.1, 100_000.0  # ms, the y axis (log)


def _x(years: int, first: int, last: int) -> float:
    return LEFT + (years - first) / (last - first) * (WIDTH - LEFT - RIGHT)


def _y(ms: float) -> float:
    share = (math.log10(max(ms, LOW)) - math.log10(LOW)) / (math.log10(HIGH) - math.log10(LOW))
    return HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM)


def draw(growth: dict[str, object], out: Path) -> None:
    years = [int(y) for y in growth["years"]]  # type: ignore[attr-defined]
    curves = growth["curves"]
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(QFont("DejaVu Sans", 9))
    first, last = years[0], years[-1]
    grid = QPen(QColor("#d9dee5"))
    text = QPen(QColor("#333333"))
    decade = 0
    while LOW * 10**decade <= HIGH:
        ms = LOW * 10**decade
        painter.setPen(grid)
        painter.drawLine(QPointF(LEFT, _y(ms)), QPointF(WIDTH - RIGHT, _y(ms)))
        painter.setPen(text)
        label = f"{ms:g} ms" if ms < 1000 else f"{ms / 1000:g} s"
        painter.drawText(QRectF(0, _y(ms) - 8, LEFT - 8, 16), Qt.AlignmentFlag.AlignRight, label)
        decade += 1
    for n in years:
        painter.setPen(grid)
        painter.drawLine(
            QPointF(_x(n, first, last), TOP), QPointF(_x(n, first, last), HEIGHT - BOTTOM)
        )
        painter.setPen(text)
        painter.drawText(
            QRectF(_x(n, first, last) - 30, HEIGHT - BOTTOM + 6, 60, 16),
            Qt.AlignmentFlag.AlignHCenter,
            f"{n} year{'s' if n > 1 else ''}",
        )
    painter.drawText(
        QRectF(LEFT, HEIGHT - 22, WIDTH - LEFT - RIGHT, 16),
        Qt.AlignmentFlag.AlignHCenter,
        "years of history in the database (CPU time, log scale)",
    )
    for row, (key, label, colour) in enumerate(SERIES):
        pen = QPen(QColor(colour), 2.5)
        painter.setPen(pen)
        points = [
            QPointF(_x(n, first, last), _y(float(curves[str(n)][key])))  # type: ignore[index]
            for n in years
        ]
        for a, b in itertools.pairwise(points):
            painter.drawLine(a, b)
        for point in points:
            painter.drawEllipse(point, 3.5, 3.5)
        key_y = TOP + 10 + row * 22
        painter.drawLine(QPointF(WIDTH - RIGHT + 14, key_y), QPointF(WIDTH - RIGHT + 34, key_y))
        painter.setPen(text)
        painter.drawText(QPointF(WIDTH - RIGHT + 40, key_y + 4), label)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):
        raise SystemExit(f"could not write {out}")


def main(source: Path, out: Path) -> None:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    draw(json.loads(source.read_text()), out)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
