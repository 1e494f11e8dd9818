"""The customer's status lookup form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from ..fields import strip


class StatusLookupForm(FlaskForm):
    number = StringField(
        _l("Order number"),
        filters=[strip],
        validators=[DataRequired(), Length(max=30)],
        render_kw={"placeholder": "MSK-2026-000123", "autocomplete": "off"},
    )
    phone_last4 = StringField(
        _l("Last 4 digits of your phone"),
        filters=[strip],
        validators=[
            DataRequired(),
            Regexp(r"^\d{4}$", message=_l("Enter exactly 4 digits.")),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"},
    )
