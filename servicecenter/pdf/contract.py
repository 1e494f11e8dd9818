"""The repair contract / intake receipt (квитанция-договор): two copies, office and customer."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from .base import Writer, fields_table, header, signatures, text


def pages(writer: Writer, number: str) -> list[list[Flowable]]:
    _ = writer._
    return [copy(writer, number, _("Office copy")), copy(writer, number, _("Customer copy"))]


def copy(writer: Writer, number: str, which: str) -> list[Flowable]:
    snap, _ = writer.snapshot, writer._
    price_rows = [(_("Kind of order"), snap.order_kind_label)]
    if snap.order_kind.is_free:
        price_rows.append((_("Price"), _("Free of charge for the customer (warranty repair)")))
        if snap.original_order_number:
            price_rows.append((_("Repeat repair of order"), snap.original_order_number))
    else:
        price_rows += [
            (
                _("Estimated price"),
                writer.money(snap.price if snap.price is not None else snap.estimate),
            ),
            (_("Repair without asking up to"), writer.money(snap.approval_limit or 0)),
        ]
    price_rows += [
        (
            _("Diagnostic fee (if the repair is declined or cannot be done)"),
            writer.money(snap.diagnostic_fee) if snap.diagnostic_fee else _("Free of charge"),
        ),
        (_("Prepayment received"), writer.money(snap.prepayment) if snap.prepayment else _("none")),
    ]
    story: list[Flowable] = [
        *header(writer, _("Repair contract and intake receipt") + " · " + which, number, qr=True),
        text(_("Customer"), "section"),
        fields_table([(_("Name"), snap.customer_name), (_("Phone"), snap.customer_phone)]),
        text(_("Device"), "section"),
        fields_table(
            [
                (_("Device"), f"{snap.device_category} {snap.device_brand} {snap.device_model}"),
                (_("Category"), snap.device_category),
                (_("Brand"), snap.device_brand),
                (_("Model"), snap.device_model),
                (_("Serial number or IMEI"), snap.device_serial),
                (_("Condition on intake"), snap.condition),
                (_("Accessories"), snap.accessories or _("none")),
                (_("Declared value"), writer.money(snap.declared_value)),
                (_("Customer's complaint"), snap.complaint),
            ]
        ),
        text(_("Work and price"), "section"),
        fields_table(price_rows),
        text(_("Dates"), "section"),
        fields_table(
            [
                (_("Accepted on"), writer.date(snap.received_on)),
                (_("Promised by"), writer.date(snap.promised_date)),
            ]
        ),
        text(_("Warranty"), "section"),
        text(
            _(
                "We guarantee our work for %(days)s days from the day you collect the device; "
                "each fitted part has the warranty stated on the warranty slip.",
            )
            % {"days": snap.labour_warranty_days},
            "body",
        ),
        text(
            _("Terms of the contract (version %(version)s)") % {"version": snap.terms_version},
            "section",
        ),
        text(snap.terms_text, "terms"),
        Spacer(1, 2 * mm),
        text(_("Check the status of your repair: %(url)s") % {"url": snap.status_url}, "small"),
        KeepTogether([signatures(writer, _("Accepted by (contractor)"), _("Customer"))]),
    ]
    return story
