"""Issuing documents: snapshot the order, check it is complete, render, number and store.

A print whose data has not changed returns the stored bytes of the last version (a reprint is
identical to the original); changed data makes a new version with a new number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from .. import labels, pdf
from ..domain import warranty
from ..domain.documents import (
    Contractor,
    DocumentKind,
    Line,
    MissingDocumentFields,
    Snapshot,
    check_issuable,
    document_number,
    missing_fields,
)
from ..domain.enums import OrderStatus, PaymentKind
from ..domain.handovers import Manifest, ManifestDevice, ManifestPart
from ..domain.stock import LineKind, split_serials
from ..domain.texts import TextKind
from ..extensions import db
from ..models import Document, Handover, OrderLine, RepairOrder, User
from ..models._types import utcnow
from ..pdf import manifest as manifest_pdf
from . import order_lines
from .clock import local_date, local_zone
from .links import public_url
from .texts import current_text


def _local(moment: datetime | None):
    return local_date(moment) if moment else None


def _status_changed_on(order: RepairOrder, status: OrderStatus):
    for change in reversed(order.history):
        if change.to_status is status:
            return local_date(change.created_at)
    return None


def _part_warranty_days(line: OrderLine, start, labour_days: int) -> int:
    """Days of a fitted part's own warranty: its months counted on the calendar from the day the
    warranty starts (30 days a month until that day is known). A part with no period of its own
    is covered as part of the work, for the labour warranty."""
    months = line.warranty_months
    if not months:
        return labour_days
    if start is None:
        return months * 30
    return (warranty.add_months(start, months) - start).days


def _lines(order: RepairOrder, work: str, start, labour_days: int) -> tuple[Line, ...]:
    """The priced lines: the order's live services and parts, with the parts' serial numbers
    and warranty; an order without lines shows its work as one line at its price."""
    lines = order_lines.lines_of(order)
    if not lines:
        return (Line(work, 1, order.price),) if order.price is not None and work else ()
    return tuple(
        Line(line.description, line.quantity, line.unit_price)
        if line.kind is LineKind.SERVICE
        else Line(
            line.description,
            line.quantity,
            line.unit_price,
            serial=", ".join(split_serials(line.serials)),
            warranty_days=_part_warranty_days(line, start, labour_days),
        )
        for line in lines
        if line.is_live
    )


def status_url(tracking_token: str) -> str:
    """The customer's own status page of an order: printed as a QR code, sent in messages."""
    return public_url("status.by_token", token=tracking_token)


def feedback_url(tracking_token: str) -> str:
    """The survey of an order: its status link's rating form (web.status.feedback)."""
    return public_url("status.feedback", token=tracking_token)


def snapshot(order: RepairOrder, kind: DocumentKind) -> Snapshot:
    """Everything the document shows, in the office's language, frozen now.

    Expects the order loaded with its history and payments (queries.orders.get_order_for).
    """
    config = current_app.config
    office = order.office
    locale = office.locale if office.locale in config["LANGUAGES"] else "en"
    terms = current_text(office, TextKind.CONTRACT_TERMS, locale)
    conditions = current_text(office, TextKind.WARRANTY_CONDITIONS, locale)
    paid = sum(p.signed_amount for p in order.payments)
    prepayment = sum(p.amount for p in order.payments if p.kind is PaymentKind.PREPAYMENT)
    days = config["REPAIR_WARRANTY_DAYS"]
    returned_on = _local(order.collected_at)
    warranty_end = warranty.repair_warranty_end(returned_on, days) if returned_on else None
    original = order.original_order
    original_end = (
        warranty.repair_warranty_end(_local(original.collected_at), days)
        if original is not None and original.collected_at
        else None
    )
    if original_end is not None:
        warranty_end = original_end  # a repeat repair does not restart the original period
    with force_locale(locale):
        category = str(labels.CATEGORY[order.device.category])
        kind_label = str(labels.KIND[order.kind])
        outcome_label = str(labels.OUTCOME[order.outcome]) if order.outcome else ""
    lines = _lines(order, order.work_done or order.diagnosis, returned_on, days)
    return Snapshot(
        kind=kind,
        locale=locale,
        currency=config["CURRENCY"],
        order_number=order.number,
        status_url=status_url(order.tracking_token),
        contractor=Contractor(
            name=office.name,
            legal_name=office.legal_name,
            tax_id=office.tax_id,
            address=office.address,
            phone=office.phone,
            hours=office.hours,
        ),
        customer_name=order.customer.name,
        customer_phone=order.customer.phone,
        device_category=category,
        device_brand=order.device.brand,
        device_model=order.device.model,
        device_serial=order.device.serial,
        condition=order.condition,
        accessories=order.accessories,
        declared_value=order.declared_value,
        complaint=order.complaint,
        order_kind=order.kind,
        order_kind_label=kind_label,
        estimate=order.estimate,
        approval_limit=order.approval_limit,
        diagnostic_fee=order.diagnostic_fee,
        prepayment=prepayment,
        price=order.price,
        charged=order.amount_charged,
        paid=paid,
        received_on=local_date(order.received_at),
        promised_date=order.promised_date,
        diagnosis=order.diagnosis,
        work_done=order.work_done,
        outcome=order.outcome,
        outcome_label=outcome_label,
        repaired_on=_status_changed_on(order, OrderStatus.REPAIRED) or _local(order.ready_at),
        returned_on=returned_on,
        lines=lines,
        labour_warranty_days=days,
        warranty_start=returned_on,
        warranty_end=warranty_end,
        original_order_number=original.number if original is not None else None,
        original_warranty_end=original_end,
        terms_text=terms.body,
        terms_version=terms.version,
        warranty_text=conditions.body,
        warranty_version=conditions.version,
    )


