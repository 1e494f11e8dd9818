"""Parts catalogue forms: the list filter, a part, the CSV upload. Shape only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ...domain.catalogue import (
    COMPATIBLE_MAX,
    MAX_WARRANTY_MONTHS,
    NAME_MAX,
    SKU_MAX,
    PartData,
)
from ...queries.catalogue import PartFilter
from ..fields import MoneyField, TrimmedStringField, strip

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

ACTIVE_CHOICES = [
    SelectChoice("", _l("Any")),
    SelectChoice("yes", _l("Active")),
    SelectChoice("no", _l("Retired")),
]


class PartFilterForm(FlaskForm):
    """Read from the query string; a bad value is ignored rather than refused."""

    class Meta:
        csrf = False

    q = TrimmedStringField(
        _l("SKU, name or model"), validators=[Optional(), Length(max=SKU_MAX + NAME_MAX)]
    )
    active = SelectField(_l("Status"), choices=ACTIVE_CHOICES, default="")

    def to_filter(self) -> PartFilter:
        active = (
            {"yes": True, "no": False}.get(self.active.data) if not self.active.errors else None
        )
        q = "" if self.q.errors else (self.q.data or "")
        return PartFilter(q=q, active=active)


class PartForm(FlaskForm):
    sku = TrimmedStringField(
        _l("SKU"),
        validators=[DataRequired(), Length(max=SKU_MAX)],
        description=_l("Stored in capitals, without spaces."),
    )
    name = TrimmedStringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    compatible = TextAreaField(
        _l("Compatible brands and models"),
        filters=[strip],
        validators=[Optional(), Length(max=COMPATIBLE_MAX)],
        description=_l("For example: Apple iPhone 12, 12 Pro; Samsung A52"),
    )
    unit_cost = MoneyField(_l("Unit cost"), validators=[InputRequired()])
    sale_price = MoneyField(_l("Sale price"), validators=[InputRequired()])
    warranty_months = IntegerField(
        _l("Warranty, months"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_WARRANTY_MONTHS)],
        default=0,
    )
    serial_tracked = BooleanField(
        _l("Serial-tracked"), description=_l("Each unit's serial is recorded when it is fitted.")
    )

    def to_data(self, *, active: bool = True) -> PartData:
        return PartData(
            sku=self.sku.data,
            name=self.name.data,
            compatible=self.compatible.data or "",
            unit_cost=self.unit_cost.minor,
            sale_price=self.sale_price.minor,
            warranty_months=self.warranty_months.data,
            serial_tracked=bool(self.serial_tracked.data),
            active=active,
        )


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["yes", "no"])])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])

    content: bytes = b""

    def validate_file(self, field) -> None:
        # Read one byte past the limit: enough to know the file is too large.
        self.content = field.data.stream.read(MAX_UPLOAD_BYTES + 1)
        if len(self.content) > MAX_UPLOAD_BYTES:
            self.content = b""
            raise ValidationError(_l("The file is larger than 5 MB. Split it into smaller files."))
