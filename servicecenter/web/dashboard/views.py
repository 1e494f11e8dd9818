"""The manager dashboard: figures of the network, a workshop or an office, with CSV files."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, abort, current_app, flash, render_template, request
from flask_login import current_user, login_required

from ...models._types import utcnow
from ...queries import dashboard as queries
from ...services.clock import local_date
from ..downloads import csv_download
from .forms import filter_args, parse_filter
from .panels import BY_NAME, PANELS, Figures

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


def _figures(*, say: bool) -> tuple[Figures, queries.Choices]:
    """The request's filter within the user's scope; what was wrong with it is flashed on the
    page (not on a download, where the word would wait for the next page)."""
    if not queries.may_view(current_user):
        abort(403)
    now = utcnow()
    choices = queries.list_choices(current_user)
    filters, problems = parse_filter(request.args, choices, today=local_date(now))
    if say:
        for problem in problems:
            flash(problem, "warning")
    return Figures(current_user, queries.scoped(current_user, filters), now), choices


@bp.get("")
@login_required
def index():
    figures, choices = _figures(say=True)
    panels = []
    for panel in PANELS:
        table = panel.table(figures)
        panels.append((panel, *table, panel.chart_data(figures, table)))
    return render_template(
        "dashboard/index.html",
        filters=figures.filters,
        args=filter_args(figures.filters),
        choices=choices,
        panels=panels,
        computed_at=figures.computed_at,
        refresh_seconds=current_app.config["FIGURES_CACHE_SECONDS"],
    )


@bp.get("/<name>.csv")
@login_required
def panel_csv(name: str):
    panel = BY_NAME.get(name) or abort(404)
    figures, _choices = _figures(say=False)
    header, body = panel.table(figures)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *body])
    filters = figures.filters
    return csv_download(buffer.getvalue(), f"{name}-{filters.start}-{filters.end}.csv")
