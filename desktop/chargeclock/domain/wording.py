"""Counted words for the screens and the commands: "1 unit", "2 units" (never "1 units" or
"unit(s)"). In the domain, so the rules' own explanations, the commands and the screens say it
the same way."""

from __future__ import annotations

#: words whose plural is not the word with an "s"
_IRREGULAR = {"entry": "entries", "day": "days", "is": "are", "was": "were"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, in the plural unless the count is exactly one."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or _IRREGULAR.get(word) or word + 's'}"
