"""Counted words: one is singular, every other count plural."""

from __future__ import annotations

from chargeclock.domain.wording import plural


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


def test_the_rules_explain_in_counted_words() -> None:
    from chargeclock.domain.assistant import split_timed

    reason = split_timed(2, 20, 13).reason
    assert "therapist 20 min -> 1 whole unit without" in reason
    assert "assistant 13 min -> 0 whole units with it" in reason
    assert "(s)" not in reason
