"""The warranty slip (гарантийный талон): periods for labour and each part, conditions."""

from __future__ import annotations

from datetime import timedelta

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from .base import CONTENT_WIDTH, Writer, fields_table, header, lines_table, signatures, text


def pages(writer: Writer, number: str) -> list[list[Flowable]]:
    snap, _ = writer.snapshot, writer._
    rows = [
        [
            _("Labour: %(work)s") % {"work": snap.work_done},
            writer.date(snap.warranty_start),
            writer.date(snap.warranty_end),
        ]
    ]
    for line in snap.lines:
        if line.warranty_days is not None and snap.warranty_start is not None:
            end = snap.warranty_start + timedelta(days=line.warranty_days)
            label = f"{line.description} ({line.serial})" if line.serial else line.description
            rows.append([label, writer.date(snap.warranty_start), writer.date(end)])
    story = [
        *header(writer, _("Warranty slip"), number),
        fields_table(
            [
                (_("Customer"), snap.customer_name),
                (_("Device"), f"{snap.device_category} {snap.device_brand} {snap.device_model}"),
                (_("Serial number or IMEI"), snap.device_serial),
                (_("Collected on"), writer.date(snap.returned_on)),
            ]
        ),
    ]
    if snap.original_order_number:
        story.append(
            text(
                _(
                    "Repeat repair under the warranty of order %(number)s. The original warranty "
                    "is not restarted: it ends on %(date)s."
                )
                % {
                    "number": snap.original_order_number,
                    "date": writer.date(snap.original_warranty_end),
                },
                "value",
            )
        )
    story += [
        text(_("Warranty periods"), "section"),
        lines_table(
            writer,
            rows,
            [_("Work or part"), _("From"), _("Until")],
            [CONTENT_WIDTH - 70 * mm, 35 * mm, 35 * mm],
        ),
        text(
            _("Conditions and exclusions (version %(version)s)")
            % {"version": snap.warranty_version},
            "section",
        ),
        text(snap.warranty_text, "terms"),
        signatures(writer, _("Contractor"), _("Customer")),
    ]
    return [story]
