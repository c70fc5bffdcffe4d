"""Each table and list model on its own, through pytest-qt's model tester (Qt's own checks of
rows, columns, indexes, parents and the signals around a reset), with rows of every kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from chargeclock.services.minutes import CodeState, Span, UntimedState
from chargeclock.ui.lists import ClaimLinesModel, EntryListModel, LineEntry, ListEntry
from chargeclock.ui.rows_model import CodeRow, CodeRowsModel

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _running(code: str, minutes: int) -> CodeState:
    start = NOW - timedelta(minutes=minutes)
    return CodeState(
        visit_code_id=1,
        code=code,
        label="Exercise therapy",
        timed=True,
        unit_minutes=15,
        spans=(Span(1, "PT", start, None), Span(2, "PTA", start, start + timedelta(minutes=3))),
    )


def test_the_code_rows_model(qtmodeltester: Any) -> None:
    model = CodeRowsModel()
    qtmodeltester.check(model)  # empty
    untimed = CodeState(2, "97010", "Hot / cold pack", False, 0, (), UntimedState("PT", 10, None))
    model.set_rows(
        [
            CodeRow("97110", "Exercise therapy", True, _running("97110", 20)),
            CodeRow("97140", "Manual therapy", True, None),  # a favourite not yet on the visit
            CodeRow("97010", "Hot / cold pack", False, untimed),
        ],
        NOW,
    )
    model.set_units({"97110": (2, 1), "97010": (1, 0)})
    model.tick(NOW + timedelta(seconds=61))
    qtmodeltester.check(model)
    model.read_only = True
    qtmodeltester.check(model)


def test_the_claim_lines_model(qtmodeltester: Any) -> None:
    model = ClaimLinesModel()
    qtmodeltester.check(model)
    model.set_lines(
        [
            LineEntry("97110", "Exercise therapy", ("GP",), 1, Decimal("29.06"), Decimal("60")),
            LineEntry("97110", "Exercise therapy", ("GP", "CQ"), 1, Decimal("18.88"), None),
            LineEntry("G0283", "E-stim, unattended", ("GP",), 1, None, Decimal("25.00")),
        ]
    )
    qtmodeltester.check(model)


def test_the_entry_list_model(qtmodeltester: Any) -> None:
    model = EntryListModel()
    qtmodeltester.check(model)
    model.set_entries(
        [ListEntry("Doe, Jane · open", 7, "PT running 12:00"), ListEntry("Roe, Ann", 8)]
    )
    qtmodeltester.check(model)
    assert model.row_of(8) == 1


def test_the_code_rows_look(qapp: Any) -> None:
    """The code and units are bold (the view's own size and family kept), the service muted."""
    from PySide6.QtGui import QColor, QFont

    from chargeclock.ui import theme
    from chargeclock.ui.qt_ints import FONT_ROLE, FOREGROUND_ROLE

    model = CodeRowsModel()
    model.set_rows([CodeRow("97110", "Exercise therapy", True, _running("97110", 20))], NOW)
    for column in (CodeRowsModel.CODE, CodeRowsModel.UNITS):
        font = model.data(model.index(0, column), FONT_ROLE)
        assert isinstance(font, QFont) and font.bold()
        # only the weight is set: the rest comes from the view (large type included)
        assert font.resolveMask() == 0x10  # QFont::WeightResolved alone
    brush = model.data(model.index(0, CodeRowsModel.SERVICE), FOREGROUND_ROLE)
    assert brush.color() == QColor(theme.MUTED)
    assert model.data(model.index(0, CodeRowsModel.PT), FONT_ROLE) is None
