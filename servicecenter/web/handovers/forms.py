"""The forms of the Handovers page: choosing devices, parts, and signing for what arrived."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, ValidationError

from ...domain.handovers import Direction
from ..orders.forms import VersionedForm


class OrdersChoice(SelectMultipleField):
    """Order ids ticked in a list; which may really go is the service's to say."""

    def __init__(self, label=_l("Devices"), **kwargs):
        super().__init__(label, coerce=int, validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if not self.data:
            raise ValidationError(_l("Choose at least one device to put into the handover."))


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

    received = HiddenField(default="1")
