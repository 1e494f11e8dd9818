"""The forms of the Handovers page: choosing devices, parts, and signing for what arrived."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, Length, ValidationError

from ...domain.handovers import MAX_NOTE, NOTHING_CHOSEN, Direction
from ..fields import TrimmedStringField
from ..orders.forms import VersionedForm


def _order_id(value: str) -> int:
    """An order id as typed into the page; anything else (letters, a number too large for the
    database) becomes an id no order has, which the service then refuses by name."""
    value = str(value).strip()
    if value.isascii() and value.isdigit() and 0 < int(value) < 2**63:
        return int(value)
    return 0


class OrdersChoice(SelectMultipleField):
    """Order ids ticked in a list; which may really go is the service's to say."""

    def __init__(self, label=_l("Devices"), **kwargs):
        super().__init__(label, coerce=_order_id, validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if not self.data:
            raise ValidationError(_l(NOTHING_CHOSEN))


class NewHandoverForm(FlaskForm):
    """A new draft between one office and one workshop, with the devices ticked."""

    direction = SelectField(choices=[d.value for d in Direction], validators=[InputRequired()])
    office_id = IntegerField(validators=[InputRequired()])
    workshop_id = IntegerField(validators=[InputRequired()])
    order = OrdersChoice()


class AddOrdersForm(VersionedForm):
    order = OrdersChoice()


class HandoverActionForm(VersionedForm):
    """Send, cancel, take an item out: nothing to type but the version the page showed."""


class ReceiptForm(VersionedForm):
    """Signing for a handover. Each item's `arrived-<id>` box and `note-<id>` text are read by
    the view (their number depends on the handover); the rules are the service's."""


class ArrivedLateForm(VersionedForm):
    """Signing for an item that was missing, with what it came with."""

    note = TrimmedStringField(_l("Note"), validators=[Length(max=MAX_NOTE)])
