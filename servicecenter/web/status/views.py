"""The public status page: by order number and the phone's last 4 digits, or by the signed link."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from ...extensions import limiter
from ...queries.public_status import find_by_number, find_by_token
from .forms import StatusLookupForm

bp = Blueprint("status", __name__)


def status_limit() -> str:
    return current_app.config["STATUS_RATE_LIMIT"]


NOT_FOUND = _l("We could not find an order with this number and phone. Check both and try again.")


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(status_limit, methods=["POST"])
def lookup():
    form = StatusLookupForm()
    # A POST cannot be replayed by the language switch: it comes back to the lookup form, or to
    # the order's own link once the visitor has shown the order is theirs (not to a login page).
    back = url_for("status.lookup")
    if form.validate_on_submit():
        order = find_by_number(form.number.data, form.phone_last4.data)
        if order is not None:
            return render_template(
                "status/order.html",
                order=order,
                language_next=url_for("status.by_token", token=order.token),
            )
        form.form_errors.append(str(NOT_FOUND))
        return render_template("status/lookup.html", form=form, language_next=back), 404
    code = 422 if form.errors else 200
    return render_template("status/lookup.html", form=form, language_next=back), code


@bp.get("/s/<token>")
@limiter.limit(status_limit)
def by_token(token: str):
    order = find_by_token(token)
    if order is None:
        return render_template(
            "status/lookup.html", form=StatusLookupForm(), unknown_link=True
        ), 404
    return render_template("status/order.html", order=order)
