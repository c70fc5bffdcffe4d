"""The tables of the open export (``chargeclock export``): what each holds and its rows.

A :class:`TableSpec` names the exported table, its columns (the exported name, the SQL that
gives it and its kind) and which rows belong to a period. :data:`TABLES` is the list in export
order; another table is one more entry.

Which rows belong to the period ``first`` to ``last`` (both included):

* visits dated in it; their timer segments and claim lines;
* payments received in it;
* the ledger's adjustments, refunds and reversals entered in it (``adjustments``);
* patients with a visit, a payment or a ledger entry in it.

Values come out as stored (dates ``YYYY-MM-DD``, moments UTC ISO-8601 text, flags 0/1) except
money, which the statement itself writes as dollars with two places (``"1234.50"``, ``"-0.50"``),
and, for CSV, text a spreadsheet would run as a formula, which it writes with a ``'`` in front
(:data:`FORMULA_STARTS`). The database does both, not Python row by row: a decade is some
300,000 rows. The statements use only what SQLite and PostgreSQL both have (``||``, ``CAST``,
``substr``, ``abs``, ``%``, ``CASE``), but for money on SQLite (its ``printf``, faster).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any, Literal

from msgspec import Struct

from chargeclock.storage.store import Engine, Store, dialect_of

Kind = Literal["int", "text", "money", "date", "time", "flag", "list"]


class Column(Struct, frozen=True):
    """One exported column: its name, the SQL expression and the kind of its values."""

    name: str
    sql: str
    kind: Kind


class TableSpec(Struct, frozen=True):
    """One exported table. ``where`` holds ``:first``/``:last`` for the period's bounds."""

    name: str
    source: str
    columns: tuple[Column, ...]
    where: str
    order: str


def _c(name: str, kind: Kind = "text", sql: str | None = None) -> Column:
    return Column(name, sql or name, kind)


_VISITS_IN = "SELECT id FROM visits WHERE date_of_service BETWEEN :first AND :last"
_PATIENTS_IN = (
    "SELECT patient_id FROM visits WHERE date_of_service BETWEEN :first AND :last "
    "UNION SELECT patient_id FROM payments WHERE paid_on BETWEEN :first AND :last "
    "UNION SELECT patient_id FROM ledger_entries WHERE entry_date BETWEEN :first AND :last"
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "patients",
        "patients p",
        (
            _c("id", "int", "p.id"),
            _c("last_name"),
            _c("first_name"),
            _c("date_of_birth", "date"),
            _c("sex"),
            _c("address"),
            _c("phone"),
            _c("payer_id", "int"),
            _c("payer", "text", "(SELECT name FROM payers WHERE payers.id = p.payer_id)"),
            _c("member_id"),
            _c("active", "flag"),
        ),
        f"p.id IN ({_PATIENTS_IN})",
        "p.id",
    ),
    TableSpec(
        "visits",
        "visits v",
        (
            _c("id", "int", "v.id"),
            _c("patient_id", "int"),
            _c("date_of_service", "date"),
            _c("discipline"),
            _c("place_of_service"),
            _c("payer_id", "int"),
            _c("payer", "text", "(SELECT name FROM payers WHERE payers.id = v.payer_id)"),
            _c("rendering_provider_id", "int"),
            _c("supervising_provider_id", "int"),
            _c("status"),
            _c("opened_at", "time"),
            _c("finalized_at", "time"),
        ),
        "v.date_of_service BETWEEN :first AND :last",
        "v.date_of_service, v.id",
    ),
    TableSpec(
        "segments",
        "timer_segments s JOIN visit_codes c ON c.id = s.visit_code_id",
        (
            _c("id", "int", "s.id"),
            _c("visit_id", "int", "s.visit_id"),
            _c("code", "text", "c.code"),
            _c("role", "text", "s.role"),
            _c("started_at", "time", "s.started_at"),
            _c("stopped_at", "time", "s.stopped_at"),
        ),
        f"s.visit_id IN ({_VISITS_IN})",
        "s.visit_id, s.started_at, s.id",
    ),
    TableSpec(
        "claim_lines",
        "claim_lines l",
        (
            _c("id", "int", "l.id"),
            _c("visit_id", "int"),
            _c("line_number", "int"),
            _c("code"),
            _c("modifiers", "list"),
            _c("units", "int"),
            _c("assistant", "flag"),
            _c("allowed", "money", "allowed_cents"),
            _c("charge", "money", "charge_cents"),
            _c("diagnosis_pointers"),
            # '' on a line billed before lines kept it (migration 0014): its visit's
            _c(
                "place_of_service",
                "text",
                "COALESCE(NULLIF(l.place_of_service, ''), "
                "(SELECT v.place_of_service FROM visits v WHERE v.id = l.visit_id))",
            ),
        ),
        f"l.visit_id IN ({_VISITS_IN})",
        "l.visit_id, l.line_number",
    ),
    TableSpec(
        "payments",
        "payments y",
        (
            _c("id", "int", "y.id"),
            _c("patient_id", "int"),
            _c("visit_id", "int"),
            _c("paid_on", "date"),
            _c("amount", "money", "amount_cents"),
            _c("method"),
        ),
        "y.paid_on BETWEEN :first AND :last",
        "y.paid_on, y.id",
    ),
    # The patient ledger's own entries (payments and charges are the tables above): each as
    # entered, never changed; a mistake is a reversal beside it.
    TableSpec(
        "adjustments",
        "ledger_entries e",
        (
            _c("id", "int", "e.id"),
            _c("patient_id", "int"),
            _c("visit_id", "int"),
            _c("entry_date", "date"),
            _c("kind"),
            _c("adjustment_type"),
            _c("amount", "money", "amount_cents"),
            _c("reverses_payment_id", "int"),
            _c("reverses_entry_id", "int"),
            _c("note"),
            _c("recorded_at", "time"),
        ),
        "e.entry_date BETWEEN :first AND :last",
        "e.entry_date, e.id",
    ),
)


