"""The billing rows the audit log covers, and their canonical text.

Seven tables hold the billing facts: visits (who, when, status), timer segments, untimed
services, frozen bills, claim lines, the superbills frozen as printed (claim snapshots) and
payments. Every audit entry that creates, changes or deletes such a
row lists it in its ``rows`` field, one line per row::

    line 12 (7,1,'97110','GP CQ',1,1,2810,6500,'AB','5f0c…')
    segment 40 -

that is the table's tag, the row's key and the row's **canonical text**: its billing columns as
SQL literals (SQLite's ``quote()``: integers in digits, text in single quotes with ``'`` doubled,
``NULL``), long texts — traces, warnings — replaced by a digest of them; or ``-`` for a row the
entry deleted. SQLite builds the text, so ``verify-audit`` rebuilds every row's text in one query
per table and compares strings; ``quote()`` is plain SQL, the same in every SQLite version. The
text keeps the values (not only a digest) so a difference can be named: "claim line 12 of visit
7: units 4, audited 1".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from msgspec import Struct

from chargeclock.storage.store import Store, dialect_of

DELETED = "-"
# Keys bound in one query of :func:`row_texts`: well under SQLite's and PostgreSQL's limits on
# a statement's parameters (32,766 and 65,535).
KEYS_PER_QUERY = 10_000

RowRef = tuple[str, int]  # (table tag, key)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


class Table(Struct, frozen=True):
    """A covered table: ``columns`` are ``(SQL expression, name)`` of its billing columns, kept
    as they are; ``long`` are expressions folded into one digest (named ``long_name``), last.
    ``owner`` is the index of the column naming the visit or patient in messages (-1: the key
    itself does)."""

    tag: str
    noun: str
    source: str  # FROM …
    key: str
    columns: tuple[tuple[str, str], ...]
    long: tuple[str, ...] = ()
    long_name: str = ""
    owner: int = 0
    owner_noun: str = "visit"
    plural: str = ""  # in the report's counts (default: noun + "s")

    def counted(self, count: int) -> str:
        """``3 claim lines``, ``1 claim line``."""
        plural = self.plural or f"{self.noun}s"
        return f"{count:,} {plural if count != 1 else plural.removesuffix('s')}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for _, n in self.columns) + ((self.long_name,) if self.long else ())

    @property
    def select(self) -> str:
        """``SELECT key, text[, long text]``: the canonical text built by SQLite."""
        return self.select_on("sqlite")

    def select_on(self, dialect: str) -> str:
        """:attr:`select` as the engine builds it: SQLite's ``quote()``, or on PostgreSQL the
        same spelling (:func:`_server_quote`)."""
        quote = _server_quote if dialect == "postgresql" else "quote({})".format
        short = " || ',' || ".join(quote(expr) for expr, _ in self.columns)
        sql = f"SELECT {self.key}, '(' || {short} || ')'"
        if self.long:
            sql += ", " + " || ',' || ".join(quote(expr) for expr in self.long)
        return f"{sql} {self.source}"


_QUOTE = "''''"  # one quote mark, as an SQL literal
_DOUBLED = "''''''"  # two


def _server_quote(expr: str) -> str:
    """SQLite's ``quote(expr)`` in PostgreSQL: ``NULL``, an integer in digits, text in single
    quotes with ``'`` doubled (``quote_nullable`` would quote integers and write ``E'…'``)."""
    return (
        f"CASE WHEN {expr} IS NULL THEN 'NULL' "
        f"WHEN pg_typeof({expr}) IN ('integer'::regtype, 'bigint'::regtype) THEN ({expr})::text "
        f"ELSE {_QUOTE} || replace(({expr})::text, {_QUOTE}, {_DOUBLED}) || {_QUOTE} END"
    )


