"""The repair order workflow: one explicit table of transitions with named guards.

`TRANSITIONS` is the single source for the buttons in the UI, the API and the checks in
`services.orders.change_status`. A transition names who may take it, the guards that must hold,
and the outcome it records (finishing the work sets the outcome; returning a device unrepaired
sets it to NOT_REPAIRED and needs a reason).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from .enums import OrderKind, OrderStatus, Outcome, Role
from .errors import N_, DomainError, IllegalTransition, NotPermitted
from .handovers import Place

S = OrderStatus


@dataclass(frozen=True)
class OrderFacts:
    """What the guards need to know about an order, in plain values."""

    status: OrderStatus
    kind: OrderKind
    estimate: int | None = None
    approval_limit: int | None = None
    price: int | None = None
    outcome: Outcome | None = None
    balance_due: int = 0
    prepaid: int = 0  # of the money received, what was taken as prepayment (shown, not guarded)
    workshop_in_office: bool = False
    approved_amount: int | None = None
    partner_workshop: bool = False
    routing_refusal: str | None = None  # why the workshop cannot take the order now, if not
    accepted: bool = False  # by the partner workshop's manager
    pending_parts: int = 0  # parts lines not reserved yet
    missing_serials: int = 0  # reserved serial-tracked lines without their serial numbers
    # Where the device is by its handovers (None: it never travelled in one), and whether a
    # handover that has not arrived yet holds it (a draft or one on its way).
    place: Place | None = None
    in_handover: bool = False

    @property
    def quote(self) -> int | None:
        """The best known price: the diagnosed price, else the estimate taken at intake."""
        return self.price if self.price is not None else self.estimate

    @property
    def allowed_amount(self) -> int:
        """What the repair may cost without asking the customer (again)."""
        return max(self.approval_limit or 0, self.approved_amount or 0)


@dataclass(frozen=True)
class Request:
    """What the person asking for the change supplies with it."""

    note: str | None = None
    # Taken by the handover service as the handover is sent, not by a button on the order.
    handover: bool = False


# A guard returns None when the transition may go ahead, or an English message (a template
# marked for translation) saying what is missing.
Guard = Callable[[OrderFacts, Request], "str | None"]


def workshop_is_remote(facts: OrderFacts, _request: Request) -> str | None:
    if facts.workshop_in_office:
        return N_("The workshop is inside the office: no transit is needed.")
    return None


def workshop_in_office(facts: OrderFacts, _request: Request) -> str | None:
    if not facts.workshop_in_office:
        return N_("The device must travel to and from the workshop with a handover.")
    return None


def travels_in_handover(_facts: OrderFacts, request: Request) -> str | None:
    """A device leaves the office for the workshop only in a handover, with its manifest."""
    if not request.handover:
        return N_("Devices travel to the workshop in a handover: put the order into one.")
    return None


def arrived_at_workshop(facts: OrderFacts, _request: Request) -> str | None:
    if facts.place in (Place.IN_TRANSIT, Place.MISSING):
        return N_("The device has not arrived yet: sign for it in its handover first.")
    return None


def not_signed_for(facts: OrderFacts, _request: Request) -> str | None:
    """A partner refuses a device before signing for it: the courier takes it back. A device
    missing on the way is nobody's to send back until it turns up."""
    if facts.place is Place.WORKSHOP:
        return N_(
            "The workshop has signed for the device: diagnose it and send it back unrepaired "
            "instead."
        )
    if facts.place is Place.MISSING:
        return N_("The device did not arrive: sign for it in its handover once it turns up.")
    return None


def back_at_office(facts: OrderFacts, _request: Request) -> str | None:
    if facts.in_handover or facts.place in (Place.WORKSHOP, Place.IN_TRANSIT, Place.MISSING):
        return N_("The device is not back yet: it is ready once the office signs for its handover.")
    return None


def not_in_handover(facts: OrderFacts, _request: Request) -> str | None:
    if facts.in_handover:
        return N_("The order is packed in a handover: take it out of the handover first.")
    return None


def workshop_takes_orders(facts: OrderFacts, _request: Request) -> str | None:
    """Sent only to an active workshop, and to a partner only under a contract in force."""
    return facts.routing_refusal


