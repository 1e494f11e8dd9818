"""Admin forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...services.texts import MAX_TEXT_LENGTH
from ..fields import strip


class OfficeTextForm(FlaskForm):
    body = TextAreaField(
        _l("Text"), filters=[strip], validators=[DataRequired(), Length(max=MAX_TEXT_LENGTH)]
    )
