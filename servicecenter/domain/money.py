"""Money as integer minor units (kopecks, cents): exact arithmetic on every database."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import N_, InvalidAmount

MAX_AMOUNT = 10**12  # minor units; far beyond any repair, small enough to catch a typo


def to_minor(value: Decimal | int | str | None, *, field: str | None = None) -> int | None:
    """Convert a decimal amount (`1234.5`, `"1 234,50"`) to minor units; None stays None.

    Raises InvalidAmount for negative, malformed or absurdly large amounts.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise InvalidAmount(N_("Enter an amount such as 1500 or 1500.50."), field=field) from None
    if not amount.is_finite():
        raise InvalidAmount(N_("Enter an amount such as 1500 or 1500.50."), field=field)
    if amount < 0:
        raise InvalidAmount(N_("An amount cannot be negative."), field=field)
    if amount > MAX_AMOUNT:  # before quantize, which fails on exponents like 1e400
        raise InvalidAmount(N_("This amount is too large."), field=field)
    minor = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if minor > MAX_AMOUNT:
        raise InvalidAmount(N_("This amount is too large."), field=field)
    return minor


def to_decimal(minor: int | None) -> Decimal | None:
    return None if minor is None else (Decimal(minor) / 100).quantize(Decimal("0.01"))
