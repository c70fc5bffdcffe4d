"""The patient dialog's claim fields (claims.md §6): group number, the subscriber when not the
patient, the onset date, and the workers' compensation and auto claim fields. Each problem is
shown under its field; the service checks them again when the patient is saved."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from chargeclock.services.claim_details import RELATIONSHIPS, ClaimDetailsRow
from chargeclock.ui.forms import DateField, FormState, date_problem, grid_rows


class ClaimFields:
    """The claim fields of the patient dialog (``fields``, shown by ``toggle``), their checks
    and their value."""

    def __init__(self, form: FormState) -> None:
        f = form
        self.group_number = QLineEdit()
        self.subscriber = QLineEdit()
        self.subscriber.setPlaceholderText("Only when not the patient")
        self.relationship = QComboBox()
        self.relationship.addItem("—", "")
        for value in RELATIONSHIPS:
            self.relationship.addItem(value.capitalize(), value)
        self.onset = DateField()
        self.claim_number = QLineEdit()
        self.claim_number.setPlaceholderText("Workers' comp or auto")
        self.injury = DateField()
        self.employer = QLineEdit()
        self.accident_state = QLineEdit()
        self.accident_state.setPlaceholderText("Auto: state, e.g. OR")
        self.accident_state.setMaxLength(2)
        rows = grid_rows(
            (
                (
                    "Group no.",
                    f.field("group_number", self.group_number, self.group_number.textChanged),
                ),
                ("Onset", f.field("onset_date", self.onset, self.onset.changed)),
            ),
            (
                ("Subscriber", f.field("subscriber", self.subscriber, self.subscriber.textChanged)),
                (
                    "Relation",
                    f.field(
                        "subscriber_relationship",
                        self.relationship,
                        self.relationship.currentIndexChanged,
                    ),
                ),
            ),
            (
                (
                    "Claim no.",
                    f.field("claim_number", self.claim_number, self.claim_number.textChanged),
                ),
                ("Injury date", f.field("injury_date", self.injury, self.injury.changed)),
            ),
            (
                ("Employer", f.field("employer", self.employer, self.employer.textChanged)),
                (
                    "Accident state",
                    f.field("accident_state", self.accident_state, self.accident_state.textChanged),
                ),
            ),
        )
        # Folded away unless the patient has some (most visits need none of them, and the
        # dialog must fit a 1366 x 768 screen): the toggle sits beside the member id.
        self.fields = QWidget()
        self.fields.setLayout(rows)
        rows.setContentsMargins(0, 0, 0, 0)
        self.toggle = QCheckBox("Claim details")
        self.toggle.setToolTip("Group number, subscriber, onset, workers' comp and auto claims")
        self.toggle.toggled.connect(self.fields.setVisible)
        self.fields.setVisible(False)

    def load(self, row: ClaimDetailsRow) -> None:
        self.group_number.setText(row.group_number)
        self.subscriber.setText(row.subscriber)
        self.relationship.setCurrentIndex(
            max(0, self.relationship.findData(row.subscriber_relationship))
        )
        self.onset.set_value(row.onset_date)
        self.claim_number.setText(row.claim_number)
        self.injury.set_value(row.injury_date)
        self.employer.setText(row.employer)
        self.accident_state.setText(row.accident_state)
        self.toggle.setChecked(row != ClaimDetailsRow())

    def errors(self, errors: dict[str, str], today: date) -> None:
        for key, field in (("onset_date", self.onset), ("injury_date", self.injury)):
            problem = date_problem(field, not_after=today)
            if problem:
                errors[key] = problem
        if self.subscriber.text().strip() and not self.relationship.currentData():
            errors["subscriber_relationship"] = "How is the patient related to the subscriber?"
        state = self.accident_state.text().strip()
        if state and not (len(state) == 2 and state.isalpha()):
            errors["accident_state"] = "Two letters, e.g. OR"

    def value(self) -> ClaimDetailsRow:
        """What the fields hold (call once :meth:`errors` found nothing)."""
        return ClaimDetailsRow(
            group_number=self.group_number.text(),
            subscriber=self.subscriber.text(),
            subscriber_relationship=str(self.relationship.currentData() or ""),
            onset_date=self.onset.value(),
            claim_number=self.claim_number.text(),
            injury_date=self.injury.value(),
            employer=self.employer.text(),
            accident_state=self.accident_state.text(),
        )
