"""Human names for the domain's values, translated: the one place these words are defined."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from .domain.documents import DocumentKind
from .domain.enums import (
    CustomerKind,
    DeviceCategory,
    OrderKind,
    OrderStatus,
    Outcome,
    PaymentKind,
    PaymentMethod,
    Role,
    WorkshopKind,
)
from .domain.handovers import HandoverStatus, ItemState, Place
from .domain.notifications import Channel, Event, State
from .domain.public_status import Stage
from .domain.reminders import DISPOSAL_NOTICE, SURVEY, pickup_days
from .domain.settlements import Reason
from .domain.stock import MovementKind, TransferStatus
from .domain.texts import TextKind

STATUS = {
    OrderStatus.RECEIVED: _l("Received"),
    OrderStatus.TO_WORKSHOP: _l("To workshop"),
    OrderStatus.DIAGNOSING: _l("Diagnosing"),
    OrderStatus.AWAITING_APPROVAL: _l("Awaiting approval"),
    OrderStatus.AWAITING_PARTS: _l("Awaiting parts"),
    OrderStatus.IN_REPAIR: _l("In repair"),
    OrderStatus.REPAIRED: _l("Repaired"),
    OrderStatus.TO_OFFICE: _l("To office"),
    OrderStatus.READY: _l("Ready"),
    OrderStatus.COLLECTED: _l("Collected"),
    OrderStatus.CANCELLED: _l("Cancelled"),
}

# What the button that moves an order into a status says.
ACTION = {
    OrderStatus.RECEIVED: _l("Refuse and return to office"),
    OrderStatus.TO_WORKSHOP: _l("Send to workshop"),
    OrderStatus.DIAGNOSING: _l("Start diagnosis"),
    OrderStatus.AWAITING_APPROVAL: _l("Ask customer to approve"),
    OrderStatus.AWAITING_PARTS: _l("Wait for parts"),
    OrderStatus.IN_REPAIR: _l("Start repair"),
    OrderStatus.REPAIRED: _l("Repair finished"),
    OrderStatus.TO_OFFICE: _l("Send back to office"),
    OrderStatus.READY: _l("Ready for pickup"),
    OrderStatus.COLLECTED: _l("Hand over to customer"),
    OrderStatus.CANCELLED: _l("Cancel order"),
}

# Where the same target means something else from a particular status, the button says so.
ACTION_FROM = {
    (OrderStatus.AWAITING_APPROVAL, OrderStatus.AWAITING_PARTS): _l("Approved: wait for parts"),
    (OrderStatus.AWAITING_APPROVAL, OrderStatus.IN_REPAIR): _l("Approved: start repair"),
    (OrderStatus.AWAITING_APPROVAL, OrderStatus.TO_OFFICE): _l("Declined: send back to office"),
    (OrderStatus.AWAITING_APPROVAL, OrderStatus.READY): _l("Declined: ready for pickup"),
}


def action(source: OrderStatus, target: OrderStatus):
    """The words on the button that moves an order from `source` to `target`."""
    return ACTION_FROM.get((source, target), ACTION[target])


# Bootstrap colour of each status badge.
STATUS_COLOUR = {
    OrderStatus.RECEIVED: "secondary",
    OrderStatus.TO_WORKSHOP: "info",
    OrderStatus.DIAGNOSING: "primary",
    OrderStatus.AWAITING_APPROVAL: "warning",
    OrderStatus.AWAITING_PARTS: "warning",
    OrderStatus.IN_REPAIR: "primary",
    OrderStatus.REPAIRED: "success",
    OrderStatus.TO_OFFICE: "info",
    OrderStatus.READY: "success",
    OrderStatus.COLLECTED: "dark",
    OrderStatus.CANCELLED: "light",
}

STAGE = {
    Stage.ACCEPTED: _l("Accepted"),
    Stage.AT_WORKSHOP: _l("At the workshop"),
    Stage.DIAGNOSTICS: _l("Diagnostics"),
    Stage.AWAITING_APPROVAL: _l("Waiting for your approval"),
    Stage.AWAITING_PARTS: _l("Waiting for parts"),
    Stage.IN_REPAIR: _l("Repair in progress"),
    Stage.RETURNING: _l("On the way to the office"),
    Stage.READY: _l("Ready for pickup"),
    Stage.COLLECTED: _l("Collected"),
    Stage.CANCELLED: _l("Cancelled"),
}

KIND = {
    # "repair" in each: "Paid" alone is also the money already received, another word in Russian.
    OrderKind.PAID: _l("Paid repair"),
    OrderKind.WARRANTY: _l("Warranty repair"),
    OrderKind.REPEAT: _l("Repeat repair (our warranty)"),
}

OUTCOME = {Outcome.REPAIRED: _l("Repaired"), Outcome.NOT_REPAIRED: _l("Not repaired")}

CUSTOMER_KIND = {CustomerKind.INDIVIDUAL: _l("Individual"), CustomerKind.COMPANY: _l("Company")}

CATEGORY = {
    DeviceCategory.PHONE: _l("Phone"),
    DeviceCategory.TABLET: _l("Tablet"),
    DeviceCategory.LAPTOP: _l("Laptop"),
    DeviceCategory.DESKTOP: _l("Desktop computer"),
    DeviceCategory.TV: _l("TV"),
    DeviceCategory.AUDIO: _l("Audio"),
    DeviceCategory.CAMERA: _l("Camera"),
    DeviceCategory.APPLIANCE: _l("Home appliance"),
    DeviceCategory.OTHER: _l("Other"),
}

ROLE = {
    Role.ADMIN: _l("Administrator"),
    Role.RECEPTIONIST: _l("Receptionist"),
    Role.MANAGER: _l("Workshop manager"),
    Role.TECHNICIAN: _l("Technician"),
}

WORKSHOP_KIND = {WorkshopKind.OWN: _l("Own"), WorkshopKind.PARTNER: _l("Partner")}

PAYMENT_KIND = {
    PaymentKind.PREPAYMENT: _l("Prepayment"),
    PaymentKind.FINAL: _l("Payment"),
    PaymentKind.REFUND: _l("Refund"),
}

PAYMENT_METHOD = {
    PaymentMethod.CASH: _l("Cash"),
    PaymentMethod.CARD: _l("Card"),
    PaymentMethod.TRANSFER: _l("Bank transfer"),
}


DOCUMENT = {
    DocumentKind.CONTRACT: _l("Repair contract"),
    DocumentKind.QUOTE: _l("Quote"),
    DocumentKind.COMPLETION: _l("Completion act"),
    DocumentKind.WARRANTY: _l("Warranty slip"),
}


TEXT_KIND = {
    TextKind.CONTRACT_TERMS: _l("Contract terms"),
    TextKind.WARRANTY_CONDITIONS: _l("Warranty conditions"),
}


def choices(mapping: dict) -> list[SelectChoice]:
    """WTForms choices from a label mapping, in the enum's order."""
    return [SelectChoice(member.value, label) for member, label in mapping.items()]


