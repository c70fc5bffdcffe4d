"""Form pieces shared by the record dialogs: a field marked when its value is wrong, the form's
one message line, date and money inputs, and :class:`FormState`, which checks every field as it
is edited and refuses a save until all are valid.

A bad field is marked (a red frame) once it has been edited, and every bad field when Save is
pressed; its reason is written on the form's one message line above the buttons, which is
always there and keeps its height, so a message never moves a field under a finger. The save
itself is one service call; an :class:`InputError` it raises marks the field it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QEvent, QSize, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QBoxLayout,
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from chargeclock.domain.errors import InputError
from chargeclock.domain.wording import day_text
from chargeclock.services.validation import clean_npi, parse_fee, parse_money
from chargeclock.ui import theme

T = TypeVar("T")

FORM_STYLE = f"""
QLabel#FieldError {{ color: {theme.ALERT_COLOUR}; font-size: 11pt; }}
QLabel#FieldOk {{ color: {theme.OK_COLOUR}; font-size: 11pt; }}
QLabel#FormError {{ color: {theme.ALERT_COLOUR}; font-weight: 600; }}
*[invalid="true"] {{ border-color: {theme.ALERT_COLOUR}; background: #fff4f4; }}
QGroupBox {{
    font-weight: 600; border: 1px solid #d8dee6; border-radius: 8px; margin-top: 14px;
    background: white; padding: 10px 8px 6px 8px;
}}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #1d2733; }}
QGroupBox::indicator {{ width: 22px; height: 22px; }}
QCheckBox {{ min-height: {theme.TOUCH}px; }}
QCheckBox::indicator {{ width: 22px; height: 22px; }}
QToolButton#CalendarButton {{
    min-width: {theme.TOUCH}px; min-height: {theme.TOUCH}px;
    border: 1px solid #b8c2cf; border-radius: 6px; background: white;
}}
QTabBar::tab {{ min-height: 40px; padding: 4px 18px; }}
QListWidget {{ background: white; border: 1px solid #d8dee6; border-radius: 8px; }}
QListWidget::item {{ min-height: 36px; padding: 2px 6px; }}
"""

DATE_HINT = "MM/DD/YYYY"


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("FieldError")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def parse_date(text: str) -> date:
    """``MM/DD/YYYY`` (or ``YYYY-MM-DD``) to a date, else a ``ValueError`` saying so."""
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if match:
            month, day, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a date on the calendar") from None
    raise ValueError(f"write the date as {DATE_HINT}")


def show_date(value: date | None) -> str:
    return day_text(value) if value else ""


#: a calendar date field's order: as every date on screen and paper (domain.wording.day_text)
DATE_FIELD_FORMAT = "MM/dd/yyyy"


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def date_field(day: date, parent: QWidget | None = None) -> QDateEdit:
    """A calendar date field showing ``day`` as every other date is written (03/02/2026)."""
    edit = QDateEdit(qdate(day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FIELD_FORMAT)
    return edit


def picked(edit: QDateEdit) -> date:
    """The day a date field shows."""
    return pydate(edit.date())


class _DateEdit(QLineEdit):
    """A date's line: at least as wide as a whole date and its hint in its own type (a width
    in pixels cut the date under large type)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        metrics = self.fontMetrics()
        text = max(metrics.horizontalAdvance(DATE_HINT), metrics.horizontalAdvance("00/00/0000"))
        return QSize(max(hint.width(), text + theme.FIELD_PADDING), hint.height())


class DateField(QWidget):
    """A date typed as MM/DD/YYYY or picked from a calendar; may be left blank."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.edit = _DateEdit()
        self.edit.setPlaceholderText(DATE_HINT)
        self.edit.textChanged.connect(lambda _text: self.changed.emit())
        self.button = QToolButton()
        self.button.setObjectName("CalendarButton")
        self.button.setText("▦")
        self.button.setToolTip("Pick from a calendar")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._menu = QMenu(self.button)
        # The calendar is made when first opened: with its table, headers, scroll bars, spin
        # box, menus and buttons it is some 40 widgets, each styled (a dialog with a date to
        # type took twice as long to open as without it).
        self._calendar: QCalendarWidget | None = None
        self._menu.aboutToShow.connect(self._before_popup)
        self.button.setMenu(self._menu)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)

    @property
    def calendar(self) -> QCalendarWidget:
        """The calendar of the button's menu (made when first asked for)."""
        if self._calendar is None:
            self._calendar = QCalendarWidget()
            self._calendar.clicked.connect(self._picked)
            action = QWidgetAction(self._menu)
            action.setDefaultWidget(self._calendar)
            self._menu.addAction(action)
        return self._calendar

    def _before_popup(self) -> None:
        calendar = self.calendar
        try:
            current = self.value()
        except ValueError:
            current = None
        if current is not None:
            calendar.setSelectedDate(qdate(current))

    def _picked(self, picked: QDate) -> None:
        self.set_value(pydate(picked))
        menu = self.button.menu()
        if menu is not None:
            menu.hide()

    def set_value(self, value: date | None) -> None:
        self.edit.setText(show_date(value))

    def is_blank(self) -> bool:
        return not self.edit.text().strip()

    def value(self) -> date | None:
        """The date, None when blank; a ``ValueError`` saying what is wrong otherwise."""
        return None if self.is_blank() else parse_date(self.edit.text())


#: the widgets a field's mark colours (a composite field: the inputs inside it)
_MARKED_KINDS = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QPlainTextEdit)


