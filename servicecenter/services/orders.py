"""Working on an order: the one status-change service, the workshop's findings, payments."""

from __future__ import annotations

from datetime import datetime

from ..domain import workflow
from ..domain.contracts import WORKSHOP_INACTIVE
from ..domain.enums import OrderStatus, PaymentKind, PaymentMethod, Role, WorkshopKind
from ..domain.errors import N_, DomainError, NotPermitted
from ..domain.notifications import EVENT_OF_STATUS
from ..domain.payments import balance_due, check_payment
from ..extensions import db
from ..models import OrderStatusChange, Payment, RepairOrder, User, Workshop, WorkshopRefusal
from ..models._types import utcnow
from ..queries.handovers import custody_facts
from ..queries.orders import paid_total, payment_totals, totals_of

# services.handovers imports this module too (it sends devices through change_status); a refusal
# here closes the device's handover item there.
from . import dashboard_rollup, handovers, network, notifications, order_lines
from .clock import local_date
from .stale import check_version

# Statuses in which the workshop may still change its findings and the price.
WORK_EDITABLE = (
    OrderStatus.DIAGNOSING,
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.AWAITING_PARTS,
    OrderStatus.IN_REPAIR,
    OrderStatus.REPAIRED,
)


_UNREAD = object()


def order_facts(
    order: RepairOrder, *, lines=None, payments=None, custody=None, refusal=_UNREAD
) -> workflow.OrderFacts:
    """The order as the workflow guards see it: reads its lines, payments and handovers, but
    those the caller has in hand already (the order page: lines, payments, custody facts, and
    the refusal of its workshop as the routing read it a moment ago; a change of status reads
    them all again)."""
    if refusal is _UNREAD:
        # Only an order at the counter is about to be sent: only then is the contract read.
        refusal = (
            network.refusal_for(order.workshop, local_date())
            if order.status is OrderStatus.RECEIVED
            else None
        )
    pending_parts, missing_serials = order_lines.counts(order, lines)
    paid, prepaid = payment_totals(order.id) if payments is None else totals_of(payments)
    place, in_handover = custody_facts(order.id) if custody is None else custody
    return workflow.OrderFacts(
        status=order.status,
        kind=order.kind,
        estimate=order.estimate,
        approval_limit=order.approval_limit,
        price=order.price,
        outcome=order.outcome,
        balance_due=balance_due(order.amount_charged, paid),
        prepaid=prepaid,
        workshop_in_office=order.workshop.is_inside(order.office_id),
        approved_amount=order.approved_amount,
        partner_workshop=order.workshop.kind is WorkshopKind.PARTNER,
        routing_refusal=refusal,
        accepted=order.accepted_at is not None,
        pending_parts=pending_parts,
        missing_serials=missing_serials,
        place=place,
        in_handover=in_handover,
    )


def change_status(
    order: RepairOrder,
    target: OrderStatus,
    *,
    actor: User | workflow.Party,
    note: str | None = None,
    note_public: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
    handover: bool = False,
) -> OrderStatusChange:
    """Move the order to `target` if the workflow table allows it for the actor's role.

    The only place that assigns `order.status`. Records the outcome the transition implies,
    the ready and collected times, and one history row. `handover` is said only by the handover
    service sending the device. `actor` is a staff member, or `workflow.CUSTOMER` for the
    customer's own answer to a quote (services.quotes): then no user is recorded.
    Raises IllegalTransition, NotPermitted or StaleEdit.
    """
    now = now or utcnow()
    check_version(order, expected_version)
    # The customer has no account: their change is recorded with no user (history and ledger).
    user = actor if isinstance(actor, User) else None
    role = actor.role if user is not None else actor
    filed = dashboard_rollup.filed_under(order)
    with db.session.begin_nested():  # a refused change also undoes the reservations tried for it
        if target in workflow.TRANSITIONS[order.status]:
            order_lines.before_transition(order, target, user)
        rule = workflow.check_transition(
            order_facts(order), target, role, workflow.Request(note=note, handover=handover)
        )
    # Past this point the customer's transitions (approve, decline) touch only what is
    # common to every actor: the refusal, the technician and the acceptance need a staff member.
    order_lines.after_transition(order, target, rule, user)
    if rule.sets_outcome is not None:
        order.outcome = rule.sets_outcome
    if rule.records_approval:
        order.approved_amount = order.price
    if target is OrderStatus.READY:
        order.ready_at = now
        order.ready_on_time = local_date(now) <= order.promised_date
    elif target is OrderStatus.COLLECTED:
        order.collected_at = now
    if order.status is OrderStatus.TO_WORKSHOP and target is OrderStatus.RECEIVED:
        # Refused: back at the office to be routed again, no longer anybody's at the workshop.
        # The refusal row keeps which workshop said no (the order's workshop changes on rerouting).
        db.session.add(
            WorkshopRefusal(
                order_id=order.id,
                workshop_id=order.workshop_id,
                actor_id=actor.id,
                created_at=now,
                reason=(note or "").strip(),
            )
        )
        order.accepted_at = order.accepted_by_id = order.technician_id = None
        handovers.return_refused(order, actor=actor, note=(note or "").strip(), now=now)
    if target is OrderStatus.DIAGNOSING and order.technician_id is None and role is Role.TECHNICIAN:
        order.technician_id = actor.id  # whoever starts the diagnosis takes the job
    if (
        target is OrderStatus.DIAGNOSING
        and order.accepted_at is None
        and order.workshop.kind is WorkshopKind.PARTNER
    ):
        # A partner on the office's own premises gets the device without a handover or an
        # Inbox answer: starting the work is taking the order on (its figures count it).
        order.accepted_at, order.accepted_by_id = now, actor.id
    change = OrderStatusChange(
        order_id=order.id,
        from_status=order.status,
        to_status=target,
        actor_id=user.id if user is not None else None,
        created_at=now,
        note=(note or "").strip(),
        note_public=note_public,
    )
    order.status = target
    order.status_changed_at = now
    db.session.add(change)
    if (event := EVENT_OF_STATUS.get(target)) is not None:
        notifications.queue_for(order, event, now=now)
    db.session.flush()
    if dashboard_rollup.filed_under(order) != filed:
        dashboard_rollup.forget_order(order, now=now)
    return change


