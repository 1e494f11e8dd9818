"""Form fields shared by several features: amounts of money, trimmed text, dates in range."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SelectChoice, StringField
from wtforms.validators import NumberRange, ValidationError
from wtforms.widgets import TextInput

from ..domain.money import MAX_AMOUNT, to_minor
from ..services.clock import local_date


def strip(value):
    return value.strip() if isinstance(value, str) else value


class TrimmedStringField(StringField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", [strip])
        super().__init__(*args, **kwargs)


class MoneyField(DecimalField):
    """An amount typed in currency units (`1500`, `1500,50`); `.minor` gives integer minor units.

    Rendered as a text input: a number input would refuse the "1 500,50" people type here.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        validators = list(validators or []) + [
            NumberRange(
                min=0,
                max=MAX_AMOUNT / 100,
                message=_l("Enter an amount between 0 and %(max)s.", max=f"{MAX_AMOUNT // 100:,}"),
            )
        ]
        kwargs.setdefault("places", 2)
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        # People at a Russian counter type a comma and spaces: "1 500,50".
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].replace(" ", "").replace("\u00a0", "").replace(",", ".")]
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Enter an amount such as 1500 or 1500.50."))

    @property
    def minor(self) -> int | None:
        return to_minor(self.data) if isinstance(self.data, Decimal) else None


class DateWithin:
    """A date no further than `past_days` back and `future_days` ahead of today."""

    def __init__(
        self, *, past_days: int | None = None, future_days: int | None = None, message=None
    ):
        self.past_days, self.future_days, self.message = past_days, future_days, message

    def __call__(self, form, field):
        if field.data is None:
            return
        today = local_date()  # the offices' calendar, as the services check it, not the server's
        if self.past_days is not None and field.data < today - timedelta(days=self.past_days):
            raise ValidationError(self.message or _l("This date is too far in the past."))
        if self.future_days is not None and field.data > today + timedelta(days=self.future_days):
            raise ValidationError(self.message or _l("This date is too far in the future."))


def workshop_choices(routes) -> list[SelectChoice]:
    """The workshops of a routing suggestion (queries.routing) as a select's options, best
    first; a partner without a contract in force is listed but cannot be chosen."""
    return [
        SelectChoice(
            route.workshop.id,
            route.workshop.name,
            render_kw={"disabled": True} if route.refusal else {},
        )
        for route in routes
    ]
