"""Stock forms: the level filter, the ledger filter and the movement forms of the stock page.

The movement forms share one page, so each carries a prefix (`receive-sku`, `transfer-sku` …):
an error shows under the field of the form that was sent, and every control has its own id.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectChoice, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...domain.stock import MAX_QUANTITY
from ...queries.stock import LedgerFilter
from ..fields import DateWithin, MoneyField, TrimmedStringField

ANY = [SelectChoice("", _l("Any"))]
WHOLE_NUMBER = _l("Enter a whole number.")


def optional_int(value):
    """A choice's id; what is not a number becomes an id no choice has ("Not a valid choice")."""
    if value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


class QuantityField(IntegerField):
    """A whole number of units; the services decide which numbers make sense."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(label, validators or [InputRequired()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(WHOLE_NUMBER) from None
        # A number of twenty digits is refused here, before it reaches the database.
        if self.data is not None and abs(self.data) > 10 * MAX_QUANTITY:
            self.data = None
            raise ValueError(_l("The quantity is too large."))


def sku_field():
    return TrimmedStringField(
        _l("SKU"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


def note_field(label=None, validators=None):
    return TrimmedStringField(
        label or _l("Note"), validators=[*(validators or [Optional()]), Length(max=300)]
    )


class LevelFilterForm(FlaskForm):
    """Read from the query string; a bad value is ignored rather than refused."""

    class Meta:
        csrf = False

    q = TrimmedStringField(_l("SKU or name"), validators=[Optional(), Length(max=100)])
    low = BooleanField(_l("Below minimum only"))


class LedgerFilterForm(FlaskForm):
    class Meta:
        csrf = False

    sku = TrimmedStringField(_l("SKU"), validators=[Optional(), Length(max=40)])
    location = SelectField(_l("Location"), coerce=optional_int, choices=[])
    order = TrimmedStringField(_l("Order number"), validators=[Optional(), Length(max=30)])
    date_from = DateField(_l("From"), validators=[Optional(), DateWithin(past_days=365 * 50)])
    date_to = DateField(_l("Until"), validators=[Optional(), DateWithin(future_days=365 * 50)])

    def to_filter(self) -> LedgerFilter:
        """The filter the form describes; fields that did not validate are left out."""
        valid = lambda field: field.data if not field.errors else None  # noqa: E731
        return LedgerFilter(
            sku=valid(self.sku) or "",
            location_id=valid(self.location),
            order_number=valid(self.order) or "",
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
        )


class ActionForm(FlaskForm):
    """A movement form of the stock page; `prefix` keeps its fields apart from the others'."""

    prefix_name = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)


class ReceiveForm(ActionForm):
    prefix_name = "receive"

    sku = sku_field()
    quantity = QuantityField(_l("Quantity"))
    unit_cost = MoneyField(
        _l("Unit cost"),
        validators=[Optional()],
        description=_l("Leave empty for the catalogue cost."),
    )
    supplier_document = TrimmedStringField(
        _l("Supplier document number"), validators=[Optional(), Length(max=60)]
    )
    note = note_field()


class TransferForm(ActionForm):
    prefix_name = "transfer"

    sku = sku_field()
    quantity = QuantityField(_l("Quantity"))
    destination_id = SelectField(
        _l("Send to"),
        coerce=optional_int,
        choices=[],
        validators=[InputRequired(message=_l("Choose where to send the parts."))],
    )
    note = note_field()


class WriteOffForm(ActionForm):
    prefix_name = "write_off"

    sku = sku_field()
    quantity = QuantityField(_l("Quantity"))
    reason = note_field(_l("Reason"))


class AdjustForm(ActionForm):
    prefix_name = "adjust"

    sku = sku_field()
    counted = QuantityField(_l("Counted on hand"))
    note = note_field()


class MinimumForm(ActionForm):
    prefix_name = "minimum"

    sku = sku_field()
    minimum = QuantityField(
        _l("Minimum available"),
        validators=[
            InputRequired(),
            NumberRange(
                min=0,
                max=MAX_QUANTITY,
                message=_l("Enter a number from %(min)s to %(max)s."),
            ),
        ],
    )


class ButtonForm(FlaskForm):
    """A button that posts nothing but the CSRF token (reverse, receive, cancel)."""


class ReverseForm(FlaskForm):
    """Correcting a movement says why: the ledger keeps the reason with the reversal."""

    note = TrimmedStringField(
        _l("Reason"), validators=[DataRequired(_l("Say why it is reversed.")), Length(max=300)]
    )
