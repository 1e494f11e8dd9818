"""Named values shared by the domain, the models and the UI; stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    RECEPTIONIST = "receptionist"
    MANAGER = "manager"  # workshop manager
    TECHNICIAN = "technician"

    @property
    def is_workshop_staff(self) -> bool:
        return self in (Role.MANAGER, Role.TECHNICIAN)

    @property
    def is_office_staff(self) -> bool:
        return self is Role.RECEPTIONIST


class OrderStatus(StrEnum):
    RECEIVED = "received"
    TO_WORKSHOP = "to_workshop"
    DIAGNOSING = "diagnosing"
    AWAITING_APPROVAL = "awaiting_approval"
    AWAITING_PARTS = "awaiting_parts"
    IN_REPAIR = "in_repair"
    REPAIRED = "repaired"
    TO_OFFICE = "to_office"
    READY = "ready"
    COLLECTED = "collected"
    CANCELLED = "cancelled"


class OrderKind(StrEnum):
    PAID = "paid"
    WARRANTY = "warranty"  # manufacturer's warranty
    REPEAT = "repeat"  # under our own repair warranty, linked to the earlier order

    @property
    def is_free(self) -> bool:
        return self is not OrderKind.PAID


class Outcome(StrEnum):
    REPAIRED = "repaired"
    NOT_REPAIRED = "not_repaired"


class CustomerKind(StrEnum):
    INDIVIDUAL = "individual"
    COMPANY = "company"


class DeviceCategory(StrEnum):
    PHONE = "phone"
    TABLET = "tablet"
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    TV = "tv"
    AUDIO = "audio"
    CAMERA = "camera"
    APPLIANCE = "appliance"
    OTHER = "other"


class WorkshopKind(StrEnum):
    OWN = "own"
    PARTNER = "partner"


class PaymentKind(StrEnum):
    PREPAYMENT = "prepayment"
    FINAL = "final"
    REFUND = "refund"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"
