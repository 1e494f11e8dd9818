"""The customer's forms: the status lookup, the answer to a quote, the ratings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, Regexp

from ...domain.feedback import (
    CSAT_RANGE,
    EFFORT_RANGE,
    MAX_COMMENT,
    MAX_DECLINE_COMMENT,
    NPS_RANGE,
    Decision,
    Scores,
)
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


class QuoteAnswerForm(FlaskForm):
    """Approve or decline the quote the page showed (its order version comes back with it)."""

    decision = HiddenField(validators=[DataRequired(), AnyOf([d.value for d in Decision])])
    version = HiddenField(validators=[DataRequired()])
    comment = TextAreaField(
        _l("Why (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=MAX_DECLINE_COMMENT)],
        render_kw={"rows": 2, "maxlength": MAX_DECLINE_COMMENT},
    )

    def shown_version(self) -> int:
        # A version edited by hand never matches: the answer is refused as stale, not applied.
        data = (self.version.data or "").strip()
        return int(data) if data.isascii() and data.isdigit() and len(data) < 10 else -1


def _scores(values: range) -> list[SelectChoice]:
    return [SelectChoice(value, str(value)) for value in values]


CHOOSE = _l("Choose a score.")


class FeedbackForm(FlaskForm):
    csat = RadioField(
        _l("How satisfied are you with the repair and our service?"),
        coerce=int,
        choices=_scores(CSAT_RANGE),
        validators=[InputRequired(message=CHOOSE)],
    )
    nps = RadioField(
        _l("How likely are you to recommend us to a friend?"),
        coerce=int,
        choices=_scores(NPS_RANGE),
        validators=[InputRequired(message=CHOOSE)],
    )
    effort = RadioField(
        _l("How easy was it to get your device repaired?"),
        coerce=int,
        choices=_scores(EFFORT_RANGE),
        validators=[InputRequired(message=CHOOSE)],
    )
    comment = TextAreaField(
        _l("Anything you would like to tell us (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=MAX_COMMENT)],
        render_kw={"rows": 3, "maxlength": MAX_COMMENT},
    )

    def scores(self) -> Scores:
        return Scores(self.csat.data, self.nps.data, self.effort.data, self.comment.data or "")
