"""Order list filters and the forms on the order page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ... import labels
from ...domain.enums import OrderKind, OrderStatus, PaymentKind, PaymentMethod
from ...domain.stock import MAX_QUANTITY
from ...queries.orders import OrderFilter
from ..fields import DateWithin, MoneyField, TrimmedStringField, strip

ANY = [SelectChoice("", _l("Any"))]


class OrderFilterForm(FlaskForm):
    """Read from the query string; a bad value is ignored rather than refused."""

    class Meta:
        csrf = False

    q = TrimmedStringField(_l("Search"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), choices=ANY + labels.choices(labels.STATUS), default="")
    kind = SelectField(_l("Kind"), choices=ANY + labels.choices(labels.KIND), default="")
    office_id = SelectField(_l("Office"), coerce=lambda v: int(v) if v else None, choices=[])
    workshop_id = SelectField(_l("Workshop"), coerce=lambda v: int(v) if v else None, choices=[])
    date_from = DateField(
        _l("Received from"), validators=[Optional(), DateWithin(past_days=365 * 50)]
    )
    date_to = DateField(
        _l("Received to"), validators=[Optional(), DateWithin(future_days=365 * 50)]
    )
    open = BooleanField(_l("Open orders only"))

    def to_filter(self) -> OrderFilter:
        """The filter the form describes; fields that did not validate are left out."""
        valid = lambda field: field.data if not field.errors else None  # noqa: E731
        return OrderFilter(
            q=valid(self.q) or "",
            status=OrderStatus(self.status.data)
            if self.status.data and not self.status.errors
            else None,
            kind=OrderKind(self.kind.data) if self.kind.data and not self.kind.errors else None,
            office_id=valid(self.office_id),
            workshop_id=valid(self.workshop_id),
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
            open_only=bool(self.open.data),
        )


class VersionedForm(FlaskForm):
    """Carries the order version the page showed: a concurrent change is caught, not overwritten."""

    version = HiddenField(validators=[InputRequired()])

    def expected_version(self) -> int:
        # A version that is not a number was edited by hand; it never matches, so the change is
        # refused as stale instead of skipping the check.
        data = (self.version.data or "").strip()
        return int(data) if data.isascii() and data.isdigit() and len(data) < 10 else -1


class StatusForm(VersionedForm):
    target = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=1000)])
    note_public = BooleanField(_l("Show the note to the customer"))

    def target_status(self) -> OrderStatus | None:
        try:
            return OrderStatus(self.target.data)
        except ValueError:
            return None


class WorkForm(VersionedForm):
    diagnosis = TextAreaField(_l("Diagnosis"), filters=[strip], validators=[Length(max=4000)])
    work_done = TextAreaField(_l("Work done"), filters=[strip], validators=[Length(max=4000)])
    price = MoneyField(
        _l("Price of the repair"),
        validators=[Optional()],
        description=_l("For a paid order the customer pays this; leave empty until it is known."),
    )


class PaymentForm(VersionedForm):
    kind = SelectField(
        _l("Kind of payment"),
        choices=labels.choices(labels.PAYMENT_KIND),
        default=PaymentKind.FINAL.value,
    )
    method = SelectField(
        _l("Method"),
        choices=labels.choices(labels.PAYMENT_METHOD),
        default=PaymentMethod.CASH.value,
    )
    amount = MoneyField(_l("Amount"), validators=[InputRequired()])


def _quantity():
    return IntegerField(
        _l("Quantity"),
        default=1,
        validators=[
            InputRequired(),
            NumberRange(
                min=1,
                max=MAX_QUANTITY,
                message=_l("Enter a whole number from 1 to %(max)s.", max=MAX_QUANTITY),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )


class PartLineForm(VersionedForm):
    """A part from the workshop's stock, by its SKU (rendered with the prefix `part`)."""

    sku = TrimmedStringField(_l("SKU"), validators=[DataRequired(), Length(max=40)])
    quantity = _quantity()


class ServiceLineForm(VersionedForm):
    """A piece of labour (rendered with the prefix `service`)."""

    description = TrimmedStringField(_l("Work"), validators=[DataRequired(), Length(max=200)])
    quantity = _quantity()
    unit_price = MoneyField(_l("Unit price"), validators=[InputRequired()])


class LineForm(VersionedForm):
    """Remove or take out a line: nothing to type, only the version the page showed."""


class SerialsForm(VersionedForm):
    """The serial numbers of a reserved part (rendered with the prefix `line-<id>`)."""

    serials = TrimmedStringField(
        _l("Serial numbers"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("One per part fitted, separated by spaces or commas."),
    )


class AcceptForm(VersionedForm):
    """The partner workshop's manager takes the order on, naming who repairs it."""

    technician_id = SelectField(_l("Technician"), coerce=int, choices=[], validate_choice=True)


class RouteForm(VersionedForm):
    """The office sends an order still at the counter to another workshop."""

    workshop_id = SelectField(_l("Workshop"), coerce=int, choices=[], validate_choice=True)
