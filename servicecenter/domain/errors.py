"""The one exception hierarchy of the domain; services let these through and views map them."""

from __future__ import annotations


def N_(template: str) -> str:
    """Mark a message for translation without translating it here (the domain knows no locale)."""
    return template


class DomainError(Exception):
    """A business rule refused the operation.

    `template` is an English message with %(name)s placeholders filled from `params`; the web layer
    translates the template before filling it. `field` names the form field it concerns, if any.
    """

    field: str | None = None

    def __init__(self, template: str, *, field: str | None = None, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)
        if field is not None:
            self.field = field


class IllegalTransition(DomainError):
    """The workflow table does not allow this status change, or a guard refused it."""


class NotPermitted(DomainError):
    """The actor's role may not perform this step."""


class InvalidPhone(DomainError):
    field = "phone"


class InvalidSerial(DomainError):
    field = "serial"


class InvalidAmount(DomainError):
    pass


class PromisedDateError(DomainError):
    """The promised date is before intake or beyond the legal limit for warranty repairs."""

    field = "promised_date"


class WarrantyNotApplicable(DomainError):
    """The chosen order kind is not backed by a warranty that covers the device today."""

    field = "kind"


class StaleEdit(DomainError):
    """Someone else changed the record after this form was opened."""


class PaymentError(DomainError):
    field = "amount"
