"""The handover manifest: what travels from one place to the other, signed at both ends."""

from __future__ import annotations

from pathlib import Path

from babel.dates import format_datetime
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from ..domain.handovers import Manifest
from . import base, fonts
from .base import CONTENT_WIDTH, Writer, fields_table, lines_table, signatures, table_style, text


def _moment(writer: Writer, value) -> str:
    return "—" if value is None else format_datetime(value, "d MMMM y, HH:mm", locale=writer.locale)


def _header(writer: Writer, manifest: Manifest) -> list[Flowable]:
    _ = writer._
    left = [text(manifest.source_name, "title"), text(manifest.source_address, "small")]
    right = [
        text(_("Handover manifest"), "section"),
        text(manifest.number, "number"),
        text(_moment(writer, manifest.prepared_at), "right"),
    ]
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1, base.colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [table, Spacer(1, 3 * mm)]


def _place(name: str, address: str) -> str:
    return f"{name}, {address}" if address else name


# An empty cell to write in by hand (text() would print a dash).
BLANK = "\u00a0"


def pages(writer: Writer, manifest: Manifest) -> list[list[Flowable]]:
    _ = writer._
    story = [
        *_header(writer, manifest),
        fields_table(
            [
                (_("From"), _place(manifest.source_name, manifest.source_address)),
                (_("To"), _place(manifest.destination_name, manifest.destination_address)),
                (_("Prepared by"), manifest.prepared_by),
                (
                    _("Sent"),
                    f"{_moment(writer, manifest.sent_at)} · {manifest.sent_by}"
                    if manifest.sent_at
                    else _("not sent yet"),
                ),
            ]
        ),
        text(_("Devices: %(count)s") % {"count": len(manifest.devices)}, "section"),
    ]
    if manifest.devices:
        story.append(
            lines_table(
                writer,
                [
                    [
                        str(index),
                        device.order_number,
                        device.device,
                        device.serial,
                        device.condition,
                        device.accessories or "—",
                        BLANK,
                    ]
                    for index, device in enumerate(manifest.devices, start=1)
                ],
                [
                    "#",
                    _("Order"),
                    _("Device"),
                    _("Serial"),
                    _("Condition"),
                    _("Accessories"),
                    _("Received"),
                ],
                [6 * mm, 32 * mm, 34 * mm, 26 * mm, CONTENT_WIDTH - 142 * mm, 24 * mm, 20 * mm],
            )
        )
    units = sum(part.quantity for part in manifest.parts)
    story.append(text(_("Parts: %(count)s") % {"count": units}, "section"))
    if manifest.parts:
        story.append(
            lines_table(
                writer,
                [
                    [str(index), part.sku, part.name, str(part.quantity), BLANK]
                    for index, part in enumerate(manifest.parts, start=1)
                ],
                ["#", _("SKU"), _("Part"), _("Qty"), _("Received")],
                [6 * mm, 34 * mm, CONTENT_WIDTH - 82 * mm, 21 * mm, 21 * mm],
            )
        )
    else:
        story.append(text(_("No parts.")))
    story += [
        Spacer(1, 4 * mm),
        text(
            _(
                "The receiver checks every device against this list (serial, condition, "
                "accessories) and notes any discrepancy in the Received column before signing."
            ),
            "small",
        ),
        signatures(writer, _("Handed over (sender)"), _("Received (receiver)")),
    ]
    return [story]


def render(manifest: Manifest, *, font_cache: Path) -> bytes:
    fonts.register(font_cache)
    writer = Writer(manifest)
    _ = writer._
    return base.render(
        pages(writer, manifest),
        title=_("Handover manifest"),
        number=manifest.number,
        footer=lambda page: _("page %(page)s") % {"page": page},
    )
