"""Intake forms: customer, device, and the order itself. Shape only; rules live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from ... import labels
from ...domain.enums import CustomerKind, DeviceCategory, OrderKind, PaymentMethod
from ...services.intake import CustomerData, DeviceData, OrderData
from ..fields import DateWithin, MoneyField, TrimmedStringField, strip


class CustomerForm(FlaskForm):
    name = TrimmedStringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    phone = TrimmedStringField(
        _l("Phone"),
        validators=[DataRequired(), Length(max=30)],
        render_kw={"inputmode": "tel", "placeholder": "+7 900 123-45-67"},
    )
    email = TrimmedStringField(
        _l("E-mail"), validators=[Optional(), Length(max=120), Email(check_deliverability=False)]
    )
    kind = SelectField(
        _l("Customer"),
        choices=labels.choices(labels.CUSTOMER_KIND),
        default=CustomerKind.INDIVIDUAL.value,
    )
    consent_sms = BooleanField(_l("Agrees to SMS notifications"))
    consent_email = BooleanField(_l("Agrees to e-mail notifications"))

    def to_data(self) -> CustomerData:
        return CustomerData(
            name=self.name.data,
            phone=self.phone.data,
            email=self.email.data,
            kind=CustomerKind(self.kind.data),
            consent_sms=self.consent_sms.data,
            consent_email=self.consent_email.data,
        )


class DeviceForm(FlaskForm):
    category = SelectField(_l("Category"), choices=labels.choices(labels.CATEGORY))
    brand = TrimmedStringField(_l("Brand"), validators=[DataRequired(), Length(max=60)])
    model = TrimmedStringField(_l("Model"), validators=[DataRequired(), Length(max=80)])
    serial = TrimmedStringField(
        _l("Serial number or IMEI"), validators=[DataRequired(), Length(max=60)]
    )
    purchase_date = DateField(
        _l("Purchase date"), validators=[Optional(), DateWithin(past_days=365 * 30)]
    )
    seller = TrimmedStringField(_l("Seller"), validators=[Optional(), Length(max=120)])
    warranty_months = IntegerField(
        _l("Manufacturer's warranty, months"),
        validators=[Optional(), NumberRange(min=0, max=120)],
    )

    def to_data(self) -> DeviceData:
        return DeviceData(
            category=DeviceCategory(self.category.data),
            brand=self.brand.data,
            model=self.model.data,
            serial=self.serial.data,
            purchase_date=self.purchase_date.data,
            seller=self.seller.data,
            warranty_months=self.warranty_months.data,
        )


class OrderForm(FlaskForm):
    kind = RadioField(_l("Kind of order"), choices=labels.choices(labels.KIND))
    original_order_id = SelectField(
        _l("Earlier repair under our warranty"), coerce=int, choices=[], validate_choice=False
    )
    workshop_id = SelectField(_l("Workshop"), coerce=int, validators=[DataRequired()])
    complaint = TextAreaField(
        _l("Customer's complaint"), filters=[strip], validators=[DataRequired(), Length(max=2000)]
    )
    condition = TextAreaField(
        _l("Condition on intake"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Scratches, dents, cracks, missing screws: what the customer sees now."),
    )
    accessories = TrimmedStringField(
        _l("Accessories"),
        validators=[Optional(), Length(max=300)],
        description=_l("Charger, case, SIM card… or leave empty."),
    )
    passcode = TrimmedStringField(
        _l("Device passcode"),
        validators=[Optional(), Length(max=64)],
        description=_l("Optional. Shown only to the workshop on the order page, never printed."),
        render_kw={"autocomplete": "off"},
    )
    declared_value = MoneyField(_l("Declared value of the device"), validators=[Optional()])
    estimate = MoneyField(_l("Estimated price"), validators=[Optional()])
    approval_limit = MoneyField(
        _l("Repair without asking up to"),
        validators=[Optional()],
        description=_l("Above this amount the workshop asks the customer first."),
    )
    diagnostic_fee = MoneyField(
        _l("Diagnostic fee"),
        validators=[Optional()],
        description=_l("Paid only if the repair is declined or cannot be done. Empty: free."),
    )
    prepayment = MoneyField(_l("Prepayment"), validators=[Optional()])
    prepayment_method = SelectField(
        _l("Paid by"),
        choices=labels.choices(labels.PAYMENT_METHOD),
        default=PaymentMethod.CASH.value,
    )
    promised_date = DateField(
        _l("Promised date"),
        validators=[Optional(), DateWithin(past_days=0, future_days=365)],
        description=_l("Leave empty for the workshop's usual turnaround."),
    )

    def to_data(self) -> OrderData:
        kind = OrderKind(self.kind.data)
        return OrderData(
            kind=kind,
            complaint=self.complaint.data,
            condition=self.condition.data,
            accessories=self.accessories.data or "",
            passcode=self.passcode.data,
            declared_value=self.declared_value.minor,
            estimate=self.estimate.minor,
            approval_limit=self.approval_limit.minor,
            diagnostic_fee=self.diagnostic_fee.minor,
            prepayment=self.prepayment.minor,
            prepayment_method=PaymentMethod(self.prepayment_method.data),
            promised_date=self.promised_date.data,
            original_order_id=(self.original_order_id.data or None)
            if kind is OrderKind.REPEAT
            else None,
        )
