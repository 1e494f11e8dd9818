"""The quote: what the diagnosis found, what it costs, how to approve or decline."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from .base import CONTENT_WIDTH, Writer, fields_table, header, lines_table, signatures, text


def pages(writer: Writer, number: str) -> list[list[Flowable]]:
    snap, _ = writer.snapshot, writer._
    rows = [
        [
            line.description,
            str(line.quantity),
            writer.money(line.unit_price),
            writer.money(line.total),
        ]
        for line in snap.lines
    ]
    return [
        [
            *header(writer, _("Quote"), number, qr=True),
            fields_table(
                [
                    (_("Customer"), snap.customer_name),
                    (
                        _("Device"),
                        f"{snap.device_brand} {snap.device_model} · {snap.device_serial}",
                    ),
                    (_("Customer's complaint"), snap.complaint),
                    (_("Diagnosis"), snap.diagnosis),
                ]
            ),
            text(_("Proposed work"), "section"),
            lines_table(
                writer,
                rows,
                [_("Work"), _("Qty"), _("Price"), _("Total")],
                [CONTENT_WIDTH - 75 * mm, 15 * mm, 30 * mm, 30 * mm],
            ),
            fields_table(
                [
                    (_("Total"), writer.money(snap.price)),
                    (_("Prepayment received"), writer.money(snap.prepayment)),
                    (_("Promised by"), writer.date(snap.promised_date)),
                ]
            ),
            text(_("How to answer"), "section"),
            text(
                _(
                    "Approve or decline this quote on the status page (scan the code or open "
                    "%(url)s), by phone or at the office. Nothing above the approved amount is "
                    "done without asking you. If you decline, you collect the device unrepaired."
                )
                % {"url": snap.status_url}
            ),
            signatures(writer, _("Contractor"), _("Customer: approved / declined")),
        ]
    ]