def latest(order: RepairOrder, kind: DocumentKind) -> Document | None:
    return db.session.execute(
        sa.select(Document)
        .where(Document.order_id == order.id, Document.kind == kind)
        .order_by(Document.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def font_cache() -> Path:
    return Path(current_app.instance_path) / "fonts"


@dataclass(frozen=True)
class Drawn:
    """A new version's PDF, drawn before the transaction that stores it (`issue`'s `drawn`)."""

    number: str
    content_hash: str
    content: bytes


@dataclass(frozen=True)
class _NewVersion:
    data: Snapshot
    version: int
    number: str
    content_hash: str


def _current_or_new(order: RepairOrder, kind: DocumentKind) -> Document | _NewVersion:
    check_issuable(kind, order.status, order.kind, order.outcome, order.price)
    data = snapshot(order, kind)
    missing = missing_fields(data)
    if missing:
        raise MissingDocumentFields(missing)
    previous = latest(order, kind)
    content_hash = data.content_hash()
    if previous is not None and previous.content_hash == content_hash:
        return previous
    version = previous.version + 1 if previous else 1
    return _NewVersion(data, version, document_number(order.number, kind, version), content_hash)


def current_or_drawn(order: RepairOrder, kind: DocumentKind) -> Document | Drawn:
    """The stored document if nothing changed, else the new version drawn but not stored.

    Reads only: the drawing (tens of milliseconds) is done here, before `issue` is called in a
    writer's transaction, so it does not hold SQLite's write lock. Raises as `issue` does.
    """
    found = _current_or_new(order, kind)
    if isinstance(found, Document):
        return found
    content = pdf.render(found.data, found.number, font_cache=font_cache())
    return Drawn(found.number, found.content_hash, content)


def issue(
    order: RepairOrder,
    kind: DocumentKind,
    *,
    actor: User,
    now: datetime | None = None,
    drawn: Drawn | None = None,
) -> Document:
    """The current document of this kind: the stored one if nothing changed, else a new version.

    `drawn` is the new version as `current_or_drawn` drew it: stored as it is when the order is
    still as it was drawn, drawn again if it changed meanwhile.

    Raises NotIssuable before the order reaches the document's moment, and MissingDocumentFields
    naming what must be filled in first.
    """
    found = _current_or_new(order, kind)
    if isinstance(found, Document):
        return found
    if drawn is not None and (drawn.number, drawn.content_hash) == (
        found.number,
        found.content_hash,
    ):
        content = drawn.content
    else:
        content = pdf.render(found.data, found.number, font_cache=font_cache())
    data = found.data
    document = Document(
        order_id=order.id,
        kind=kind,
        version=found.version,
        number=found.number,
        locale=data.locale,
        content_hash=found.content_hash,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        terms_version=data.terms_version if kind is DocumentKind.CONTRACT else None,
        warranty_version=data.warranty_version if kind is DocumentKind.WARRANTY else None,
        issued_by_id=actor.id,
        issued_at=now or utcnow(),
    )
    db.session.add(document)
    db.session.flush()
    return document


def get_version(order: RepairOrder, kind: DocumentKind, version: int) -> Document | None:
    return db.session.execute(
        sa.select(Document).where(
            Document.order_id == order.id, Document.kind == kind, Document.version == version
        )
    ).scalar_one_or_none()


def handover_manifest(handover: Handover) -> bytes:
    """The manifest of a handover as PDF, in its office's language. Not stored: it is drawn from
    the handover's own frozen rows (devices as packed), so a reprint gives the same bytes.

    Expects the handover loaded with its items (queries.handovers.get_handover_for).
    """
    config = current_app.config
    office = handover.office
    locale = office.locale if office.locale in config["LANGUAGES"] else "en"
    source, destination = handover.ends
    with force_locale(locale):
        devices = tuple(
            ManifestDevice(
                order_number=item.order.number,
                device=f"{labels.CATEGORY[item.order.device.category]} {item.device}",
                serial=item.serial,
                condition=item.condition,
                accessories=item.accessories,
            )
            for item in handover.items
            if item.order is not None
        )
    zone = local_zone()
    manifest = Manifest(
        locale=locale,
        currency=config["CURRENCY"],
        number=handover.number,
        direction=handover.direction,
        source_name=source.name,
        source_address=source.address,
        destination_name=destination.name,
        destination_address=destination.address,
        prepared_at=handover.created_at.astimezone(zone),
        prepared_by=handover.created_by.name,
        sent_at=handover.sent_at.astimezone(zone) if handover.sent_at else None,
        sent_by=handover.sent_by.name if handover.sent_by else None,
        devices=devices,
        parts=tuple(
            ManifestPart(item.part.sku, item.part.name, item.quantity)
            for item in handover.items
            if item.part is not None
        ),
    )
    return manifest_pdf.render(manifest, font_cache=font_cache())
