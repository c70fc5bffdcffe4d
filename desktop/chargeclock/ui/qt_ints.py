"""Qt's enum values that the window's start needs, as the ints Qt gives them.

Naming any member of PySide's ``Qt`` namespace (``Qt.ItemDataRole.DisplayRole``) builds the
whole namespace first: 93 Python enums, some 118 M instructions, more than making the visit
screen's three panels. What runs before the window's first paint uses these instead, where Qt
takes an int: an item model's ``data`` gets its ``role`` as an int, a signal's ``connect`` takes
the connection type as one, and a widget's enum property takes one through ``setProperty``
(:func:`set_enum`). The rest of the program names ``Qt`` as usual.

Overloads cost too: PySide tells a call's overloads apart by trying to convert its arguments to
each one's types, building those types first. ``QAction(text, parent)`` and
``QPushButton(text, parent)`` would build QIcon's type (~10 M instructions) for the overload
that takes an icon, and ``QSplitter(parent)`` the namespace for the one that takes an
orientation: the start passes the parent by keyword, which leaves those overloads out.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

# Qt::ItemDataRole
DISPLAY_ROLE = 0
EDIT_ROLE = 2
TOOLTIP_ROLE = 3
FONT_ROLE = 6
TEXT_ALIGNMENT_ROLE = 7
FOREGROUND_ROLE = 9
CHECK_STATE_ROLE = 10
USER_ROLE = 0x0100

# Qt::AlignmentFlag
ALIGN_RIGHT = 0x0002
ALIGN_CENTER = 0x0084  # centred both ways
ALIGN_VCENTER = 0x0080

QUEUED_CONNECTION = 2  # Qt::ConnectionType
SCROLL_BAR_ALWAYS_OFF = 1  # Qt::ScrollBarPolicy
ELIDE_RIGHT = 1  # Qt::TextElideMode
PLAIN_TEXT = 0  # Qt::TextFormat
TOOL_BUTTON_TEXT_ONLY = 1  # Qt::ToolButtonStyle


def set_shortcut(action: QObject, keys: str) -> None:
    """``action``'s shortcut, from its keys' text ("Ctrl+1"), through the property: its
    setter's overloads would build the namespace to tell a key sequence from a standard key."""
    if not action.setProperty("shortcut", keys):
        raise ValueError(f"{type(action).__name__} has no shortcut")


def set_enum(target: QObject, name: str, value: int) -> None:
    """Set ``target``'s Qt property ``name`` (an enum or flags property) to ``value``."""
    if not target.setProperty(name, value):
        raise ValueError(f"{type(target).__name__} has no property {name!r}")