def accepted_by_partner(facts: OrderFacts, _request: Request) -> str | None:
    """A partner workshop answers for an order only once its manager has accepted it."""
    if facts.partner_workshop and not facts.accepted:
        return N_("The workshop's manager accepts the order first (Inbox).")
    return None


def within_approval_limit(facts: OrderFacts, _request: Request) -> str | None:
    """A paid repair costing more than the customer allowed must be approved first."""
    if facts.kind.is_free:
        return None
    if facts.quote is None:
        return N_("The price is not known yet: ask the customer to approve a quote first.")
    if facts.quote > facts.allowed_amount:
        if facts.price is None:
            return N_(
                "The estimate exceeds what the customer allowed: enter the price and ask for "
                "approval."
            )
        return N_("The price exceeds what the customer allowed: ask for approval first.")
    return None


def beyond_allowed(facts: OrderFacts, _request: Request) -> str | None:
    """Asking again during the repair makes sense only when the price has outgrown the approval."""
    if facts.quote is None or facts.quote <= facts.allowed_amount:
        return N_("The price is within what the customer allowed: no new approval is needed.")
    return None


def priced_if_paid(facts: OrderFacts, _request: Request) -> str | None:
    """A paid repair is finished only with its price recorded, or it would be handed back free."""
    if not facts.kind.is_free and facts.price is None:
        return N_("Enter the price of the repair first.")
    return None


def parts_reserved(facts: OrderFacts, _request: Request) -> str | None:
    if facts.pending_parts:
        return N_("Some parts are not reserved yet (not in stock): wait for the parts.")
    return None


def serials_recorded(facts: OrderFacts, _request: Request) -> str | None:
    if facts.missing_serials:
        return N_("Enter the serial numbers of the parts fitted first.")
    return None


def charge_known(facts: OrderFacts, _request: Request) -> str | None:
    """The device goes back only when what the customer owes is known."""
    if facts.kind.is_free or facts.outcome is Outcome.NOT_REPAIRED or facts.price is not None:
        return None
    return N_("The price of the repair is not recorded: the workshop must enter it first.")


def charges_customer(facts: OrderFacts, _request: Request) -> str | None:
    """Warranty and repeat repairs are free, so they never wait for a price approval."""
    if facts.kind.is_free:
        return N_("Warranty repairs are free and never wait for the customer's approval.")
    return None


def has_price(facts: OrderFacts, _request: Request) -> str | None:
    if facts.price is None:
        return N_("Enter the price of the repair before asking for approval.")
    return None


def has_outcome(facts: OrderFacts, _request: Request) -> str | None:
    if facts.outcome is None:
        return N_("Record whether the device was repaired first.")
    return None


def reason_given(_facts: OrderFacts, request: Request) -> str | None:
    if not (request.note or "").strip():
        return N_("Give the reason in the note.")
    return None


def balance_paid(facts: OrderFacts, _request: Request) -> str | None:
    if facts.balance_due > 0:
        return N_("The balance due must be paid before the device is handed back.")
    return None


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Actor]
    guards: tuple[Guard, ...] = ()
    sets_outcome: Outcome | None = None
    # Taking it is the customer's approval of the quoted price (recorded on the order).
    records_approval: bool = False
    needs_reason: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs_reason", reason_given in self.guards)


class Party(StrEnum):
    """Who answers a quote without a staff account: the customer, on their status page.

    Not a Role: no user has it, and it may take only the transitions that answer a quote."""

    CUSTOMER = "customer"


CUSTOMER = Party.CUSTOMER
# Whoever takes a transition: a staff member's role, or the customer answering online.
Actor = Role | Party

OFFICE = frozenset({Role.ADMIN, Role.RECEPTIONIST})
WORKSHOP = frozenset({Role.ADMIN, Role.MANAGER, Role.TECHNICIAN})
WORKSHOP_MANAGEMENT = frozenset({Role.ADMIN, Role.MANAGER})
# The customer's answer to a quote reaches the office or the workshop by phone.
ANYONE = OFFICE | WORKSHOP
# ... or comes from the customer on their status page (services.quotes).
ANSWERING = ANYONE | {CUSTOMER}

