"""The one stale-edit check of orders: a form posted with the version its page showed."""

from __future__ import annotations

from ..domain.errors import N_, StaleEdit
from ..models import RepairOrder


def check_version(order: RepairOrder, expected_version: int | None) -> None:
    """Raise StaleEdit when the order changed since the page showing `expected_version`."""
    if expected_version is not None and expected_version != order.version:
        raise StaleEdit(
            N_("Someone else changed this order while you had it open. Check it and try again.")
        )
