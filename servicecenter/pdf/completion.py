"""The completion act / return statement: the dates and the work consumer law asks for."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from .base import CONTENT_WIDTH, Writer, fields_table, header, lines_table, signatures, text


def pages(writer: Writer, number: str) -> list[list[Flowable]]:
    snap, _ = writer.snapshot, writer._
    # Every priced line, services too: the act states what the amount below was paid for.
    rows = [
        [line.description, line.serial or "—", str(line.quantity), writer.money(line.total)]
        for line in snap.lines
    ]
    fitted = any(line.serial or line.warranty_days is not None for line in snap.lines)
    story = [
        *header(writer, _("Completion act"), number),
        fields_table(
            [
                (_("Customer"), snap.customer_name),
                (_("Device"), f"{snap.device_category} {snap.device_brand} {snap.device_model}"),
                (_("Serial number or IMEI"), snap.device_serial),
                (_("Kind of order"), snap.order_kind_label),
            ]
        ),
        text(_("Dates"), "section"),
        fields_table(
            [
                (_("Request and handing in"), writer.date(snap.received_on)),
                (_("Repair completed"), writer.date(snap.repaired_on)),
                (_("Returned to the customer"), writer.date(snap.returned_on)),
            ]
        ),
        text(_("What was found and done"), "section"),
        fields_table(
            [
                (_("Customer's complaint"), snap.complaint),
                (_("Diagnosis"), snap.diagnosis),
                (_("Work done"), snap.work_done or "—"),
                (_("Result"), snap.outcome_label),
            ]
        ),
        text(_("Work and parts"), "section"),
    ]
    if rows:
        story.append(
            lines_table(
                writer,
                rows,
                [_("Work or part"), _("Serial"), _("Qty"), _("Total")],
                [CONTENT_WIDTH - 85 * mm, 40 * mm, 15 * mm, 30 * mm],
            )
        )
    if not fitted:
        story.append(text(_("No parts were fitted.")))
    story += [
        text(_("Payment"), "section"),
        fields_table(
            [
                (_("Amount for the repair"), writer.money(snap.charged)),
                (_("Paid"), writer.money(snap.paid)),
            ]
        ),
        Spacer(1, 3 * mm),
        text(
            _(
                "The customer has received the device, checked its condition and completeness, and "
                "has no claims about the appearance of the device."
            ),
            "body",
        ),
        signatures(writer, _("Handed over (contractor)"), _("Received (customer)")),
    ]
    return [story]