_return_unrepaired_remote = Rule(
    WORKSHOP, (workshop_is_remote, reason_given), sets_outcome=Outcome.NOT_REPAIRED
)
_return_unrepaired_in_office = Rule(
    WORKSHOP | OFFICE, (workshop_in_office, reason_given), sets_outcome=Outcome.NOT_REPAIRED
)

_ask_for_approval = Rule(WORKSHOP, (charges_customer, has_price))
_ask_again = Rule(WORKSHOP, (charges_customer, has_price, beyond_allowed))
_approved = Rule(ANSWERING, (has_price,), records_approval=True)
_approved_start = Rule(ANSWERING, (has_price, parts_reserved), records_approval=True)

TRANSITIONS: dict[OrderStatus, dict[OrderStatus, Rule]] = {
    S.RECEIVED: {
        S.TO_WORKSHOP: Rule(
            OFFICE, (workshop_is_remote, travels_in_handover, workshop_takes_orders)
        ),
        S.DIAGNOSING: Rule(WORKSHOP, (workshop_in_office,)),
        S.CANCELLED: Rule(OFFICE, (not_in_handover, reason_given)),
    },
    S.TO_WORKSHOP: {
        S.DIAGNOSING: Rule(WORKSHOP, (accepted_by_partner, arrived_at_workshop)),
        # Refused by the workshop: back to the office to be routed again.
        S.RECEIVED: Rule(WORKSHOP_MANAGEMENT, (not_signed_for, reason_given)),
    },
    S.DIAGNOSING: {
        S.AWAITING_APPROVAL: _ask_for_approval,
        S.AWAITING_PARTS: Rule(WORKSHOP, (within_approval_limit,)),
        S.IN_REPAIR: Rule(WORKSHOP, (within_approval_limit, parts_reserved)),
        S.TO_OFFICE: _return_unrepaired_remote,
        S.READY: _return_unrepaired_in_office,
    },
    S.AWAITING_APPROVAL: {
        S.AWAITING_PARTS: _approved,
        S.IN_REPAIR: _approved_start,
        # Declined by the customer.
        S.TO_OFFICE: Rule(ANSWERING, (workshop_is_remote, reason_given), Outcome.NOT_REPAIRED),
        S.READY: Rule(
            WORKSHOP | OFFICE | {CUSTOMER},
            (workshop_in_office, reason_given),
            sets_outcome=Outcome.NOT_REPAIRED,
        ),
    },
    # A repair found to cost more than allowed goes back to the customer for a new approval.
    S.AWAITING_PARTS: {
        S.IN_REPAIR: Rule(WORKSHOP, (within_approval_limit, parts_reserved)),
        S.AWAITING_APPROVAL: _ask_again,
        S.TO_OFFICE: _return_unrepaired_remote,
        S.READY: _return_unrepaired_in_office,
    },
    S.IN_REPAIR: {
        S.REPAIRED: Rule(
            WORKSHOP,
            (priced_if_paid, within_approval_limit, parts_reserved, serials_recorded),
            sets_outcome=Outcome.REPAIRED,
        ),
        S.AWAITING_PARTS: Rule(WORKSHOP),
        S.AWAITING_APPROVAL: _ask_again,
        S.TO_OFFICE: _return_unrepaired_remote,
        S.READY: _return_unrepaired_in_office,
    },
    S.REPAIRED: {
        S.TO_OFFICE: Rule(WORKSHOP, (workshop_is_remote, has_outcome)),
        S.READY: Rule(WORKSHOP | OFFICE, (workshop_in_office, has_outcome)),
    },
    S.TO_OFFICE: {
        # Taken as the office signs for the return handover (or by hand for a device that came
        # back before handovers were kept).
        S.READY: Rule(OFFICE, (has_outcome, back_at_office)),
    },
    S.READY: {
        S.COLLECTED: Rule(OFFICE, (has_outcome, charge_known, balance_paid)),
    },
    S.COLLECTED: {},
    S.CANCELLED: {},
}

# Statuses in which the device is at (or on its way to) the workshop: the technician's queue.
WORKSHOP_STATUSES = (
    S.TO_WORKSHOP,
    S.DIAGNOSING,
    S.AWAITING_APPROVAL,
    S.AWAITING_PARTS,
    S.IN_REPAIR,
    S.REPAIRED,
)
FINAL_STATUSES = (S.COLLECTED, S.CANCELLED)
OPEN_STATUSES = tuple(status for status in S if status not in FINAL_STATUSES)


