"""The error log: what went wrong, for whoever fixes it — never a patient's data.

One file, ``chargeclock.log`` in the user's data directory (:func:`chargeclock.paths.log_path`),
owner-only (0600, its rotated copies too), rotated at 1 MiB with three old copies kept. An entry
holds the time, where it happened (a label of ours), the exception types of the chain with
SQLite's error name and the file paths they name, and the traceback frames of ChargeClock's own
code. Never an exception's message or a value: those may hold what someone typed (a patient's
name, a date of birth). :mod:`logging` loads with the first entry, not at start.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chargeclock import paths

if TYPE_CHECKING:
    import logging

LOG_BYTES = 1_048_576
LOG_COPIES = 3
_PACKAGE = str(Path(__file__).resolve().parent) + os.sep

_handlers: dict[Path, logging.Handler] = {}


def log_error(exc: BaseException, where: str) -> Path | None:
    """Write an entry for ``exc``; return the log's path, or ``None`` when the log cannot be
    written (its folder read-only, the disk full): the caller then says so instead."""
    path = paths.log_path()
    try:
        handler = _handler(path)
        import logging

        record = logging.LogRecord(
            "chargeclock", logging.ERROR, __file__, 0, "%s", (entry(exc, where),), None
        )
        handler.handle(record)
    except OSError:
        _handlers.pop(path, None)
        return None
    return path


def entry(exc: BaseException, where: str) -> str:
    """The text of one entry: types, error names, paths, and our own frames only."""
    lines = [f"{where}:"]
    seen: set[int] = set()
    current: BaseException | None = exc
    first = True
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.append(("  " if first else "  caused by ") + _describe(current))
        outside = 0
        for frame in traceback.extract_tb(current.__traceback__):
            if not frame.filename.startswith(_PACKAGE):
                outside += 1
                continue
            if outside:
                lines.append(f"    … {outside} frame(s) outside ChargeClock")
                outside = 0
            lines.append(f'    File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"      {frame.line}")
        if outside:
            lines.append(f"    … {outside} frame(s) outside ChargeClock")
        first = False
        cause, context = current.__cause__, current.__context__
        current = cause if cause is not None or current.__suppress_context__ else context
    return "\n".join(lines)


def _describe(exc: BaseException) -> str:
    kind = type(exc)
    text = f"{kind.__module__}.{kind.__qualname__}"
    name = getattr(exc, "sqlite_errorname", None)
    if name:
        text += f" [{name}]"
    if isinstance(exc, OSError):
        if exc.errno is not None:
            text += f" [errno {exc.errno}]"
        text += "".join(f" file={f}" for f in (exc.filename, exc.filename2) if f)
    database = getattr(exc, "path", None)
    if isinstance(database, str | os.PathLike):
        text += f" database={os.fspath(database)}"
    return text


def _handler(path: Path) -> logging.Handler:
    found = _handlers.get(path)
    if found is not None:
        return found
    import logging.handlers

    class OwnerOnlyRotatingHandler(logging.handlers.RotatingFileHandler):
        """Creates the log (and each new one after a rotation) owner-only; a failed write
        raises to :func:`log_error` instead of printing logging's own complaint."""

        def _open(self) -> Any:
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            if os.name == "posix":
                os.fchmod(fd, 0o600)  # an older log made with a wider mode
            return open(fd, self.mode, encoding=self.encoding, errors=self.errors)

        def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802
            raise  # the write's own error (this runs in emit's except block): to log_error

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = OwnerOnlyRotatingHandler(
        path, maxBytes=LOG_BYTES, backupCount=LOG_COPIES, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    _handlers[path] = handler
    return handler
