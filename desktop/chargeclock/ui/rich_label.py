"""A rich-text label that lays its text out once per change.

A ``QLabel`` showing rich text keeps a text document it fills and lays out again for each
thing it is asked: a new text is laid out when it is set, again when the label's text option
is applied, again at the width it is painted at, and once more for each height asked of it at
another width. In the calculator panel, whose texts change every minute a timer runs, that was
most of a minute's cost. :class:`RichLabel` keeps its own document, laid out at the width it
is shown at: a new text costs one layout, a height already asked for costs nothing, and a text
whose digits alone changed keeps its heights (:func:`steady.same_lines`).

It is still a ``QLabel`` to the rest of the program (style sheets by type and name, ``text()``),
but it measures and paints itself; its text is copied from its context menu.
"""

from __future__ import annotations

from collections.abc import Callable
from math import ceil

from PySide6.QtCore import QEvent, QRectF, QSize
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from chargeclock.ui.qt_ints import PLAIN_TEXT, set_enum
from chargeclock.ui.steady import same_lines


def escape(text: str) -> str:
    """Plain text made safe for rich text (``html.escape`` without loading the ``html`` package
    and its entity tables at start-up)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


class RichLabel(QLabel):
    """A word-wrapped rich-text label (``plain``: a plain one); set its text with ``setText``
    as a ``QLabel``'s. ``tab_stop`` gives the distance between its tab stops for its font
    (columns that line up from one label to the next; a tab is kept in a paragraph whose white
    space is ``pre-wrap``)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        plain: bool = False,
        tab_stop: Callable[[QFont], float] | None = None,
    ) -> None:
        super().__init__(parent)
        self._plain = plain  # the text is shown as it is, markup and all
        self._tab_stop = tab_stop
        # To QLabel itself the text is plain, so it keeps no document of its own (nor tracks
        # the mouse for links): this class measures and paints the text.
        set_enum(self, "textFormat", PLAIN_TEXT)
        self.setWordWrap(True)  # QLabel's height-for-width size policy
        self._doc = QTextDocument(self)
        self._doc.setDocumentMargin(0)
        self._doc.setUndoRedoEnabled(False)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        self._doc.setDefaultTextOption(option)
        self._font_key = ""
        self._text = ""  # QLabel's text, kept here too (asked often: a minute's lines compare it)
        self._heights: dict[int, int] = {}  # width -> the text's height at that width

    def setText(self, text: str) -> None:  # noqa: N802
        before = (self._text, self._font_key)
        if text == before[0]:
            return
        self._know_font()
        if not same_lines(before, (text, self._font_key), self):
            self._heights.clear()
        # laid out once, at the width the document has
        if self._plain:
            self._doc.setPlainText(text)
        else:
            self._doc.setHtml(text)
        QLabel.setText(self, text)  # asks for a layout (the box around it decides) and a paint
        self._text = text

    def text(self) -> str:
        return self._text

    def plain_text(self) -> str:
        """The text as a reader copies it (no markup)."""
        return self._doc.toPlainText()

    def _know_font(self) -> None:
        """The font is known once; then its change events keep it in step (asking a font for
        its key at each paint and text cost as much as a short text's layout)."""
        if not self._font_key:
            self._sync_font()

    def _sync_font(self) -> None:
        font = self.font()
        key = font.key()
        if key != self._font_key:
            self._font_key = key
            self._doc.setDefaultFont(font)
            if self._tab_stop is not None:
                # (a distance: a list of stops would be replaced by each paragraph's own)
                option = self._doc.defaultTextOption()
                option.setTabStopDistance(self._tab_stop(font))
                self._doc.setDefaultTextOption(option)
            self._heights.clear()

    def _lay_out_at(self, width: int) -> None:
        self._know_font()
        if self._doc.textWidth() != width:
            self._doc.setTextWidth(width)

    #: its heights are cached and it sets no size limits (steady.Stack measures it directly)
    measures_itself = True

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        if not self._text:
            return 0  # an empty label takes no room
        self._know_font()
        height = self._heights.get(width)
        if height is None:
            self._lay_out_at(width)
            height = self._heights[width] = ceil(self._doc.size().height())
        return height

    def sizeHint(self) -> QSize:  # noqa: N802
        # Shown: as wide as it is (a layout asks the height for this width, which it knows);
        # not yet: about 80 characters, as a word-wrapped QLabel.
        if self.isVisible():
            width = self.width()
        else:
            width = 80 * QFontMetrics(self.font()).averageCharWidth()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        # A line of a few characters: a narrow panel wraps the text, it is never cut.
        metrics = QFontMetrics(self.font())
        return QSize(8 * metrics.averageCharWidth(), metrics.lineSpacing())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._sync_font()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._lay_out_at(self.width())
        painter = QPainter(self)
        context = QAbstractTextDocumentLayout.PaintContext()
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Text, palette.color(self.foregroundRole()))
        context.palette = palette
        context.clip = QRectF(event.rect())
        self._doc.documentLayout().draw(painter, context)
        painter.end()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = QMenu(self)
        menu.addAction("Copy", lambda: QGuiApplication.clipboard().setText(self.plain_text()))
        menu.exec(event.globalPos())
