"""The patient dialog's plan of care (claims.md §5), on a tab of its own: its dates and who
certifies it, the 2025 referral exception (a signed order or referral on file and the date the
plan was sent), the reason for a late certification, and the discharge. Each problem is shown
under its field; the services check them again when the patient is saved
(:meth:`~chargeclock.services.plan_certification.PlanCertification.apply`)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from chargeclock.services.patient_records import PatientRecord, PlanOfCareInput
from chargeclock.services.plan_certification import CertificationInput
from chargeclock.services.session import Services
from chargeclock.services.validation import ADDRESS_LENGTH
from chargeclock.ui.forms import DateField, FormState, date_problem, grid_rows, group

#: The service's field names and the dialog's.
ALIASES = {
    "certified_through": "plan_through",
    "signed_date": "plan_signed",
    "certifying_provider_id": "certifying",
    "certifying_practitioner_id": "certifying",
    "certifying_practitioner": "certifying",
    "referral_signed_on": "referral_signed",
    "plan_sent_on": "plan_sent",
    "delay_reason": "delay_reason",
    "discharged_on": "discharged",
}


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("SubHeading")
    return label


class PlanFields:
    """The plan of care's fields (``box``, checkable: unchecked saves no plan) on ``page``,
    with the patient's current plan status above them."""

    def __init__(self, form: FormState, services: Services) -> None:
        f = form
        self.services = services
        self.start = DateField()
        self.through = DateField()
        self.signed = DateField()
        # Certified by the referring or certifying practitioner (claims.md §5), never by one of
        # the clinic's therapists.
        self.certifying = QComboBox()
        self.certifying.addItem("—", None)
        self.certifying.addItem("The referring practitioner", "referring")
        for practitioner in services.records.referring_providers():
            if practitioner.npi:
                self.certifying.addItem(
                    f"{practitioner.name} ({practitioner.npi})", practitioner.id
                )
        self.referral_signed = DateField()
        self.plan_sent = DateField()
        self.delay_reason = QLineEdit()
        self.delay_reason.setMaxLength(ADDRESS_LENGTH)
        self.delay_reason.setPlaceholderText("Only when signed more than 30 days after day one")
        self.discharged = DateField()
        rows = grid_rows(
            (
                ("Start", f.field("plan_start", self.start, self.start.changed)),
                ("Through", f.field("plan_through", self.through, self.through.changed)),
            ),
            (
                ("Signed", f.field("plan_signed", self.signed, self.signed.changed)),
                (
                    "Certified by",
                    f.field("certifying", self.certifying, self.certifying.currentIndexChanged),
                ),
            ),
            (
                (
                    "Delay reason",
                    f.field("delay_reason", self.delay_reason, self.delay_reason.textChanged),
                ),
            ),
            (
                (
                    "Referral signed",
                    f.field("referral_signed", self.referral_signed, self.referral_signed.changed),
                ),
                ("Plan sent", f.field("plan_sent", self.plan_sent, self.plan_sent.changed)),
            ),
            (("Discharged", f.field("discharged", self.discharged, self.discharged.changed)),),
        )
        body = QVBoxLayout()
        body.addLayout(rows)
        body.addWidget(
            _note(
                "Since 2025 an initial plan also counts as certified when the practitioner's "
                "signed and dated order or referral is on file and the plan was sent to them "
                "within 30 days of the evaluation: enter both dates instead of a signature. "
                "A discharged plan makes later visits warn."
            )
        )
        self.box: QGroupBox = group("Plan of care", body)
        self.box.setCheckable(True)
        self.box.setChecked(False)
        self.box.toggled.connect(lambda _: form.revalidate())
        self.status = _note("")
        self.status.setVisible(False)
        self.loaded_start: date | None = None
        self.start.changed.connect(self._start_changed)
        self.page = QWidget()
        layout = QVBoxLayout(self.page)
        layout.addWidget(self.status)
        layout.addWidget(self.box)
        layout.addStretch(1)

    def load(self, record: PatientRecord) -> None:
        status = self.services.plan_of_care_status(record.patient.id)
        self.status.setText(f"Now: {status.message}")
        self.status.setVisible(True)
        plan = record.plan_of_care
        if plan is None:
            return
        self.box.setChecked(True)
        self.start.set_value(plan.start_date)
        self.loaded_start = plan.start_date
        self.through.set_value(plan.certified_through)
        self.signed.set_value(plan.signed_date)
        cert = self.services.plans.certification(plan.id)
        certifier: int | str | None = cert.certifying_practitioner_id
        if record.referring is not None and certifier == record.referring.id:
            certifier = "referring"
        self.certifying.setCurrentIndex(max(0, self.certifying.findData(certifier)))
        self.referral_signed.set_value(cert.referral_signed_on)
        self.plan_sent.set_value(cert.plan_sent_on)
        self.delay_reason.setText(cert.delay_reason)
        self.discharged.set_value(cert.discharged_on)

    def _start_changed(self) -> None:
        """Another start date saves a new plan (a recertification, or a new episode after a
        discharge): the loaded plan's referral, delay reason and discharge are not its own."""
        try:
            start = self.start.value()
        except ValueError:
            return
        if self.loaded_start is None or start is None or start == self.loaded_start:
            return
        self.loaded_start = None  # once: what is typed after this belongs to the new plan
        for field in (self.referral_signed, self.plan_sent, self.discharged):
            field.set_value(None)
        self.delay_reason.clear()
        self.status.setText(f"{self.status.text()}\nA new plan of care from this start date.")

    def errors(self, errors: dict[str, str], today: date, referring_name: str) -> None:
        """Each field's reason, when the plan is to be saved."""
        if not self.box.isChecked():
            return
        start_problem = date_problem(self.start, blank_ok=False, what="The start date")
        through_problem = date_problem(
            self.through, blank_ok=False, what="The certified-through date"
        )
        signed_problem = date_problem(self.signed, not_after=today)
        later = {
            "referral_signed": date_problem(self.referral_signed, not_after=today),
            "plan_sent": date_problem(self.plan_sent, not_after=today),
            "discharged": date_problem(self.discharged, not_after=today),
        }
        if not (start_problem or through_problem):
            start, through = self.start.value(), self.through.value()
            assert start is not None and through is not None
            if through < start:
                through_problem = "Must be on or after the start date"
            elif (through - start).days >= 90:
                through_problem = "A plan of care is valid up to 90 days"
            signed = None if signed_problem else self.signed.value()
            if signed is not None and signed < start:
                signed_problem = "Signed before the plan's start date"
            for key, field, what in (
                ("plan_sent", self.plan_sent, "Sent before the evaluation (the plan's start)"),
                ("discharged", self.discharged, "Discharged before the plan's start date"),
            ):
                day = None if later[key] else field.value()
                if day is not None and day < start:
                    later[key] = what
        referral = (self.referral_signed.is_blank(), self.plan_sent.is_blank())
        if referral == (False, True) and not later["plan_sent"]:
            later["plan_sent"] = "Enter the date the plan was sent, with the referral's"
        if referral == (True, False) and not later["referral_signed"]:
            later["referral_signed"] = "Enter the date the referral was signed, with the plan's"
        certifier = self.certifying.currentData()
        if certifier == "referring" and not referring_name.strip():
            errors["certifying"] = "Enter the referring practitioner under Payer and referral"
        elif certifier is None and referral != (True, True):
            errors["certifying"] = "Name the practitioner whose signed referral is on file"
        for key, reason in (
            ("plan_start", start_problem),
            ("plan_through", through_problem),
            ("plan_signed", signed_problem),
            *later.items(),
        ):
            if reason:
                errors[key] = reason

    def value(self) -> PlanOfCareInput | None:
        """What the fields hold (call once :meth:`errors` found nothing); None: no plan."""
        if not self.box.isChecked():
            return None
        start, through = self.start.value(), self.through.value()
        assert start is not None and through is not None
        certifier = self.certifying.currentData()
        return PlanOfCareInput(
            start,
            through,
            self.signed.value(),
            certified_by_referring=certifier == "referring",
            certifying_practitioner_id=certifier if isinstance(certifier, int) else None,
            certification=CertificationInput(
                referral_signed_on=self.referral_signed.value(),
                plan_sent_on=self.plan_sent.value(),
                delay_reason=self.delay_reason.text(),
                discharged_on=self.discharged.value(),
            ),
        )
