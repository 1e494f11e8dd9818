"""Printed documents: what each kind must contain, when it may be issued, and its content hash.

A document is rendered from a frozen snapshot of the order. The snapshot's hash decides whether a
print is a reprint (same snapshot: the stored bytes are returned) or a new version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .enums import OrderKind, OrderStatus, Outcome
from .errors import N_, DomainError


class DocumentKind(StrEnum):
    CONTRACT = "contract"
    QUOTE = "quote"
    COMPLETION = "completion"
    WARRANTY = "warranty"


# Letter in a document's number: MSK-2026-000123-C2 is the second version of that contract.
NUMBER_LETTER = {
    DocumentKind.CONTRACT: "C",
    DocumentKind.QUOTE: "Q",
    DocumentKind.COMPLETION: "A",
    DocumentKind.WARRANTY: "W",
}


class MissingDocumentFields(DomainError):
    """The document would lack fields the consumer-services rules require."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(N_("Fill in before printing: %(fields)s."), fields=", ".join(fields))
        self.fields = fields


class NotIssuable(DomainError):
    """The order has not reached the point where this document exists."""


@dataclass(frozen=True)
class Contractor:
    name: str
    legal_name: str
    tax_id: str
    address: str
    phone: str
    hours: str


@dataclass(frozen=True)
class Line:
    """A priced line: the repair work now; services and fitted parts once stock exists."""

    description: str
    quantity: int
    unit_price: int
    serial: str = ""
    warranty_days: int | None = None

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Snapshot:
    """Everything a document shows, frozen at the moment of printing. Amounts in minor units."""

    kind: DocumentKind
    locale: str
    currency: str
    order_number: str
    status_url: str
    contractor: Contractor
    customer_name: str
    customer_phone: str
    device_category: str
    device_brand: str
    device_model: str
    device_serial: str
    condition: str
    accessories: str
    declared_value: int | None
    complaint: str
    order_kind: OrderKind
    order_kind_label: str
    estimate: int | None
    approval_limit: int | None
    diagnostic_fee: int | None
    prepayment: int
    price: int | None
    charged: int
    paid: int
    received_on: date
    promised_date: date
    diagnosis: str
    work_done: str
    outcome: Outcome | None
    outcome_label: str
    repaired_on: date | None
    returned_on: date | None
    lines: tuple[Line, ...]
    labour_warranty_days: int
    warranty_start: date | None
    warranty_end: date | None
    original_order_number: str | None
    original_warranty_end: date | None
    terms_text: str
    terms_version: int
    warranty_text: str
    warranty_version: int

    def content_hash(self) -> str:
        """Hash of everything printed, to tell a reprint from a changed document."""
        data = json.dumps(dataclasses.asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()


def document_number(order_number: str, kind: DocumentKind, version: int) -> str:
    return f"{order_number}-{NUMBER_LETTER[kind]}{version}"


def check_issuable(
    kind: DocumentKind,
    status: OrderStatus,
    order_kind: OrderKind,
    outcome: Outcome | None,
    price: int | None,
) -> None:
    """Raise NotIssuable unless the order has reached the point where `kind` exists.

    A quote needs a priced, paid repair; the completion act and the warranty slip are given at
    collection, the slip only for a repaired device.
    """
    if kind is DocumentKind.QUOTE and (order_kind.is_free or price is None):
        raise NotIssuable(N_("A quote exists once a paid repair has a price."))
    if (
        kind in (DocumentKind.COMPLETION, DocumentKind.WARRANTY)
        and status is not OrderStatus.COLLECTED
    ):
        raise NotIssuable(N_("This document is issued when the customer collects the device."))
    if kind is DocumentKind.WARRANTY and outcome is not Outcome.REPAIRED:
        raise NotIssuable(N_("A warranty slip is issued only for a repaired device."))


# Field checks per kind: (snapshot attribute or dotted path, the name the staff member is told).
_CONTRACTOR = [
    ("contractor.name", N_("office name")),
    ("contractor.legal_name", N_("office legal name")),
    ("contractor.tax_id", N_("office tax id")),
    ("contractor.address", N_("office address")),
    ("contractor.phone", N_("office phone")),
]
_CUSTOMER_AND_DEVICE = [
    ("customer_name", N_("customer name")),
    ("customer_phone", N_("customer phone")),
    ("device_brand", N_("device brand")),
    ("device_model", N_("device model")),
    ("device_serial", N_("serial number")),
]
REQUIRED = {
    DocumentKind.CONTRACT: _CONTRACTOR
    + _CUSTOMER_AND_DEVICE
    + [
        ("condition", N_("condition on intake")),
        ("declared_value", N_("declared value")),
        ("complaint", N_("complaint")),
        ("terms_text", N_("contract terms")),
    ],
    DocumentKind.QUOTE: _CONTRACTOR
    + _CUSTOMER_AND_DEVICE
    + [
        ("diagnosis", N_("diagnosis")),
        ("price", N_("price")),
    ],
    DocumentKind.COMPLETION: _CONTRACTOR
    + _CUSTOMER_AND_DEVICE
    + [
        ("diagnosis", N_("diagnosis")),
        ("returned_on", N_("date of return")),
    ],
    DocumentKind.WARRANTY: _CONTRACTOR
    + _CUSTOMER_AND_DEVICE
    + [
        ("work_done", N_("work done")),
        ("warranty_text", N_("warranty conditions")),
    ],
}


def _value(snapshot: Snapshot, path: str):
    value = snapshot
    for part in path.split("."):
        value = getattr(value, part)
    return value


def missing_fields(snapshot: Snapshot) -> list[str]:
    """Names of the required fields that are empty (English templates, translated by the caller).

    A paid contract also needs an estimate or a price: the customer must see what it may cost.
    """
    missing = [
        name for path, name in REQUIRED[snapshot.kind] if _value(snapshot, path) in (None, "")
    ]
    if (
        snapshot.kind is DocumentKind.CONTRACT
        and snapshot.order_kind is OrderKind.PAID
        and snapshot.estimate is None
        and snapshot.price is None
    ):
        missing.append(N_("estimate"))
    return missing
