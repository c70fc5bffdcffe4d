"""The live calculator: units, the next unit, CQ and why, KX with a forecast, warnings, ties.

It renders an engine result; it computes nothing itself. ``show`` repaints only what changed, so
calling it every second costs nothing when the minutes did not move.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from msgspec import Struct
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.calculation import Alternative, VisitResult
from chargeclock.domain.fees import money
from chargeclock.domain.wording import plural
from chargeclock.ui import theme
from chargeclock.ui.claim_actions import ClaimActions
from chargeclock.ui.qt_ints import SCROLL_BAR_ALWAYS_OFF, set_enum
from chargeclock.ui.rich_label import RichLabel, escape
from chargeclock.ui.steady import Stack, SteadyLines, one_layout, settle


class Reminder(Struct, frozen=True):
    """A compliance reminder from the services (progress report, plan of care)."""

    severity: str  # "info", "warn" or "alert"
    text: str


class PanelContext(Struct, frozen=True):
    """What the engine does not know: the forecast and the patient's reminders."""

    visits_to_kx: int | None = None
    visits_to_review: int | None = None
    reminders: tuple[Reminder, ...] = ()
    day_note: str = ""  # e.g. "billed with this morning's visit"
    kx_tracked: bool = True  # the payer uses the KX threshold (Medicare)


def _set_share(bar: QProgressBar, value: int) -> None:
    """``bar`` at ``value``, painted with the rest of the panel: ``QProgressBar.setValue``
    paints the bar at once, before the panel's new texts are laid out (and the panel's paint
    then paints it again)."""
    if bar.value() == value:
        return
    bar.setUpdatesEnabled(False)
    bar.setValue(value)
    bar.setUpdatesEnabled(True)  # (which asks for its paint)


def _section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("SubHeading")
    label.setStyleSheet("font-weight: 600; margin-top: 8px;")
    return label


_COLUMNS: dict[str, float] = {}  # a font's key -> the code lines' column width in it


def _code_column(font: QFont) -> float:
    """The width of each column of a code's line (its tab stops, one distance apart): the
    widest code (five characters, in bold) or the widest minutes ("120 min", "untimed"), and
    a gap. Measured once per font (each of the pooled lines asks)."""
    key = font.key()
    width = _COLUMNS.get(key)
    if width is None:
        bold = QFont(font)
        bold.setBold(True)
        plain = QFontMetricsF(font)
        code = max(QFontMetricsF(bold).horizontalAdvance(c) for c in ("00000", "G0000"))
        minutes = max(plain.horizontalAdvance(m) for m in ("000 min", "untimed"))
        width = _COLUMNS[key] = max(code, minutes) + plain.horizontalAdvance("  ")
    return width


def _code_line(parent: QWidget) -> QLabel:
    return RichLabel(parent, tab_stop=_code_column)


MAX_TIE_SWITCHES = 4  # alternatives offered as switches (the engine may find more)
# Lines made ready when a visit first shows (more are made if ever needed): a line made later
# in the day would be a widget made while the timers run.
ASSISTANT_LINES = 12  # two codes with assistant time: a line each and up to five of why
REASON_INDENT = 12  # pixels: the steps of a code's CQ decision, under its line
CODE_LINES = 8
WARNING_LINES = 10


def _colour(severity: str) -> str:
    return {"alert": theme.ALERT_COLOUR, "warn": theme.WARN_COLOUR}.get(severity, theme.MUTED)


