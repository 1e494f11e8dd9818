"""Home page, liveness and health checks, and the language switch."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from ...domain.enums import Role
from ...extensions import db
from ..i18n import SESSION_KEY
from ..safe_redirect import local_target

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    if current_user.role.is_workshop_staff:
        return redirect(url_for("workshop.queue"))
    if current_user.role is Role.RECEPTIONIST:
        return redirect(url_for("orders.index", open="1"))
    return redirect(url_for("orders.index"))


@bp.get("/livez")
def livez():
    """The process answers (no database): a liveness probe, and the benchmarks' ceiling."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.post("/language")
def set_language():
    """Remember the chosen interface language for this browser, then go back where we were."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session[SESSION_KEY] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return redirect(local_target(request.form.get("next")) or url_for("main.home"))