# Stock: the ledger's movement kinds and the transfers' statuses.
MOVEMENT_KIND = {
    MovementKind.RECEIPT: _l("Receipt"),
    MovementKind.TRANSFER_OUT: _l("Sent to another location"),
    MovementKind.TRANSIT: _l("On its way here"),
    MovementKind.TRANSFER_IN: _l("Received from a transfer"),
    MovementKind.TRANSFER_CANCEL: _l("Transfer cancelled"),
    MovementKind.TRANSFER_BACK: _l("Back from a cancelled transfer"),
    MovementKind.RESERVE: _l("Reserved for an order"),
    MovementKind.RELEASE: _l("Reservation released"),
    MovementKind.CONSUME: _l("Fitted in a repair"),
    MovementKind.RETURN: _l("Taken out of a repair"),
    MovementKind.WRITE_OFF: _l("Write-off"),
    MovementKind.ADJUSTMENT: _l("Count adjustment"),
    MovementKind.REVERSAL: _l("Reversal"),
}

TRANSFER_STATUS = {
    TransferStatus.IN_TRANSIT: _l("In transit"),
    TransferStatus.RECEIVED: _l("Received"),
    TransferStatus.CANCELLED: _l("Cancelled"),
}


# A partner's contract as of today (the network admin's pages), and the colour of its badge.
CONTRACT_STATUS = {
    "in_force": _l("In force"),
    "not_started": _l("Not started"),
    "expired": _l("Expired"),
    "suspended": _l("Suspended"),
    "none": _l("No contract in force"),
}

CONTRACT_STATUS_COLOUR = {
    "in_force": "success",
    "not_started": "info",
    "expired": "danger",
    "suspended": "warning",
    "none": "danger",
}


