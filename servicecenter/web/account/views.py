"""My account: every staff member chooses their interface language and changes their password."""

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
from flask_login import current_user, login_user

from ...domain.errors import DomainError
from ...extensions import db, limiter
from ...services import users
from ..access import STAFF, roles_required
from ..errors import apply_to_form
from ..i18n import SESSION_KEY
from .forms import LanguageForm, PasswordForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _render(language_form=None, password_form=None, code=200):
    return render_template(
        "account/index.html",
        language_form=language_form
        or LanguageForm(formdata=None, locale=current_user.locale or ""),
        password_form=password_form or PasswordForm(formdata=None),
    ), code


@bp.get("")
@roles_required(*STAFF)
def index():
    return _render()


@bp.post("/language")
@roles_required(*STAFF)
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        try:
            users.set_locale(current_user, form.chosen())
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            # The header's switch remembers a choice for this browser, and that choice wins
            # over the setting: the setting just made must be what this browser shows now.
            if form.chosen():
                session[SESSION_KEY] = form.chosen()
            else:
                session.pop(SESSION_KEY, None)
            flash(gettext("Language saved."), "success")
            return redirect(url_for("account.index"))
    return _render(language_form=form, code=422)


@bp.post("/password")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@roles_required(*STAFF)
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(
                current_user, current=form.current_password.data, new=form.password.data
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            # The new session stamp ended every session, this one too: log it in again, and
            # renew a remember-me cookie if this browser had one.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(current_user._get_current_object(), remember=remembered in request.cookies)
            flash(gettext("Password changed. Other computers must log in again."), "success")
            return redirect(url_for("account.index"))
    return _render(password_form=form, code=422)
