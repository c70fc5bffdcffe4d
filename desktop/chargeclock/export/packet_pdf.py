"""The audit packet (:class:`~chargeclock.domain.packet_model.Packet`) as a PDF.

The first page says whose packet it is and what it holds: the patient, the period, the totals,
the plans of care and progress reports, the year-to-date against the KX threshold, and the audit
log's verification with its anchor. Then the patient, provider and diagnoses as the superbill
prints them, and each visit in date order: its superbill's claim lines as billed (the
superbill's own table; with ``full_superbills`` the whole superbill page), the timer runs behind
its units, the calculation trace and its audit entries. Every page's footer names the packet and
the patient and says "Page N of M".
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from chargeclock.domain.packet_model import Packet, PacketVisit
from chargeclock.export.letter_doc import letter_pdf
from chargeclock.export.plain_lines import PlainLines
from chargeclock.export.styles import (
    BODY_SIZE,
    MUTED,
    STYLES,
    day,
    esc,
    grid_style,
    money,
    para,
    provider_markup,
    typed,
)
from chargeclock.export.superbill_layout import superbill_story
from chargeclock.export.superbill_lines import lines_table
from chargeclock.export.superbill_top import diagnoses_table, parties
from chargeclock.export.text import fit

__all__ = ["packet_pdf", "packet_story"]


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _table(rows: list[list[Any]], widths: list[float], header_rows: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    table.setStyle(TableStyle(grid_style(header_rows)))
    return table


def _cell(text: str, room: float) -> Paragraph:
    return para(typed(text, "cell", room), "cell")


def _front(packet: Packet, width: float) -> list[Flowable]:
    billed = packet.billed
    unbilled = len(packet.visits) - len(billed)
    story: list[Flowable] = [
        para(typed(packet.practice, "practice", width), "practice"),
        para("AUDIT PACKET", "title"),
        Spacer(1, 8),
        para(
            f"<b>{typed(packet.patient_name, 'body', width * 0.5, bold=True)}</b> · "
            f"DOB {day(packet.date_of_birth)} · patient {packet.patient_id} · "
            f"{typed(packet.payer or 'self-pay')} {typed(packet.member_id)}"
        ),
        para(
            f"Visits dated {day(packet.first)} – {day(packet.last)} · made "
            f"{packet.generated_at:%m/%d/%Y %H:%M} {esc(packet.zone_name)} · times are "
            f"{esc(packet.zone_name)}"
        ),
        Spacer(1, 6),
        para(
            f"{len(packet.visits)} visits, {len(billed)} billed days"
            + (
                f" ({unbilled} visits pooled into a same-day bill or not billed)"
                if unbilled
                else ""
            )
            + f" · {packet.total_units} units · charges {money(packet.total_charges)}"
        ),
        Spacer(1, 10),
        para("Plans of care", "heading"),
    ]
    if packet.plans:
        rows: list[list[Any]] = [["Start", "Certified through", "Signed", "Certified by"]]
        rows += [
            [
                day(p.start),
                day(p.certified_through),
                day(p.signed) if p.signed else "not signed",
                _cell(p.certified_by, width * 0.4),
            ]
            for p in packet.plans
        ]
        story.append(_table(rows, [width * 0.18, width * 0.2, width * 0.18, width * 0.44]))
    else:
        story.append(para("No plan of care covers the period.", "small"))
    story += [Spacer(1, 8), para("Progress reports", "heading")]
    dates = ", ".join(day(d) for d in packet.progress_reports)
    story.append(para(dates or "None recorded.", "body" if dates else "small"))
    story += _curves(packet, width)
    story += [Spacer(1, 10), para("Audit log verification", "heading")]
    verdict = "intact" if packet.audit_ok else "BROKEN"
    story.append(para(f"<b>verify-audit: {verdict}</b>"))
    story += [para(esc(line), "trace") for line in packet.audit_report]
    story += [
        Spacer(1, 4),
        para(f"Anchor (the audit log's head as this packet was made): {esc(packet.anchor)}"),
        para(
            "To check later that the database still holds what this packet shows: "
            "chargeclock verify-audit --anchor FILE, with this line in FILE.",
            "small",
        ),
    ]
    return story


def _curves(packet: Packet, width: float) -> list[Flowable]:
    if not packet.curves:
        return []
    from chargeclock.export.charts import kx_year_chart

    story: list[Flowable] = [Spacer(1, 8), para("Year to date against the KX threshold", "heading")]
    for curve in packet.curves:
        story.append(kx_year_chart(curve, width, 150))
    return story


def _runs(visit: PacketVisit, width: float, zone: str) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 8),
        para(f"Timer runs of visit {visit.visit_id} ({esc(zone)})", "heading"),
    ]
    if visit.runs:
        rows: list[list[Any]] = [["Code", "Role", "Start", "Stop", "Min:sec"]]
        for run in visit.runs:
            stop = f"{run.stopped:%H:%M:%S}" if run.stopped else "running"
            rows.append(
                [run.code, run.role, f"{run.started:%H:%M:%S}", stop, _minutes(run.seconds)]
            )
        story.append(_table(rows, [width * 0.16] * 4 + [width * 0.14]))
        totals: dict[str, dict[str, int]] = defaultdict(lambda: {"PT": 0, "PTA": 0})
        for run in visit.runs:
            totals[run.code][run.role] += run.seconds
        billed: dict[str, list[str]] = defaultdict(list)
        if visit.superbill is not None:
            for line in visit.superbill.lines:
                mods = " ".join(line.modifiers)
                billed[line.code].append(f"{line.units} × {mods}".strip())
        rows = [["Code", "PT", "PTA", "Billed on the day's claim"]]
        for code, by_role in totals.items():
            claim = "; ".join(billed.get(code, [])) or (
                f"see visit {visit.billed_with}" if visit.billed_with else "—"
            )
            rows.append(
                [
                    code,
                    _minutes(by_role["PT"]),
                    _minutes(by_role["PTA"]),
                    Paragraph(esc(claim), STYLES["cell"]),
                ]
            )
        story += [
            Spacer(1, 4),
            _table(rows, [width * 0.16, width * 0.14, width * 0.14, width * 0.56]),
        ]
    else:
        story.append(para("No timer runs.", "small"))
    if visit.untimed:
        rows = [["Untimed code", "Furnished by", "PT min", "PTA min"]]
        rows += [
            [
                u.code,
                u.furnished_by,
                "" if u.pt_minutes is None else str(u.pt_minutes),
                "" if u.pta_minutes is None else str(u.pta_minutes),
            ]
            for u in visit.untimed
        ]
        story += [Spacer(1, 4), _table(rows, [width * 0.25] * 4)]
    return story


def _trace(visit: PacketVisit) -> list[Flowable]:
    if not visit.trace:
        return []
    return [
        Spacer(1, 8),
        para("Calculation trace (frozen at finalize)", "heading"),
        Spacer(1, 2),
        PlainLines(visit.trace, bullet="–"),
    ]


def _audit(visit: PacketVisit, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        CondPageBreak(1.2 * inch),  # the heading never ends a page alone
        Spacer(1, 8),
        para(f"Audit entries of visit {visit.visit_id}", "heading"),
    ]
    if not visit.audit:
        return [*story, para("None.", "small")]
    widths = [width * 0.06, width * 0.19, width * 0.11, width * 0.2, width * 0.44]
    rows: list[list[Any]] = [["Entry", "When", "Who", "What", "Reason · details"]]
    for entry in visit.audit:
        what = f"{entry.action} ({entry.entity} {entry.entity_id or ''})".replace(" )", ")")
        said = [f"Reason: {entry.reason}"] if entry.reason else []
        rows.append(
            [
                str(entry.id),
                f"{entry.at:%m/%d/%Y %H:%M:%S}",
                PlainLines([fit(entry.actor, widths[2] - 8, BODY_SIZE)], size=BODY_SIZE),
                PlainLines([what], size=BODY_SIZE, leading=10),
                PlainLines([*said, entry.details], size=7, leading=8.5, hang=0),
            ]
        )
    story.append(_table(rows, widths))
    return story


def _as_billed(visit: PacketVisit, width: float, full: bool) -> list[Flowable]:
    """The day's superbill as billed: the whole page, or its claim-lines table under a line
    naming the visit, its provider and the superbill's audit anchor."""
    bill = visit.superbill
    assert bill is not None
    if full:
        return [PageBreak(), *superbill_story(bill, width), CondPageBreak(2 * inch)]
    pooled = f" (with visit {', '.join(map(str, visit.pooled))})" if visit.pooled else ""
    return [
        CondPageBreak(2.5 * inch),
        Spacer(1, 14),
        para(
            f"Visit {visit.visit_id}{pooled} · {day(visit.date_of_service)} · as billed", "heading"
        ),
        para(f"Rendering provider {provider_markup(bill.visits[0].provider)}", "small"),
        PlainLines([bill.audit_anchor], size=7, color=MUTED),
        Spacer(1, 3),
        lines_table(bill, width),
    ]


