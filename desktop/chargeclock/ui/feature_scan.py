"""PySide's search of every imported module for its ``__feature__`` switch, left out at start.

Once PySide6 is loaded, every ``import`` statement that names a module PySide has not looked at
yet makes it read that module's whole source (``inspect.getsource``) for the text "PySide6",
to know whether the module may select PySide's optional features (``from __feature__ import
snake_case``). At the window's start that is some 80 modules (ChargeClock's own, and the
standard library's ``os``, ``typing``, ``pathlib``… as each of ours imports them): 6 to 9 ms of
reading and splitting source files, for an answer known beforehand: ChargeClock selects no
feature, and a module loaded before PySide cannot have. :func:`skip` records that answer.

Nothing is imported here at first (no Qt): it is loaded before PySide, and
:func:`import_pyside` loads PySide and tells it. Where
PySide keeps its table elsewhere (another version) this does nothing and PySide reads as before;
a frozen bundle has no source to read, and PySide's search ends at once there.
"""

from __future__ import annotations

import os
import sys

#: PySide's module that keeps the table (modules by name: the feature set each selected)
FEATURE_MODULE = "shibokensupport.feature"
#: no feature selected (PySide's own value for a module that uses it without a switch)
NO_FEATURES = 0


def own_modules() -> list[str]:
    """The names of ChargeClock's modules, from its source files (none in a frozen bundle)."""
    import chargeclock

    names = []
    for root in chargeclock.__path__:
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = [s for s in subfolders if not s.startswith(("_", "."))]
            package = os.path.relpath(folder, root).replace(os.sep, ".")
            prefix = "chargeclock." if package == "." else f"chargeclock.{package}."
            for file in files:
                if file.endswith(".py"):
                    stem = file[:-3]
                    names.append(prefix[:-1] if stem == "__init__" else prefix + stem)
    return names


def skip() -> int:
    """Tell PySide that ChargeClock's modules and those loaded so far select no feature; the
    number of modules it will not read. Call it once PySide6.QtCore is imported."""
    table = getattr(sys.modules.get(FEATURE_MODULE), "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return 0
    added = 0
    for name in [*sys.modules, *own_modules()]:
        if name != "__main__" and name not in table:  # PySide treats the main module apart
            table[name] = NO_FEATURES
            added += 1
    return added


def import_pyside() -> int:
    """Import PySide6's core, then :func:`skip`."""
    import PySide6.QtCore  # noqa: F401

    return skip()
