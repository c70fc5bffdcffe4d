"""Counted words: one is singular, every other count plural."""

from __future__ import annotations

from chargeclock.wording import plural


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert [plural(n, "unit") for n in (0, 1, 2, 11)] == [
        "0 units",
        "1 unit",
        "2 units",
        "11 units",
    ]
    assert plural(1, "treatment day") == "1 treatment day"
    assert plural(3, "treatment day") == "3 treatment days"
    assert plural(2, "entry") == "2 entries" and plural(2, "child", "children") == "2 children"
