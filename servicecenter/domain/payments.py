"""Rules for taking money on an order: never more than is owed, never refund more than was paid."""

from __future__ import annotations

from .enums import OrderStatus, PaymentKind
from .errors import N_, PaymentError


def balance_due(charged: int, paid: int) -> int:
    """What the customer still owes; negative when we owe them (an overpayment to refund)."""
    return charged - paid


def check_payment(
    kind: PaymentKind,
    amount: int,
    *,
    status: OrderStatus,
    free: bool,
    charged: int | None,
    paid: int,
    estimate: int | None = None,
) -> None:
    """Refuse a payment that breaks a rule. `charged` is None while the price is not known yet;
    until then a prepayment is bounded by the estimate, when there is one.

    Raises PaymentError.
    """
    if amount <= 0:
        raise PaymentError(N_("The amount must be greater than zero."))
    if kind is PaymentKind.REFUND:
        if amount > paid:
            raise PaymentError(N_("A refund cannot exceed what was paid."))
        return
    if status in (OrderStatus.CANCELLED, OrderStatus.COLLECTED):
        raise PaymentError(N_("This order is closed: only a refund can be recorded."), field=None)
    if free:
        raise PaymentError(N_("Warranty repairs are free for the customer."))
    if kind is PaymentKind.FINAL and charged is None:
        raise PaymentError(N_("The price is not known yet: record a prepayment instead."))
    if charged is None and estimate is not None and paid + amount > estimate:
        raise PaymentError(
            N_("A prepayment cannot exceed the estimate (%(estimate)s)."),
            estimate=f"{estimate / 100:.2f}",
        )
    if charged is not None and paid + amount > charged:
        raise PaymentError(
            N_("This is more than the balance due (%(due)s)."), due=f"{(charged - paid) / 100:.2f}"
        )
