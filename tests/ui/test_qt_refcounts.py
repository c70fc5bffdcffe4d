"""The Qt binding must not leak or drop references on the paths the ticker uses every second.

PySide6 6.12.0 on Python 3.11 drops one reference to ``True`` per ``Signal.emit()`` and one to
``None`` per void call: after a few thousand ticks the interpreter aborts (``bool_dealloc``).
This guards the pinned version: a binding with that fault fails here, not in a clinic.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from chargeclock.services.minutes import CodeState, Span
from chargeclock.ui.rows_model import CodeRow, CodeRowsModel

pytestmark = pytest.mark.gui


class _Emitter(QObject):
    happened = Signal(int)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True and None are immortal from 3.12")
def test_signal_emit_and_void_calls_keep_true_and_none(qtbot: QtBot) -> None:
    emitter = _Emitter()
    emitter.happened.connect(lambda _: None)
    label = QLabel()
    qtbot.addWidget(label)
    for n in range(50):  # warm up: first calls may cache objects
        emitter.happened.emit(n)
        label.setText(str(n))
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for n in range(2000):
        emitter.happened.emit(n)
        label.setText(str(n))
    # A reference dropped (or leaked) per call moves the count by 2,000; noise moves it by a few.
    assert abs(sys.getrefcount(True) - true_before) < 50
    assert abs(sys.getrefcount(None) - none_before) < 50


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True and None are immortal from 3.12")
def test_a_thousand_ticks_keep_the_reference_counts(qtbot: QtBot) -> None:
    model = CodeRowsModel()
    start = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    running = CodeState(1, "97110", "Exercise therapy", True, 15, (Span(1, "PT", start, None),))
    model.set_rows([CodeRow("97110", "Exercise therapy", True, running)], start)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    emitted: list[int] = []
    model.dataChanged.connect(lambda *_: emitted.append(1))
    for second in range(1000):
        model.tick(start + timedelta(seconds=second))
        model.set_units({"97110": (second // 900, 0)})
    assert len(emitted) >= 1000  # the running cell was repainted every tick
    assert abs(sys.getrefcount(True) - true_before) < 50
    assert abs(sys.getrefcount(None) - none_before) < 50
