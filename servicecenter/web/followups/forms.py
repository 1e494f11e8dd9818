"""The office's record of what was done about a low rating."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ...services.feedback import MAX_ACTION
from ..fields import strip


class CloseForm(FlaskForm):
    """Rendered with the prefix `follow-up-<id>`, one per open follow-up on the page."""

    version = HiddenField(validators=[InputRequired()])
    action = TextAreaField(
        _l("What was done"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Say what was done for the customer.")),
            Length(max=MAX_ACTION),
        ],
        render_kw={"rows": 2, "maxlength": MAX_ACTION},
    )

    def expected_version(self) -> int:
        data = (self.version.data or "").strip()
        return int(data) if data.isascii() and data.isdigit() and len(data) < 10 else -1
