"""Where to send a device: the workshops ranked for the receptionist at intake.

Workshops whose contract covers the device come first, then the one inside this office, then the
least loaded with the better on-time record. Each suggestion carries its reasons; the receptionist
may still pick another (a partner without a contract in force is shown but cannot be chosen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from ..domain import workflow
from ..domain.contracts import Terms, routing_refusal
from ..domain.enums import DeviceCategory, WorkshopKind
from ..extensions import db
from ..models import RepairOrder, Workshop
from . import dashboard
from .network import current_contracts

# The on-time record looks this far back (local days, today included).
RECORD_DAYS = 180


@dataclass(frozen=True)
class Suggestion:
    workshop: Workshop
    covers: bool  # the contract (or, for our own workshops, anything) covers the device
    in_this_office: bool
    open_orders: int
    ready_count: int  # orders made ready in the record period
    on_time_count: int
    refusal: str | None  # why a new order cannot go there (a contract problem), if it cannot
    terms: Terms | None = None

    @property
    def on_time_percent(self) -> int | None:
        if not self.ready_count:
            return None
        return round(100 * self.on_time_count / self.ready_count)

    def rank(self) -> tuple:
        on_time = self.on_time_count / self.ready_count if self.ready_count else 0.5
        return (
            self.refusal is not None,
            not self.covers,
            not self.in_this_office,
            self.open_orders,
            -on_time,
            self.workshop.name,
        )


def suggest(
    *, office_id: int, category: DeviceCategory, brand: str, today: date
) -> list[Suggestion]:
    """Every active workshop, best first, with what the ranking was based on. Six queries, all
    bounded: the on-time record comes mostly from the dashboard's rollup."""
    workshops = list(
        db.session.execute(sa.select(Workshop).where(Workshop.active.is_(True))).scalars()
    )
    open_orders = dict(
        db.session.execute(
            sa.select(RepairOrder.workshop_id, sa.func.count())
            # the devices at (or on their way to) the workshop, not those waiting at offices
            .where(RepairOrder.status.in_(workflow.WORKSHOP_STATUSES))
            .group_by(RepairOrder.workshop_id)
        ).all()
    )
    record = dashboard.ready_record(today - timedelta(days=RECORD_DAYS - 1), today)
    terms = {key: contract.terms for key, contract in current_contracts(today).items()}
    suggestions = []
    for workshop in workshops:
        partner = workshop.kind is WorkshopKind.PARTNER
        contract = terms.get(workshop.id) if partner else None
        ready, on_time = record.get(workshop.id, (0, 0))
        suggestions.append(
            Suggestion(
                workshop=workshop,
                covers=(not partner) or (contract is not None and contract.covers(category, brand)),
                in_this_office=workshop.is_inside(office_id),
                open_orders=open_orders.get(workshop.id, 0),
                ready_count=ready,
                on_time_count=on_time,
                refusal=routing_refusal(contract, today) if partner else None,
                terms=contract,
            )
        )
    return sorted(suggestions, key=Suggestion.rank)
