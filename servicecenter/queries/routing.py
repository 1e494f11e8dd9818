"""Where to send a device: the workshops ranked for the receptionist at intake.

Workshops whose contract covers the device come first, then the one inside this office, then the
least loaded with the better on-time record. Each suggestion carries its reasons; the receptionist
may still pick another (a partner without a contract in force is shown but cannot be chosen).

What the ranking reads of the network is kept for everyone for a minute (queries.remembered): the
page that offers the choice reads nothing more than itself. The choice is checked again when it is
saved (services.network.refusal_for), so a contract ended a moment ago is never routed to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from ..domain import workflow
from ..domain.contracts import Terms, workshop_refusal
from ..domain.enums import DeviceCategory, WorkshopKind
from ..extensions import db
from ..models import RepairOrder, Workshop
from . import dashboard
from .network import current_contracts
from .remembered import forget, forget_after_commit, remember

# The on-time record looks this far back (local days, today included).
RECORD_DAYS = 180


@dataclass(frozen=True)
class Candidate:
    """A workshop as the ranking sees it: plain values, kept in the shared cache."""

    id: int
    name: str
    partner: bool
    in_office_id: int | None


@dataclass(frozen=True)
class Suggestion:
    workshop: Candidate
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


@dataclass(frozen=True)
class Network:
    """What the ranking reads of the whole network on `today`, whatever the device."""

    today: date
    workshops: tuple[Candidate, ...]  # the active ones
    terms: dict[int, Terms]  # per partner, its contract in force (else its latest)
    open_orders: dict[int, int]
    record: dict[int, tuple[int, int]]  # per workshop: made ready, of which on time


# One entry for the whole network: a change of workshops or contracts forgets it (network_changed)
# so that the next intake sees it; the load and the record may be a minute old.
NETWORK_KEY = "routing:network"


def read_network(today: date) -> Network:
    """Five bounded queries: the on-time record comes mostly from the dashboard's rollup."""
    workshops = tuple(
        Candidate(id, name, kind is WorkshopKind.PARTNER, in_office_id)
        for id, name, kind, in_office_id in db.session.execute(
            sa.select(Workshop.id, Workshop.name, Workshop.kind, Workshop.in_office_id)
            .where(Workshop.active.is_(True))
            .order_by(Workshop.id)
        )
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
    return Network(today, workshops, terms, open_orders, record)


def network(today: date) -> Network:
    """The network as read at most FIGURES_CACHE_SECONDS ago (and on the same day)."""
    kept = remember(NETWORK_KEY, lambda: read_network(today)).value
    if kept.today != today:  # kept from yesterday: contracts may have ended at midnight
        forget(NETWORK_KEY)
        kept = remember(NETWORK_KEY, lambda: read_network(today)).value
    return kept


def refusal_of(workshop_id: int, today: date) -> str | None:
    """services.network.refusal_for as the network was read (the page that offers the choice;
    the choice saved asks services.network)."""
    found = network(today)
    workshop = next((w for w in found.workshops if w.id == workshop_id), None)
    return workshop_refusal(
        active=workshop is not None,
        partner=workshop is not None and workshop.partner,
        terms=found.terms.get(workshop_id),
        today=today,
    )


def network_changed() -> None:
    """A workshop or a contract was saved: the next ranking reads them again."""
    forget_after_commit(NETWORK_KEY)


def suggest(
    *, office_id: int, category: DeviceCategory, brand: str, today: date
) -> list[Suggestion]:
    """Every active workshop, best first, with what the ranking was based on."""
    found = network(today)
    suggestions = []
    for workshop in found.workshops:
        contract = found.terms.get(workshop.id) if workshop.partner else None
        ready, on_time = found.record.get(workshop.id, (0, 0))
        suggestions.append(
            Suggestion(
                workshop=workshop,
                covers=(not workshop.partner)
                or (contract is not None and contract.covers(category, brand)),
                # as Workshop.is_inside: the office's own workshop (office_id is never None)
                in_this_office=workshop.in_office_id == office_id,
                open_orders=found.open_orders.get(workshop.id, 0),
                ready_count=ready,
                on_time_count=on_time,
                refusal=workshop_refusal(
                    active=True, partner=workshop.partner, terms=contract, today=today
                ),
                terms=contract,
            )
        )
    return sorted(suggestions, key=Suggestion.rank)
