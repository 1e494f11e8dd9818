"""Network administration forms: an office, a workshop, a partner's contract. Shape only: the
rules (unique codes and names, dates in order, one contract at a time) are the services'."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ... import labels
from ...domain.contracts import split_brands
from ...domain.enums import DeviceCategory, WorkshopKind
from ...services.network import ContractData, OfficeData, WorkshopData
from ..fields import TrimmedStringField, strip

BRANDS_MAX = 500  # the column's length, counted as the brands are stored: "Apple, Samsung"


class MultiCheckboxField(SelectMultipleField):
    """Several choices, one checkbox each."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def optional_id(value):
    """The empty choice of a select of ids means none."""
    if value in ("", None):
        return None
    return int(value)


class RecordForm(FlaskForm):
    """A form of a record that may exist already: it carries the version its page showed."""

    version = HiddenField()

    def expected_version(self) -> int:
        # A missing or hand-edited version never matches: the save is refused as stale.
        data = (self.version.data or "").strip()
        return int(data) if data.isascii() and data.isdigit() and len(data) < 10 else -1


class OfficeForm(RecordForm):
    code = TrimmedStringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=6)],
        description=_l(
            "2 to 6 Latin letters or digits; starts every order number. Fixed once saved."
        ),
    )
    name = TrimmedStringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    legal_name = TrimmedStringField(_l("Legal name"), validators=[Optional(), Length(max=200)])
    tax_id = TrimmedStringField(_l("Tax ID"), validators=[Optional(), Length(max=20)])
    address = TrimmedStringField(_l("Address"), validators=[Optional(), Length(max=300)])
    phone = TrimmedStringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    hours = TrimmedStringField(_l("Opening hours"), validators=[Optional(), Length(max=120)])
    digest_email = TrimmedStringField(
        _l("Manager's e-mail for the daily digests"),
        validators=[Optional(), Length(max=120), Email(check_deliverability=False)],
        description=_l("Deadlines at risk and low stock, every morning. Empty: no digest."),
    )
    locale = SelectField(
        _l("Language of documents"),
        description=_l("Printed documents and customer messages of this office."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [
            SelectChoice(code, name) for code, name in current_app.config["LANGUAGES"].items()
        ]

    def to_data(self, *, code: str | None = None) -> OfficeData:
        return OfficeData(
            code=code if code is not None else self.code.data,
            name=self.name.data,
            legal_name=self.legal_name.data or "",
            tax_id=self.tax_id.data or "",
            address=self.address.data or "",
            phone=self.phone.data or "",
            hours=self.hours.data or "",
            locale=self.locale.data,
            digest_email=self.digest_email.data or "",
        )


class WorkshopForm(RecordForm):
    name = TrimmedStringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(
        _l("Kind"),
        choices=labels.choices(labels.WORKSHOP_KIND),
        description=_l("A partner workshop takes orders only under a contract in force."),
    )
    in_office_id = SelectField(
        _l("Inside office"),
        coerce=optional_id,
        description=_l("Devices reach a workshop inside the office without a handover."),
    )
    address = TrimmedStringField(_l("Address"), validators=[Optional(), Length(max=300)])
    phone = TrimmedStringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    email = TrimmedStringField(_l("Email"), validators=[Optional(), Length(max=120)])
    digest_email = TrimmedStringField(
        _l("Manager's e-mail for the daily digests"),
        validators=[Optional(), Length(max=120), Email(check_deliverability=False)],
        description=_l("Deadlines at risk and low stock, every morning. Empty: no digest."),
    )
    turnaround_days = IntegerField(
        _l("Usual turnaround, days"), validators=[InputRequired()], default=7
    )
    active = BooleanField(
        _l("Takes new orders"), default=True, description=_l("Uncheck to stop new orders.")
    )

    def set_offices(self, offices) -> None:
        self.in_office_id.choices = [SelectChoice("", _l("— not inside an office —"))] + [
            SelectChoice(office.id, f"{office.code} · {office.name}") for office in offices
        ]

    def to_data(self) -> WorkshopData:
        return WorkshopData(
            name=self.name.data,
            kind=WorkshopKind(self.kind.data),
            address=self.address.data or "",
            phone=self.phone.data or "",
            email=self.email.data or "",
            digest_email=self.digest_email.data or "",
            in_office_id=self.in_office_id.data,
            turnaround_days=self.turnaround_days.data,
            active=bool(self.active.data),
        )


class ContractForm(RecordForm):
    number = TrimmedStringField(_l("Contract number"), validators=[DataRequired(), Length(max=40)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired()])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired()])
    categories = MultiCheckboxField(_l("Kinds of devices"), choices=labels.choices(labels.CATEGORY))
    brands = TextAreaField(
        _l("Brands"),
        filters=[strip],
        validators=[Optional()],
        description=_l("Comma-separated; empty means every brand."),
    )
    turnaround_days = IntegerField(
        _l("Promised turnaround, days"), validators=[InputRequired()], default=7
    )
    labour_share_percent = IntegerField(
        _l("Labour share, %"),
        validators=[InputRequired()],
        default=50,
        description=_l("The workshop's share of the labour price."),
    )
    active = BooleanField(
        _l("Active"),
        default=True,
        description=_l("A suspended contract stops new orders going to the workshop."),
    )

    def validate_brands(self, field) -> None:
        if len(", ".join(split_brands(field.data or ""))) > BRANDS_MAX:
            raise ValidationError(
                _l("The brands are longer than %(max)s characters.", max=BRANDS_MAX)
            )

    def to_data(self) -> ContractData:
        return ContractData(
            number=self.number.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            categories=tuple(DeviceCategory(value) for value in self.categories.data or []),
            brands=self.brands.data or "",
            turnaround_days=self.turnaround_days.data,
            labour_share_percent=self.labour_share_percent.data,
            active=bool(self.active.data),
        )
