"""Follow-ups of low ratings: the office reads them, gets back to the customer, and closes them
with what was done."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from ...domain.errors import DomainError
from ...extensions import db
from ...queries.follow_ups import get_follow_up_for, list_follow_ups
from ...services import feedback as feedback_service
from ..access import OFFICE_ROLES, roles_required
from ..errors import apply_to_form
from .forms import CloseForm

bp = Blueprint("followups", __name__, url_prefix="/follow-ups")


def _prefix(follow_up_id: int) -> str:
    return f"follow-up-{follow_up_id}"


def _render(refused: CloseForm | None = None, refused_id: int | None = None, code: int = 200):
    follow_ups = list_follow_ups(current_user)
    forms = {
        item.id: refused
        if item.id == refused_id and refused is not None
        else CloseForm(formdata=None, prefix=_prefix(item.id), version=item.version)
        for item in follow_ups.open
    }
    return render_template("followups/index.html", follow_ups=follow_ups, forms=forms), code


@bp.get("")
@roles_required(*OFFICE_ROLES)
def index():
    return _render()


@bp.post("/<int:follow_up_id>/close")
@roles_required(*OFFICE_ROLES)
def close(follow_up_id: int):
    follow_up = get_follow_up_for(current_user, follow_up_id) or abort(404)
    form = CloseForm(prefix=_prefix(follow_up.id))
    if follow_up.closed_at is not None:
        flash(gettext("This follow-up was closed already."), "info")
        return redirect(url_for("followups.index"))
    if form.validate_on_submit():
        try:
            feedback_service.close_follow_up(
                follow_up,
                actor=current_user,
                action=form.action.data,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Follow-up closed."), "success")
            return redirect(url_for("followups.index"))
    return _render(form, follow_up.id, code=422)
