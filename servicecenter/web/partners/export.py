"""CSV files of the partner pages: the figures of a year, the lines of a settlement."""

from __future__ import annotations

import csv
import io

from flask import Response
from flask_babel import gettext

from ... import labels
from ...domain.money import to_decimal
from ...queries.partners import Figures, PartnerYear, Statement
from ..downloads import csv_download


def csv_response(rows: list[list[object]], filename: str) -> Response:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return csv_download(buffer.getvalue(), filename)


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}"


def _figures_row(figures: Figures) -> list[object]:
    return [
        figures.received,
        figures.refused,
        _percent(figures.refusal_rate),
        figures.completed,
        "" if figures.turnaround_days is None else f"{figures.turnaround_days:.1f}",
        _percent(figures.on_time_rate),
        _percent(figures.repeat_rate),
    ]


def figures_rows(partners: list[PartnerYear], year: int) -> list[list[object]]:
    header = [
        gettext("Workshop"),
        gettext("Month"),
        gettext("Taken on"),
        gettext("Refused"),
        gettext("Refusal rate (%)"),
        gettext("Completed"),
        gettext("Average turnaround (days)"),
        gettext("On time (%)"),
        gettext("Repeat repairs (%)"),
    ]
    rows: list[list[object]] = [header]
    for partner in partners:
        for month, figures in partner.months.items():
            rows.append([partner.workshop.name, f"{year:04d}-{month:02d}", *_figures_row(figures)])
        rows.append([partner.workshop.name, f"{year:04d}", *_figures_row(partner.year_total)])
    return rows


def settlement_rows(statement: Statement) -> list[list[object]]:
    rows: list[list[object]] = [
        [
            gettext("Order"),
            gettext("Completed"),
            gettext("Contract"),
            gettext("Labour"),
            gettext("Share (%)"),
            gettext("Labour due"),
            gettext("Network parts (units)"),
            gettext("Workshop parts (units)"),
            gettext("Workshop parts (amount)"),
            gettext("Due"),
            gettext("Note"),
        ]
    ]
    for line in statement.lines:
        rows.append(
            [
                line.number,
                line.completed_on.isoformat(),
                line.contract_number or "",
                to_decimal(line.labour),
                line.share_percent,
                to_decimal(line.labour_due),
                line.network_units,
                line.workshop_units,
                to_decimal(line.workshop_parts),
                to_decimal(line.due),
                str(labels.SETTLEMENT_REASON.get(line.reason, "")),
            ]
        )
    totals = statement.totals
    rows.append(
        [
            gettext("Total"),
            "",
            "",
            to_decimal(totals.labour),
            "",
            to_decimal(totals.labour_due),
            totals.network_units,
            totals.workshop_units,
            to_decimal(totals.workshop_parts),
            to_decimal(totals.total_due),
            "",
        ]
    )
    return rows
