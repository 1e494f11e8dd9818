"""The technician's queue: the workshop's open jobs, soonest promised date first."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from ...domain.enums import Role
from ...queries.orders import list_inbox, list_queue
from ...services.clock import local_date
from ..access import WORKSHOP_ROLES, roles_required

bp = Blueprint("workshop", __name__, url_prefix="/workshop")


@bp.get("/queue")
@roles_required(*WORKSHOP_ROLES)
def queue():
    page = list_queue(
        current_user, cursor=request.args.get("after"), limit=current_app.config["PAGE_SIZE"]
    )
    return render_template("workshop/queue.html", page=page, today=local_date())


@bp.get("/inbox")
@roles_required(Role.ADMIN, Role.MANAGER)
def inbox():
    """What was sent to the workshop and waits for its manager's answer (accept or refuse)."""
    page = list_inbox(
        current_user, cursor=request.args.get("after"), limit=current_app.config["PAGE_SIZE"]
    )
    return render_template("workshop/inbox.html", page=page, today=local_date())