def packet_story(packet: Packet, width: float) -> list[Flowable]:
    """The flowables of the whole packet, for a frame ``width`` points wide."""
    story = _front(packet, width)
    first = next((v.superbill for v in packet.visits if v.superbill), None)
    if first is not None and not packet.full_superbills:
        story += [
            PageBreak(),
            parties(first, width),
            Spacer(1, 10),
            para("Diagnoses (ICD-10-CM)", "heading"),
            Spacer(1, 3),
            diagnoses_table(first, width),
        ]
    for visit in packet.visits:
        if visit.superbill is not None:
            story += _as_billed(visit, width, packet.full_superbills)
        else:
            status = (
                f"pooled into visit {visit.billed_with}'s superbill (same day)"
                if visit.billed_with
                else f"{visit.status}: not billed"
            )
            story += [
                CondPageBreak(3 * inch),
                Spacer(1, 14),
                para(
                    f"Visit {visit.visit_id} · {day(visit.date_of_service)} · {status}", "heading"
                ),
            ]
        story += _runs(visit, width, _zone(packet))
        story += _trace(visit)
        story += _audit(visit, width)
    return story


def _zone(packet: Packet) -> str:
    return f"clinic time, {packet.zone_name}"


def packet_pdf(packet: Packet) -> bytes:
    """The packet's PDF (Letter); the same packet gives the same bytes."""
    return letter_pdf(
        lambda width: packet_story(packet, width),
        title=f"Audit packet {packet.patient_name} {day(packet.first)} – {day(packet.last)}",
        subject="Audit packet",
        author=packet.practice,
        footer=f"Audit packet {day(packet.first)} – {day(packet.last)} · {packet.patient_name} "
        f"(DOB {day(packet.date_of_birth)}) · {packet.practice}",
    )