TABLES: tuple[Table, ...] = (
    Table(
        "visit",
        "visit",
        "FROM visits",
        "id",
        (
            ("patient_id", "patient"),
            ("date_of_service", "date of service"),
            ("discipline", "discipline"),
            ("place_of_service", "place of service"),
            ("payer_id", "payer"),
            ("rendering_provider_id", "rendering provider"),
            ("supervising_provider_id", "supervising provider"),
            ("status", "status"),
            ("finalized_at", "finalized at"),
        ),
        owner_noun="patient",
    ),
    Table(
        "segment",
        "timer segment",
        "FROM timer_segments s LEFT JOIN visit_codes c ON c.id = s.visit_code_id",
        "s.id",
        (
            ("s.visit_id", "visit"),
            ("c.code", "code"),
            ("s.role", "role"),
            ("s.started_at", "start"),
            ("s.stopped_at", "stop"),
        ),
    ),
    Table(
        "untimed",
        "untimed service on code row",
        "FROM untimed_services u LEFT JOIN visit_codes c ON c.id = u.visit_code_id",
        "u.visit_code_id",
        (
            ("c.visit_id", "visit"),
            ("c.code", "code"),
            ("u.furnished_by", "furnished by"),
            ("u.pt_minutes", "PT minutes"),
            ("u.pta_minutes", "PTA minutes"),
        ),
        plural="untimed services",
    ),
    Table(
        "bill",
        "bill of visit",
        "FROM visit_bills",
        "visit_id",
        (
            ("rule_year", "rule year"),
            ("unit_method", "unit method"),
            ("pooled_visit_ids", "pooled visits"),
            ("total_timed_minutes", "timed minutes"),
            ("total_treatment_minutes", "treatment minutes"),
            ("timed_units", "timed units"),
            ("kx_applies", "KX"),
            ("computed_at", "computed at"),
        ),
        long=("warnings", "review", "trace"),
        long_name="warnings, review and trace",
        owner=-1,
        plural="bills",
    ),
    Table(
        "line",
        "claim line",
        "FROM claim_lines",
        "id",
        (
            ("visit_id", "visit"),
            ("line_number", "line number"),
            ("code", "code"),
            ("modifiers", "modifiers"),
            ("units", "units"),
            ("assistant", "assistant"),
            ("allowed_cents", "allowed cents"),
            ("charge_cents", "charge cents"),
            ("diagnosis_pointers", "diagnosis pointers"),
        ),
        long=("trace",),
        long_name="trace",
    ),
    Table(
        "snapshot",
        "frozen superbill",
        "FROM claim_snapshots",
        "id",
        (
            ("visit_id", "visit"),
            ("version", "version"),
            ("reason", "reason"),
            ("made_at", "made at"),
        ),
        long=("content",),
        long_name="content",
    ),
    Table(
        "payment",
        "payment",
        "FROM payments",
        "id",
        (
            ("patient_id", "patient"),
            ("visit_id", "visit"),
            ("paid_on", "paid on"),
            ("amount_cents", "amount cents"),
            ("method", "method"),
        ),
        owner_noun="patient",
    ),
    Table(
        "ledger",
        "ledger entry",
        "FROM ledger_entries",
        "id",
        (
            ("patient_id", "patient"),
            ("visit_id", "visit"),
            ("entry_date", "date"),
            ("kind", "kind"),
            ("adjustment_type", "adjustment type"),
            ("amount_cents", "amount cents"),
            ("reverses_payment_id", "reversed payment"),
            ("reverses_entry_id", "reversed entry"),
        ),
        owner_noun="patient",
        plural="ledger entries",
    ),
)
BY_TAG = {t.tag: t for t in TABLES}


def _one_line(text: str) -> str:
    """Keep a row's text on one line of the ``rows`` field (``\\`` and line breaks escaped)."""
    if "\\" in text or "\n" in text:
        return text.replace("\\", "\\\\").replace("\n", "\\n")
    return text


def _text(row: tuple[Any, ...]) -> str:
    """The canonical text from a row of :attr:`Table.select` (key first)."""
    if len(row) == 2:
        return _one_line(row[1])
    import hashlib  # OpenSSL loads at the first change, not at start-up

    digest = hashlib.sha256(row[2].encode("utf-8")).hexdigest()[:32]
    return _one_line(f"{row[1][:-1]},'{digest}')")


def row_text(conn: Store, tag: str, key: int) -> str | None:
    """The canonical text of one row as it stands, or ``None`` if there is no such row."""
    table = BY_TAG[tag]
    select = table.select_on(dialect_of(conn))
    row = conn.execute(f"{select} WHERE {table.key} = ?", (key,)).fetchone()
    return None if row is None else _text(row)


def row_texts(conn: Store, tag: str, keys: Iterable[int]) -> dict[int, str]:
    """The canonical texts of the rows of ``tag`` with these keys as they stand, by key (a
    row that is gone is not in it): one query per ``KEYS_PER_QUERY`` keys."""
    table = BY_TAG[tag]
    wanted = list(dict.fromkeys(keys))
    texts: dict[int, str] = {}
    for start in range(0, len(wanted), KEYS_PER_QUERY):
        part = tuple(wanted[start : start + KEYS_PER_QUERY])
        marks = ", ".join("?" for _ in part)
        texts.update(scan(conn, table, f"{table.key} IN ({marks})", part))
    return texts


