"""The JSON rows SQLite writes for the open export are the rows the values give.

On SQLite the export has the database write each row as a JSON object
(:func:`open_tables.json_rows`); elsewhere it encodes the fetched values
(:func:`open_data.json_document`). Both must say the same thing for any stored value."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from chargeclock.export import open_data
from chargeclock.storage import open_tables
from chargeclock.storage.open_tables import Column, TableSpec

SPEC = TableSpec(
    "odd",
    "odd",
    (
        Column("id", "id", "int"),
        Column("label", "label", "text"),
        Column("words", "words", "list"),
        Column("done", "done", "flag"),
        Column("amount", "amount_cents", "money"),
        Column("day", "day", "date"),
    ),
    "day BETWEEN :first AND :last",
    "id",
)
NAMES = [c.name for c in SPEC.columns]
KINDS = [c.kind for c in SPEC.columns]
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))

texts = st.none() | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
row = st.tuples(
    texts,
    st.none() | st.lists(st.sampled_from(["GP", "CQ", "59", "", "a\tb", 'q"', "\\"])).map(" ".join),
    st.none() | st.sampled_from([0, 1]),
    st.none() | st.integers(-(10**9), 10**9),
)


def _both(rows: list[tuple[object, ...]]) -> tuple[object, object]:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE odd (id INTEGER PRIMARY KEY, label TEXT, words TEXT, done INTEGER, "
        "amount_cents INTEGER, day TEXT)"
    )
    conn.executemany(
        "INSERT INTO odd (label, words, done, amount_cents, day) VALUES (?, ?, ?, ?, ?)",
        [(*r, "2026-03-0" + str(1 + i % 9)) for i, r in enumerate(rows)],
    )
    conn.execute("INSERT INTO odd (label, day) VALUES ('out of the period', '2027-01-01')")
    objects = open_tables.json_rows(conn, SPEC, *PERIOD)
    assert objects is not None
    by_database, count = open_data.json_document_of_objects("odd", NAMES, KINDS, objects)
    assert count == len(rows)
    values = open_tables.rows(conn, SPEC, *PERIOD)
    by_values, _ = open_data.json_document("odd", NAMES, KINDS, values)
    conn.close()
    return json.loads(by_database), json.loads(by_values)


@settings(max_examples=60, deadline=None)
@given(st.lists(row, max_size=8))
def test_the_database_writes_what_the_values_say(rows: list[tuple[object, ...]]) -> None:
    by_database, by_values = _both(rows)
    assert by_database == by_values


def test_lists_flags_money_and_awkward_text() -> None:
    by_database, _ = _both(
        [
            ('He said "no" \\ then\n\x01 left 🦶 Łódź', "GP  CQ", 1, -5),
            (None, "", 0, 123456),
            ("=cmd", None, None, None),
        ]
    )
    assert isinstance(by_database, dict)
    assert by_database["rows"] == [
        {
            "id": 1,
            "label": 'He said "no" \\ then\n\x01 left 🦶 Łódź',
            "words": ["GP", "", "CQ"],
            "done": True,
            "amount": "-0.05",
            "day": "2026-03-01",
        },
        {
            "id": 2,
            "label": None,
            "words": [],
            "done": False,
            "amount": "1234.56",
            "day": "2026-03-02",
        },
        {
            "id": 3,
            "label": "=cmd",
            "words": None,
            "done": None,
            "amount": None,
            "day": "2026-03-03",
        },
    ]
