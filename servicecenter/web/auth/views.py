"""Logging in and out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from ...extensions import db, limiter
from ...services import users
from ..i18n import SESSION_KEY
from ..safe_redirect import local_target
from .forms import LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = users.authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append(gettext("Wrong login or password."))
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            if user.locale:
                session[SESSION_KEY] = user.locale
            return redirect(local_target(form.next.data) or url_for("main.home"))
    # A refused login answers 422 like every other refused form.
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("auth.login"))
