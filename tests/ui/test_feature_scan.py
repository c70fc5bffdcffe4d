"""PySide reads the source of each module imported after it (for its ``__feature__`` switch);
the window's start tells it beforehand that none of ChargeClock's modules selects a feature."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types

import pytest

from chargeclock.ui import feature_scan

# The modules loaded before PySide, PySide, then the window's module and what it imports, with
# PySide's source reading recorded.
PROBE = """
import inspect, json, sys
import chargeclock.services.session
from chargeclock.ui import feature_scan
import PySide6.QtCore
skipped = feature_scan.skip() if sys.argv[1] == "skip" else 0
read = []
original = inspect.getsource
def recording(obj):
    read.append(getattr(obj, "__name__", "?"))
    return original(obj)
inspect.getsource = recording
import chargeclock.app
print(json.dumps({"skipped": skipped, "read": read}))
"""


def _start(how: str) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, how],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _own(names: object) -> list[str]:
    assert isinstance(names, list)
    return [n for n in names if str(n).startswith("chargeclock")]


def test_pyside_reads_no_module_of_ours_once_told() -> None:
    told = _start("skip")
    assert isinstance(told["skipped"], int) and told["skipped"] > 100
    assert _own(told["read"]) == []
    # without it, PySide reads the window's modules one by one (what this saves)
    untold = _start("no")
    assert "chargeclock.ui.main_window" in _own(untold["read"])


def test_every_module_of_ours_is_named() -> None:
    names = set(feature_scan.own_modules())
    assert {"chargeclock", "chargeclock.app", "chargeclock.ui.main_window"} <= names
    assert "chargeclock.services" in names  # a package, by its own name
    assert not any(".__" in name or name.endswith(".") for name in names)


def test_a_pyside_that_keeps_no_such_table_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another PySide (its table elsewhere, or none): nothing is told, nothing fails."""
    monkeypatch.setitem(sys.modules, feature_scan.FEATURE_MODULE, types.ModuleType("elsewhere"))
    assert feature_scan.skip() == 0
    monkeypatch.delitem(sys.modules, feature_scan.FEATURE_MODULE)
    assert feature_scan.skip() == 0
