"""JSON shapes of the API."""

from __future__ import annotations

from ... import labels
from ...domain.money import to_decimal
from ...queries.public_status import PublicAnswer, PublicOrder, PublicQuote


def _money(amount: int | None) -> str | None:
    return None if amount is None else str(to_decimal(amount))


def _quote(quote: PublicQuote | None) -> dict | None:
    """The price waiting for the customer's answer (answered on the signed status link)."""
    if quote is None:
        return None
    return {
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price),
                "total": _money(line.total),
            }
            for line in quote.lines
        ],
        "total": _money(quote.total),
        "approval_limit": _money(quote.approval_limit),
        "approved_amount": _money(quote.approved_amount),
        "diagnostic_fee": _money(quote.diagnostic_fee),
    }


def _answer(answer: PublicAnswer | None) -> dict | None:
    if answer is None:
        return None
    return {
        "decision": answer.decision.value,
        "amount": _money(answer.amount),
        "decided_at": answer.decided_at.isoformat(),
    }


def public_order(order: PublicOrder) -> dict:
    return {
        "number": order.number,
        "status": order.stage.value,
        "status_label": str(labels.STAGE[order.stage]),
        "kind": order.kind.value,
        "device": order.device,
        "received_at": order.received_at.isoformat(),
        "promised_date": order.promised_date.isoformat(),
        "amount_due": _money(order.amount_due),
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
        "quote": _quote(order.quote),
        "quote_answer": _answer(order.answer),
        "feedback": {"open": order.feedback_open, "given": order.feedback_given},
    }