def record_work(
    order: RepairOrder,
    *,
    actor: User,
    diagnosis: str,
    work_done: str,
    price: int | None,
    expected_version: int | None = None,
) -> None:
    """Save the workshop's findings and the price while the job is at the workshop.

    Raises NotPermitted outside the workshop stages or for office staff, StaleEdit when the
    order changed since the form was opened, DomainError for a price the workflow refuses.
    """
    check_version(order, expected_version)
    if actor.role not in workflow.WORKSHOP:
        raise NotPermitted(N_("Only the workshop records diagnosis and work."))
    if order.status not in WORK_EDITABLE:
        raise NotPermitted(N_("Findings can be changed only while the device is at the workshop."))
    priced_by_lines = bool(order_lines.lines_of(order))
    if not priced_by_lines:
        workflow.check_new_price(order_facts(order), price)
    order.diagnosis = diagnosis.strip()
    order.work_done = work_done.strip()
    if not priced_by_lines:  # an order with lines is priced by them (services.order_lines)
        order.price = price
    db.session.flush()


def record_payment(
    order: RepairOrder,
    *,
    kind: PaymentKind,
    method: PaymentMethod,
    amount: int,
    actor: User,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Payment:
    """Take (or refund) money at the counter. Raises PaymentError, NotPermitted or StaleEdit."""
    check_version(order, expected_version)
    if actor.role not in workflow.OFFICE:
        raise NotPermitted(N_("Payments are taken at the office."))
    check_payment(
        kind,
        amount,
        status=order.status,
        free=order.kind.is_free,
        charged=order.amount_charged if order.charge_is_known else None,
        paid=paid_total(order.id),
        estimate=order.estimate,
    )
    payment = Payment(
        order_id=order.id,
        kind=kind,
        method=method,
        amount=amount,
        taken_by_id=actor.id,
        created_at=now or utcnow(),
    )
    db.session.add(payment)
    # Touch the order so that its version moves: a payment changes what the order page shows.
    order.updated_at = payment.created_at
    db.session.flush()
    return payment


def accept(
    order: RepairOrder,
    *,
    actor: User,
    technician: User | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """The workshop's manager takes on an order sent to the workshop, naming its technician.

    Raises NotPermitted for others, DomainError when the order is not waiting for an answer or
    the technician works elsewhere, StaleEdit when the page was out of date.
    """
    check_version(order, expected_version)
    if actor.role not in workflow.WORKSHOP_MANAGEMENT:
        raise NotPermitted(N_("The workshop's manager accepts or refuses orders."))
    if (
        order.status is not OrderStatus.TO_WORKSHOP
        or order.accepted_at is not None
        or order.workshop.kind is not WorkshopKind.PARTNER
    ):
        raise DomainError(N_("This order is not waiting for the workshop's answer."))
    if technician is not None and (
        technician.workshop_id != order.workshop_id
        or technician.role is not Role.TECHNICIAN
        or not technician.active
    ):
        raise DomainError(N_("Choose a technician of this workshop."), field="technician_id")
    order.accepted_at = now or utcnow()
    order.accepted_by_id = actor.id
    if technician is not None and technician.id != order.technician_id:
        order.technician_id = technician.id
        dashboard_rollup.forget_order(order, now=order.accepted_at)
    db.session.flush()


def reroute(
    order: RepairOrder,
    workshop: Workshop,
    *,
    actor: User,
    expected_version: int | None = None,
) -> None:
    """Send an order still at the office (e.g. refused by a workshop) to another workshop.

    Raises NotPermitted outside the office, DomainError once it has left the office or when
    the workshop cannot take it (inactive, or a partner without a contract in force).
    """
    check_version(order, expected_version)
    if actor.role not in workflow.OFFICE:
        raise NotPermitted(N_("The office routes its orders."))
    if order.status is not OrderStatus.RECEIVED:
        raise DomainError(N_("Only an order still at the office can be routed elsewhere."))
    if workshop.id == order.workshop_id:
        raise DomainError(N_("The order is routed there already."), field="workshop_id")
    if (message := workflow.not_in_handover(order_facts(order), workflow.Request())) is not None:
        raise DomainError(message, field="workshop_id")
    if not workshop.active:
        raise DomainError(WORKSHOP_INACTIVE, field="workshop_id")
    network.check_routable(workshop, local_date())
    order.workshop_id = workshop.id
    order.workshop = workshop
    order.accepted_at = order.accepted_by_id = order.technician_id = None
    dashboard_rollup.forget_order(order, now=utcnow())
    db.session.flush()
