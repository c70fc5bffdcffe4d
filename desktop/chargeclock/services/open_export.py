"""The open export: a period's patients, visits, timer segments, claim lines, payments (and
adjustments, where the database keeps them) as CSV or JSON files in a folder.

:func:`export_period` writes one file per table (``patients.csv`` … or ``patients.json`` …) and
``manifest.json`` (the period, the format, each file's rows). The formats are in
``docs/export.md``; which rows belong to the period in :mod:`chargeclock.storage.open_tables`.

Every file is written under a temporary name, owner-only (it holds patient information) and
synced; only when all are written do they take their names. When one cannot be written (disk
full, read-only folder) none does (an earlier export's files stay as they were) and an
:class:`ExportError` names the file and what to do. Reading only: the database is not changed,
so it runs beside an open window.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from msgspec import Struct

from chargeclock.domain.errors import ChargeClockError, InputError
from chargeclock.export import open_data
from chargeclock.files import fsync_dir
from chargeclock.storage import open_tables

if TYPE_CHECKING:
    from chargeclock.services.session import Services
    from chargeclock.storage.store import Store

Format = Literal["csv", "json"]
FORMATS: tuple[Format, ...] = ("csv", "json")


class ExportError(ChargeClockError):
    """An export file could not be written; the message names it and what to do."""


class ExportedFile(Struct, frozen=True):
    table: str
    path: Path
    rows: int


class ExportSummary(Struct, frozen=True):
    """What :func:`export_period` wrote."""

    folder: Path
    first: date
    last: date
    format: Format
    files: tuple[ExportedFile, ...]

    def line(self) -> str:
        counts = ", ".join(f"{f.rows:,} {f.table.replace('_', ' ')}" for f in self.files)
        return f"exported {self.first} to {self.last} as {self.format} into {self.folder}: {counts}"


def check_request(first: date, last: date, fmt: str, folder: Path) -> None:
    """Refuse, naming the option, a period that runs backwards, an unknown format or a folder
    that is a file or has no parent folder."""
    if first > last:
        raise InputError("--from", f"{first} is after --to {last}")
    if fmt not in FORMATS:
        raise InputError("--format", f"must be csv or json, got {fmt!r}")
    if folder.exists() and not folder.is_dir():
        raise InputError("-o", f"{folder} is a file: name a folder")
    if not folder.exists() and not folder.parent.is_dir():
        raise InputError("-o", f"no such folder: {folder.parent}")


def export_period(
    services: Services, first: date, last: date, folder: Path, fmt: Format = "csv"
) -> ExportSummary:
    """Write the period's tables into ``folder`` (made if missing) in ``fmt``."""
    check_request(first, last, fmt, folder)
    conn = services.db
    _make_folder(folder)
    staged: list[tuple[Path, Path]] = []  # (temporary, final): renamed once all are written
    files: list[ExportedFile] = []
    try:
        for spec in open_tables.present_tables(conn):
            names = [c.name for c in spec.columns]
            target = folder / f"{spec.name}.{fmt}"
            if fmt == "csv":
                rows = open_tables.rows(conn, spec, first, last, inert_text=True)

                def table(stream: IO[str]) -> int:
                    return open_data.write_csv(stream, names, rows)  # noqa: B023

                count = _stage(target, staged, text=table)
            else:
                data, count = _json_file(conn, spec, first, last)
                _stage(target, staged, raw=data)
            files.append(ExportedFile(spec.name, target, count))
        document = {
            "format": "chargeclock-export",
            "format_version": open_data.FORMAT_VERSION,
            "file_format": fmt,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "generated_at": services.clock.now().isoformat(),
            "files": [{"table": f.table, "file": f.path.name, "rows": f.rows} for f in files],
        }
        _stage(folder / "manifest.json", staged, raw=open_data.manifest(document))
        for temp, target in staged:
            os.replace(temp, target)
    except OSError as exc:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise ExportError(_trouble(exc)) from None
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    fsync_dir(folder)
    return ExportSummary(folder, first, last, fmt, tuple(files))


def _json_file(
    conn: Store, spec: open_tables.TableSpec, first: date, last: date
) -> tuple[bytes, int]:
    """A table's JSON file: its rows written by the database where it can (SQLite), else
    encoded here from the values."""
    names = [c.name for c in spec.columns]
    kinds = [c.kind for c in spec.columns]
    objects = open_tables.json_rows(conn, spec, first, last)
    if objects is not None:
        return open_data.json_document_of_objects(spec.name, names, kinds, objects)
    rows = open_tables.rows(conn, spec, first, last)
    return open_data.json_document(spec.name, names, kinds, rows)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise ExportError(_trouble(exc, folder)) from None


def _stage(
    target: Path,
    staged: list[tuple[Path, Path]],
    *,
    text: Callable[[IO[str]], int] | None = None,
    raw: bytes | None = None,
) -> int:
    """Write ``target``'s content under a temporary name beside it (owner-only, synced) and add
    the pair to ``staged``; return what ``text`` returned (its rows)."""
    count = 0
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        staged.append((Path(temp), target))
        with os.fdopen(handle, "wb") as stream:
            if text is not None:
                wrapper = io.TextIOWrapper(stream, encoding="utf-8", newline="")
                count = text(wrapper)
                wrapper.flush()
                wrapper.detach()
            else:
                assert raw is not None
                stream.write(raw)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        exc.filename = str(target)
        raise
    return count


def _trouble(exc: OSError, where: Path | None = None) -> str:
    name = where or exc.filename or "the export folder"
    reason = exc.strerror or type(exc).__name__
    return f"{name}: cannot write the export ({reason}); free some space or choose another folder"
