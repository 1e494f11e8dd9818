"""Partner workshops' figures per month and their monthly settlements (admin and managers)."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_date, format_decimal, get_locale, gettext
from flask_login import current_user

from ...domain.enums import Role
from ...domain.errors import DomainError
from ...domain.settlements import next_month, settlement_number, valid_period
from ...extensions import db
from ...queries import partners as queries
from ...services import settlements
from ...services.clock import local_date
from ..access import roles_required
from ..errors import message_of
from .export import csv_response, figures_rows, settlement_rows
from .forms import ConfirmForm

bp = Blueprint("partners", __name__, url_prefix="/partners")

VIEWERS = (Role.ADMIN, Role.MANAGER)
LINES_PER_PAGE = 100


@bp.app_template_filter("rate")
def rate(value: float | None) -> str:
    """A share as a percentage with one decimal, "—" when there was nothing to divide."""
    return "—" if value is None else f"{format_decimal(value * 100, '#,##0.0')}\u00a0%"


@bp.app_template_global()
def month_name(year: int, month: int, *, with_year: bool = True) -> str:
    """The month as a calendar writes it on its own: "June 2026", "Июнь 2026"."""
    name = format_date(date(year, month, 1), "LLLL y" if with_year else "LLLL")
    return name[:1].upper() + name[1:]


@bp.app_template_filter("days")
def days(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, "#,##0.0")


def _year(*, say: bool = True) -> int:
    """The year asked for; this year for anything else (with a word about it on a page, not
    on a download, where the word would wait for the next page)."""
    raw = request.args.get("year", "").strip()
    this_year = local_date().year
    if not raw:
        return this_year
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else None
    if valid_period(year):
        return year
    message = gettext(
        "There is no year “%(value)s”: showing %(year)s.", value=raw[:20], year=this_year
    )
    if say:
        flash(message, "warning")
    return this_year


@bp.get("")
@roles_required(*VIEWERS)
def index():
    year = _year()
    today = local_date()
    return render_template(
        "partners/index.html",
        year=year,
        partners=queries.list_figures(current_user, year),
        current_month=(today.year, today.month),
    )


@bp.get("/figures.csv")
@roles_required(*VIEWERS)
def figures_csv():
    year = _year(say=False)
    rows = figures_rows(queries.list_figures(current_user, year), year)
    return csv_response(rows, f"partner-figures-{year}.csv")


# --- settlements ----------------------------------------------------------------------------


def _statement(workshop_id: int, year: int, month: int) -> queries.Statement:
    workshop = queries.get_partner_for(current_user, workshop_id) or abort(404)
    if not valid_period(year, month):
        abort(404)  # no such month, so no such settlement
    return queries.get_statement(workshop, year, month)


def _render(statement: queries.Statement, code: int = 200):
    lines = statement.lines
    pages = max((len(lines) + LINES_PER_PAGE - 1) // LINES_PER_PAGE, 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    year, month = statement.year, statement.month
    today = local_date()
    return render_template(
        "partners/settlement.html",
        statement=statement,
        number=settlement_number(statement.workshop.id, year, month),
        lines=lines[(page - 1) * LINES_PER_PAGE : page * LINES_PER_PAGE],
        page=page,
        pages=pages,
        previous=(year - 1, 12) if month == 1 else (year, month - 1),
        following=next_month(year, month),
        month_over=(today.year, today.month) > (year, month),
        may_confirm=current_user.role is Role.ADMIN and not statement.confirmed,
        form=ConfirmForm(formdata=None),
    ), code


@bp.get("/<int:workshop_id>/<int:year>/<int:month>")
@roles_required(*VIEWERS)
def settlement(workshop_id: int, year: int, month: int):
    return _render(_statement(workshop_id, year, month))


@bp.get("/<int:workshop_id>/<int:year>/<int:month>/settlement.csv")
@roles_required(*VIEWERS)
def settlement_csv(workshop_id: int, year: int, month: int):
    statement = _statement(workshop_id, year, month)
    number = settlement_number(workshop_id, year, month)
    return csv_response(settlement_rows(statement), f"{number}.csv")


@bp.get("/<int:workshop_id>/<int:year>/<int:month>/settlement.pdf")
@roles_required(*VIEWERS)
def settlement_pdf(workshop_id: int, year: int, month: int):
    """The confirmed settlement's stored PDF; before that a draft in the reader's language."""
    statement = _statement(workshop_id, year, month)
    stored = statement.settlement
    if stored is not None:
        content, number = stored.content, stored.number
    else:
        content = settlements.render_draft(statement, locale=str(get_locale()))
        number = settlement_number(workshop_id, year, month)
    response = send_file(
        io.BytesIO(content),
        mimetype="application/pdf",
        download_name=f"{number}.pdf",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:workshop_id>/<int:year>/<int:month>/confirm")
@roles_required(*VIEWERS)
def confirm(workshop_id: int, year: int, month: int):
    statement = _statement(workshop_id, year, month)
    if current_user.role is not Role.ADMIN:  # after the scoped lookup: others' are not found
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        settlement = settlements.confirm(
            statement.workshop, year, month, actor=current_user, locale=str(get_locale())
        )
    except DomainError as error:
        flash(message_of(error), "danger")
        return _render(statement, code=422)
    db.session.commit()
    flash(gettext("Settlement %(number)s is confirmed.", number=settlement.number), "success")
    return redirect(url_for("partners.settlement", workshop_id=workshop_id, year=year, month=month))
