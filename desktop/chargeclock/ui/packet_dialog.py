"""The audit packet from the window: the current patient, a period, and where to save the PDF
(:mod:`chargeclock.services.packet`, as ``chargeclock packet`` writes it). A problem is said in
the dialog, never raised."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.packet import build_packet, save_packet
from chargeclock.services.session import Services
from chargeclock.ui.export_dialog import ask_pdf_path, save_pdf_to
from chargeclock.ui.forms import date_field, picked


class PacketDialog(QDialog):
    """Pick the period (and whole superbill pages or not), then Save packet…"""

    def __init__(self, services: Services, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.patient_id = patient_id
        patient = services.records.patient(patient_id)
        self.setWindowTitle(f"Audit packet — {patient.first_name} {patient.last_name}")
        today = services.ctx.today()
        self.first = date_field(date(today.year, 1, 1), self)
        self.last = date_field(today, self)
        self.full = QCheckBox("each day's whole superbill page", self)
        form = QFormLayout()
        form.addRow("From", self.first)
        form.addRow("To", self.last)
        form.addRow("Superbills", self.full)
        self.message = QLabel(
            "Superbills as billed, the timer runs behind every unit, the calculation trace, "
            "every audit entry of the visits and the audit log's check, in one PDF.",
            self,
        )
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = buttons.addButton("Save packet…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self._ask_and_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.saved: Path | None = None

    def _ask_and_save(self) -> None:
        name = f"audit-packet-{self.patient_id}-{picked(self.first)}-{picked(self.last)}.pdf"
        path = ask_pdf_path(self, "Save audit packet", name)
        if path is not None:
            self.save(path)

    def save(self, path: Path) -> Path | None:
        """Build the packet and write it to ``path``; the dialog says what it wrote."""
        try:
            packet = build_packet(
                self.services,
                self.patient_id,
                picked(self.first),
                picked(self.last),
                full_superbills=self.full.isChecked(),
            )
        except ChargeClockError as exc:
            self.message.setText(" ".join(str(exc).split()))
            return None
        saved = save_pdf_to(path, lambda p: save_packet(packet, p), self.message.setText)
        if saved is not None:
            verdict = "intact" if packet.audit_ok else "BROKEN — see the packet's first page"
            self.message.setText(
                f"Saved {saved.name}: {len(packet.visits)} visits, {len(packet.billed)} billed "
                f"days; audit log {verdict}."
            )
            self.saved = saved
        return saved
