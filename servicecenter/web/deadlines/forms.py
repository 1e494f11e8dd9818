"""The admin's filter of the Deadlines page: one office and/or one workshop."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from ..orders.forms import ANY


def _id_or_none(value):
    # "abc" or an id of nothing makes the field invalid (ignored below), never a 500
    return int(value) if value not in (None, "") else None


class DeadlinesFilterForm(FlaskForm):
    """Read from the query string; a bad value is ignored rather than refused."""

    class Meta:
        csrf = False

    office = SelectField(_l("Office"), coerce=_id_or_none, choices=[])
    workshop = SelectField(_l("Workshop"), coerce=_id_or_none, choices=[])

    def fill(self, offices, workshops) -> DeadlinesFilterForm:
        self.office.choices = ANY + [SelectChoice(o.id, f"{o.code} · {o.name}") for o in offices]
        self.workshop.choices = ANY + [SelectChoice(w.id, w.name) for w in workshops]
        return self

    def selected(self) -> tuple[int | None, int | None]:
        """The office and workshop ids asked for; a field that did not validate is left out."""
        self.validate()
        valid = lambda field: field.data if not field.errors else None  # noqa: E731
        return valid(self.office), valid(self.workshop)
