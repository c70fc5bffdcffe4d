"""The patient dialog: demographics, payer and member id, referring provider, diagnoses with an
ICD-10-CM search and a billable check, prior therapy spend this year and the last progress
report; the plan of care and its certification on a second tab
(:mod:`~chargeclock.ui.plan_fields`). Saved in one service call
(:meth:`RecordService.save_patient`).

The ICD-10-CM code set loads in a worker thread the first time the dialog opens; until it is in,
the search says so and a diagnosis waits for its check.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chargeclock.services.diagnosis_codes import loaded_index
from chargeclock.services.patient_records import PatientDetails
from chargeclock.services.session import Services
from chargeclock.ui import theme
from chargeclock.ui.claim_fields import ClaimFields
from chargeclock.ui.diagnosis_picker import DiagnosisPicker
from chargeclock.ui.forms import (
    FORM_STYLE,
    DateField,
    FormState,
    date_problem,
    fit_to_screen,
    form_rows,
    grid_rows,
    group,
    money,
    money_problem,
    npi_problem,
    required,
    side_by_side,
)
from chargeclock.ui.icd10_loader import Icd10Loader
from chargeclock.ui.plan_fields import ALIASES, PlanFields

SEX_CHOICES = (("", "—"), ("F", "Female"), ("M", "Male"), ("X", "X"))


class PatientDialog(QDialog):
    """Add a patient (``patient_id`` None) or change one."""

    #: saved: the patient's id
    saved = Signal(int)

    def __init__(
        self, services: Services, patient_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.patient_id = patient_id
        self.setWindowTitle("New patient" if patient_id is None else "Edit patient")
        self.setStyleSheet(theme.own_sheet(self.parentWidget(), FORM_STYLE))
        self.form = FormState(self.errors)
        self._build()
        if patient_id is not None:
            self._load(patient_id)
        self.form.reset()
        self.loader = Icd10Loader(self)
        self.loader.loaded.connect(self.picker.index_loaded)
        if self.picker.index is None:
            self.loader.start()
        else:
            self.picker.index_loaded(self.picker.index)
        # larger with large type, as far as the screen goes (both halves side by side fit a
        # 1366 px screen in it; a narrower one stacks them)
        self.ensurePolished()
        scale = theme.type_scale(self)
        fit_to_screen(self, round(1220 * scale), round(700 * scale))

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        f = self.form
        self.last_name = QLineEdit()
        self.first_name = QLineEdit()
        self.date_of_birth = DateField()
        self.sex = QComboBox()
        for value, text in SEX_CHOICES:
            self.sex.addItem(text, value)
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.address.setPlaceholderText("Street, city, state, ZIP")
        patient = grid_rows(
            (
                ("Last name", f.field("last_name", self.last_name, self.last_name.textChanged)),
                (
                    "First name",
                    f.field("first_name", self.first_name, self.first_name.textChanged),
                ),
            ),
            (
                (
                    "Born",
                    f.field("date_of_birth", self.date_of_birth, self.date_of_birth.changed),
                ),
                ("Sex", f.field("sex", self.sex, self.sex.currentIndexChanged)),
            ),
            (("Phone", f.field("phone", self.phone, self.phone.textChanged)),),
            (("Address", f.field("address", self.address, self.address.textChanged)),),
        )
        self.payer = QComboBox()
        self.payer.addItem("Self-pay (no payer)", None)
        for payer in self.services.records.payers():
            self.payer.addItem(payer.name, payer.id)
        self.member_id = QLineEdit()
        self.referring_name = QLineEdit()
        self.referring_name.setPlaceholderText("Optional")
        self.referring_npi = QLineEdit()
        self.referring_npi.setPlaceholderText("10 digits, optional")
        self.claim = ClaimFields(self.form)
        insurance = grid_rows(
            (("Payer", f.field("payer_id", self.payer, self.payer.currentIndexChanged)),),
            (
                ("Member id", f.field("member_id", self.member_id, self.member_id.textChanged)),
                ("", self.claim.toggle),
            ),
            (
                (
                    "Referred by",
                    f.field("referring_name", self.referring_name, self.referring_name.textChanged),
                ),
                (
                    "NPI",
                    f.field("referring_npi", self.referring_npi, self.referring_npi.textChanged),
                ),
            ),
        )
        self.payer.currentIndexChanged.connect(lambda _: self.form.revalidate())
        self.prior_spend = QLineEdit()
        self.prior_spend.setPlaceholderText("0.00")
        self.progress_report = DateField()
        year = form_rows(
            (
                "Therapy elsewhere ($)",
                f.field("prior_spend", self.prior_spend, self.prior_spend.textChanged),
            ),
            (
                "Progress report done",
                f.field("progress_report", self.progress_report, self.progress_report.changed),
            ),
        )
        left = QVBoxLayout()
        left.addWidget(group("Patient", patient))
        payer_box = QVBoxLayout()
        payer_box.addLayout(insurance)
        payer_box.addWidget(self.claim.fields)
        left.addWidget(group("Payer and referral", payer_box))
        left.addStretch(1)

        self.picker = DiagnosisPicker(self.form, self, loaded_index())
        right = QVBoxLayout()
        right.addWidget(self.picker.box, 1)
        right.addWidget(group(f"This year ({self.services.ctx.today().year})", year))

        columns = self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)
        self._halves = (left, right)
        body = QWidget()
        body.setLayout(columns)
        # The plan of care on a tab of its own: with its certification it would not fit a
        # 1366 x 768 screen beside the diagnoses.
        self.plan_fields = PlanFields(self.form, self.services)
        self.plan = self.plan_fields.box
        self.plan_start = self.plan_fields.start
        self.plan_through = self.plan_fields.through
        self.plan_signed = self.plan_fields.signed
        self.certifying = self.plan_fields.certifying
        self.tabs = QTabWidget()
        self.tabs.addTab(body, "Patient and diagnoses")
        self.tabs.addTab(self.plan_fields.page, "Plan of care")
        scroll = self._scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.tabs)

        self.save_button = QPushButton("Save patient")
        self.save_button.setObjectName("Primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.form.general, 1)  # all the room the buttons leave
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        outer = self._outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._fit_columns(event.size().width())
        super().resizeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # Styled now (large type: wider fields), which the size it was given did not know.
        self._fit_columns(self.width())
        super().showEvent(event)

    def _fit_columns(self, width: int) -> None:
        """Side by side where both halves fit ``width``, else the diagnoses and the plan under
        the patient (a 1024×600 panel, large type at 1366 px): the form scrolls down, never
        sideways, and no field is cut at the right. Around the halves: the tab's frame and
        page margins, the dialog's margins and the scroll bar."""
        outer = self._outer.contentsMargins()
        around = (
            self.tabs.minimumSizeHint().width()
            - self.columns.minimumSize().width()
            + outer.left()
            + outer.right()
            + self._scroll.verticalScrollBar().sizeHint().width()
        )
        side_by_side(self.columns, self._halves, width, around)

    # -- loading --------------------------------------------------------------------------------

    def _load(self, patient_id: int) -> None:
        record = self.services.records.patient_record(patient_id)
        p = record.patient
        self.last_name.setText(p.last_name)
        self.first_name.setText(p.first_name)
        self.date_of_birth.set_value(p.date_of_birth)
        self.sex.setCurrentIndex(max(0, self.sex.findData(p.sex)))
        self.phone.setText(p.phone)
        self.address.setText(p.address)
        self.payer.setCurrentIndex(max(0, self.payer.findData(p.payer_id)))
        self.member_id.setText(p.member_id)
        if record.referring is not None:
            self.referring_name.setText(record.referring.name)
            self.referring_npi.setText(record.referring.npi or "")
        self.claim.load(self.services.claims.of_patient(patient_id))
        for diagnosis in record.diagnoses:
            self.picker.append(diagnosis.code)
        self.prior_spend.setText(str(record.prior_spend) if record.prior_spend else "")
        self.progress_report.set_value(record.last_progress_report)
        self.plan_fields.load(record)

    # -- checks and saving ----------------------------------------------------------------------

    def errors(self) -> dict[str, str]:
        today = self.services.ctx.today()
        errors: dict[str, str] = {}

        def put(key: str, reason: str) -> None:
            if reason:
                errors[key] = reason

        put("last_name", required(self.last_name.text(), "The last name"))
        put("first_name", required(self.first_name.text(), "The first name"))
        put(
            "date_of_birth",
            date_problem(
                self.date_of_birth, blank_ok=False, not_after=today, what="The date of birth"
            ),
        )
        if self.payer.currentData() is not None and not self.member_id.text().strip():
            put("member_id", "The payer needs the patient's member id")
        put("referring_npi", npi_problem(self.referring_npi.text()))
        if self.referring_npi.text().strip() and not self.referring_name.text().strip():
            put("referring_name", "Name the referring provider of this NPI")
        put("diagnoses", self.picker.problem())
        put("prior_spend", money_problem(self.prior_spend.text()))
        put("progress_report", date_problem(self.progress_report, not_after=today))
        self.plan_fields.errors(errors, today, self.referring_name.text())
        self.claim.errors(errors, today)
        return errors

    def details(self) -> PatientDetails:
        """What the fields hold (call once :meth:`errors` is empty)."""
        dob = self.date_of_birth.value()
        assert dob is not None
        return PatientDetails(
            last_name=self.last_name.text(),
            first_name=self.first_name.text(),
            date_of_birth=dob,
            sex=str(self.sex.currentData()),
            address=self.address.text(),
            phone=self.phone.text(),
            payer_id=self.payer.currentData(),
            member_id=self.member_id.text(),
            referring_name=self.referring_name.text(),
            referring_npi=self.referring_npi.text(),
            diagnoses=self.picker.codes(),
            prior_spend=money(self.prior_spend.text()) or "0",
            plan_of_care=self.plan_fields.value(),
            progress_report=self.progress_report.value(),
            claim=self.claim.value(),
        )

    def save(self) -> None:
        saved = self.form.submit(
            lambda: self.services.records.save_patient(self.details(), self.patient_id),
            ALIASES,
        )
        if saved is None:
            self._show_first_problem()
            return
        self.patient_id = saved.patient.id
        self.saved.emit(saved.patient.id)
        self.accept()

    def _show_first_problem(self) -> None:
        """Turn to the tab of the first field whose reason is shown (a refused save)."""
        for box in self.form.boxes.values():
            if box.reason:
                on_plan = self.plan_fields.page.isAncestorOf(box)
                self.tabs.setCurrentIndex(1 if on_plan else 0)
                box.widget.setFocus()
                return