class FieldBox(QWidget):
    """An input that is marked when its value is wrong: its frame turns red and its reason is
    its tooltip. The reason itself is written on the form's one :class:`MessageLine`, so a
    message never moves a field (a tap aimed at the next field lands on it)."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.widget = widget
        self.label = ""  # the field's name in the message (set by :func:`form_rows`)
        self.reason = ""
        layout.addWidget(widget)

    @property
    def marked(self) -> bool:
        return bool(self.reason)

    def set_error(self, text: str) -> None:
        if text == self.reason:
            return
        self.reason = text
        for widget in (self.widget, *self.widget.findChildren(QWidget)):
            if widget is self.widget or isinstance(widget, _MARKED_KINDS):
                # Only the border's colour and the background change: never a size.
                widget.setProperty("invalid", bool(text))
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        self.widget.setToolTip(text)

    def said(self) -> str:
        """ "Phone: A phone number has at least 10 digits" (the reason alone without a name)."""
        name = self.label.rstrip(" :*")
        return f"{name}: {self.reason}" if name else self.reason


class MessageLine(QLabel):
    """A form's one message line, always there and always :data:`LINES` lines high whether it
    says something or not: a message appearing moves nothing. A text longer than it has is in
    its tooltip too."""

    LINES = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FormError")
        self.setWordWrap(True)
        # From the top: a text longer than the two lines keeps its beginning (the field's name)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()  # large type: the two lines grow with the type

    def _fit(self) -> None:
        margins = self.contentsMargins()
        lines = self.fontMetrics().lineSpacing() * self.LINES
        self.setFixedHeight(lines + margins.top() + margins.bottom() + 4)

    def say(self, text: str, *, ok: bool = False) -> None:
        """Show ``text`` (red; green when ``ok``); "" leaves the line empty, its room kept."""
        self.setStyleSheet(f"color: {theme.OK_COLOUR};" if ok else "")
        self.setText(text)
        self.setToolTip(text)


class FormState:
    """The fields of one form, checked by ``check`` (``{field: reason}`` for every bad field).

    A bad field is marked (:class:`FieldBox`) and its reason written on the form's message line
    (``general``, placed by the form above its buttons): the reason of the field just edited,
    else of the first field still marked. Nothing is inserted or hidden, so no field moves."""

    def __init__(
        self, check: Callable[[], dict[str, str]], general: MessageLine | None = None
    ) -> None:
        self.check = check
        self.boxes: dict[str, FieldBox] = {}
        self.touched: set[str] = set()
        self.reveal = False
        self.general = general or MessageLine()
        self._from_field = False  # the line says a field's reason (an edit may take it back)

    def field(self, key: str, widget: QWidget, *signals: SignalInstance) -> FieldBox:
        box = FieldBox(widget)
        self.boxes[key] = box
        for signal in signals:
            signal.connect(lambda *_: self.edited(key))
        return box

    def edited(self, key: str) -> None:
        self.touched.add(key)
        self.revalidate()
        box = self.boxes[key]
        if box.marked:
            self._say_field(box)
        elif self._from_field:
            first = next((b for b in self.boxes.values() if b.marked), None)
            if first is not None:
                self._say_field(first)
            else:
                self.set_general("")

    def _say_field(self, box: FieldBox) -> None:
        self.set_general(box.said())
        self._from_field = True

    def revalidate(self) -> dict[str, str]:
        errors = self.check()
        for key, box in self.boxes.items():
            shown = self.reveal or key in self.touched
            box.set_error(errors.get(key, "") if shown else "")
        return errors

    def errors_shown(self) -> dict[str, str]:
        return {k: b.reason for k, b in self.boxes.items() if b.marked}

    def reset(self) -> None:
        self.touched.clear()
        self.reveal = False
        self.set_general("")
        self.revalidate()

    def set_general(self, text: str) -> None:
        self.general.say(text)
        self._from_field = False

    def say_done(self, text: str) -> None:
        """A save went through: ``text`` in green on the message line."""
        self.general.say(text, ok=True)
        self._from_field = False

    def submit(self, save: Callable[[], T], aliases: Mapping[str, str] | None = None) -> T | None:
        """Mark every bad field; if there is none, run ``save`` (one service call) and mark the
        field it refuses, if it does. Returns what ``save`` returned, or None when refused."""
        self.reveal = True
        self.set_general("")
        errors = self.revalidate()
        if errors:
            marked = [b for k, b in self.boxes.items() if k in errors]
            if marked:
                marked[0].widget.setFocus()
                more = f" (and {len(marked) - 1} more in red)" if len(marked) > 1 else ""
                self.set_general(f"Nothing was saved. {marked[0].said()}{more}")
            else:
                self.set_general("Fix the fields marked in red; nothing was saved.")
            return None
        try:
            return save()
        except InputError as exc:
            key = _field_key(exc.field, aliases or {})
            box = self.boxes.get(key)
            if box is not None:
                box.set_error(exc.problem)
                box.widget.setFocus()
                self.set_general(f"Nothing was saved. {box.said()}")
            else:
                self.set_general(f"Nothing was saved: {exc}")
            return None


def _field_key(field: str, aliases: Mapping[str, str]) -> str:
    base = field.split("[")[0]
    return aliases.get(field, aliases.get(base, base))


# --- per-field checks: each returns the reason, or "" -----------------------------------------


def required(text: str, what: str = "This field") -> str:
    return "" if text.strip() else f"{what} is required"


def npi_problem(text: str) -> str:
    try:
        clean_npi(text, "npi")
    except InputError as exc:
        return exc.problem
    return ""


def money_problem(
    text: str, *, blank_ok: bool = True, allow_zero: bool = True, fee: bool = False
) -> str:
    """What is wrong with an amount typed in a cell ("" if nothing); ``fee``: a unit's fee."""
    if not text.strip():
        return "" if blank_ok else "an amount is required"
    try:
        if fee:
            parse_fee(text, "amount")
        else:
            parse_money(text, "amount", allow_zero=allow_zero)
    except InputError as exc:
        return exc.problem
    return ""


