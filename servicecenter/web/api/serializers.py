"""JSON shapes of the API."""

from __future__ import annotations

from ... import labels
from ...domain.money import to_decimal
from ...queries.public_status import PublicOrder


def public_order(order: PublicOrder) -> dict:
    return {
        "number": order.number,
        "status": order.stage.value,
        "status_label": str(labels.STAGE[order.stage]),
        "kind": order.kind.value,
        "device": order.device,
        "received_at": order.received_at.isoformat(),
        "promised_date": order.promised_date.isoformat(),
        "amount_due": str(to_decimal(order.amount_due)),
        "timeline": [
            {
                "status": entry.stage.value,
                "status_label": str(labels.STAGE[entry.stage]),
                "at": entry.at.isoformat(),
                "notes": list(entry.notes),
            }
            for entry in order.timeline
        ],
        "office": {
            "name": order.office.name,
            "address": order.office.address,
            "phone": order.office.phone,
            "hours": order.office.hours,
        },
    }
