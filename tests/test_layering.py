"""The house layering: the domain imports no Qt, SQL or reportlab; SQL only in storage/;
reportlab and the right-to-left text helpers only in export/; Qt only in ui/ and app.py. Checked
statically (every import statement of every module) and dynamically (what importing the core
actually loads)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "desktop" / "chargeclock"

QT, SQL = {"PySide6", "shiboken6"}, {"sqlite3", "sqlite_utils", "psycopg"}
PDF = {"reportlab", "bidi", "arabic_reshaper"}  # the PDF and its text shaping
ALL_HEAVY = QT | SQL | PDF


def _forbidden(relative: str) -> set[str]:
    top = relative.split("/")[0]
    if top == "domain":
        return ALL_HEAVY
    if top == "storage":
        return QT | PDF
    if top == "services":
        return QT | SQL | PDF
    if top == "export":
        return QT | SQL
    if top == "ui":
        return SQL | PDF
    if relative == "app.py":
        return SQL | PDF
    return QT | SQL | PDF  # cli.py, commands.py, resources.py, paths.py: only lazily, in functions


def _top_level_imports(tree: ast.Module) -> set[str]:
    """Modules imported at module level (not inside a function: those are lazy by design)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _all_imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


MODULES = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("relative", MODULES)
def test_module_respects_the_layers(relative: str) -> None:
    tree = ast.parse((PACKAGE / relative).read_text())
    forbidden = _forbidden(relative)
    top = relative.split("/")[0]
    # Inside the layers every import counts; the composition modules may import lazily.
    imported = (
        _all_imports(tree) if "/" in relative or relative == "app.py" else _top_level_imports(tree)
    )
    assert not imported & forbidden, f"{relative} imports {sorted(imported & forbidden)}"
    if top == "domain":
        ours = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("chargeclock")
        }
        assert all(m.startswith("chargeclock.domain") for m in ours), ours


# Our own modules a layer must not import (every import statement counts, lazy ones too).
_OURS_FORBIDDEN = {
    "storage": {"services", "ui", "export", "resources", "app", "cli", "commands"},
    "export": {"storage", "services", "ui", "app", "cli", "commands"},
    "services": {"ui", "app", "cli", "commands"},
    "ui": {"storage", "export", "cli", "commands"},
    "app.py": {"storage", "export", "cli", "commands"},
    "commands.py": {"storage", "export"},  # its window launcher loads ui/ in order
    "report_commands.py": {"storage", "export", "ui"},
    "cli.py": {"storage", "ui", "export"},
}


def _our_imports(tree: ast.Module) -> set[str]:
    """The first part below ``chargeclock`` of every module of ours that ``tree`` imports."""
    parts: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = node.module.split(".")
            if names[0] == "chargeclock":
                if len(names) > 1:
                    parts.add(names[1])
                else:
                    parts |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == "chargeclock" and len(names) > 1:
                    parts.add(names[1])
    return {p.removesuffix(".py") for p in parts}


def _layer(relative: str) -> str:
    return relative.split("/")[0] if "/" in relative else relative


def our_layer_problems(relative: str, source: str) -> set[str]:
    forbidden = _OURS_FORBIDDEN.get(_layer(relative), set())
    return _our_imports(ast.parse(source)) & forbidden


@pytest.mark.parametrize("relative", MODULES)
def test_module_reaches_our_other_layers_only_as_allowed(relative: str) -> None:
    problems = our_layer_problems(relative, (PACKAGE / relative).read_text())
    assert not problems, f"{relative} imports chargeclock.{sorted(problems)}"


@pytest.mark.parametrize(
    ("relative", "planted"),
    [
        ("ui/history_dialog.py", "from chargeclock.storage.records import VisitRow"),
        ("ui/main_window.py", "    from chargeclock.storage import visits"),
        ("ui/superbill_dialog.py", "from chargeclock.export import write_private"),
        ("commands.py", "    from chargeclock.storage.database import open_existing"),
        ("storage/migrations.py", "    from chargeclock.resources import migrations_dir"),
        ("export/pdf.py", "from chargeclock import services"),
    ],
)
def test_a_planted_import_across_the_layers_is_caught(relative: str, planted: str) -> None:
    source = (PACKAGE / relative).read_text() + f"\n\ndef _planted() -> None:\n{planted}\n"
    if not planted.startswith(" "):
        source = (PACKAGE / relative).read_text() + f"\n{planted}\n"
    assert our_layer_problems(relative, source)


def test_importing_the_core_loads_no_heavy_library() -> None:
    probe = (
        "import sys, pkgutil, importlib, chargeclock.domain\n"
        "for m in pkgutil.walk_packages(chargeclock.domain.__path__, 'chargeclock.domain.'):\n"
        "    importlib.import_module(m.name)\n"
        "import chargeclock.cli, chargeclock.resources, chargeclock.paths\n"
        f"print(sorted(m for m in {sorted(ALL_HEAVY)!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


SQL_STATEMENT = re.compile(
    r"^\s*(SELECT\s.+\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s)",
    re.IGNORECASE | re.DOTALL,
)


@pytest.mark.parametrize("relative", [m for m in MODULES if not m.startswith("storage/")])
def test_sql_is_written_only_in_storage(relative: str) -> None:
    """No statement text outside storage/ (the imports above do not see a statement run
    through the store a service was given)."""
    tree = ast.parse((PACKAGE / relative).read_text())
    statements = [
        node.value[:60]
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and SQL_STATEMENT.match(node.value)
    ]
    assert statements == [], f"{relative} writes SQL: {statements}"