@dataclass(frozen=True)
class Option:
    """One transition offered to a person: allowed, or shown with the reason it is not yet."""

    target: OrderStatus
    blocked_by: str | None
    needs_reason: bool
    sets_outcome: Outcome | None

    @property
    def allowed(self) -> bool:
        return self.blocked_by is None


# Guards that say a transition does not apply to this order at all (rather than "not yet"):
# the workshop's placement, a new approval that the price does not call for, and sending, which
# is done by the handover (the way into one is the Handovers page, not a status button).
NOT_OFFERED_GUARDS = (workshop_is_remote, workshop_in_office, beyond_allowed, travels_in_handover)


def options(facts: OrderFacts, role: Actor) -> list[Option]:
    """The transitions a role may take from the order's status, each with what blocks it now.

    Transitions that do not fit the workshop's placement (in the office or remote), or a new
    approval the price does not call for, are not offered at all. The reason guard is not
    checked: the note is typed with the button press.
    """
    result = []
    for target, rule in TRANSITIONS[facts.status].items():
        if role not in rule.roles:
            continue
        if any(guard(facts, Request()) for guard in rule.guards if guard in NOT_OFFERED_GUARDS):
            continue
        blocker = next(
            (
                message
                for guard in rule.guards
                if guard is not reason_given and (message := guard(facts, Request())) is not None
            ),
            None,
        )
        result.append(Option(target, blocker, rule.needs_reason, rule.sets_outcome))
    return result


# Once quoted, a paid order's price may change but not vanish (it is what the customer owes).
_PRICE_KEPT = (S.AWAITING_APPROVAL, S.AWAITING_PARTS, S.IN_REPAIR, S.REPAIRED)


def check_new_price(facts: OrderFacts, price: int | None) -> None:
    """Refuse a price the workshop may not set now. Raises DomainError on the `price` field.

    A finished repair cannot cost more than the customer allowed: asking again is possible only
    while the repair is under way (awaiting parts or in repair).
    """
    if facts.kind.is_free:
        return
    if price is None and facts.price is not None and facts.status in _PRICE_KEPT:
        raise DomainError(
            N_("The customer was quoted a price: enter the new price instead of clearing it."),
            field="price",
        )
    if facts.status is S.REPAIRED and price is not None and price > facts.allowed_amount:
        raise DomainError(
            N_(
                "The repair is finished: its price cannot exceed what the customer allowed "
                "(%(allowed)s)."
            ),
            field="price",
            allowed=f"{facts.allowed_amount / 100:.2f}",
        )


def check_transition(
    facts: OrderFacts, target: OrderStatus, role: Actor, request: Request = Request()
) -> Rule:
    """Return the rule for `status -> target`, or raise.

    Raises IllegalTransition when the table has no such edge or one of its guards refuses, and
    NotPermitted when the role may not take it.
    """
    rule = TRANSITIONS[facts.status].get(target)
    if rule is None:
        raise IllegalTransition(
            N_("An order cannot move from %(source)s to %(target)s."),
            source=facts.status.value,
            target=target.value,
        )
    if role not in rule.roles:
        raise NotPermitted(N_("Your role may not make this change."))
    for guard in rule.guards:
        message = guard(facts, request)
        if message is not None:
            raise IllegalTransition(message, field="note" if guard is reason_given else None)
    return rule


def customer_answer(facts: OrderFacts, *, approve: bool) -> OrderStatus:
    """Where the customer's own answer to a quote takes the order (it must await approval).

    Approved: straight into repair when the move may reserve every part, else waiting for the
    parts. Declined: back to the office unrepaired, or ready at once when the workshop is in the
    office. Raises IllegalTransition when the order is not awaiting the customer's answer.
    """
    if facts.status is not S.AWAITING_APPROVAL:
        raise IllegalTransition(N_("This quote is not waiting for an answer any more."))
    if not approve:
        return S.READY if facts.workshop_in_office else S.TO_OFFICE
    start = TRANSITIONS[S.AWAITING_APPROVAL][S.IN_REPAIR]
    if all(guard(facts, Request()) is None for guard in start.guards):
        return S.IN_REPAIR
    return S.AWAITING_PARTS
