"""Counted words for the screens and the commands: "1 unit", "2 units" (never "1 units" or
"unit(s)"); days and times as the clinic reads them. In the domain, so the rules' own
explanations, the messages, the screens and the papers say it the same way. Stored and exchanged
dates (the database, the JSON of ``calc``, what the commands are given) stay ISO."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

#: words whose plural is not the word with an "s"
_IRREGULAR = {"entry": "entries", "day": "days", "is": "are", "was": "were"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, in the plural unless the count is exactly one."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or _IRREGULAR.get(word) or word + 's'}"


def day_text(value: date) -> str:
    """A day as every screen, message and paper of ChargeClock writes it: ``03/02/2026`` (the
    US claim form's order)."""
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def moment_text(value: datetime, zone: tzinfo | None) -> str:
    """A stored instant (UTC) on the clinic's wall clock: ``03/02/2026 14:05``, to the second
    where it has one (``14:05:20``: the time editors show seconds, and a refusal must not name
    the minute the clock already reads). ``zone`` None: this computer's."""
    local = value.astimezone(zone)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.second:
        clock += f":{local.second:02d}"
    return f"{day_text(local.date())} {clock}"
