"""Notification forms: the outbox's resend button and the templates of one event and channel.
Shape only; placeholders and empty texts of enabled messages are the service's to refuse."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length

from ...domain.notifications import MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH, Channel
from ...services.notifications import TemplateText
from ..fields import strip


class ResendForm(FlaskForm):
    """Nothing to type: the button and its CSRF token."""


class TemplateFormBase(FlaskForm):
    enabled = BooleanField(_l("Send this message"))
    version = HiddenField()

    def expected_version(self) -> int:
        # A missing or hand-edited version never matches: the save is refused as stale.
        data = (self.version.data or "").strip()
        return int(data) if data.isascii() and data.isdigit() and len(data) < 10 else -1

    def texts(self, locales) -> dict[str, TemplateText]:
        def value(name):
            field = getattr(self, name, None)
            return (field.data or "") if field is not None else ""

        return {
            locale: TemplateText(value(f"subject_{locale}"), value(f"body_{locale}"))
            for locale in locales
        }


def template_form(channel: Channel, languages: dict[str, str], **kwargs) -> TemplateFormBase:
    """The form of one event on one channel: a subject (email only) and a text per language."""

    class TemplateForm(TemplateFormBase):
        pass

    too_long = _l("At most %(max)d characters.")
    for locale, name in languages.items():
        if channel is Channel.EMAIL:
            setattr(
                TemplateForm,
                f"subject_{locale}",
                StringField(
                    _l("Subject (%(language)s)", language=name),
                    filters=[strip],
                    validators=[Length(max=MAX_SUBJECT_LENGTH, message=too_long)],
                ),
            )
        setattr(
            TemplateForm,
            f"body_{locale}",
            TextAreaField(
                _l("Text (%(language)s)", language=name),
                filters=[strip],
                validators=[Length(max=MAX_BODY_LENGTH[channel], message=too_long)],
            ),
        )
    return TemplateForm(**kwargs)