#: what a spreadsheet runs as a formula at the start of a cell, and the escape itself
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def _dollars(sql: str, dialect: str = "sqlite") -> str:
    """SQL writing the integer cents ``sql`` as dollars text: ``-150`` → ``-1.50``, ``-5`` →
    ``-0.05`` (integer division truncates toward zero in both engines). SQLite's ``printf``
    does it in integers in a third less time than the portable spelling, which PostgreSQL
    uses (it has no ``printf``)."""
    if dialect == "sqlite":
        return (
            f"CASE WHEN {sql} IS NULL THEN NULL ELSE printf('%s%d.%02d', "
            f"CASE WHEN {sql} < 0 THEN '-' ELSE '' END, abs({sql}) / 100, abs({sql}) % 100) END"
        )
    return (
        f"CASE WHEN {sql} IS NULL THEN NULL ELSE "
        f"CASE WHEN {sql} < 0 AND {sql} > -100 THEN '-' ELSE '' END || "
        f"CAST({sql} / 100 AS TEXT) || '.' || "
        f"CASE WHEN abs({sql}) % 100 < 10 THEN '0' ELSE '' END || "
        f"CAST(abs({sql}) % 100 AS TEXT) END"
    )


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_STARTS = ", ".join(_quoted(s) for s in FORMULA_STARTS)
_QUOTE = _quoted("'")


def _inert(sql: str) -> str:
    """SQL putting a ``'`` before a text that starts as a formula (:data:`FORMULA_STARTS`)."""
    return f"CASE WHEN substr({sql}, 1, 1) IN ({_STARTS}) THEN {_QUOTE} || {sql} ELSE {sql} END"


def _select(column: Column, inert_text: bool, dialect: str) -> str:
    if column.kind == "money":
        return _dollars(column.sql, dialect)
    if inert_text and column.kind in ("text", "list"):
        return _inert(column.sql)
    return column.sql


