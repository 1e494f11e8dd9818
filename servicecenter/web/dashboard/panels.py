"""The dashboard's panels: for each, its query, its table's columns and cells, and its chart.

The page's table, the CSV file and the chart's data are all made here from the same rows of
the same query function, so the three cannot disagree. A new panel is one more query function
in queries/dashboard.py and one more `Panel` in PANELS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from ... import labels
from ...domain.money import to_decimal
from ...domain.stock import LineKind
from ...models import User
from ...queries import dashboard as q
from ...queries.remembered import remember


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _days(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _money(minor: int) -> str:
    return str(to_decimal(minor))


def _one_decimal(value: float | None, *, digits: int = 1) -> str:
    """A chart-readable average (a dot, no grouping): empty when there is nothing to average."""
    return "" if value is None else f"{value:.{digits}f}"


def _number(text: str) -> float | None:
    """A table cell back as a chart's number (an empty cell is a gap in the chart)."""
    return float(text) if text else None


class Figures:
    """The query results of one request, each computed once whichever panels read it, and kept
    for everyone of the same scope for a minute (queries.remembered): the page, its charts and
    its CSV files show the same figures, computed at `computed_at`."""

    def __init__(self, user: User, filters: q.DashboardFilter, now: datetime) -> None:
        self.user, self.filters, self.now = user, filters, now
        self.computed_at: datetime | None = None  # of the oldest figures read
        self._found: dict[str, Any] = {}
        self._split: q.Split | None = None
        self._key = f"dashboard:{q.scope_key(user)}:{_filter_key(filters)}"

    def get(self, name: str, load: Callable[[], Any]) -> Any:
        if name not in self._found:
            kept = remember(f"{self._key}:{name}", load)
            self._found[name] = kept.value
            if self.computed_at is None or kept.computed_at < self.computed_at:
                self.computed_at = kept.computed_at
        return self._found[name]

    def over_period(self, name: str, query: Callable[..., Any]) -> Any:
        """A panel over the filter's days (which of them the rollup holds asked once)."""
        return self.get(name, lambda: query(self.user, self.filters, split=self.split()))

    def split(self) -> q.Split:
        if self._split is None:
            self._split = q.split_days(self.filters)
        return self._split


def _filter_key(filters: q.DashboardFilter) -> str:
    return ":".join(
        str(value)
        for value in (
            filters.start,
            filters.end,
            filters.office_id,
            filters.workshop_id,
            filters.technician_id,
            filters.category,
        )
    )


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar", "line" or "doughnut"
    label_column: int  # the column whose cells name the points
    value_columns: tuple[int, ...]  # one series per column
    stacked: bool = False
    horizontal: bool = False
    percent: bool = False


@dataclass(frozen=True)
class Panel:
    name: str  # the CSV's address: /dashboard/<name>.csv
    title: Any
    note: Any
    columns: Callable[[q.DashboardFilter], list[Any]]
    rows: Callable[[Figures], list[Any]]
    cells: Callable[[Any], list[str]]
    chart: Chart | None = None
    width: int = 6  # of Bootstrap's 12 columns on a wide screen

    def table(self, figures: Figures) -> tuple[list[str], list[list[str]]]:
        """The header and the cells, as the page shows them and the CSV file holds them."""
        header = [str(column) for column in self.columns(figures.filters)]
        return header, [self.cells(row) for row in self.rows(figures)]

    def chart_data(self, figures: Figures, table: tuple[list[str], list[list[str]]]) -> dict | None:
        """What dashboard.js draws: the chart's labels and series, read off the table."""
        chart = self.chart
        if chart is None:
            return None
        header, body = table
        # a total row is in the table, not among the chart's bars
        rows = self.rows(figures)
        body = [cells for row, cells in zip(rows, body, strict=True) if not _is_total(row)]
        return {
            "kind": chart.kind,
            "stacked": chart.stacked,
            "horizontal": chart.horizontal,
            "percent": chart.percent,
            "labels": [cells[chart.label_column] for cells in body],
            "series": [
                {"label": header[column], "data": [_number(cells[column]) for cells in body]}
                for column in chart.value_columns
            ],
        }


def _period_column(filters: q.DashboardFilter) -> Any:
    return {q.Unit.DAY: _l("Day"), q.Unit.WEEK: _l("Week from"), q.Unit.MONTH: _l("Month")}[
        filters.unit
    ]


def _is_total(row) -> bool:
    return getattr(row, "workshop", None) == ""


