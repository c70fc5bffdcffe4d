"""The visit screen's authorization line ("Auth A-100: visit 7 of 12 · until 03/31") and what
a finalize says about the payer: the authorization, the yearly visit limit and timely filing
(:meth:`~chargeclock.services.authorizations.AuthorizationService.check_visit`)."""

from __future__ import annotations

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.authorizations import PayerCheck
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.calculator_panel import Reminder


def payer_check(services: Services, visit_id: int) -> PayerCheck:
    """The visit's check; an empty one when it cannot be read (the visit screen still works)."""
    try:
        return services.authorizations.check_visit(visit_id)
    except ChargeClockError:
        return PayerCheck(None)


def line_text(check: PayerCheck) -> str:
    """The compact line under the visit's title: the authorization, else the first warning."""
    if check.line:
        return check.line
    return check.warnings[0].message if check.warnings else ""


def line_style(check: PayerCheck) -> str:
    denial = any(w.message.startswith("CO-") for w in check.warnings)
    colour = theme.ALERT_COLOUR if denial else theme.MUTED
    return f"color: {colour}; font-weight: {600 if check.warnings else 400};"


def reminders(check: PayerCheck) -> list[Reminder]:
    """The warnings as the calculator panel's reminders: a denial (CO-…) as an alert."""
    return [
        Reminder("alert" if w.message.startswith("CO-") else "warn", w.message)
        for w in check.warnings
    ]


def finalize_notice(services: Services, visit_id: int) -> str:
    """What the biller is told after a finalize, naming each payer warning; empty if none."""
    warnings = payer_check(services, visit_id).warnings
    if not warnings:
        return ""
    named = "\n".join(f"• {w.message}" for w in warnings)
    return f"Visit #{visit_id} is finalized; before the claim goes out:\n\n{named}"
