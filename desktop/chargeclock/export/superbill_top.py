"""The top of the superbill: the practice and the title, the patient and rendering provider
side by side, and the diagnoses with their pointers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    Table,
    TableStyle,
)

from chargeclock.domain.superbill_model import Superbill, SuperbillVisit
from chargeclock.export.styles import (
    ACCENT,
    BODY_SIZE,
    BOLD,
    BOX_PADDING,
    FILL,
    LABEL_WIDTH,
    RULE,
    day,
    grid_style,
    money,
)
from chargeclock.export.styles import esc as _e
from chargeclock.export.styles import para as _p
from chargeclock.export.styles import provider_markup as _provider
from chargeclock.export.styles import typed as _t


def _places(visit: SuperbillVisit) -> str:
    """The visit's place of service; a day billed at several (a pooled same-day visit by
    telehealth) names each, in line order: every line prints its own."""
    places = list(dict.fromkeys(line.place_of_service for line in visit.lines))
    if len(places) > 1:
        return f"Places of service: {_e(', '.join(places))} (per line)"
    return f"Place of service: {_e(places[0] if places else visit.place_of_service)}"


def _title_words(bill: Superbill) -> tuple[str, list[str]]:
    if bill.kind == "visit":
        visit = bill.visits[0]
        details = [
            f"Date of service: <b>{day(visit.date_of_service)}</b>",
            _places(visit),
            f"Issued: {day(bill.generated_on)}",
        ]
        if bill.version > 1:
            details += [
                f"<b>CORRECTED</b> · version {bill.version}",
                f"Reason: {_t(bill.correction_reason, 'title_detail', 0.4 * 7.5 * inch)}",
            ]
        return "SUPERBILL", details
    count = len(bill.visits)
    owed = "Credit balance" if bill.balance < 0 else "Balance due"
    return "STATEMENT", [
        f"Period: <b>{day(bill.period_from)} – {day(bill.period_to)}</b>",
        f"{count} visit{'s' if count != 1 else ''} · Issued: {day(bill.generated_on)}",
        f"{owed}: <b>{money(abs(bill.balance))}</b>",
    ]


def header(bill: Superbill, width: float) -> Flowable:
    practice = bill.practice
    room = width * 0.6
    left = [_p(_t(practice.name, "practice", room), "practice")]
    left += [_p(_t(line, room=room)) for line in practice.address_lines]
    left.append(_p(f"Phone {_t(practice.phone, room=room)}"))
    left.append(_p(f"NPI {_t(practice.npi)} &nbsp;&nbsp; Tax ID {_t(practice.tax_id)}"))
    title, details = _title_words(bill)
    right = [_p(title, "title"), *(_p(d, "title_detail") for d in details)]
    table = Table([[left, right]], colWidths=[width * 0.6, width * 0.4])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
            ]
        )
    )
    return table


def _field_rows(pairs: Sequence[tuple[str, str]]) -> list[list[Any]]:
    return [[_p(_e(label).upper(), "box_label"), _p(value)] for label, value in pairs]


def _box(title: str, pairs: Sequence[tuple[str, str]], width: float) -> Table:
    rows: list[list[Any]] = [[_p(title, "heading"), ""]]
    rows += _field_rows(pairs)
    table = Table(rows, colWidths=[LABEL_WIDTH, width - LABEL_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (1, 0)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 1), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
                ("BACKGROUND", (0, 0), (-1, 0), FILL),
            ]
        )
    )
    return table


def _patient_rows(bill: Superbill, room: float) -> list[tuple[str, str]]:
    """The patient box: who, how to reach them, and the insurance billed with its claim
    fields (claims.md §6), each only when known."""
    patient = bill.patient
    rows = [
        ("Name", f"<b>{_t(patient.name, room=room, bold=True)}</b>"),
        ("Date of birth", day(patient.date_of_birth)),
    ]
    if patient.sex:
        rows.append(("Sex", _e(patient.sex)))
    if patient.address_lines:
        rows.append(("Address", "<br/>".join(_t(x, room=room) for x in patient.address_lines)))
    if patient.phone:
        rows.append(("Phone", _t(patient.phone, room=room)))
    if not patient.payer_name:
        rows.append(("Insurance", "Self-pay"))
    else:
        rows += [
            ("Insurance", _t(patient.payer_name, room=room)),
            ("Member ID", _t(patient.member_id, room=room)),
        ]
        if patient.group_number:
            rows.append(("Group number", _t(patient.group_number, room=room)))
        if patient.subscriber:
            who = f"{_t(patient.subscriber, room=room)} ({_t(patient.subscriber_relationship)})"
            rows.append(("Subscriber", who))
    if patient.claim_number:
        rows.append(("Claim number", _t(patient.claim_number, room=room)))
    if patient.injury_date is not None:
        rows.append(("Injury date", day(patient.injury_date)))
    if patient.employer:
        rows.append(("Employer", _t(patient.employer, room=room)))
    if patient.accident_state:
        rows.append(("Accident state", _e(patient.accident_state)))
    if bill.onset_date is not None:
        rows.append(("Onset date", day(bill.onset_date)))
    return rows


def parties(bill: Superbill, width: float) -> Flowable:
    gap = 0.2 * inch
    half = (width - gap) / 2
    room = half - LABEL_WIDTH - BOX_PADDING
    patient_rows = _patient_rows(bill, room)
    provider_rows: list[tuple[str, str]] = []
    for provider in bill.providers:
        name = _provider(provider, room=room, bold=True)
        provider_rows += [("Name", f"<b>{name}</b>"), ("NPI", _t(provider.npi))]
        if provider.licence:
            provider_rows.append(("Licence", _t(provider.licence, room=room)))
    provider_rows += [
        ("Billing", _t(bill.practice.name, room=room)),
        ("Billing NPI", _t(bill.practice.npi)),
    ]
    referring = bill.referring
    if referring is not None:
        who = _t(referring.name, room=room)
        if referring.qualification and referring.qualification != "physician":
            who += f" ({_e(referring.qualification)})"
        provider_rows += [
            ("Referring", who),
            ("Referring NPI", _t(referring.npi) if referring.npi else "not on file"),
        ]
    title = "Rendering provider" + ("s" if len(bill.providers) > 1 else "")
    table = Table(
        [[_box("Patient", patient_rows, half), "", _box(title, provider_rows, half)]],
        colWidths=[half, gap, half],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("BOX", (0, 0), (0, 0), 0.6, RULE),
                ("BOX", (2, 0), (2, 0), 0.6, RULE),
            ]
        )
    )
    return table


def diagnoses_table(bill: Superbill, width: float) -> Flowable:
    """Pointer, code and description; two column groups side by side past four diagnoses."""
    groups = 2 if len(bill.diagnoses) > 4 else 1
    per_group = -(-len(bill.diagnoses) // groups)
    gap = 0.2 * inch if groups == 2 else 0.0
    group_width = (width - gap * (groups - 1)) / groups
    col = [0.45 * inch, 0.8 * inch, group_width - 1.25 * inch]
    header = ["Pointer", "ICD-10-CM", "Description"]
    rows: list[list[Any]] = [header + (["", *header] if groups == 2 else [])]
    for index in range(per_group):
        row: list[Any] = []
        for group in range(groups):
            if group:
                row.append("")
            at = group * per_group + index
            if at < len(bill.diagnoses):
                dx = bill.diagnoses[at]
                row += [dx.pointer, dx.code, _p(_t(dx.description, "cell", col[2] - 8), "cell")]
            else:
                row += ["", "", ""]
        rows.append(row)
    widths = col + ([gap, *col] if groups == 2 else [])
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = grid_style()
    style.append(("FONT", (0, 1), (1, -1), BOLD, BODY_SIZE))
    if groups == 2:
        style += [
            ("FONT", (4, 1), (5, -1), BOLD, BODY_SIZE),
            ("BACKGROUND", (3, 0), (3, -1), colors.white),
            ("LINEBELOW", (3, 0), (3, -1), 0, colors.white),
        ]
    table.setStyle(TableStyle(style))
    return table
