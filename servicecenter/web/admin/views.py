"""Network administration: the texts each office prints on its documents."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from ...domain.enums import Role
from ...domain.errors import DomainError
from ...domain.texts import TextKind, default_text
from ...extensions import db
from ...queries.network import get_office, list_offices
from ...queries.texts import current_versions, list_versions
from ...services import texts
from ..access import roles_required
from ..errors import apply_to_form
from .forms import OfficeTextForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/texts")
@roles_required(Role.ADMIN)
def texts_index():
    return render_template(
        "admin/texts.html",
        offices=list_offices(),
        kinds=list(TextKind),
        languages=current_app.config["LANGUAGES"],
        versions=current_versions(),
    )


def _text_args(office_id: int, kind: str, locale: str):
    office = get_office(office_id) or abort(404)
    if kind not in set(TextKind) or locale not in current_app.config["LANGUAGES"]:
        abort(404)
    return office, TextKind(kind), locale


@bp.route("/offices/<int:office_id>/texts/<kind>/<locale>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_text(office_id: int, kind: str, locale: str):
    office, kind, locale = _text_args(office_id, kind, locale)
    form = OfficeTextForm()
    if form.validate_on_submit():
        try:
            text = texts.revise_text(office, kind, locale, form.body.data, actor=current_user)
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Version %(version)s saved.", version=text.version), "success")
            return redirect(
                url_for("admin.edit_text", office_id=office.id, kind=kind, locale=locale)
            )
    versions = list_versions(office.id, kind, locale)
    if not form.is_submitted():
        form.body.data = versions[0].body if versions else default_text(kind, locale)
    return render_template(
        "admin/text_edit.html",
        office=office,
        kind=kind,
        locale=locale,
        form=form,
        versions=versions,
    ), 422 if form.errors else 200