def money(text: str) -> Decimal | None:
    return parse_money(text, "amount") if text.strip() else None


def date_problem(
    field: DateField,
    *,
    blank_ok: bool = True,
    not_after: date | None = None,
    what: str = "The date",
) -> str:
    try:
        value = field.value()
    except ValueError as exc:
        return str(exc)
    if value is None:
        return "" if blank_ok else f"{what} is required"
    if not_after is not None and value > not_after:
        return f"{show_date(value)} is in the future"
    return ""


def form_rows(*rows: tuple[str, QWidget]) -> QFormLayout:
    layout = QFormLayout()
    layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.setVerticalSpacing(6)
    for label, widget in rows:
        _name(widget, label)
        layout.addRow(label, widget)
    return layout


def grid_rows(*rows: tuple[tuple[str, QWidget], ...]) -> QGridLayout:
    """Label/field pairs, one or two to a row (a lone pair spans the whole row)."""
    layout = QGridLayout()
    layout.setVerticalSpacing(6)
    layout.setHorizontalSpacing(8)
    top_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
    for n, pairs in enumerate(rows):
        for k, (label, widget) in enumerate(pairs):
            text = QLabel(label)
            text.setContentsMargins(0, 8, 0, 0)
            _name(widget, label)
            layout.addWidget(text, n, 2 * k, top_right)
            layout.addWidget(widget, n, 2 * k + 1, 1, 3 if len(pairs) == 1 else 1)
    layout.setColumnStretch(1, 1)
    layout.setColumnStretch(3, 1)
    return layout


def _name(widget: QWidget, label: str) -> None:
    """A field laid out under ``label`` is called so in the message line."""
    if isinstance(widget, FieldBox) and not widget.label:
        widget.label = label


def side_by_side(
    row: QBoxLayout, parts: Sequence[QLayout], width: int, around: int, *, whole: bool = False
) -> None:
    """``row``'s ``parts`` side by side where ``width`` holds them with the row's spacing and
    margins and ``around`` pixels more (what is outside the row: margins, a frame, a scroll
    bar), else one under another. Each part is measured at its least width, or with
    ``whole`` at the width that shows all its text; in the type it is shown in, so call it
    once the widgets are styled (a show event) as well as on each resize."""
    margins = row.contentsMargins()
    needed = (
        sum((part.sizeHint() if whole else part.minimumSize()).width() for part in parts)
        + row.spacing() * (len(parts) - 1)
        + margins.left()
        + margins.right()
        + around
    )
    wanted = (
        QBoxLayout.Direction.LeftToRight if width >= needed else QBoxLayout.Direction.TopToBottom
    )
    if row.direction() != wanted:
        row.setDirection(wanted)


def fit_to_screen(dialog: QWidget, width: int, height: int) -> None:
    """``width`` × ``height``, or less where the screen (its parent's) is smaller — a 1024×600
    panel: the dialog scrolls inside, it never reaches past the screen's edge."""
    parent = dialog.parentWidget()
    screen = (parent.screen() if parent is not None else dialog.screen()).availableGeometry()
    dialog.resize(min(width, screen.width() - 40), min(height, screen.height() - 60))


def group(title: str, layout: Any) -> QGroupBox:
    box = QGroupBox(title)
    box.setLayout(layout)
    return box
