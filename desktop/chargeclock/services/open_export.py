"""The open export: a period's patients, visits, timer segments, claim lines, payments and the
ledger's adjustments as CSV or JSON files in a folder.

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

import os
import tempfile
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from msgspec import Struct

from chargeclock.domain.days import check_period
from chargeclock.domain.errors import ChargeClockError, InputError
from chargeclock.domain.wording import day_text
from chargeclock.export import open_data
from chargeclock.export.open_csv import write_csv_bytes
from chargeclock.files import fsync_dir
from chargeclock.storage import open_tables
from chargeclock.storage.database import Database

if TYPE_CHECKING:
    from chargeclock.services.session import Services
    from chargeclock.storage.store import Engine, Store

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
        period = f"{day_text(self.first)} to {day_text(self.last)}"
        return f"exported {period} as {self.format} into {self.folder}: {counts}"


#: what the command calls the request's parts (its options)
OPTIONS = {"from": "--from", "to": "--to", "format": "--format", "folder": "-o"}
#: what the window's export dialog calls them (its fields; the period's end as the other
#: period dialogs' messages call it)
FIELDS = {"from": "from", "to": "the last date", "format": "format", "folder": "folder"}


def check_request(
    first: date, last: date, fmt: str, folder: Path, names: Mapping[str, str] = OPTIONS
) -> None:
    """Refuse, naming the option (or the dialog's field: ``names``), a period that runs
    backwards, an unknown format or a folder that is a file or has no parent folder."""
    check_period(first, last, names["from"], names["to"])
    if fmt not in FORMATS:
        raise InputError(names["format"], f"must be csv or json, got {fmt!r}")
    if folder.exists() and not folder.is_dir():
        raise InputError(names["folder"], f"{folder} is a file: name a folder")
    if not folder.exists() and not folder.parent.is_dir():
        raise InputError(names["folder"], f"no such folder: {folder.parent}")


def export_period(
    services: Services,
    first: date,
    last: date,
    folder: Path,
    fmt: Format = "csv",
    *,
    parallel: bool | None = None,
    names: Mapping[str, str] = OPTIONS,
) -> ExportSummary:
    """Write the period's tables into ``folder`` (made if missing) in ``fmt``, all read in one
    snapshot of the database. A big CSV export of a SQLite file is written by two processes
    (:mod:`chargeclock.services.open_parallel`), with the same bytes; ``parallel`` says
    whether (``None``: when the period has :data:`PARALLEL_FROM_VISITS` visits or more)."""
    check_request(first, last, fmt, folder, names)
    conn = services.db
    _make_folder(folder)
    staged: list[tuple[Path, Path]] = []  # (temporary, final): renamed once all are written
    try:
        if fmt == "csv" and _in_two_processes(conn, first, last, parallel):
            from chargeclock.services import open_parallel  # the processes' machinery: here

            assert isinstance(conn, Database)
            specs, counts = open_parallel.write_tables(
                conn,
                first,
                last,
                folder,
                staged,
                lambda spec, temp: _csv_into(conn, spec, first, last, temp),
            )
        else:
            with open_tables.snapshot(conn):
                specs = list(open_tables.TABLES)
                counts = {}
                for spec in specs:
                    temp = new_temp(folder / f"{spec.name}.{fmt}", staged)
                    if fmt == "csv":
                        counts[spec.name] = _csv_into(conn, spec, first, last, temp)
                    else:
                        data, counts[spec.name] = _json_file(conn, spec, first, last)
                        _fill(temp, lambda stream: stream.write(data))  # noqa: B023
        files = [ExportedFile(s.name, folder / f"{s.name}.{fmt}", counts[s.name]) for s in specs]
        document = {
            "format": "chargeclock-export",
            "format_version": open_data.FORMAT_VERSION,
            "file_format": fmt,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "generated_at": services.clock.now().isoformat(),
            "files": [{"table": f.table, "file": f.path.name, "rows": f.rows} for f in files],
        }
        manifest = open_data.manifest(document)
        _fill(new_temp(folder / "manifest.json", staged), lambda stream: stream.write(manifest))
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


#: a period with this many visits or more is exported as CSV by two processes: starting the
#: second costs some 50 ms; a year of a busy clinic (3,000 visits) saves some 100
PARALLEL_FROM_VISITS = 2_000


def _in_two_processes(conn: Engine, first: date, last: date, parallel: bool | None) -> bool:
    """Whether to write the CSV in two processes: on a SQLite file (a server's rows come over
    the network, and its reader would need the server's password), outside a transaction (the
    other process would not see what it has not committed), as ``parallel`` says."""
    if not isinstance(conn, Database) or conn.reader_uri is None or parallel is False:
        return False
    if conn.in_transaction:
        return False
    return parallel or open_tables.visit_count(conn, first, last) >= PARALLEL_FROM_VISITS


def _csv_into(
    conn: Engine, spec: open_tables.TableSpec, first: date, last: date, temp: Path
) -> int:
    """Write ``spec``'s CSV for the period into ``temp``; return its rows."""
    rows = open_tables.rows(conn, spec, first, last, inert_text=True)
    names = [c.name for c in spec.columns]
    return _fill(temp, lambda stream: write_csv_bytes(stream, names, rows))


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


def new_temp(target: Path, staged: list[tuple[Path, Path]]) -> Path:
    """A new empty file beside ``target`` (owner-only: it will hold patient information),
    added to ``staged`` to take ``target``'s name once the whole export is written."""
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        exc.filename = str(target)
        raise
    os.close(handle)
    staged.append((Path(temp), target))
    return Path(temp)


def _fill(temp: Path, write: Callable[[IO[bytes]], object]) -> int:
    """Write ``temp`` (one of :func:`new_temp`'s files) with ``write`` and sync it; return what
    ``write`` returned when it is a number (the rows of a table). An error names the file's
    final name (``.name.xyz`` → ``name``)."""
    try:
        with temp.open("wb") as stream:
            result = write(stream)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        exc.filename = str(temp.with_name(temp.name[1:].rsplit(".", 1)[0]))
        raise
    return result if isinstance(result, int) else 0


def _trouble(exc: OSError, where: Path | None = None) -> str:
    name = where or exc.filename or "the export folder"
    reason = exc.strerror or type(exc).__name__
    return f"{name}: cannot write the export ({reason}); free some space or choose another folder"
