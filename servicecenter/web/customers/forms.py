"""Customer profile forms: the consent per channel, the search for a duplicate, the merge.
Shape only: the rules are services.customers'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import Length, Optional

from ..fields import TrimmedStringField


def parse_version(value: str | None) -> int:
    # A missing or hand-edited version never matches: the change is refused as stale.
    data = (value or "").strip()
    return int(data) if data.isascii() and data.isdigit() and len(data) < 10 else -1


class ConsentForm(FlaskForm):
    version = HiddenField()
    consent_sms = BooleanField(_l("SMS"))
    consent_email = BooleanField(_l("Email"))

    def expected_version(self) -> int:
        return parse_version(self.version.data)


class FindDuplicateForm(FlaskForm):
    """A search in the address (GET): no CSRF token, nothing changes."""

    class Meta:
        csrf = False

    q = TrimmedStringField(
        _l("Phone or name of the other record"),
        validators=[Optional(), Length(max=100)],
        description=_l("At least 4 digits of the phone, or 2 letters of the name."),
    )


class MergeForm(FlaskForm):
    # The versions both records had on the confirmation page: what the desk agreed to merge.
    survivor_version = HiddenField()
    duplicate_version = HiddenField()

    def expected_versions(self) -> tuple[int, int]:
        return parse_version(self.survivor_version.data), parse_version(self.duplicate_version.data)