def rows(
    conn: Store, spec: TableSpec, first: date, last: date, *, inert_text: bool = False
) -> list[tuple[Any, ...]]:
    """The rows of ``spec`` for the period, in its order: money as dollars text and, with
    ``inert_text`` (CSV), formula-like text escaped; everything else as stored."""
    sql, params = rows_query(dialect_of(conn), spec, first, last, inert_text=inert_text)
    return list(conn.execute(sql, params).fetchall())


def rows_query(
    dialect: str, spec: TableSpec, first: date, last: date, *, inert_text: bool = False
) -> tuple[str, list[str]]:
    """The statement :func:`rows` runs, and its parameters (for another connection to run)."""
    select = ", ".join(_select(c, inert_text, dialect) for c in spec.columns)
    return _period_query(spec, select, first, last)


def _period_query(spec: TableSpec, select: str, first: date, last: date) -> tuple[str, list[str]]:
    sql = f"SELECT {select} FROM {spec.source} WHERE {spec.where} ORDER BY {spec.order}"
    # ``?`` placeholders, which every engine here takes: the bounds in the order they appear
    bounds = {"first": first.isoformat(), "last": last.isoformat()}
    params = [bounds[name] for name in _BOUND.findall(sql)]
    return _BOUND.sub("?", sql), params


def visit_count(conn: Store, first: date, last: date) -> int:
    """How many visits the period has (what an export of it costs grows with it)."""
    sql = "SELECT count(*) FROM visits WHERE date_of_service BETWEEN ? AND ?"
    return int(conn.execute(sql, (first.isoformat(), last.isoformat())).fetchone()[0])


@contextmanager
def snapshot(conn: Engine) -> Iterator[None]:
    """Read inside one transaction: every statement sees the database as of the first one (a
    change committed meanwhile by the window, a timer tap or another workstation is not seen
    by some tables and missed by others). Inside a transaction already, that one is it."""
    if conn.in_transaction:
        yield
        return
    if conn.dialect == "postgresql":
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    else:
        conn.execute("BEGIN")
    try:
        # The first read takes the snapshot (SQLite's BEGIN alone reads nothing)
        conn.execute("SELECT count(*) FROM visits WHERE 1 = 0").fetchone()
        yield
    finally:
        with suppress(Exception):  # a connection that broke has no transaction left
            conn.execute("ROLLBACK")


_BOUND = re.compile(r":(first|last)\b")


def _json_value(column: Column) -> str:
    """SQLite: the column's value as ``json_object`` takes it: a flag as ``true``/``false``, a
    list (stored as words joined by spaces) as an array of the words, the rest as
    :func:`rows` gives them. ``json_quote`` escapes what JSON must and never writes a space
    for anything but a space, so the words are split at the spaces of the quoted text."""
    value = _select(column, False, "sqlite")
    if column.kind == "flag":
        return (
            f"CASE WHEN {value} IS NULL THEN NULL "
            f"WHEN {value} THEN json('true') ELSE json('false') END"
        )
    if column.kind == "list":
        return (
            f"CASE WHEN {value} IS NULL THEN NULL WHEN {value} = '' THEN json('[]') "
            f"ELSE json('[' || replace(json_quote({value}), ' ', '\",\"') || ']') END"
        )
    return value


#: ``json_object`` takes two arguments a column and SQLite takes at most 127 by default
_JSON_OBJECT_COLUMNS = 63


def json_rows(conn: Store, spec: TableSpec, first: date, last: date) -> list[str] | None:
    """The rows of ``spec`` for the period as JSON objects keyed by column name (text, one per
    row, in its order), written by the database; ``None`` where the engine is not SQLite (the
    caller then builds them from :func:`rows`).

    A decade is some 300,000 rows: one text per row costs a third of fetching each value as a
    Python object and encoding it again."""
    if dialect_of(conn) != "sqlite" or len(spec.columns) > _JSON_OBJECT_COLUMNS:
        return None
    pairs = ", ".join(f"{_quoted(c.name)}, {_json_value(c)}" for c in spec.columns)
    sql, params = _period_query(spec, f"json_object({pairs})", first, last)
    return [row[0] for row in conn.execute(sql, params).fetchall()]