def _total(name: str) -> str:
    """The name cell of a row of workshops: the total row has none."""
    return name or str(_l("Total"))


AGE_COLUMNS = [
    _l("0–2 days"),
    _l("3–7 days"),
    _l("8–14 days"),
    _l("15–30 days"),
    _l("over 30 days"),
]


PANELS: list[Panel] = [
    Panel(
        name="open",
        title=_l("Open orders by status and age"),
        note=_l("Now, whatever the period: days since intake."),
        columns=lambda f: [_l("Status"), _l("Open"), *AGE_COLUMNS],
        rows=lambda fig: fig.get("open", lambda: q.open_orders(fig.user, fig.filters, fig.now)),
        cells=lambda row: [str(labels.STATUS[row.status]), str(row.total), *map(str, row.ages)],
        chart=Chart("bar", 0, (2, 3, 4, 5, 6), stacked=True, horizontal=True),
    ),
    Panel(
        name="overdue",
        title=_l("Overdue and at risk"),
        note=_l("Now: not ready by the promised date, or promised within two days."),
        columns=lambda f: [_l("Workshop"), _l("Overdue"), _l("At risk")],
        rows=lambda fig: fig.get(
            "overdue", lambda: q.overdue_by_workshop(fig.user, fig.filters, fig.now)
        ),
        cells=lambda row: [row.workshop, str(row.overdue), str(row.at_risk)],
        chart=Chart("bar", 0, (1, 2), stacked=True),
    ),
    Panel(
        name="overdue-orders",
        title=_l("Overdue orders"),
        note=_l("The most overdue first, then those at risk (at most 100)."),
        columns=lambda f: [
            _l("Order"),
            _l("Status"),
            _l("Workshop"),
            _l("Promised"),
            _l("Days late"),
        ],
        rows=lambda fig: fig.get(
            "overdue_orders", lambda: q.list_overdue_orders(fig.user, fig.filters, fig.now)
        ),
        cells=lambda row: [
            row.number,
            str(labels.STATUS[row.status]),
            row.workshop,
            row.promised_date.isoformat(),
            str(row.days_late),
        ],
        width=12,
    ),
    Panel(
        name="flow",
        title=_l("Received and completed per day"),
        note=_l("Orders received, made ready and collected each day of the period."),
        columns=lambda f: [_l("Day"), _l("Received"), _l("Made ready"), _l("Collected")],
        rows=lambda fig: fig.over_period("flow", q.daily_flow),
        cells=lambda row: [
            row.day.isoformat(),
            str(row.received),
            str(row.completed),
            str(row.collected),
        ],
        chart=Chart("line", 0, (1, 2, 3)),
        width=12,
    ),
    Panel(
        name="turnaround",
        title=_l("Turnaround"),
        note=_l(
            "Average days from intake to ready (orders made ready in the period) and to "
            "collection (orders collected in it)."
        ),
        columns=lambda f: [
            _l("Workshop"),
            _l("Made ready"),
            _l("Days to ready"),
            _l("Collected"),
            _l("Days to collection"),
        ],
        rows=lambda fig: fig.over_period("turnaround", q.turnaround),
        cells=lambda row: [
            _total(row.workshop),
            str(row.completed),
            _days(row.ready_days),
            str(row.collected),
            _days(row.collected_days),
        ],
        chart=Chart("bar", 0, (2, 4)),
    ),
    Panel(
        name="on-time",
        title=_l("On time"),
        note=_l("Of the orders made ready, the share ready by the promised date."),
        columns=lambda f: [_period_column(f), _l("Made ready"), _l("On time"), _l("On time (%)")],
        rows=lambda fig: fig.over_period("on_time", q.on_time),
        cells=lambda row: [
            row.first.isoformat(),
            str(row.completed),
            str(row.on_time),
            _rate(row.rate),
        ],
        chart=Chart("line", 0, (3,), percent=True),
    ),
    Panel(
        name="time-in-status",
        title=_l("Time in each status"),
        note=_l(
            "Average days the stays in each status that ended in the period lasted "
            "(stays not over yet are left out)."
        ),
        columns=lambda f: [_l("Status"), _l("Stays"), _l("Average days")],
        rows=lambda fig: fig.over_period("time_in_status", q.time_in_status),
        cells=lambda row: [
            str(labels.STATUS[row.status]),
            str(row.intervals),
            _days(row.average_days),
        ],
        chart=Chart("bar", 0, (2,), horizontal=True),
    ),
    Panel(
        name="repeats",
        title=_l("Repeat repairs"),
        note=_l(
            "Of the devices repaired in the period, the share that came back under our "
            "repair warranty."
        ),
        columns=lambda f: [
            _l("Workshop"),
            _l("Repaired"),
            _l("Came back"),
            _l("Repeat rate (%)"),
        ],
        rows=lambda fig: fig.over_period("repeats", q.repeat_rate),
        cells=lambda row: [
            _total(row.workshop),
            str(row.repaired),
            str(row.came_back),
            _rate(row.rate),
        ],
        chart=Chart("bar", 0, (3,), percent=True),
    ),
    Panel(
        name="revenue",
        title=_l("Revenue and warranty work"),
        note=_l(
            "Payments taken less refunds, against the value of the work done free under "
            "warranty (its services and the cost of its parts)."
        ),
        columns=lambda f: [
            _period_column(f),
            _l("Paid"),
            _l("Refunded"),
            _l("Net"),
            _l("Warranty orders"),
            _l("Warranty labour"),
            _l("Warranty parts"),
            _l("Warranty value"),
        ],
        rows=lambda fig: fig.over_period("revenue", q.revenue),
        cells=lambda row: [
            row.first.isoformat(),
            _money(row.paid),
            _money(row.refunded),
            _money(row.net),
            str(row.warranty_orders),
            _money(row.warranty_labour),
            _money(row.warranty_parts),
            _money(row.warranty_value),
        ],
        chart=Chart("bar", 0, (3, 7)),
        width=12,
    ),
    Panel(
        name="categories",
        title=_l("Device categories"),
        note=_l("Orders received in the period per kind of device."),
        columns=lambda f: [_l("Category"), _l("Orders")],
        rows=lambda fig: fig.over_period("categories", q.categories)[0],
        cells=lambda row: [str(labels.CATEGORY[row.category]), str(row.orders)],
        chart=Chart("doughnut", 0, (1,)),
        width=4,
    ),
    Panel(
        name="brands",
        title=_l("Top brands"),
        note=_l("The brands most often brought in, per category."),
        columns=lambda f: [_l("Category"), _l("Brand"), _l("Orders")],
        rows=lambda fig: fig.over_period("categories", q.categories)[1],
        cells=lambda row: [str(labels.CATEGORY[row.category]), row.brand, str(row.orders)],
        chart=Chart("bar", 1, (2,), horizontal=True),
        width=4,
    ),
    Panel(
        name="repairs",
        title=_l("Most frequent repairs"),
        note=_l("Services done and parts fitted on the orders made ready in the period."),
        columns=lambda f: [_l("Kind"), _l("Service or part"), _l("Orders"), _l("Units")],
        rows=lambda fig: fig.over_period("repairs", q.frequent_repairs),
        cells=lambda row: [
            str(_l("Service") if row.kind is LineKind.SERVICE else _l("Part")),
            row.description,
            str(row.orders),
            str(row.units),
        ],
        chart=Chart("bar", 1, (2,), horizontal=True),
        width=4,
    ),
    Panel(
        name="satisfaction",
        title=_l("Satisfaction, recommendation and effort"),
        note=_l(
            "Ratings given in the period: satisfaction and ease 1–5 (averages), net promoter "
            "score −100 to 100 (% would recommend 9–10 less % 0–6)."
        ),
        columns=lambda f: [
            _period_column(f),
            _l("Ratings"),
            _l("Satisfaction"),
            _l("Net promoter score"),
            _l("Ease"),
            _l("Low ratings"),
        ],
        rows=lambda fig: fig.over_period("satisfaction", q.satisfaction),
        cells=lambda row: [
            row.first.isoformat(),
            str(row.responses),
            _one_decimal(row.csat),
            _one_decimal(row.nps, digits=0),
            _one_decimal(row.effort),
            str(row.low),
        ],
        chart=Chart("line", 0, (2, 4)),
        width=8,
    ),
    Panel(
        name="follow-ups",
        title=_l("Follow-ups after low ratings"),
        note=_l("Open now, and closed in the period with the days it took, per office."),
        columns=lambda f: [_l("Office"), _l("Open now"), _l("Closed"), _l("Days to close")],
        rows=lambda fig: fig.over_period("follow-ups", q.follow_ups),
        cells=lambda row: [
            _total(row.office),
            str(row.open_now),
            str(row.closed),
            _days(row.days_to_close),
        ],
        chart=Chart("bar", 0, (1,)),
        width=4,
    ),
]

BY_NAME = {panel.name: panel for panel in PANELS}