def rows_field(conn: Store, refs: Iterable[RowRef]) -> str:
    """The ``rows`` field of an entry covering ``refs`` (each listed once, in order): the rows
    are read a table at a time (:func:`row_texts`), not a query per row."""
    listed = list(dict.fromkeys(refs))
    keys: dict[str, list[int]] = {}
    for tag, key in listed:
        keys.setdefault(tag, []).append(key)
    texts = {tag: row_texts(conn, tag, tag_keys) for tag, tag_keys in keys.items()}
    return "\n".join(f"{tag} {key} {texts[tag].get(key, DELETED)}" for tag, key in listed)


def parse_rows(field: str) -> Iterator[tuple[str, str]]:
    """``(tag + " " + key, text)`` per line of a ``rows`` field."""
    if not field:
        return
    for line in field.split("\n"):
        cut = line.index(" ", line.index(" ") + 1)
        yield line[:cut], line[cut + 1 :]


def refs_of_visits(conn: Store, visit_ids: Iterable[int]) -> list[RowRef]:
    """Every covered row of these visits: the visit, its segments and untimed services, its
    bill and claim lines (payments are the patient's, covered where they are recorded)."""
    ids = list(dict.fromkeys(visit_ids))
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    refs: list[RowRef] = [("visit", i) for i in ids]
    for tag, sql in (
        ("segment", f"SELECT id FROM timer_segments WHERE visit_id IN ({marks}) ORDER BY id"),
        (
            "untimed",
            "SELECT u.visit_code_id FROM untimed_services u JOIN visit_codes c "
            f"ON c.id = u.visit_code_id WHERE c.visit_id IN ({marks}) ORDER BY 1",
        ),
        ("bill", f"SELECT visit_id FROM visit_bills WHERE visit_id IN ({marks}) ORDER BY 1"),
        ("line", f"SELECT id FROM claim_lines WHERE visit_id IN ({marks}) ORDER BY id"),
    ):
        refs += [(tag, int(r[0])) for r in conn.execute(sql, ids)]
    return refs


def scan(
    conn: Store, table: Table, where: str = "", params: tuple[Any, ...] = ()
) -> Iterator[tuple[int, str]]:
    """``(key, canonical text)`` of every row of ``table`` (those ``where`` selects, with
    ``params``), in key order."""
    select = table.select_on(dialect_of(conn)) + (f" WHERE {where}" if where else "")
    rows = conn.execute(f"{select} ORDER BY {table.key}", params)
    if table.long:
        for row in rows:
            yield row[0], _text(row)
        return
    for key, text in rows:
        yield key, (_one_line(text) if "\\" in text or "\n" in text else text)


def all_refs(conn: Store) -> list[RowRef]:
    """Every covered row in the database (sealing a database's rows when it is first keyed)."""
    refs: list[RowRef] = []
    for table in TABLES:
        sql = f"SELECT {table.key} {table.source} ORDER BY {table.key}"
        refs += [(table.tag, int(row[0])) for row in conn.execute(sql)]
    return refs


# --- naming a row and what changed in it -------------------------------------------------------


def values(text: str) -> list[str | int | None]:
    """The values of a canonical text ``(1,'GP CQ',NULL)``, for messages."""
    body = _ESCAPED.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)[1:-1]
    out: list[str | int | None] = []
    index = 0
    while index < len(body):
        if body[index] == "'":
            end = index + 1
            while True:
                end = body.index("'", end)
                if body[end + 1 : end + 2] != "'":
                    break
                end += 2
            out.append(body[index + 1 : end].replace("''", "'"))
            index = end + 2
        else:
            end = body.find(",", index)
            end = len(body) if end < 0 else end
            token = body[index:end]
            out.append(
                None if token == "NULL" else int(token) if token.lstrip("-").isdigit() else token
            )
            index = end + 1
    return out


def describe(table: Table, key: int | str, text: str) -> str:
    """``claim line 12 of visit 7``, from the row's canonical text."""
    if table.owner < 0 or text == DELETED:
        return f"{table.noun} {key}"
    owner = values(text)[table.owner]
    return f"{table.noun} {key}" + (f" of {table.owner_noun} {owner}" if owner is not None else "")


def _shown(value: Any) -> str:
    return "none" if value is None else str(value)


def difference(table: Table, now: str, audited: str) -> str:
    """``units 4, audited 1`` for each billing column that differs."""
    current, before = values(now), values(audited)
    parts = []
    for index, name in enumerate(table.names):
        was = before[index] if index < len(before) else None
        value = current[index] if index < len(current) else None
        if value == was:
            continue
        if table.long and index == len(table.columns):
            parts.append(f"{name} changed")
        else:
            parts.append(f"{name} {_shown(value)}, audited {_shown(was)}")
    return "; ".join(parts) or "its content differs from the audited content"
