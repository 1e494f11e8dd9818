"""The staff member's own settings: interface language and password."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

BROWSER = ""  # the choice that follows the browser's language


class LanguageForm(FlaskForm):
    locale = SelectField(
        _l("Interface language"),
        description=_l("Your pages in this language on every computer you log in on."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [SelectChoice(BROWSER, _l("The browser's language"))] + [
            SelectChoice(code, name) for code, name in current_app.config["LANGUAGES"].items()
        ]

    def chosen(self) -> str | None:
        return self.locale.data or None


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("You stay logged in here; other computers must log in again."),
    )
    password_repeat = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two new passwords differ.")),
        ],
    )
