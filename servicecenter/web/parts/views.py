"""The parts catalogue (admin): list, edit, CSV import and export."""

from __future__ import annotations

from dataclasses import asdict

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from ...domain.catalogue import ImportRefused, LineError, decode
from ...domain.enums import Role
from ...domain.errors import DomainError
from ...domain.money import to_decimal
from ...extensions import db
from ...queries import catalogue as catalogue_queries
from ...services import catalogue
from ...services.clock import local_date
from ..access import roles_required
from ..downloads import csv_download
from ..errors import apply_to_form
from .forms import ActiveForm, ImportForm, PartFilterForm, PartForm

bp = Blueprint("parts", __name__, url_prefix="/admin/parts")

# A file with thousands of bad rows: the first ones say what is wrong, the count says how much.
SHOWN_PROBLEMS = 200


@bp.get("")
@roles_required(Role.ADMIN)
def index():
    form = PartFilterForm(request.args)
    form.validate()
    page = catalogue_queries.list_parts(
        form.to_filter(),
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render_template("parts/index.html", form=form, page=page)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new():
    form = PartForm()
    if form.validate_on_submit():
        try:
            part = catalogue.create_part(form.to_data(), actor=current_user)
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Part %(sku)s added.", sku=part.sku), "success")
            return redirect(url_for("parts.index", q=part.sku))
    return render_template("parts/form.html", form=form, part=None), 422 if form.errors else 200


def _initial(part) -> dict:
    data = asdict(catalogue.data_of(part))
    return {
        **data,
        "unit_cost": to_decimal(data["unit_cost"]),
        "sale_price": to_decimal(data["sale_price"]),
    }


@bp.route("/<int:part_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(part_id: int):
    part = catalogue_queries.get_part(part_id) or abort(404)
    form = PartForm(data=_initial(part))
    if form.validate_on_submit():
        try:
            catalogue.update_part(part, form.to_data(active=part.active), actor=current_user)
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Part %(sku)s saved.", sku=part.sku), "success")
            return redirect(url_for("parts.edit", part_id=part.id))
    code = 422 if form.errors else 200
    return render_template("parts/form.html", form=form, part=part), code


@bp.post("/<int:part_id>/active")
@roles_required(Role.ADMIN)
def set_active(part_id: int):
    part = catalogue_queries.get_part(part_id) or abort(404)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    catalogue.set_active(part, form.active.data == "yes", actor=current_user)
    db.session.commit()
    if part.active:
        flash(gettext("Part %(sku)s is active again.", sku=part.sku), "success")
    else:
        flash(gettext("Part %(sku)s is retired.", sku=part.sku), "success")
    return redirect(url_for("parts.edit", part_id=part.id))


@bp.get("/export.csv")
@roles_required(Role.ADMIN)
def export():
    return csv_download(catalogue.export_csv(), f"parts-{local_date().isoformat()}.csv")


def problem_text(problem: LineError) -> str:
    message = gettext(problem.template, **problem.params)
    if problem.column:
        return gettext(
            "Line %(line)s, %(column)s: %(message)s",
            line=problem.line,
            column=problem.column,
            message=message,
        )
    return gettext("Line %(line)s: %(message)s", line=problem.line, message=message)


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_file():
    form = ImportForm()
    problems: list[str] = []
    hidden = 0
    if form.validate_on_submit():
        try:
            result = catalogue.import_csv(decode(form.content), actor=current_user)
        except ImportRefused as refused:
            problems = [problem_text(p) for p in refused.errors[:SHOWN_PROBLEMS]]
            hidden = len(refused.errors) - len(problems)
            apply_to_form(refused, form)
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(
                gettext(
                    "Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.",
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                ),
                "success",
            )
            return redirect(url_for("parts.index"))
    code = 422 if form.errors or problems else 200
    return render_template("parts/import.html", form=form, problems=problems, hidden=hidden), code
