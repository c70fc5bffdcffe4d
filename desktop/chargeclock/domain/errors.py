"""The one exception family. Every message names the field and the problem."""

from __future__ import annotations


class ChargeClockError(Exception):
    """Base of every error we show to a user: its ``str`` is the whole message."""


class InputError(ChargeClockError):
    """Bad input: ``field`` names where (``services[1].pt_minutes``), ``problem`` says what."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class RuleDataError(ChargeClockError):
    """The rule data in ``resources/`` is missing or malformed for what was asked."""
