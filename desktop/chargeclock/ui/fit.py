"""The visit screen fits the screen it is on, from a 1024×600 touch panel to a 4K monitor, and
reads from two metres with large type.

* The timer columns never scroll sideways: as the centre narrows, the PT and PTA buttons
  shrink to what their text needs, then the Service column (the code's label, still the
  code's tooltip) gives way; Code and Units keep their room.
* Buttons whose text would be cut drop their shortcut from the text (it stays in the tooltip);
  the add-a-code field's hint shortens to what its width shows whole.
* The left lists cut a long line with "…" rather than scroll sideways; the Today list shows
  a visit on two lines (name, then status and clocks) and the left panel widens, up to
  ``PATIENTS_MOST`` (less where the window would then be wider than its screen), until its
  names show whole.
* The timer buttons keep their type and wrap their text (:mod:`.timer_delegate`); the
  patient's name goes above the place-of-service drop-down when it would be cut beside it
  (:mod:`.visit_heading`).
* The toolbar and the status bar's hint say their short labels where the whole ones do not
  fit (:mod:`.toolbar_fit`).
* Large type (a toolbar switch, kept with the database's settings) raises the type from 12 pt
  to 16 pt and the rows and buttons with it, in the window and in the dialogs it opens (each
  dialog's own copy of the theme is swapped for the large one as it is polished).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QSplitter,
)

from chargeclock.services.display import Display
from chargeclock.ui import theme
from chargeclock.ui.known_types import viewport
from chargeclock.ui.qt_ints import ELIDE_RIGHT, SCROLL_BAR_ALWAYS_OFF, set_enum
from chargeclock.ui.rows_model import CodeRowsModel
from chargeclock.ui.today_rows import TodayRowDelegate, least_width
from chargeclock.ui.toolbar_fit import ToolbarFit

if TYPE_CHECKING:
    from chargeclock.ui.main_window import MainWindow

# Column widths at 12 pt (large type scales them).
CODE_WIDTH = 80
UNITS_WIDTH = 72
UNITS_MORE = 28
TIMER_MOST = 170
TIMER_LEAST = 128  # "PTA ■ 1:23:45" in its bold, slightly larger type, with the cell's margins
SERVICE_LEAST = 96  # below this the label is not worth a column: it goes to the tooltip
TITLE_POINTS = 17
PANEL_LEAST = 290  # the calculator on the right
PANEL_LARGE_EXTRA = 50  # its figures in large type
PATIENTS_LEAST = 200  # the lists on the left
PATIENTS_MOST = 280  # ...widened for the Today list's names up to this
SMALLEST_SCREEN = 1024  # the narrowest screen the window fits
HEADER_PADDING = 20  # a header section's padding and edges


class DisplayFit(QObject):
    """Fits ``window`` to its size and applies the large-type setting."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.display = Display(window.services.ctx)
        self.large = False
        self.large_type_action = QAction("Large type", parent=window)
        self.large_type_action.setCheckable(True)
        self.large_type_action.setToolTip("Bigger type and buttons, to read from across the room")
        self.large_type_action.toggled.connect(self.set_large_type)
        window.patients.setMinimumWidth(PATIENTS_LEAST)
        set_enum(window.table.horizontalHeader(), "textElideMode", ELIDE_RIGHT)
        for view in (window.patients.today_list, window.patients.patient_list):
            set_enum(view, "textElideMode", ELIDE_RIGHT)
            set_enum(view, "horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        self.toolbar = ToolbarFit(window, window.toolbar, window.shortcut_hints)
        today = window.patients.today_list
        today.setItemDelegate(TodayRowDelegate(today))
        today.model().modelReset.connect(self.fit_today)
        # A long visit line wraps rather than widen the window past the screen.
        window.visits.visit_subtitle.setWordWrap(True)
        set_enum(window.table, "horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        window.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        viewport(window.table).installEventFilter(self)
        window.visits.installEventFilter(self)
        add_code = window.visits.add_code
        self.hints = (add_code.placeholderText(), "Add a code…", "Code…")
        add_code.setToolTip(self.hints[0])
        add_code.installEventFilter(self)
        visits = window.visits
        self.labels: list[tuple[QPushButton, str, str]] = [
            (visits.finalize_button, visits.finalize_button.text(), "Finalize"),
            (visits.superbill_button, visits.superbill_button.text(), "Superbill"),
            (visits.segments_button, visits.segments_button.text(), "Segments…"),
            (visits.remove_button, visits.remove_button.text(), "Remove"),
        ]
        for button, long, _short in self.labels:
            button.setToolTip(long)
        large = window.large_at_start  # the type the window was styled in
        self.large_type_action.setChecked(large)
        self.apply(large)

    # -- large type -------------------------------------------------------------------------

    def set_large_type(self, on: bool) -> None:
        """The toolbar switch: saved, then drawn."""
        if on == self.large:
            return
        saved = self.window.runner.run(lambda: self.display.set_large_type(on), self.window)
        if saved is None:  # not saved: the switch goes back
            self.large_type_action.blockSignals(True)
            self.large_type_action.setChecked(self.large)
            self.large_type_action.blockSignals(False)
            return
        self.apply(on)

    def apply(self, large: bool) -> None:
        """Draw the window in large type or not: its dialogs and the lock's cover follow, as
        they take the window's theme (ui.theme.own_sheet)."""
        self.large = large
        factor = theme.scale(large)
        size = theme.point_size(large)
        # A style sheet set polishes every widget of the window again: only when it differs
        # (at start it is the one the window was built with).
        sheet = theme.stylesheet(size)
        if self.window.styleSheet() != sheet:
            self.window.setStyleSheet(sheet)
        # Narrow enough for 1024 px across with the centre's timers whole; wider with large
        # type, whose figures would not fit otherwise.
        self.window.panel.setMinimumWidth(PANEL_LEAST + (PANEL_LARGE_EXTRA if large else 0))
        self.window.table.verticalHeader().setDefaultSectionSize(round(theme.ROW_HEIGHT * factor))
        title = round(TITLE_POINTS * factor)
        title_style = f"font-size: {title}pt;"
        if self.window.visits.visit_title.styleSheet() != title_style:
            self.window.visits.visit_title.setStyleSheet(title_style)
            self.window.visits.heading.arrange()  # its words' widths in the new type
        field = self.window.visits.add_code  # room for its shortest hint (and a typed code)
        font = QFont(field.font())
        font.setPointSize(size)
        hint = QFontMetrics(font).horizontalAdvance(self.hints[-1])
        field.setMinimumWidth(hint + theme.FIELD_PADDING)
        self.fit_labels()  # the centre's least width, which the left panel's room depends on
        self.fit_today()
        self.fit_columns()
        self.toolbar.fit()

    # -- fitting ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            if watched is self.window.visits.add_code:
                self.fit_hint()
            elif watched is self.window.visits:
                self.fit_labels()
            else:
                self.fit_columns()
        return False

    def fit_today(self) -> None:
        """The left panel as wide as the Today list's names need (taken from the centre,
        whose timers then shrink as they do on a narrow screen)."""
        patients = self.window.patients
        size = theme.point_size(self.large)
        least = max(PATIENTS_LEAST, least_width(patients.today_list, size, self._patients_most()))
        patients.setMinimumWidth(least)
        splitter = self.window.centralWidget()
        if isinstance(splitter, QSplitter) and splitter.count() == 3:
            left, centre, right = splitter.sizes()
            if 0 < left < least:
                splitter.setSizes([least, centre - (least - left), right])

    def _patients_most(self) -> int:
        """How wide the left panel may grow for the Today list's names: ``PATIENTS_MOST``, or
        less where the window could then not be as narrow as its screen (one at least
        ``SMALLEST_SCREEN`` across): in large type the centre and the calculator leave the
        left some 230 px of a 1024-wide screen, and a long name is cut with "…" there."""
        screen = self.window.screen()
        across = max(SMALLEST_SCREEN, screen.availableGeometry().width() if screen else 0)
        splitter = self.window.centralWidget()  # its least width is worked out when asked
        if splitter is None:
            return PATIENTS_MOST
        others = splitter.minimumSizeHint().width() - self.window.patients.minimumWidth()
        return max(PATIENTS_LEAST, min(PATIENTS_MOST, across - others))

    def fit_columns(self) -> None:
        """Widths for the viewport's width: no sideways scroll of the timer columns."""
        table = self.window.table
        factor = theme.scale(self.large)
        # Five digits and a unit count need little more room in large type.
        code, units = CODE_WIDTH + (8 if self.large else 0), UNITS_WIDTH
        units = max(units, self._header_width("Units"))  # its header whole in large type
        least, most = round(TIMER_LEAST * factor), round(TIMER_MOST * factor)
        width = viewport(table).width()
        room = width - code - units
        if room < 2 * least and self._squeeze_sides(2 * least - room):
            return  # the splitter moved: this runs again at the new width
        show_service = room - 2 * least >= round(SERVICE_LEAST * factor)
        timers = (room - round(SERVICE_LEAST * factor)) // 2 if show_service else room // 2
        # At the least, unless even that does not fit (large type on a small screen): then
        # the two share what there is, rather than hide the Units behind the edge.
        timers = min(most, max(min(least, room // 2), timers))
        if show_service and timers == most and room - 2 * most >= SERVICE_LEAST + UNITS_MORE:
            units += UNITS_MORE  # room to spare: "2 (1 CQ)" on one line
        header = table.horizontalHeader()
        table.setColumnHidden(CodeRowsModel.SERVICE, not show_service)
        header.setSectionResizeMode(CodeRowsModel.SERVICE, QHeaderView.ResizeMode.Stretch)
        self._fit_headers(timers)
        for column, size in (
            (CodeRowsModel.CODE, code),
            (CodeRowsModel.PT, timers),
            (CodeRowsModel.PTA, timers),
            (CodeRowsModel.UNITS, units),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, size)

    def _fit_headers(self, timers: int) -> None:
        """The timer columns' headers say "PT" and "PTA" where "Assistant (PTA)" would be
        cut (large type on a small screen): a header is read from across the room too."""
        table = self.window.table
        model = table.model()
        if not isinstance(model, CodeRowsModel):
            return
        widest = max(self._header_width(model.HEADERS[c]) for c in (model.PT, model.PTA))
        model.set_short_headers(widest > timers)

    def _header_width(self, text: str) -> int:
        """The width a header section needs to show ``text`` whole."""
        font = QFont(self.window.table.horizontalHeader().font())
        font.setBold(True)  # the stylesheet's weight 600
        return QFontMetrics(font).horizontalAdvance(text) + HEADER_PADDING

    def _squeeze_sides(self, wanted: int) -> bool:
        """Give the centre up to ``wanted`` pixels from the side panels (the calculator first),
        down to their least widths; False when they have none to give."""
        splitter = self.window.centralWidget()
        if not isinstance(splitter, QSplitter) or splitter.count() != 3:
            return False
        left, centre, right = splitter.sizes()
        from_right = min(wanted, max(0, right - self.window.panel.minimumWidth()))
        from_left = min(wanted - from_right, max(0, left - self.window.patients.minimumWidth()))
        if from_right + from_left <= 0:
            return False
        splitter.setSizes([left - from_left, centre + from_left + from_right, right - from_right])
        return True

    def fit_labels(self) -> None:
        """A button whose whole text does not fit says it without its shortcut."""
        panel = self.window.visits
        room = panel.contentsRect().width() - 24  # the panel's margins
        # Segments… and Remove code share their row with the code field (its least width).
        beside = panel.add_code.minimumWidth() + 12
        # Finalize and Superbill share theirs with Modifiers….
        modifiers = panel.modifiers_button.sizeHint().width() + 12
        for row, others in (((0, 1), modifiers), ((2, 3), beside)):
            buttons = [self.labels[i] for i in row]
            needed = others + sum(self._text_width(b, long) for b, long, _ in buttons)
            fits = needed + 12 * len(buttons) <= room
            for button, long, short in buttons:
                button.setText(long if fits else short)
                # The layout may squeeze a button to its short text, no further: so the
                # window's least width is that of the short texts, and they are then chosen.
                button.ensurePolished()
                button.setMinimumWidth(self._text_width(button, short))
        self._fit_centre_least()

    def _fit_centre_least(self) -> None:
        """The centre's least width the same with a visit open or not (its buttons and
        drop-down shown), so the window's does not grow past the screen when one opens; the
        left panel's room follows it."""
        panel = self.window.visits
        column = panel.layout()
        if column is None:
            return
        least = panel.place_picker.sizeHint().width()
        for i in range(column.count()):
            item = column.itemAt(i)
            row = item.layout() if item is not None else None
            if row is not None and any(row.indexOf(b) >= 0 for b, _, _ in self.labels):
                least = max(least, row.minimumSize().width())
        for margins in (column.contentsMargins(), panel.contentsMargins()):  # and its border
            least += margins.left() + margins.right()
        least = max(least, column.totalMinimumSize().width())
        if least != panel.minimumWidth():
            panel.setMinimumWidth(least)
            self.fit_today()

    def fit_hint(self) -> None:
        """The add-a-code field's hint, the longest form its width shows whole."""
        field = self.window.visits.add_code
        room = field.width() - theme.FIELD_PADDING
        metrics = field.fontMetrics()
        fits = [h for h in self.hints if metrics.horizontalAdvance(h) <= room]
        field.setPlaceholderText(fits[0] if fits else self.hints[-1])

    @staticmethod
    def _text_width(button: QPushButton, text: str) -> int:
        return button.fontMetrics().horizontalAdvance(text) + 2 * 14 + 12  # padding, border
