"""Deadlines: the SLA watch of the user's orders (overdue, due within a day, the 45-day legal
limit with the penalty exposure), for every staff role."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ...domain.enums import Role
from ...queries import sla as sla_queries
from ...queries.network import list_offices, list_workshops
from ...services.clock import local_date
from ..access import STAFF, roles_required
from .forms import DeadlinesFilterForm

bp = Blueprint("deadlines", __name__, url_prefix="/deadlines")


@bp.get("")
@roles_required(*STAFF)
def index():
    form, office_id, workshop_id = None, None, None
    if current_user.role is Role.ADMIN:
        form = DeadlinesFilterForm(request.args).fill(list_offices(), list_workshops())
        office_id, workshop_id = form.selected()
    condition = sla_queries.user_condition(
        current_user, office_id=office_id, workshop_id=workshop_id
    )
    watch = sla_queries.get_watchlist(condition, today=local_date())
    return render_template("deadlines/index.html", watch=watch, form=form)