class CalculatorPanel(QFrame):
    #: the user picked another allocation of a tie: the codes that take the contested units
    alternative_chosen = Signal(tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Panel")
        self._last: tuple[Any, ...] | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        set_enum(scroll, "horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        # One pass of its own lays the panel out when a text changes its height or a line or a
        # switch comes or goes (steady.Stack): the lines that did not change are not touched.
        # Within a visit the panel keeps the tallest height it had (a warning or a switch that
        # comes and goes does not change the scroll range each time); a new visit releases it.
        body = Stack(margins=(16, 12, 16, 12), spacing=4, keep_height=True)
        self._body = body
        body.setObjectName("PanelBody")
        # White, filled by Qt itself (a style sheet's background would need the stack styled
        # as a plain QWidget is; filled, it also spares painting the panel under it)
        white = body.palette()
        white.setColor(QPalette.ColorRole.Window, QColor("white"))
        body.setPalette(white)
        body.setAutoFillBackground(True)
        scroll.setWidget(body)
        outer.addWidget(scroll)

        self.headline = RichLabel(body, plain=True)
        self.headline.setObjectName("Headline")  # its size follows the large-type setting
        self.next_unit = RichLabel(body, plain=True)
        self.next_unit.setObjectName("NextUnit")
        # A line per code and per warning: a minute changes the lines of the running codes
        # (their minutes) and lays out those alone, not the whole explanation. The codes' lines
        # line up in columns by tab stops (a rich-text table is laid out whole at each change,
        # several times the cost of a line).
        # The line stacks keep their tallest height within a visit too: a line that comes and
        # goes (a tie's), or a step of the CQ decision that wraps differently as the minutes
        # turn, moves nothing under it (nothing to repaint, nor to reach for again).
        self.units = SteadyLines(_code_line, body, pool=CODE_LINES, keep_height=True)
        self.claim_lines = RichLabel(body)  # the lines the claim will have, with their modifiers
        self.assistant = SteadyLines(RichLabel, body, pool=ASSISTANT_LINES, keep_height=True)
        self.kx_text = RichLabel(body)
        self.kx_bar = QProgressBar(body)
        self.kx_bar.setTextVisible(False)
        self.kx_bar.setFixedHeight(12)
        self.review_text = RichLabel(body)
        self.warnings = SteadyLines(RichLabel, body, pool=WARNING_LINES, keep_height=True)
        self.claim_actions = ClaimActions(body)
        # A fixed pool of switches, shown and hidden: made once (with the first result), so a
        # minute that moves a tie creates and deletes no widget (and restyles nothing).
        self.tie_buttons: list[QPushButton] = []
        self._tie_choices: list[tuple[str, ...]] = []
        self._kx_colour = ""
        for widget in (
            self.headline,
            self.next_unit,
            _section("Units per code"),
            self.units,
            self.claim_lines,
            _section("Assistant time (CQ / CO)"),
            self.assistant,
            _section("KX threshold this year"),
            self.kx_bar,
            self.kx_text,
            self.review_text,
            _section("Warnings and reminders"),
            self.warnings,
            self.claim_actions,
        ):
            body.add(widget)
        self.clear()

    def release_height(self) -> None:
        """Let the panel take the height its texts need (it keeps the tallest it had)."""
        for stack in (self.units, self.assistant, self.warnings, self._body):
            stack.release_height()

    def clear(self, message: str = "No visit open") -> None:
        self._last = None
        self.release_height()
        self.headline.setText(message)
        self.next_unit.setText("")
        for label in (self.claim_lines, self.kx_text, self.review_text):
            label.setText("")
        self.units.set_lines(())
        self.assistant.set_lines(())
        self.warnings.set_lines(())
        _set_share(self.kx_bar, 0)
        self._set_ties(())
        self.claim_actions.show_for(None)
        settle()

    def show_problems(self, headline: str, problems: Sequence[str]) -> None:
        """No result to show: what stands in the way, and what to do (as alerts). The same
        problems again (a timer run past a day, each minute) leave the panel as it is."""
        key = (headline, tuple(problems))
        if key == self._last:
            return
        self.clear(headline)
        self._last = key
        self.warnings.set_lines(
            [f"<span style='color:{theme.ALERT_COLOUR}'>●</span> {escape(p)}" for p in problems]
        )
        settle()

    def show_result(self, result: VisitResult, context: PanelContext) -> None:
        key = (result, context)
        if key == self._last:
            return
        self._last = key
        # laid out once, when all is set, before the next paint (which would show new texts
        # in old places)
        with one_layout():
            self._show(result, context)

    def _show(self, result: VisitResult, context: PanelContext) -> None:
        self.headline.setText(
            f"{plural(result.timed_units, 'unit')} · {result.total_timed_minutes} timed min"
        )
        if result.next_unit_in_minutes is not None:
            self.next_unit.setText(
                f"+{result.next_unit_in_minutes} min → {plural(result.timed_units + 1, 'unit')}"
                f" · treatment time {result.total_treatment_minutes} min"
            )
        else:
            self.next_unit.setText(f"treatment time {result.total_treatment_minutes} min")
        self.units.set_lines(self._code_lines(result))
        self.claim_lines.setText(self._claim_lines_html(result))
        self.assistant.set_lines(self._assistant_lines(result))
        self._show_kx(result, context)
        self.warnings.set_lines(self._warning_lines(result, context))
        self.claim_actions.show_for(result)
        if not self.tie_buttons:  # the first visit shown
            self._make_first_result_widgets()
        self._set_ties(result.alternatives)

    def _code_lines(self, result: VisitResult) -> list[str]:
        """A line per code: the code, its minutes, its units and how many take CQ."""
        if not result.services:
            return [f"<span style='color:{theme.MUTED}'>No codes yet</span>"]
        lines = []
        for s in result.services:
            cq = (
                f" <span style='color:{theme.PTA_COLOUR}'>({s.assistant_units} CQ)</span>"
                if s.assistant_units
                else ""
            )
            minutes = f"{s.minutes} min" if s.timed else "untimed"
            lines.append(
                f"<p style='white-space:pre-wrap'><b>{s.code}</b>\t"
                f"<span style='color:{theme.MUTED}'>{minutes}</span>\t<b>{s.units}</b>{cq}</p>"
            )
        return lines

    def _claim_lines_html(self, result: VisitResult) -> str:
        """The claim's lines with their modifiers, as they will be billed."""
        # A same-day visit at another place: each line says its place of service.
        places = len({ln.place_of_service for ln in result.claim_lines}) > 1
        lines = ", ".join(
            f"{ln.code} {' '.join(ln.modifiers)} ×{ln.units}"
            + (f" (POS {ln.place_of_service})" if places else "")
            for ln in result.claim_lines
        )
        return f"<span style='color:{theme.MUTED}'>{lines}</span>" if lines else ""

    def _assistant_lines(self, result: VisitResult) -> list[str]:
        """Per code with assistant time: how many units take CQ, then each step of the why on
        a line of its own (the minutes in one step change without the others being laid out
        and drawn again)."""
        lines = []
        for s in result.services:
            if s.assistant_reason:
                lines.append(f"<b>{s.code}</b>: {s.assistant_units} of {s.units} with CQ")
                lines += [
                    f"<p style='margin-left:{REASON_INDENT}px'>"
                    f"{escape(step).replace('-&gt;', '→')}</p>"
                    for step in s.assistant_reason.split("; ")
                ]
        if not lines:
            return [f"<span style='color:{theme.MUTED}'>No assistant time billed</span>"]
        return lines

    def _show_kx(self, result: VisitResult, context: PanelContext) -> None:
        kx = result.kx
        if self.kx_bar.isVisibleTo(self) != context.kx_tracked:
            self.kx_bar.setVisible(context.kx_tracked)
            self.review_text.setVisible(context.kx_tracked)
        if not context.kx_tracked:
            self.kx_text.setText(
                f"<span style='color:{theme.MUTED}'>This payer does not use the KX threshold."
                "</span>"
            )
            return
        share = int(min(Decimal(1), kx.ytd_after / kx.threshold) * 100) if kx.threshold else 0
        _set_share(self.kx_bar, share)
        colour = theme.ALERT_COLOUR if kx.applies else theme.OK_COLOUR
        if colour != self._kx_colour:  # a style sheet set restyles the bar: only on a change
            self._kx_colour = colour
            self.kx_bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        if kx.applies and kx.ytd_before < kx.threshold:
            status = f"<b style='color:{theme.ALERT_COLOUR}'>KX applies from this visit</b>"
        elif kx.applies:
            status = f"<b style='color:{theme.ALERT_COLOUR}'>KX applies</b> (threshold passed)"
        else:
            status = f"<b style='color:{theme.OK_COLOUR}'>{money(kx.remaining)} left</b>"
            if context.visits_to_kx is not None:
                status += f" · about {plural(context.visits_to_kx, 'visit')}"
        incomplete = (
            f"<br><span style='color:{theme.WARN_COLOUR}'>Incomplete: some amounts unknown</span>"
            if not kx.complete
            else ""
        )
        self.kx_text.setText(
            f"{money(kx.ytd_after)} of {money(kx.threshold)} ({money(kx.ytd_before)} before "
            f"this visit)<br>{status}{incomplete}"
        )
        to_review = max(Decimal(0), kx.review_threshold - kx.ytd_after)
        if kx.over_review_threshold:
            review = (
                f"<b style='color:{theme.WARN_COLOUR}'>Past the {money(kx.review_threshold)} "
                "review level: claims may be reviewed</b>"
            )
        else:
            review = f"{money(kx.review_threshold)} review level: {money(to_review)} away"
            if context.visits_to_review is not None:
                review += f" · about {plural(context.visits_to_review, 'visit')}"
        self.review_text.setText(review)

    def _warning_lines(self, result: VisitResult, context: PanelContext) -> list[str]:
        items: list[tuple[str, str]] = []
        # The year's provisional figures are said once, by the banner above the visit.
        items += [
            ("alert", (f"<b>{w.carc}</b> " if w.carc else "") + escape(w.message))
            for w in result.warnings
            if w.kind != "rules_provisional"
        ]
        items += [
            ("warn", f"<b>Review {escape(r.code)}</b>: {escape(r.reason)}") for r in result.review
        ]
        items += [(r.severity, escape(r.text)) for r in context.reminders]
        if result.alternatives:
            items.append(
                ("info", "Tie: the clinician chooses which code takes the unit (switch below)")
            )
        if context.day_note:
            items.append(("info", escape(context.day_note)))
        if not items:
            return [f"<span style='color:{theme.OK_COLOUR}'>Nothing to flag</span>"]
        return [f"<span style='color:{_colour(sev)}'>●</span> {t}" for sev, t in items]

    def _make_first_result_widgets(self) -> None:
        # With the first result: the stacks keep their contents on resize, and the switches.
        for stack in (self._body, self.assistant, self.warnings, self.claim_actions):
            stack.keep_contents()
        for index in range(MAX_TIE_SWITCHES):
            button = QPushButton(self._body)
            button.setObjectName("TieSwitch")
            # The panel's width, never its text's: a switch wider than the panel would widen
            # everything in it past the visible part, and lay out every line again as it
            # comes and goes (the whole text is its tooltip).
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setVisible(False)
            button.clicked.connect(partial(self._tie_clicked, index))
            self.tie_buttons.append(button)
            self._body.add(button)

    def _set_ties(self, alternatives: Sequence[Alternative]) -> None:
        shown = list(alternatives[:MAX_TIE_SWITCHES])
        self._tie_choices = [alt.tie_choice for alt in shown]
        for index, button in enumerate(self.tie_buttons):
            if index < len(shown):
                alt = shown[index]
                text = ", ".join(f"{s.code} ×{s.units}" for s in alt.services if s.units)
                label = f"Switch to {text} ({money(alt.allowed_total)})"
                if button.text() != label:
                    button.setText(label)
                    button.setToolTip(label)
        self._body.set_shown(
            [(button, index < len(shown)) for index, button in enumerate(self.tie_buttons)]
        )

    def visible_tie_buttons(self) -> list[QPushButton]:
        """The switches offered now, in order."""
        return [b for b in self.tie_buttons if b.isVisibleTo(self)]

    def _tie_clicked(self, index: int, _checked: bool = False) -> None:
        if index < len(self._tie_choices):
            self.alternative_chosen.emit(self._tie_choices[index])