# Handovers between offices and workshops, and where a device is by them.
HANDOVER_STATUS = {
    HandoverStatus.DRAFT: _l("Being prepared"),
    HandoverStatus.SENT: _l("On its way"),
    HandoverStatus.RECEIVED: _l("Arrived"),
    HandoverStatus.CANCELLED: _l("Cancelled"),
}

ITEM_STATE = {
    ItemState.PACKED: _l("Packed"),
    ItemState.RECEIVED: _l("Signed for"),
    ItemState.MISSING: _l("Did not arrive"),
    ItemState.RETURNED: _l("Back at the sender"),
}

PLACE = {
    Place.OFFICE: _l("At the office"),
    Place.IN_TRANSIT: _l("In transit"),
    Place.WORKSHOP: _l("At the workshop"),
    Place.MISSING: _l("Missing in transit"),
    Place.CUSTOMER: _l("With the customer"),
}

# Why a settlement line earns less than the workshop's labour share.
SETTLEMENT_REASON = {
    Reason.NONE: "",
    Reason.NO_CONTRACT: _l("No contract covered the completion day: share 0"),
    Reason.OWN_REPEAT: _l("Repeat repair of the workshop's own work: no labour"),
    Reason.NOT_REPAIRED: _l("Not repaired: only the diagnostic fee counts"),
    Reason.NO_LABOUR: _l("No work priced on the order: add it as service lines"),
}

# Customer notifications: the events, channels and states of the outbox.
NOTIFICATION_EVENT = {
    Event.ACCEPTED: _l("Order accepted"),
    Event.AWAITING_APPROVAL: _l("Quote waiting for approval"),
    Event.AWAITING_PARTS: _l("Waiting for parts"),
    Event.READY: _l("Ready for pickup"),
    Event.COLLECTED: _l("Collected"),
    Event.PICKUP_REMINDER: _l("Pickup reminder"),
    Event.DISPOSAL_NOTICE: _l("Notice before disposal"),
    Event.SURVEY: _l("Satisfaction survey"),
    Event.SLA_DIGEST: _l("Deadline digest (staff)"),
    Event.LOW_STOCK_DIGEST: _l("Low-stock digest (staff)"),
    Event.QUOTE_ANSWERED: _l("Quote answered online (staff)"),
    Event.LOW_RATING: _l("Low rating (staff)"),
}

# When an event fires that no status change causes (the others: labels.STATUS of the status).
NOTIFICATION_TRIGGER = {
    Event.ACCEPTED: _l("At intake, when the order is opened"),
    Event.PICKUP_REMINDER: _l("Ready and not collected after 3, 7 and 30 days"),
    Event.DISPOSAL_NOTICE: _l("Still not collected after the storage period: the written notice"),
    Event.SURVEY: _l("A few hours after collection"),
}

# What the reminder jobs recorded on an order (OrderReminder.kind; pickup steps by their days).
REMINDER_KIND = {
    DISPOSAL_NOTICE: _l("Notice before disposal"),
    SURVEY: _l("Satisfaction survey"),
}


def reminder_kind(kind: str):
    days = pickup_days(kind)
    if days is not None:
        return _l("Pickup reminder after %(days)s days", days=days)
    return REMINDER_KIND.get(kind, kind)


CHANNEL = {Channel.EMAIL: _l("Email"), Channel.SMS: _l("SMS")}

NOTIFICATION_STATE = {
    State.QUEUED: _l("Queued"),
    State.SENDING: _l("Sending"),
    State.SENT: _l("Sent"),
    State.FAILED: _l("Failed"),
}

NOTIFICATION_STATE_COLOUR = {
    State.QUEUED: "secondary",
    State.SENDING: "info",
    State.SENT: "success",
    State.FAILED: "danger",
}

# What each placeholder of a template stands for.
PLACEHOLDER = {
    "order_number": _l("order number"),
    "status_link": _l("link to the status page"),
    "survey_link": _l("link to rate the service (the customer's feedback page)"),
    "amount_due": _l("amount still to pay"),
    "promised_date": _l("promised date"),
    "device": _l("brand and model"),
    "customer_name": _l("customer's name"),
    "office_name": _l("office name"),
    "office_address": _l("office address"),
    "office_hours": _l("office opening hours"),
    "office_phone": _l("office phone"),
    "days_waiting": _l("days the device has been ready (reminders and the notice)"),
    "disposal_date": _l("first day an unclaimed device may be disposed of (the notice)"),
}
