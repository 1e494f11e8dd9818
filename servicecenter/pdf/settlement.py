"""A partner workshop's monthly settlement: the orders it completed and what the network owes."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from ..domain.settlements import Reason, Sheet
from .base import (
    CONTENT_WIDTH,
    Writer,
    fields_table,
    lines_table,
    signatures,
    table_style,
    text,
)

# Order number (with the reason of a reduced line), completed, labour, share, labour due,
# units supplied by the network, the workshop's own parts (units and amount).
WIDTHS = [36 * mm, 23 * mm, 26 * mm, 13 * mm, 26 * mm, 18 * mm]
WIDTHS.append(CONTENT_WIDTH - sum(WIDTHS))
AMOUNTS = frozenset({2, 3, 4, 5, 6})


def period(writer: Writer, year: int, month: int) -> str:
    """The month as a calendar heads it: "September 2026", "Сентябрь 2026"."""
    name = format_date(date(year, month, 1), "LLLL y", locale=writer.locale)
    return name[:1].upper() + name[1:]


def _header(writer: Writer, sheet: Sheet) -> list[Flowable]:
    _ = writer._
    left = [text(_("Partner settlement"), "title"), text(period(writer, sheet.year, sheet.month))]
    right = [text(sheet.number, "number")]
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH * 0.5] * 2)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [table, Spacer(1, 3 * mm)]


def _reason(writer: Writer, reason: Reason) -> str:
    _ = writer._
    return {
        Reason.NONE: "",
        Reason.NO_CONTRACT: _("no contract"),
        Reason.OWN_REPEAT: _("repeat repair of its own work"),
        Reason.NOT_REPAIRED: _("not repaired: diagnostic fee"),
        Reason.NO_LABOUR: _("no work priced"),
    }[reason]


def pages(writer: Writer) -> list[list[Flowable]]:
    sheet: Sheet = writer.snapshot
    _ = writer._
    totals = sheet.totals
    if sheet.draft:
        status = _("Draft: figures as of today, not confirmed")
    else:
        status = _("Confirmed on %(date)s by %(name)s") % {
            "date": writer.date(sheet.confirmed_on),
            "name": sheet.confirmed_by,
        }
    rows = []
    for line in sheet.lines:
        reason = _reason(writer, line.reason)
        rows.append(
            [
                f"{line.number}\n{reason}" if reason else line.number,
                format_date(line.completed_on, "dd.MM.y", locale=writer.locale),
                writer.money(line.labour),
                f"{line.share_percent} %",
                writer.money(line.labour_due),
                str(line.network_units),
                f"{line.workshop_units} · {writer.money(line.workshop_parts)}"
                if line.workshop_units
                else "0",
            ]
        )
    network_side = _("For the network: %(name)s") % {"name": sheet.network_name or "—"}
    workshop_side = _("For the partner workshop: %(name)s") % {"name": sheet.workshop_name}
    story = [
        *_header(writer, sheet),
        fields_table(
            [
                (_("The network"), sheet.network_name or "—"),
                (_("Tax id"), sheet.network_tax_id or "—"),
                (_("Partner workshop"), sheet.workshop_name),
                (_("Contract and labour share"), ", ".join(sheet.contracts) or _("no contract")),
                (_("Settlement period"), period(writer, sheet.year, sheet.month)),
                (_("Status"), status),
            ]
        ),
        text(_("Orders completed"), "section"),
        lines_table(
            writer,
            rows,
            [
                _("Order"),
                _("Completed"),
                _("Labour"),
                _("Share"),
                _("Labour due"),
                _("Network parts"),
                _("Workshop parts"),
            ],
            WIDTHS,
            right=AMOUNTS,
        ),
        text(_("Totals"), "section"),
        fields_table(
            [
                (_("Orders"), str(totals.orders)),
                (_("Labour"), writer.money(totals.labour)),
                (_("Labour due"), writer.money(totals.labour_due)),
                (_("Parts supplied by the network (units, not paid)"), str(totals.network_units)),
                (
                    _("Parts supplied by the workshop, at catalogue cost"),
                    f"{totals.workshop_units} · {writer.money(totals.workshop_parts)}",
                ),
                (_("Total due to the workshop"), writer.money(totals.total_due)),
            ],
            label_width=80 * mm,
        ),
        Spacer(1, 3 * mm),
        text(
            _(
                "Labour due is the workshop's share of each order's labour, rounded half up for "
                "each order. Parts the network supplied are listed and not paid; parts the "
                "workshop bought itself are reimbursed at catalogue cost."
            ),
            "small",
        ),
        signatures(writer, network_side, workshop_side),
    ]
    return [story]
